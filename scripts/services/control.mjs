// Stopping and starting single nodes of a running cluster through Cluster.java's control API, for
// failure tests (a node of three dies while writing, then comes back). Each call waits, bounded,
// until the node's HTTP port refuses connections (stop) or answers GET / again (start).
import { setTimeout as sleep } from 'node:timers/promises';
import { httpGet, httpGetJson, tcpAccepts } from './probe.mjs';
import { readRunningService } from './service.mjs';

/**
 * action 'stop' | 'start' | 'status' on node `node` (0-based) of the running cluster `name`.
 * Resolves the control API's answer (for 'status': one "K running|closed" line per node).
 */
export async function controlCluster(name, action, node, { timeoutMs = 120_000 } = {}) {
  const info = readRunningService(name);
  if (!info)
    throw new Error(
      `cluster ${name} is not running (start it with npm run cluster -- start --name ${name} ...)`,
    );
  if (!info.controlUrl) throw new Error(`service ${name} is not a cluster with a control API`);
  if (!['stop', 'start', 'status'].includes(action))
    throw new Error(`unknown action ${action}: use stop, start or status`);
  if (action === 'status') return (await mustGet(`${info.controlUrl}/status`, 10_000)).trim();
  if (!Number.isInteger(node) || node < 0 || node >= info.urls.length) {
    throw new Error(`node must be 0..${info.urls.length - 1} for ${name}, got ${node}`);
  }
  const answer = (await mustGet(`${info.controlUrl}/${action}?node=${node}`, timeoutMs)).trim();
  if (answer.startsWith('error')) throw new Error(`${name}: ${action} node ${node} failed: ${answer}`);
  const port = Number(new URL(info.urls[node]).port);
  const t0 = performance.now();
  for (;;) {
    const done =
      action === 'stop'
        ? !(await tcpAccepts(port, 1000))
        : (await httpGetJson(`${info.urls[node]}/`)) !== undefined;
    if (done) return answer;
    if (performance.now() - t0 > timeoutMs) {
      throw new Error(
        `${name}: node ${node} (${info.urls[node]}) did not ${action} within ${timeoutMs / 1000} s`,
      );
    }
    await sleep(250);
  }
}

async function mustGet(url, timeoutMs) {
  const res = await httpGet(url, timeoutMs);
  if (!res) throw new Error(`control API ${url} did not answer within ${timeoutMs / 1000} s`);
  if (res.status !== 200) throw new Error(`control API ${url} answered ${res.status}: ${res.body.trim()}`);
  return res.body;
}
