import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './errors.js';
import { REDACTED, redact, redactError, redactText } from './redact.js';

describe('redaction', () => {
  it('hides the password of a URL and keeps the user, host and path', () => {
    assert.equal(
      redactText('cannot reach https://elastic:s3cr3t@es.example:9200/_bulk (ECONNREFUSED)'),
      `cannot reach https://elastic:${REDACTED}@es.example:9200/_bulk (ECONNREFUSED)`,
    );
    assert.equal(redactText('http://tok3nvalue@host/'), `http://${REDACTED}@host/`);
    assert.equal(redactText('http://host:9200/x'), 'http://host:9200/x');
  });

  it('hides secret query parameters and authorization credentials', () => {
    assert.equal(
      redactText('GET http://h/_search?api_key=abc123&size=1&token=zzz'),
      `GET http://h/_search?api_key=${REDACTED}&size=1&token=${REDACTED}`,
    );
    assert.equal(
      redactText('Authorization: ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g='),
      `Authorization: ApiKey ${REDACTED}`,
    );
    assert.equal(redactText('header Bearer eyJhbGciOi.J9x'), `header Bearer ${REDACTED}`);
  });

  it('hides known secret fields in configuration objects, at any depth', () => {
    const config = {
      url: 'https://u:pw@h:9200',
      auth: { username: 'u', password: 'pw' },
      apiKey: 'k-123',
      api_key: 'k-456',
      headers: [{ name: 'x', Authorization: 'Basic dTpwdw==' }],
      index: 'logs',
    };
    const shown = JSON.stringify(redact(config));
    for (const secret of ['pw', 'k-123', 'k-456', 'dTpwdw=='])
      assert.ok(!shown.includes(`${secret}"`), shown);
    assert.equal(redact(config).index, 'logs');
    assert.equal(redact(config).auth, REDACTED, 'a whole auth object is a secret');
    assert.equal(config.apiKey, 'k-123', 'the original is untouched');
  });

  it('redacts a thrown error and a log line for a URL with a password and an API key', () => {
    const url = 'https://admin:hunter2@es.local:9200/?api_key=AKIA1234';
    const error = redactError(new ConfigError(`unsupported search engine URL "${url}"`));
    assert.ok(!error.message.includes('hunter2') && !error.message.includes('AKIA1234'), error.message);
    assert.ok(!(error.stack ?? '').includes('hunter2'));
    assert.ok(error instanceof ConfigError);
    const logged: string[] = [];
    const log = (line: string) => logged.push(redactText(line));
    log(`sink: bulk to ${url} failed`);
    assert.ok(!logged[0]!.includes('hunter2') && !logged[0]!.includes('AKIA1234'), logged[0]);
  });

  it('runs in linear time on 1 MiB of URL-like text', () => {
    const text = `${'http://a'.repeat(1 << 17)}@`;
    assert.ok(redactText(text).endsWith('@'));
    assert.equal(redactText(':'.repeat(1 << 20)).length, 1 << 20);
  });

  it('survives cycles and deep objects', () => {
    const a: Record<string, unknown> = { password: 'x' };
    a.self = a;
    assert.deepEqual(redact(a), { password: REDACTED, self: REDACTED });
  });
});
