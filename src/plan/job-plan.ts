import type { Key } from '../core/key.js';
import type { Operator } from '../core/operator.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import type { KeyedOperator } from '../state/keyed-operator.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';

/**
 * The plan of a job: what the DataStream API (and, later, SQL) builds and the runtime runs. It is
 * data first: every node records its `type` (`map`, `window`, `keyedProcess`, `union`, ...) and a
 * `config` of plain JSON values (window sizes, lateness, key names, parallelism) that `explain()`
 * prints, tests compare and a worker could rebuild from; user code that cannot be serialized
 * (lambdas, process functions) is kept apart and turned into a running operator by `create`, which
 * the API derives from (type, config, user code) through its operator catalog. Node ids are stable
 * (the user's `uid` or derived from the position in the plan): they name state, metrics, errors and
 * checkpoint entries.
 *
 * Edges say how records travel between the instances of two nodes:
 * - `forward`: upstream instance i feeds downstream instance i mod p (one-to-one when both have the
 *   same parallelism, all-to-one into a single instance);
 * - `hash`: by the key group of `key(record)`, so each key always reaches the same instance (keyBy);
 * - `broadcast`: every record to every downstream instance (broadcast state, rules);
 * - `rebalance`: round robin over downstream instances, batch by batch.
 * Watermarks, idleness and end-of-input go to every downstream instance whatever the kind.
 */
export type Partitioning =
  | { readonly kind: 'forward' }
  | { readonly kind: 'hash'; readonly key: (value: unknown) => Key }
  | { readonly kind: 'broadcast' }
  | { readonly kind: 'rebalance' };

export type PartitionKind = Partitioning['kind'];

export interface PlanEdge {
  readonly from: string;
  /** Consume a side output of `from` (by tag id) instead of its main output. */
  readonly sideOutput?: string;
  readonly partitioning: Partitioning;
}

/** Plain JSON values only: what the node is, as `explain()` shows it and a worker would rebuild it. */
export type PlanConfig = Readonly<Record<string, unknown>>;

/** Which instance an operator is built for; user logic is built once per instance, never shared. */
export interface InstanceInfo {
  readonly index: number;
  readonly parallelism: number;
}

interface PlanNodeBase {
  readonly id: string;
  readonly name: string;
  /** What the node does, e.g. `map`, `window`, `source`, `sink`. */
  readonly type: string;
  readonly config: PlanConfig;
  readonly inputs: readonly PlanEdge[];
  readonly parallelism: number;
}

export interface SourcePlanNode extends PlanNodeBase {
  readonly kind: 'source';
  readonly source: Source<unknown>;
  /** Watermarks generated per split in the source node (`fromSource(source, { watermarks })`). */
  readonly watermarks: WatermarkStrategy<unknown> | undefined;
}

export interface OperatorPlanNode extends PlanNodeBase {
  readonly kind: 'operator';
  /** Keyed operators (after a `hash` edge) get keyed state and timers for their key-group range. */
  readonly keyed: boolean;
  /** Builds the operator of one instance, with its own user logic. */
  readonly create: (instance: InstanceInfo) => Operator<unknown, unknown> | KeyedOperator<unknown, unknown>;
}

export interface SinkPlanNode extends PlanNodeBase {
  readonly kind: 'sink';
  readonly sink: Sink<unknown>;
}

export type PlanNode = SourcePlanNode | OperatorPlanNode | SinkPlanNode;

export interface JobPlan {
  readonly name: string;
  readonly nodes: readonly PlanNode[];
}
