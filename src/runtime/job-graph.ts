import { ConfigError } from '../core/errors.js';
import type { KeySelector } from '../core/key.js';
import type { Operator } from '../core/operator.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import type { KeyedOperator } from '../state/keyed-operator.js';

/**
 * The plan of a job: what the DataStream API builds and the runtime runs. Nodes hold factories, not
 * live objects, so one plan can run many times. Node ids are stable (user `uid` or derived from the
 * position in the plan): they name state, metrics and errors.
 */
export interface JobEdge {
  readonly from: string;
  /** Consume a side output of `from` (by tag id) instead of its main output. */
  readonly sideOutput?: string;
}

interface NodeBase {
  readonly id: string;
  readonly name: string;
  readonly inputs: readonly JobEdge[];
}

export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  readonly source: Source<unknown>;
}

export interface OperatorNode extends NodeBase {
  readonly kind: 'operator';
  readonly create: () => Operator<unknown, unknown>;
}

/** Runs after keyBy: `parallelism` instances, each owning a key-group range. */
export interface KeyedOperatorNode extends NodeBase {
  readonly kind: 'keyed';
  readonly create: () => KeyedOperator<unknown, unknown>;
  readonly keySelector: KeySelector<unknown>;
  readonly parallelism: number;
}

export interface SinkNode extends NodeBase {
  readonly kind: 'sink';
  readonly sink: Sink<unknown>;
}

export type JobNode = SourceNode | OperatorNode | KeyedOperatorNode | SinkNode;

export interface JobGraph {
  readonly name: string;
  readonly nodes: readonly JobNode[];
}

/** Checks the plan and returns its nodes in topological order (every node after its inputs). */
export function topologicalOrder(graph: JobGraph): JobNode[] {
  const byId = new Map<string, JobNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id))
      throw new ConfigError(`two operators share the id "${node.id}"; give each a unique uid`);
    byId.set(node.id, node);
  }
  if (!graph.nodes.some((n) => n.kind === 'source'))
    throw new ConfigError(`job "${graph.name}" has no source`);
  if (!graph.nodes.some((n) => n.kind === 'sink')) {
    throw new ConfigError(
      `job "${graph.name}" has no sink: add .sinkTo(...) (e.g. printSink()) to at least one stream`,
    );
  }
  for (const node of graph.nodes) {
    if (node.kind === 'source' && node.inputs.length > 0)
      throw new ConfigError(`source "${node.id}" cannot have inputs`);
    if (node.kind !== 'source' && node.inputs.length === 0)
      throw new ConfigError(`operator "${node.id}" has no input`);
    for (const edge of node.inputs) {
      const from = byId.get(edge.from);
      if (from === undefined)
        throw new ConfigError(`operator "${node.id}" reads from unknown operator "${edge.from}"`);
      if (from.kind === 'sink')
        throw new ConfigError(`operator "${node.id}" cannot read from sink "${edge.from}"`);
    }
  }
  const order: JobNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: JobNode): void => {
    const s = state.get(node.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new ConfigError(`the job graph has a cycle through "${node.id}"`);
    state.set(node.id, 'visiting');
    for (const edge of node.inputs) visit(byId.get(edge.from) as JobNode);
    state.set(node.id, 'done');
    order.push(node);
  };
  for (const node of graph.nodes) visit(node);
  return order;
}
