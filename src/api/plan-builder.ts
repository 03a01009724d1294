import { ConfigError } from '../core/errors.js';
import type { JobPlan, PlanNode } from '../plan/job-plan.js';

/**
 * Accumulates the job plan while the user chains DataStream calls. Ids are `<type>-<n>` unless a
 * `uid` is given; they must stay stable across versions of a job because state is keyed by them.
 */
export class PlanBuilder {
  private readonly nodes = new Map<string, PlanNode>();
  private counter = 0;

  constructor(
    readonly defaultParallelism: number,
    readonly autoWatermarkIntervalMs: number,
  ) {}

  nextId(kind: string): string {
    this.counter++;
    return `${kind}-${this.counter}`;
  }

  add(node: PlanNode): void {
    if (this.nodes.has(node.id))
      throw new ConfigError(`an operator with id "${node.id}" already exists; uids must be unique`);
    this.nodes.set(node.id, node);
  }

  private consumersOf(id: string): PlanNode[] {
    return [...this.nodes.values()].filter((n) => n.inputs.some((e) => e.from === id));
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

  plan(name: string): JobPlan {
    return { name, nodes: [...this.nodes.values()] };
  }
}
