/**
 * How many bulk requests the sink keeps in flight: additive increase, multiplicative decrease
 * (AIMD, as TCP does). Backpressure (429, 503, rejected execution, the cluster unreachable) halves
 * the limit, at most once per round trip: answers to requests sent before the last decrease do not
 * lower it again, so four 429s answering four requests in flight halve it once, not four times.
 * Each full window of clean answers (as many as the limit) raises it by one, up to the maximum.
 */
export class AdaptiveConcurrency {
  private current: number;
  private epoch = 0;
  private cleanAnswers = 0;

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    if (!(min >= 1 && max >= min))
      throw new RangeError(`concurrency needs 1 <= min <= max, got ${min}..${max}`);
    this.current = max;
  }

  get limit(): number {
    return this.current;
  }

  /** Taken when a request is sent; handed back with its outcome. */
  get ticket(): number {
    return this.epoch;
  }

  /** The request sent at `ticket` met backpressure. Returns whether the limit went down. */
  onBackpressure(ticket: number): boolean {
    this.cleanAnswers = 0;
    if (ticket !== this.epoch) return false;
    this.epoch++;
    const next = Math.max(this.min, Math.floor(this.current / 2));
    const lowered = next < this.current;
    this.current = next;
    return lowered;
  }

  /** A request was answered without backpressure. Returns whether the limit went up. */
  onSuccess(): boolean {
    if (this.current >= this.max) return false;
    if (++this.cleanAnswers < this.current) return false;
    this.cleanAnswers = 0;
    this.current++;
    return true;
  }
}
