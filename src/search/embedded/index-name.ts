/** ES's index-name rules, checked on create and on auto-create by bulk. */
import { SearchEngineError } from '../search-engine-error.js';

export function validateIndexName(name: string): void {
  const invalid = (why: string) =>
    new SearchEngineError('invalid_index_name_exception', `Invalid index name [${name}], ${why}`, 400, {
      extra: { index_uuid: '_na_', index: name },
    });
  if (name === '' || name === '.' || name === '..') throw invalid("must not be empty, '.' or '..'");
  if (name !== name.toLowerCase()) throw invalid('must be lowercase');
  if (/[\\/*?"<>| ,#:]/.test(name))
    throw invalid('must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  if (/^[-_+]/.test(name)) throw invalid("must not start with '_', '-', or '+'");
  if (Buffer.byteLength(name) > 255) throw invalid('index name is too long');
}
