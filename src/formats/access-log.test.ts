import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRecordError } from '../core/errors.js';
import { parseAccessLogLine, parseAccessLogTime } from './access-log.js';

describe('access-log lines', () => {
  it('parses a combined-format line', () => {
    const e = parseAccessLogLine(
      '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/" "Mozilla/5.0"',
    );
    assert.deepEqual(e, {
      timestampMs: Date.UTC(2015, 4, 17, 10, 5, 3),
      ip: '83.149.9.216',
      user: '-',
      method: 'GET',
      path: '/images/kibana-search.png',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 203023,
      referrer: 'http://semicomplete.com/',
      userAgent: 'Mozilla/5.0',
    });
  });

  it('parses the common format and a "-" size', () => {
    const e = parseAccessLogLine('10.0.0.1 - bob [01/Jan/2024:00:00:00 +0100] "POST /login HTTP/1.0" 302 -');
    assert.equal(e.bytes, 0);
    assert.equal(e.user, 'bob');
    assert.equal(e.timestampMs, Date.UTC(2023, 11, 31, 23, 0, 0), 'the +0100 offset is applied');
    assert.equal(e.userAgent, '-');
  });

  it('accepts a truncated user agent without its closing quote, as real logs have', () => {
    const e = parseAccessLogLine(
      '1.2.3.4 - - [20/May/2015:12:05:17 +0000] "GET / HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1',
    );
    assert.equal(e.userAgent, 'Mozilla/5.0 (compatible; Googlebot/2.1');
  });

  it('rejects a line that is not an access-log line as bad input', () => {
    assert.throws(() => parseAccessLogLine('hello world'), InvalidRecordError);
    assert.throws(() => parseAccessLogTime('17/Foo/2015:10:05:03 +0000'), /invalid access-log timestamp/);
  });
});
