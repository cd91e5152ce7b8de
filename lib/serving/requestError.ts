/** A request the service refuses: status code and a one-line message naming the field at fault. */
export class RequestError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 413 | 503,
    message: string,
    /** Short label for the rejection counter (`bad_ticker`, `no_model` …). */
    readonly reason: string,
  ) {
    super(message);
  }
}
