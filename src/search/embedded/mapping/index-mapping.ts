/**
 * An index's mapping: a tree of object fields whose leaves are typed fields, plus a flat lookup by
 * dot path (`server_zones.hg.nginx.org.requests`, `message.keyword`) for queries and aggregations.
 * Built from ES mapping JSON (explicit mappings at index creation) and grown by dynamic mapping as
 * documents arrive; `toJson()` renders it back exactly as `GET /<index>/_mapping` shows it.
 */
import type { FieldMapping, IndexMappings } from '../../index-admin.js';
import { SearchEngineError } from '../../search-engine-error.js';
import { starPattern } from '../wildcard.js';
import { validateDateFormat } from './date-format.js';
import { LEAF_TYPES, type LeafOptions, type LeafType } from './field-type.js';

export type DynamicSetting = 'true' | 'false' | 'strict';

export interface LeafField extends LeafOptions {
  readonly kind: 'leaf';
  readonly path: string;
  /** Multi-fields (`fields: { keyword: {...} }`), indexed from the same value under `path.name`. */
  readonly subFields: readonly LeafField[];
  /** Explicit options to render back in the mapping JSON. */
  readonly json: FieldMapping;
}

export interface ObjectField {
  readonly kind: 'object';
  readonly path: string;
  readonly properties: Map<string, MappingNode>;
  readonly dynamic: DynamicSetting | undefined;
  readonly enabled: boolean;
}

export type MappingNode = LeafField | ObjectField;

export function mapperError(reason: string): SearchEngineError {
  return new SearchEngineError('mapper_parsing_exception', reason, 400);
}

/** A mapping limit exceeded (ES reports these as `illegal_argument_exception`). */
export function illegalMappingArgument(reason: string): SearchEngineError {
  return new SearchEngineError('illegal_argument_exception', reason, 400);
}

/** ES's `index.mapping.depth.limit` and `index.mapping.total_fields.limit`. */
export interface MappingLimits {
  /** Object levels a field may be nested in (`a.b.c` is at depth 3 for its object `a.b`). */
  readonly depth: number;
  /** Leaf fields, multi-fields and objects together. */
  readonly totalFields: number;
}

export const DEFAULT_MAPPING_LIMITS: MappingLimits = { depth: 20, totalFields: 1000 };

const LEAF_OPTIONS = new Set([
  'type',
  'fields',
  'ignore_above',
  'format',
  'coerce',
  'analyzer',
  'search_analyzer',
  'index',
  'doc_values',
  'store',
  'norms',
]);

export class IndexMapping {
  readonly root: ObjectField;
  /** Every leaf and multi-field by full dot path. */
  readonly fields = new Map<string, LeafField>();
  readonly objects = new Map<string, ObjectField>();
  /** Checked when documents are parsed (document-parser.ts), from the index settings. */
  limits: MappingLimits = DEFAULT_MAPPING_LIMITS;

  private constructor(
    readonly dynamic: DynamicSetting,
    readonly dateDetection: boolean,
  ) {
    this.root = { kind: 'object', path: '', properties: new Map(), dynamic, enabled: true };
  }

  static fromJson(json: IndexMappings | undefined, limits?: MappingLimits): IndexMapping {
    const source = (json ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const sourceEnabled =
        key === '_source' &&
        isPlainObject(source._source) &&
        Object.keys(source._source).every((k) => k === 'enabled') &&
        source._source.enabled !== false;
      if (key !== 'properties' && key !== 'dynamic' && key !== 'date_detection' && !sourceEnabled) {
        throw mapperError(
          `Root mapping definition has unsupported parameters:  [${key} : ${JSON.stringify(source[key])}]`,
        );
      }
    }
    const mapping = new IndexMapping(parseDynamic(source.dynamic) ?? 'true', source.date_detection !== false);
    mapping.addProperties(mapping.root, source.properties);
    if (limits !== undefined) mapping.limits = limits;
    return mapping;
  }

  /** Adds (or checks against) ES `properties` JSON under `parent`. */
  private addProperties(parent: ObjectField, properties: unknown): void {
    if (properties === undefined) return;
    if (!isPlainObject(properties)) throw mapperError('Expected map for property [properties]');
    for (const [name, spec] of Object.entries(properties)) {
      if (!isPlainObject(spec)) throw mapperError(`Expected map for property [fields] on field [${name}]`);
      const parts = name.split('.');
      let at = parent;
      for (const part of parts.slice(0, -1)) at = this.objectChild(at, part);
      this.addField(at, parts[parts.length - 1]!, spec as FieldMapping);
    }
  }

  private objectChild(parent: ObjectField, name: string): ObjectField {
    const existing = parent.properties.get(name);
    if (existing?.kind === 'object') return existing;
    if (existing)
      throw mapperError(`can't merge a non object mapping [${existing.path}] with an object mapping`);
    const obj = this.putObject(parent, name, undefined, true);
    return obj;
  }

  private addField(parent: ObjectField, name: string, spec: FieldMapping): void {
    const type = spec.type ?? 'object';
    if (type === 'object' || type === 'nested') {
      if (type === 'nested')
        throw mapperError(
          `field type [nested] of [${joinPath(parent.path, name)}] is not supported by the embedded engine`,
        );
      const obj = this.objectChild(parent, name);
      const dynamic = parseDynamic(spec.dynamic);
      const updated: ObjectField = {
        ...obj,
        dynamic: dynamic ?? obj.dynamic,
        enabled: spec.enabled !== false,
      };
      parent.properties.set(name, updated);
      this.objects.set(updated.path, updated);
      this.addProperties(updated, spec.properties);
      return;
    }
    const leaf = this.buildLeaf(joinPath(parent.path, name), spec);
    const existing = parent.properties.get(name);
    if (existing && (existing.kind !== 'leaf' || existing.type !== leaf.type)) {
      throw mapperError(
        `mapper [${leaf.path}] cannot be changed from type [${existing.kind === 'leaf' ? existing.type : 'object'}] to [${leaf.type}]`,
      );
    }
    this.putLeaf(parent, name, leaf);
  }

  private buildLeaf(path: string, spec: FieldMapping): LeafField {
    const type = String(spec.type);
    if (!LEAF_TYPES.has(type)) throw mapperError(`No handler for type [${type}] declared on field [${path}]`);
    for (const key of Object.keys(spec)) {
      if (!LEAF_OPTIONS.has(key))
        throw mapperError(`unknown parameter [${key}] on mapper [${path}] of type [${type}]`);
    }
    for (const key of ['analyzer', 'search_analyzer'] as const) {
      if (spec[key] !== undefined && spec[key] !== 'standard') {
        throw mapperError(
          `analyzer [${String(spec[key])}] on field [${path}] is not supported by the embedded engine (only [standard])`,
        );
      }
    }
    for (const key of ['index', 'doc_values', 'store', 'norms'] as const) {
      if (spec[key] !== undefined && typeof spec[key] !== 'boolean')
        throw mapperError(`Failed to parse [${key}] on field [${path}]`);
      // index: false and norms: false change what matches or how it scores: refuse rather than ignore.
      if (spec[key] === false && (key === 'index' || key === 'norms')) {
        throw mapperError(`[${key}: false] on field [${path}] is not supported by the embedded engine`);
      }
    }
    if (spec.format !== undefined) {
      if (type !== 'date')
        throw mapperError(`unknown parameter [format] on mapper [${path}] of type [${type}]`);
      try {
        validateDateFormat(String(spec.format));
      } catch (e) {
        throw mapperError(`Invalid format: [${String(spec.format)}]: ${(e as Error).message}`);
      }
    }
    const subFields: LeafField[] = [];
    if (spec.fields !== undefined) {
      if (!isPlainObject(spec.fields))
        throw mapperError(`Expected map for property [fields] on field [${path}]`);
      for (const [sub, subSpec] of Object.entries(spec.fields)) {
        if (!isPlainObject(subSpec))
          throw mapperError(`Expected map for property [fields] on field [${path}.${sub}]`);
        subFields.push(this.buildLeaf(`${path}.${sub}`, subSpec as FieldMapping));
      }
    }
    return {
      kind: 'leaf',
      path,
      type: type as LeafType,
      format: typeof spec.format === 'string' ? spec.format : '',
      ignoreAbove: typeof spec.ignore_above === 'number' ? spec.ignore_above : Number.POSITIVE_INFINITY,
      coerce: spec.coerce !== false,
      subFields,
      json: spec,
    };
  }

  putLeaf(parent: ObjectField, name: string, leaf: LeafField): void {
    parent.properties.set(name, leaf);
    this.fields.set(leaf.path, leaf);
    for (const sub of leaf.subFields) this.fields.set(sub.path, sub);
  }

  putObject(
    parent: ObjectField,
    name: string,
    dynamic: DynamicSetting | undefined,
    enabled: boolean,
  ): ObjectField {
    const obj: ObjectField = {
      kind: 'object',
      path: joinPath(parent.path, name),
      properties: new Map(),
      dynamic,
      enabled,
    };
    parent.properties.set(name, obj);
    this.objects.set(obj.path, obj);
    return obj;
  }

  /** The leaf built by dynamic mapping for a JSON value ES would map this way. */
  dynamicLeaf(path: string, type: 'text' | 'long' | 'float' | 'boolean' | 'date'): LeafField {
    const spec: FieldMapping =
      type === 'text'
        ? { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } }
        : { type };
    return this.buildLeaf(path, spec);
  }

  /** Leaf paths matching a field name or a `*` pattern (`message`, `server_zones.*.requests`). */
  resolveFields(pattern: string): LeafField[] {
    if (!pattern.includes('*')) {
      const f = this.fields.get(pattern);
      return f ? [f] : [];
    }
    const test = starPattern(pattern);
    return [...this.fields.values()].filter((f) => test(f.path));
  }

  /** The mapping as ES renders it under `mappings`. */
  toJson(): IndexMappings {
    const out: Record<string, unknown> = {};
    if (this.dynamic !== 'true') out.dynamic = this.dynamic;
    if (!this.dateDetection) out.date_detection = false;
    if (this.root.properties.size > 0) out.properties = renderProperties(this.root);
    return out as IndexMappings;
  }
}

function renderProperties(obj: ObjectField): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = {};
  for (const name of [...obj.properties.keys()].sort()) {
    const node = obj.properties.get(name)!;
    if (node.kind === 'leaf') {
      out[name] = node.json;
      continue;
    }
    const rendered: Record<string, unknown> = {};
    if (node.dynamic !== undefined) rendered.dynamic = node.dynamic;
    if (!node.enabled) {
      rendered.type = 'object';
      rendered.enabled = false;
    }
    if (node.properties.size > 0) rendered.properties = renderProperties(node);
    out[name] = rendered as FieldMapping;
  }
  return out;
}

function parseDynamic(value: unknown): DynamicSetting | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return 'true';
  if (value === false || value === 'false') return 'false';
  if (value === 'strict') return 'strict';
  if (value === 'runtime') throw mapperError('dynamic [runtime] is not supported by the embedded engine');
  throw mapperError(`Could not convert [dynamic] to boolean`);
}

export function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
