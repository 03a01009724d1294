/**
 * Merges the watermarks of a node's input channels (Flink's StatusWatermarkValve): the node's
 * watermark is the minimum over active channels; idle channels do not hold it back; when every
 * channel is idle the node takes the highest channel watermark and reports itself idle. A channel
 * whose input ended sits at +infinity. The output never goes backwards.
 */
export class WatermarkValve {
  private readonly channelWatermarks: number[];
  private readonly channelIdle: boolean[];
  private outputWatermarkMs = Number.NEGATIVE_INFINITY;
  private outputIdle = false;

  constructor(readonly channels: number) {
    this.channelWatermarks = new Array<number>(channels).fill(Number.NEGATIVE_INFINITY);
    this.channelIdle = new Array<boolean>(channels).fill(false);
  }

  get watermarkMs(): number {
    return this.outputWatermarkMs;
  }

  get idle(): boolean {
    return this.outputIdle;
  }

  /** A channel's watermark; returns the node's new watermark when it advanced. */
  onWatermark(channel: number, watermarkMs: number): number | undefined {
    if (watermarkMs > (this.channelWatermarks[channel] as number))
      this.channelWatermarks[channel] = watermarkMs;
    return this.recompute();
  }

  /** A channel became idle or active; returns what changed at the node level. */
  onIdle(channel: number, idle: boolean): { watermarkMs: number | undefined; idleChanged: boolean } {
    this.channelIdle[channel] = idle;
    const watermarkMs = this.recompute();
    const allIdle = this.channelIdle.every(Boolean);
    const idleChanged = allIdle !== this.outputIdle;
    this.outputIdle = allIdle;
    return { watermarkMs, idleChanged };
  }

  private recompute(): number | undefined {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let active = 0;
    for (let c = 0; c < this.channels; c++) {
      const w = this.channelWatermarks[c] as number;
      if (w > max) max = w;
      if (this.channelIdle[c]) continue;
      active++;
      if (w < min) min = w;
    }
    const candidate = active === 0 ? max : min;
    if (candidate > this.outputWatermarkMs) {
      this.outputWatermarkMs = candidate;
      return candidate;
    }
    return undefined;
  }

  /**
   * Adjusts a batch's inline watermarks from `channel` to what the node's watermark would have been
   * before each record: each value is capped by the other active channels' watermarks. Returns the
   * column unchanged when nothing needs capping (always, for single-channel nodes).
   */
  mergeInline(channel: number, watermarksMs: readonly number[]): readonly number[] {
    if (this.channels === 1) return watermarksMs;
    let others = Number.POSITIVE_INFINITY;
    for (let c = 0; c < this.channels; c++) {
      if (c === channel || this.channelIdle[c]) continue;
      const w = this.channelWatermarks[c] as number;
      if (w < others) others = w;
    }
    const last = watermarksMs[watermarksMs.length - 1];
    if (last === undefined || last <= others) return watermarksMs;
    return watermarksMs.map((w) => Math.min(w, others));
  }
}
