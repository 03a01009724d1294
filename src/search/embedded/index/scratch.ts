/**
 * Reusable per-document arrays for one search at a time. A search over a million documents needs
 * several million-slot arrays (scores, matching doc lists, bucket assignments); allocating them per
 * query made garbage collection, not the search, decide the p99. Each replica owns one Scratch;
 * arrays handed out stay valid until `release()`, which the search executor calls when the
 * response is built. Not for values that outlive the search.
 */
export class Scratch {
  private readonly floatPool: Float32Array[] = [];
  private floatsInUse = 0;
  private readonly intPool: Int32Array[] = [];
  private intsInUse = 0;

  /** A zeroed Float32Array of length `n`. */
  floats(n: number): Float32Array {
    let a = this.floatPool[this.floatsInUse];
    if (a === undefined || a.length < n) {
      a = new Float32Array(Math.max(n, 1024));
      this.floatPool[this.floatsInUse] = a;
    }
    this.floatsInUse++;
    const view = a.subarray(0, n);
    view.fill(0);
    return view;
  }

  /** An Int32Array of length `n` with arbitrary contents: the caller writes every slot it reads. */
  ints(n: number): Int32Array {
    let a = this.intPool[this.intsInUse];
    if (a === undefined || a.length < n) {
      a = new Int32Array(Math.max(n, 1024));
      this.intPool[this.intsInUse] = a;
    }
    this.intsInUse++;
    return a.subarray(0, n);
  }

  release(): void {
    this.floatsInUse = 0;
    this.intsInUse = 0;
  }
}
