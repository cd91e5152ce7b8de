/**
 * Shadow scoring yields to production traffic: a job waits until no prediction request is in flight
 * (or until the oldest waiting job is `maxDelayMs` old, so a sustained burst cannot starve it), then
 * every waiting job starts in the same turn of the event loop, so their candidate rows share one
 * onnxruntime run. During a burst the responses go out first and the candidate's work follows it.
 */
export class ShadowQueue {
  private jobs: (() => Promise<void>)[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private running = new Set<Promise<void>>();

  constructor(private readonly o: { maxDelayMs: number }) {}

  /** A prediction request started. */
  begin(): void {
    this.inFlight++;
  }

  /** A prediction request has its answer (its response is written in this turn). */
  end(): void {
    if (--this.inFlight === 0) this.schedule();
  }

  push(job: () => Promise<void>): void {
    this.jobs.push(job);
    if (this.jobs.length === 1) this.timer = setTimeout(() => this.drain(), this.o.maxDelayMs).unref();
    if (this.inFlight === 0) this.schedule();
  }

  /** Start everything waiting now and resolve when all started jobs are done (shutdown). */
  async settle(): Promise<void> {
    this.drain();
    await Promise.all(this.running);
  }

  private schedule(): void {
    if (this.scheduled || this.jobs.length === 0) return;
    this.scheduled = true;
    // After this turn's responses are written.
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight === 0) this.drain();
    });
  }

  private drain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) {
      const run = job().finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }
}
