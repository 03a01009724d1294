/**
 * Turns a document's `_source` into the values indexed per leaf field, growing the mapping
 * dynamically the way ES does: strings become `text` with a `.keyword` sub-field (ignore_above
 * 256) unless `date_detection` recognizes an ISO date, integers `long`, other numbers `float`,
 * booleans `boolean`, objects `object`. Keys containing dots are object paths (`{"a.b": 1}` is
 * `{"a": {"b": 1}}`), arrays are multi-valued fields, `null` means "no value".
 *
 * Called by the writer for every index/create/update, inside the bulk transaction (and by the
 * replica for rows it reads back from SQLite: loading, catching up, compacting); a document that
 * conflicts with the mapping throws `mapper_parsing_exception` and leaves the mapping untouched
 * (fields it had added are rolled back), so one bad item never changes the index for the others.
 *
 * Limits, as ES applies them per index (IndexMapping.limits, from the index settings):
 * - `index.mapping.depth.limit` (20): an object field nested deeper fails the document with
 *   `illegal_argument_exception: Limit of mapping depth [20] has been exceeded due to object field [a.b...]`;
 * - `index.mapping.total_fields.limit` (1000, objects and multi-fields included): a document whose
 *   dynamic fields would grow the mapping past it fails with `illegal_argument_exception: Limit of
 *   total fields [1000] has been exceeded while adding new fields [n]`;
 * - JSON nesting (arrays and objects together) past 1000 levels fails with `mapper_parsing_exception`
 *   as ES's JSON parser does (`StreamReadConstraints`), so no document can exhaust the call stack.
 */
import { SearchEngineError } from '../../search-engine-error.js';
import { looksLikeDate } from './date-format.js';
import { CoerceFailure, coerce, valueKind } from './field-type.js';
import {
  type IndexMapping,
  illegalMappingArgument,
  isPlainObject,
  joinPath,
  type LeafField,
  mapperError,
  type ObjectField,
} from './index-mapping.js';

export type IndexedValue = string | number;

/**
 * The indexed values of one document as parallel arrays (`fields[i]` gets `values[i]`; a field's
 * values are in source order). One instance is reused for every document, so the values need no
 * new arrays per document: consume it before parsing the next one.
 */
export interface ParsedDocument {
  readonly fields: LeafField[];
  readonly values: IndexedValue[];
  length: number;
  /** True when dynamic mapping added fields (the mapping must be persisted). */
  mappingChanged: boolean;
}

interface Addition {
  readonly parent: ObjectField;
  readonly name: string;
}

/** ES's JSON parser's nesting limit (Jackson StreamReadConstraints.maxNestingDepth). */
export const MAX_NESTING_DEPTH = 1000;

const scratch: ParsedDocument = { fields: [], values: [], length: 0, mappingChanged: false };

export function parseDocument(
  mapping: IndexMapping,
  source: Record<string, unknown>,
  id: string,
): ParsedDocument {
  const parser = new DocumentParser(mapping, id, scratch);
  scratch.length = 0;
  try {
    parser.parseObject(mapping.root, source, mapping.dynamic, 1);
  } catch (e) {
    parser.rollback();
    throw e;
  }
  scratch.mappingChanged = parser.additions.length > 0;
  return scratch;
}

class DocumentParser {
  readonly additions: Addition[] = [];
  private readonly fieldsBefore: number;

  constructor(
    private readonly mapping: IndexMapping,
    private readonly id: string,
    private readonly out: ParsedDocument,
  ) {
    this.fieldsBefore = mapping.fields.size + mapping.objects.size;
  }

  /** `nesting`: JSON levels (objects and arrays) down to `source`, the root being 1. */
  parseObject(obj: ObjectField, source: Record<string, unknown>, inherited: string, nesting: number): void {
    if (!obj.enabled) return;
    if (nesting > MAX_NESTING_DEPTH) throw nestingError(nesting);
    const dynamic = obj.dynamic ?? inherited;
    for (const key in source) {
      const value = source[key];
      // Fast path: a plain name (no dots, not blank); `trim` only runs for names starting with a space.
      if (key.indexOf('.') < 0 && key !== '' && (key.charCodeAt(0) > 32 || key.trim() !== '')) {
        this.parseValue(obj, key, value, dynamic, nesting);
        continue;
      }
      if (key.trim() === '' || key.split('.').some((p) => p === '')) {
        throw mapperError(`field name cannot be an empty string or contain empty path segments: [${key}]`);
      }
      const parts = key.split('.');
      let parent = obj;
      let parentDynamic = dynamic;
      let skipped = false;
      for (const part of parts.slice(0, -1)) {
        const child = this.objectFor(parent, part, parentDynamic);
        if (child === undefined) {
          skipped = true;
          break;
        }
        parentDynamic = child.dynamic ?? parentDynamic;
        parent = child;
      }
      if (!skipped) this.parseValue(parent, parts[parts.length - 1]!, value, parentDynamic, nesting);
    }
  }

  /** The object field `name` under `parent`, created when dynamic; undefined when dynamic is false. */
  private objectFor(parent: ObjectField, name: string, dynamic: string): ObjectField | undefined {
    const node = parent.properties.get(name);
    const path = joinPath(parent.path, name);
    if (objectDepth(path) > this.mapping.limits.depth) {
      throw illegalMappingArgument(
        `Limit of mapping depth [${this.mapping.limits.depth}] has been exceeded due to object field [${path}]`,
      );
    }
    if (node?.kind === 'object') return node;
    if (node)
      throw mapperError(
        `Could not dynamically add mapping for field [${path}]. Existing mapping for [${node.path}] must be of type object but found [${node.type}].`,
      );
    if (!this.allowNew(parent, name, dynamic)) return undefined;
    this.additions.push({ parent, name });
    const created = this.mapping.putObject(parent, name, undefined, true);
    this.checkTotalFields();
    return created;
  }

  private checkTotalFields(): void {
    const total = this.mapping.fields.size + this.mapping.objects.size;
    const limit = this.mapping.limits.totalFields;
    if (total > limit) {
      throw illegalMappingArgument(
        `Limit of total fields [${limit}] has been exceeded while adding new fields [${total - this.fieldsBefore}]`,
      );
    }
  }

  private allowNew(parent: ObjectField, name: string, dynamic: string): boolean {
    if (dynamic === 'strict') {
      throw new SearchEngineError(
        'strict_dynamic_mapping_exception',
        `mapping set to strict, dynamic introduction of [${name}] within [${parent.path || '_doc'}] is not allowed`,
        400,
      );
    }
    return dynamic === 'true';
  }

  private parseValue(
    parent: ObjectField,
    name: string,
    value: unknown,
    dynamic: string,
    nesting: number,
  ): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (nesting + 1 > MAX_NESTING_DEPTH) throw nestingError(nesting + 1);
      for (const item of value) this.parseValue(parent, name, item, dynamic, nesting + 1);
      return;
    }
    if (isPlainObject(value)) {
      const node = parent.properties.get(name);
      if (node?.kind === 'leaf') throw this.fieldError(node, value, "Can't get text on a START_OBJECT");
      const obj = this.objectFor(parent, name, dynamic);
      if (obj) this.parseObject(obj, value, dynamic, nesting + 1);
      return;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw mapperError(
        `failed to parse field [${joinPath(parent.path, name)}]: unsupported value ${typeof value}`,
      );
    }
    let node = parent.properties.get(name);
    if (node?.kind === 'object') {
      throw mapperError(
        `object mapping for [${node.path}] tried to parse field [${name}] as object, but found a concrete value`,
      );
    }
    if (node === undefined) {
      if (!this.allowNew(parent, name, dynamic)) return;
      node = this.mapping.dynamicLeaf(joinPath(parent.path, name), this.inferType(value));
      this.additions.push({ parent, name });
      this.mapping.putLeaf(parent, name, node);
      this.checkTotalFields();
    }
    this.index(node, value);
  }

  private inferType(value: string | number | boolean): 'text' | 'long' | 'float' | 'boolean' | 'date' {
    if (typeof value === 'boolean') return 'boolean';
    if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'float';
    return this.mapping.dateDetection && looksLikeDate(value) ? 'date' : 'text';
  }

  private index(field: LeafField, value: string | number | boolean): void {
    const indexed = coerce(field, value);
    if (indexed instanceof CoerceFailure) throw this.fieldError(field, value, indexed.reason);
    if (
      !(
        typeof indexed === 'string' &&
        indexed.length > field.ignoreAbove &&
        valueKind(field.type) === 'keyword'
      )
    ) {
      const out = this.out;
      out.fields[out.length] = field;
      out.values[out.length] = indexed;
      out.length++;
    }
    for (let i = 0; i < field.subFields.length; i++) this.index(field.subFields[i]!, value);
  }

  private fieldError(field: LeafField, value: unknown, cause: string): SearchEngineError {
    const preview = isPlainObject(value)
      ? `{${Object.entries(value)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ')}}`
      : String(value);
    return new SearchEngineError(
      'mapper_parsing_exception',
      `failed to parse field [${field.path}] of type [${field.type}] in document with id '${this.id}'. Preview of field's value: '${preview}'`,
      400,
      { extra: { caused_by: { type: 'illegal_argument_exception', reason: cause } } },
    );
  }

  rollback(): void {
    for (const { parent, name } of this.additions.reverse()) {
      const node = parent.properties.get(name);
      parent.properties.delete(name);
      if (node?.kind === 'leaf') {
        this.mapping.fields.delete(node.path);
        for (const sub of node.subFields) this.mapping.fields.delete(sub.path);
      } else if (node) this.mapping.objects.delete(node.path);
    }
  }
}

/** Object levels of a dot path (`a` is 1, `a.b` is 2). */
function objectDepth(path: string): number {
  let depth = 1;
  for (let i = path.indexOf('.'); i >= 0; i = path.indexOf('.', i + 1)) depth++;
  return depth;
}

function nestingError(nesting: number): SearchEngineError {
  return new SearchEngineError(
    'mapper_parsing_exception',
    `failed to parse: Document nesting depth (${nesting}) exceeds the maximum allowed (${MAX_NESTING_DEPTH})`,
    400,
  );
}
