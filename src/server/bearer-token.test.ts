import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerTokenMatches } from './bearer-token.js';

describe('bearer token check', () => {
  it('accepts exactly the configured token, with the scheme in any case', () => {
    assert.equal(bearerTokenMatches('Bearer s3cret', 's3cret'), true);
    assert.equal(bearerTokenMatches('bearer s3cret', 's3cret'), true);
    assert.equal(bearerTokenMatches('Bearer  s3cret ', 's3cret'), true);
  });

  it('refuses a missing header, another scheme, a prefix, a longer token and an empty one', () => {
    assert.equal(bearerTokenMatches(undefined, 's3cret'), false);
    assert.equal(bearerTokenMatches('Basic czNjcmV0', 's3cret'), false);
    assert.equal(bearerTokenMatches('s3cret', 's3cret'), false);
    assert.equal(bearerTokenMatches('Bearer s3cre', 's3cret'), false);
    assert.equal(bearerTokenMatches('Bearer s3cret2', 's3cret'), false);
    assert.equal(bearerTokenMatches('Bearer ', 's3cret'), false);
    assert.equal(bearerTokenMatches('Bearer s3cret extra', 's3cret'), false);
  });
});
