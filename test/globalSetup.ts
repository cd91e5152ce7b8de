// Placeholder replaced by the Temporal dev-server set-up (see test/support/). Library tests need nothing.
export default async function setup(): Promise<void> {}
