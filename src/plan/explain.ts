import type { JobPlan, PlanConfig, PlanEdge, PlanNode } from './job-plan.js';
import { topologicalOrder } from './topological-order.js';

/**
 * The plan as text, one line per node in topological order, for `env.explain()` and
 * `sluice run --explain`: id, type, parallelism, config, and where each input comes from and how
 * (forward, hash, broadcast, rebalance). Stable for a given plan, so tests compare it verbatim.
 */
export function explainPlan(plan: JobPlan): string {
  const lines = [`job "${plan.name}"`];
  for (const node of topologicalOrder(plan)) lines.push(`  ${describeNode(node)}`);
  return lines.join('\n');
}

function describeNode(node: PlanNode): string {
  const parts = [`${node.id}: ${node.type}`];
  if (node.name !== node.id && node.name !== node.type) parts.push(`"${node.name}"`);
  if (node.parallelism !== 1) parts.push(`x${node.parallelism}`);
  const config = formatConfig(node.config);
  if (config.length > 0) parts.push(config);
  if (node.inputs.length > 0) parts.push(`<- ${node.inputs.map(describeEdge).join(', ')}`);
  return parts.join(' ');
}

function describeEdge(edge: PlanEdge): string {
  const from = edge.sideOutput === undefined ? edge.from : `${edge.from}[${edge.sideOutput}]`;
  return `${from} (${edge.partitioning.kind})`;
}

function formatConfig(config: PlanConfig): string {
  const entries = Object.entries(config).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}}`;
}

/** The serializable part of a plan (everything but user code and connector objects), as JSON. */
export function planToJson(plan: JobPlan): unknown {
  return {
    name: plan.name,
    nodes: plan.nodes.map((n) => ({
      id: n.id,
      name: n.name,
      kind: n.kind,
      type: n.type,
      parallelism: n.parallelism,
      config: n.config,
      inputs: n.inputs.map((e) => ({
        from: e.from,
        ...(e.sideOutput === undefined ? {} : { sideOutput: e.sideOutput }),
        partitioning: e.partitioning.kind,
      })),
    })),
  };
}
