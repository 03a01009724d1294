/**
 * A binary min-heap of finite numbers; the timer queues' and the processing-time scheduler's index
 * of distinct timestamps. It refuses NaN and ±Infinity: NaN compares false with everything, so one
 * NaN breaks the heap order for the real values too (a NaN timer once delayed every other timer of
 * the job), and an infinite time is never "due" in a way the caller can mean.
 */
export class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  /** @throws RangeError when `value` is NaN or infinite. */
  push(value: number): void {
    if (!Number.isFinite(value)) throw nonFiniteTime(value);
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] as number;
      if (p <= value) break;
      a[i] = p;
      i = parent;
    }
    a[i] = value;
  }

  pop(): number | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as number;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (a[r] as number) < (a[l] as number) ? r : l;
        if ((a[c] as number) >= last) break;
        a[i] = a[c] as number;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** The error for a timer or schedule time that is not a finite number of epoch ms. */
export function nonFiniteTime(timestampMs: number): RangeError {
  return new RangeError(
    `a timer time must be a finite number of epoch ms, got ${String(timestampMs)} (a window or trigger computed it from an unbounded or missing time)`,
  );
}
