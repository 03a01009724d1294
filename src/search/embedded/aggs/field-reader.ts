/**
 * How aggregations read a field's values in one index: keyword ordinals or numbers, plus what the
 * response needs to render keys (dates get `key_as_string`, booleans `true`/`false`). A field that
 * is unmapped in an index reads as "no values" there, as in ES; a `text` field is refused with ES's
 * fielddata error.
 */
import { illegalArgument } from '../../search-engine-error.js';
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
    throw illegalArgument(
      `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${leaf.path}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
    );
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

/** Calls `fn` for each numeric value of `doc` (nothing for keyword or unmapped fields). */
export function forEachNumber(reader: FieldReader, doc: number, fn: (value: number) => void): void {
  if (reader.kind !== 'number' || reader.column === undefined) return;
  reader.column.forEachValue(doc, fn);
}
