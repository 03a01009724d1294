import { ConfigError } from '../core/errors.js';
import type { JobPlan, PlanNode } from './job-plan.js';

/**
 * Checks the plan and returns its nodes in topological order (every node after its inputs). Called
 * by the runtime before anything starts, so a bad plan fails `executeAsync` itself.
 */
export function topologicalOrder(plan: JobPlan): PlanNode[] {
  const byId = new Map<string, PlanNode>();
  for (const node of plan.nodes) {
    if (byId.has(node.id))
      throw new ConfigError(`two operators share the id "${node.id}"; give each a unique uid`);
    byId.set(node.id, node);
  }
  if (!plan.nodes.some((n) => n.kind === 'source')) throw new ConfigError(`job "${plan.name}" has no source`);
  if (!plan.nodes.some((n) => n.kind === 'sink')) {
    throw new ConfigError(
      `job "${plan.name}" has no sink: add .sinkTo(...) (e.g. printSink()) to at least one stream`,
    );
  }
  for (const node of plan.nodes) {
    if (!Number.isInteger(node.parallelism) || node.parallelism < 1)
      throw new ConfigError(
        `operator "${node.id}" has parallelism ${node.parallelism}; it must be an integer >= 1`,
      );
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
    if (node.kind === 'operator' && node.keyed && !node.inputs.every((e) => e.partitioning.kind === 'hash'))
      throw new ConfigError(`keyed operator "${node.id}" must read every input through a keyBy (hash) edge`);
  }
  const order: PlanNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: PlanNode): void => {
    const s = state.get(node.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new ConfigError(`the job plan has a cycle through "${node.id}"`);
    state.set(node.id, 'visiting');
    for (const edge of node.inputs) visit(byId.get(edge.from) as PlanNode);
    state.set(node.id, 'done');
    order.push(node);
  };
  for (const node of plan.nodes) visit(node);
  return order;
}
