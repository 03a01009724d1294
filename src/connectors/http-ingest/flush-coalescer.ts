/**
 * Shares sink flushes between the requests that wait for their records to be written
 * (`?wait=written`): a request that asks while a flush runs joins the next one (the running flush
 * may have begun before its records reached the sinks), and every request that asks meanwhile
 * shares that next one. So N waiting requests cost at most two flushes, not N.
 */
export class FlushCoalescer {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly flush: () => Promise<unknown>) {}

  /** Resolves after a flush that began after this call. */
  request(): Promise<void> {
    const running = this.running;
    if (running === undefined) return this.start();
    this.next ??= running
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<void> {
    const flushed = this.flush().then(() => {});
    this.running = flushed;
    const clear = () => {
      if (this.running === flushed) this.running = undefined;
    };
    flushed.then(clear, clear);
    return flushed;
  }
}
