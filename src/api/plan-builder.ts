import { ConfigError } from '../core/errors.js';
import type { JobEdge, JobGraph, JobNode } from '../runtime/job-graph.js';

/**
 * Accumulates the job graph while the user chains DataStream calls. Ids are `<kind>-<n>` unless a
 * `uid` is given; they must stay stable across versions of a job because state is keyed by them.
 */
export class PlanBuilder {
  private readonly nodes = new Map<string, JobNode>();
  private counter = 0;

  constructor(
    readonly defaultParallelism: number,
    readonly autoWatermarkIntervalMs: number,
  ) {}

  nextId(kind: string): string {
    this.counter++;
    return `${kind}-${this.counter}`;
  }

  add(node: JobNode): void {
    if (this.nodes.has(node.id))
      throw new ConfigError(`an operator with id "${node.id}" already exists; uids must be unique`);
    this.nodes.set(node.id, node);
  }

  private consumersOf(id: string): JobNode[] {
    return [...this.nodes.values()].filter((n) => n.inputs.some((e: JobEdge) => e.from === id));
  }

  /** Gives a node a user-chosen id (Flink's `uid`); only before anything reads from it. */
  setUid(id: string, uid: string): void {
    if (uid.length === 0) throw new ConfigError('uid must not be empty');
    if (id === uid) return;
    const node = this.nodes.get(id);
    if (node === undefined) throw new ConfigError(`unknown operator "${id}"`);
    if (this.consumersOf(id).length > 0) {
      throw new ConfigError(
        `set uid("${uid}") right after creating the operator, before other streams read from it`,
      );
    }
    if (this.nodes.has(uid))
      throw new ConfigError(`an operator with id "${uid}" already exists; uids must be unique`);
    this.nodes.delete(id);
    this.nodes.set(uid, { ...node, id: uid });
  }

  setName(id: string, name: string): void {
    const node = this.nodes.get(id);
    if (node === undefined) throw new ConfigError(`unknown operator "${id}"`);
    this.nodes.set(id, { ...node, name });
  }

  graph(name: string): JobGraph {
    return { name, nodes: [...this.nodes.values()] };
  }
}
