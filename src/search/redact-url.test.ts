import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSecrets, redactUrl } from './redact-url.js';

test('redactUrl hides the user info of a URL and leaves other text alone', () => {
  assert.equal(redactUrl('https://elastic:s3cret@host:9200/x'), 'https://***@host:9200/x');
  assert.equal(redactUrl('http://host:9200'), 'http://host:9200');
  assert.equal(redactUrl('embedded:./data'), 'embedded:./data');
});

test('redactSecrets replaces every named secret and every URL user info inside a text', () => {
  const text = redactSecrets('token abc123 in http://u:pw@h and again abc123', ['abc123', '']);
  assert.equal(text, 'token *** in http://***@h and again ***');
});
