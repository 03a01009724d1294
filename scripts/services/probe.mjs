// Small network probes used to decide whether a service is up: one HTTP GET with a timeout, and a
// TCP connect. Both only ever talk to 127.0.0.1 and never throw for "not answering".
import { request } from 'node:http';
import { connect } from 'node:net';

/** GET `url`; resolves { status, body } or undefined when nothing answers within `timeoutMs`. */
export function httpGet(url, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** GET `url` and parse JSON; undefined when it does not answer 200 with JSON. */
export async function httpGetJson(url, timeoutMs = 3000) {
  const res = await httpGet(url, timeoutMs);
  if (res?.status !== 200) return undefined;
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

/** True when a TCP connection to 127.0.0.1:`port` is accepted within `timeoutMs`. */
export function tcpAccepts(port, timeoutMs = 2000, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
