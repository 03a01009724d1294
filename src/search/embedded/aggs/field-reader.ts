/**
 * How aggregations read a field's values in one index: keyword ordinals or numbers, plus what the
 * response needs to render keys (dates get `key_as_string`, booleans `true`/`false`). A field that
 * is unmapped in an index reads as "no values" there, as in ES; a `text` field is refused with ES's
 * fielddata error.
 */
import { fielddataDisabled } from '../../search-engine-error.js';
import type { KeywordColumn } from '../index/keyword-column.js';
import type { NumericColumn } from '../index/numeric-column.js';
import { DEFAULT_DATE_FORMAT } from '../mapping/date-format.js';
import { type LeafType, valueKind } from '../mapping/field-type.js';
import type { SearchTarget } from '../search/search-target.js';

export type FieldReader =
  | { readonly kind: 'keyword'; readonly type: LeafType; readonly column: KeywordColumn | undefined }
  | {
      readonly kind: 'number';
      readonly type: LeafType;
      readonly format: string;
      readonly column: NumericColumn | undefined;
    }
  | { readonly kind: 'unmapped' };

export function fieldReader(target: SearchTarget, field: string): FieldReader {
  const leaf = target.mapping.fields.get(field);
  if (leaf === undefined) return { kind: 'unmapped' };
  const kind = valueKind(leaf.type);
  if (kind === 'text') {
    throw fielddataDisabled(leaf.path);
  }
  const column = target.memory.columns.get(field);
  if (kind === 'keyword')
    return { kind: 'keyword', type: leaf.type, column: column as KeywordColumn | undefined };
  return {
    kind: 'number',
    type: leaf.type,
    format: leaf.format || DEFAULT_DATE_FORMAT,
    column: column as NumericColumn | undefined,
  };
}

/** The first mapped type of `field` across the searched indices (decides how keys render). */
export function fieldTypeAcross(readers: readonly FieldReader[]): FieldReader | undefined {
  return readers.find((r) => r.kind !== 'unmapped');
}
