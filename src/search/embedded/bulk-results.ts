/**
 * The item results of one bulk, recorded without an object per item: a successful write (the
 * common case, thousands per bulk) is a few numbers in typed arrays, and `items()` builds ES's
 * response shape only when someone reads it. Why: the writer's thread is the engine's bottleneck,
 * and two result objects per document lived through the whole bulk, so young garbage collections
 * copied and promoted them; a sink that sees `errors: false` never needs them at all.
 * Failures, deletes and noops are rare and kept as the objects they are.
 */
import type { BulkItemResult, BulkOpType, BulkResponseItem } from '../bulk.js';

/** The `_shards` of a write to the engine's one shard. */
export const SHARDS = { total: 1, successful: 1, failed: 0 } as const;

/** What a slot holds: a recorded item object, or a write with its op and result. */
enum Slot {
  Item = 0,
  Created = 1,
  Updated = 2,
}

const OPS: readonly BulkOpType[] = ['index', 'create', 'update', 'delete'];

export class BulkResults {
  private readonly kinds: Uint8Array;
  private readonly ops: Uint8Array;
  private readonly versions: Float64Array;
  private readonly seqs: Float64Array;
  private readonly indexNames: string[];
  private readonly ids: string[];
  private readonly recorded: (BulkResponseItem | undefined)[];
  private built: BulkResponseItem[] | undefined;

  constructor(readonly size: number) {
    this.kinds = new Uint8Array(size);
    this.ops = new Uint8Array(size);
    this.versions = new Float64Array(size);
    this.seqs = new Float64Array(size);
    this.indexNames = new Array(size);
    this.ids = new Array(size);
    this.recorded = new Array(size);
  }

  /** A document written at `seq` with `version` (index, create, or update/upsert). */
  written(
    slot: number,
    op: 'index' | 'create' | 'update',
    indexName: string,
    id: string,
    version: number,
    seq: number,
    result: 'created' | 'updated',
  ): void {
    this.kinds[slot] = result === 'created' ? Slot.Created : Slot.Updated;
    this.ops[slot] = OPS.indexOf(op);
    this.indexNames[slot] = indexName;
    this.ids[slot] = id;
    this.versions[slot] = version;
    this.seqs[slot] = seq;
  }

  /** Any other outcome, as its response item. */
  item(slot: number, item: BulkResponseItem): void {
    this.kinds[slot] = Slot.Item;
    this.recorded[slot] = item;
  }

  /** The response items, in action order (built once, on first call). */
  items(): BulkResponseItem[] {
    if (this.built !== undefined) return this.built;
    const items: BulkResponseItem[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const kind = this.kinds[i] as Slot;
      if (kind === Slot.Item) {
        items[i] = this.recorded[i] as BulkResponseItem;
        continue;
      }
      const created = kind === Slot.Created;
      const result: BulkItemResult = {
        _index: this.indexNames[i] as string,
        _id: this.ids[i] as string,
        _version: this.versions[i] as number,
        result: created ? 'created' : 'updated',
        _shards: SHARDS,
        _seq_no: (this.seqs[i] as number) - 1,
        _primary_term: 1,
        status: created ? 201 : 200,
      };
      items[i] = { [OPS[this.ops[i] as number] as BulkOpType]: result };
    }
    this.built = items;
    return items;
  }
}
