import { reject } from '../core/errors.js';

/**
 * One request from an Apache/NGINX access log in the common or combined format:
 *   %h %l %u [%t] "%r" %>s %b ["%{Referer}i" "%{User-agent}i"]
 * `bytes` is 0 for "-"; `referrer` and `userAgent` are "-" when absent (common format).
 */
export interface AccessLogEntry {
  readonly timestampMs: number;
  readonly ip: string;
  readonly user: string;
  readonly method: string;
  readonly path: string;
  readonly protocol: string;
  readonly status: number;
  readonly bytes: number;
  readonly referrer: string;
  readonly userAgent: string;
}

// The fixed head of a line, up to the response size. Each part has one reading (`\S+` then a space,
// `[^\]]+` then `]`, `[^"]*` then `"`), so a failed match costs one pass, never a backtracking search.
const HEAD = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+|-)/;
const TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** Parses `17/May/2015:10:05:03 +0000` to epoch ms. */
export function parseAccessLogTime(text: string): number {
  const m = TIME.exec(text);
  const month = m === null ? undefined : MONTHS[m[2] as string];
  if (m === null || month === undefined) return reject(`invalid access-log timestamp "${text}"`);
  const offsetMs = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMs;
}

/**
 * Parses one access-log line. A line that does not match is bad input: it is rejected (and so goes
 * to the dead-letter output when used in `map`/`flatMap`), never silently dropped.
 */
export function parseAccessLogLine(line: string): AccessLogEntry {
  const m = HEAD.exec(line);
  const tail = m === null ? undefined : combinedTail(line, m[0].length);
  if (m === null || tail === undefined) return reject('not an access-log line in common or combined format');
  const request = (m[5] as string).split(' ');
  return {
    timestampMs: parseAccessLogTime(m[4] as string),
    ip: m[1] as string,
    user: m[3] as string,
    method: request.length === 3 ? (request[0] as string) : '-',
    path: request.length === 3 ? (request[1] as string) : (m[5] as string),
    protocol: request.length === 3 ? (request[2] as string) : '-',
    status: Number(m[6]),
    bytes: m[7] === '-' ? 0 : Number(m[7]),
    referrer: tail.referrer,
    userAgent: tail.userAgent,
  };
}

/**
 * What follows the size, scanned once: nothing but whitespace (common format), or
 * ` "referrer" "user agent"` and trailing whitespace (combined). The user agent's closing quote is
 * optional: real logs truncate long agents (apache_logs line 8899 does); an unclosed agent runs to
 * the end of the line. Undefined when the rest is anything else. (A single RegExp for this part,
 * `(?: "([^"]*)" "([^"]*)"?)?\s*$`, was quadratic: 60,000 spaces and `"x` took 4 s.)
 */
function combinedTail(line: string, from: number): { referrer: string; userAgent: string } | undefined {
  if (isBlankFrom(line, from)) return { referrer: '-', userAgent: '-' };
  if (!line.startsWith(' "', from)) return undefined;
  const referrerEnd = line.indexOf('"', from + 2);
  if (referrerEnd < 0 || !line.startsWith(' "', referrerEnd + 1)) return undefined;
  const agentStart = referrerEnd + 3;
  const agentEnd = line.indexOf('"', agentStart);
  const referrer = line.slice(from + 2, referrerEnd);
  if (agentEnd < 0) return { referrer, userAgent: line.slice(agentStart) };
  if (!isBlankFrom(line, agentEnd + 1)) return undefined;
  return { referrer, userAgent: line.slice(agentStart, agentEnd) };
}

function isBlankFrom(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    if (!WHITESPACE.test(text[i] as string)) return false;
  }
  return true;
}

const WHITESPACE = /\s/;
