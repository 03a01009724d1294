/**
 * Composable index templates in the embedded engine: validated as ES validates them, stored in the
 * `meta` table (key `index_template/<name>`, value the template's JSON as `GET _index_template`
 * renders it), and applied when an index is created, explicitly or by a write: the template that
 * matches (index-template.ts) gives the mappings and settings, and the creation request's own are
 * merged over them (properties field by field, settings key by key), as ES merges them.
 *
 * Not supported, and refused with a message: data streams (`data_stream`: the embedded engine has
 * none, see docs/search-sink.md) and component templates (`composed_of`).
 */
import type { IndexMappings } from '../index-admin.js';
import {
  type IndexTemplate,
  type IndexTemplateEntry,
  indexPatternMatches,
  indexPatternsOverlap,
  matchingTemplate,
} from '../index-template.js';
import { contentParseError, illegalArgument, SearchEngineError } from '../search-engine-error.js';
import { parseIndexSettings } from './index-settings.js';
import { IndexMapping, isPlainObject } from './mapping/index-mapping.js';

export const TEMPLATE_KEY_PREFIX = 'index_template/';

const KEYS = new Set([
  'index_patterns',
  'template',
  'priority',
  'data_stream',
  'version',
  '_meta',
  'composed_of',
]);

export const NO_DATA_STREAMS =
  'the embedded engine has no data streams: write into a plain index (op create keeps replays idempotent), or use a cluster';

function invalidTemplate(name: string, cause: string): SearchEngineError {
  return new SearchEngineError(
    'invalid_index_template_exception',
    `index_template [${name}] invalid, cause [Validation Failed: 1: ${cause};]`,
    400,
  );
}

/** ES's checks of `PUT _index_template/<name>`; answers the template as it will be stored. */
export function validateTemplate(name: string, body: unknown): IndexTemplate {
  if (name !== name.toLowerCase()) throw invalidTemplate(name, 'name must be lower cased');
  if (!isPlainObject(body)) throw contentParseError('[index_template] must be an object');
  for (const key of Object.keys(body))
    if (!KEYS.has(key)) throw contentParseError(`[index_template] unknown field [${key}]`);
  if (body.data_stream !== undefined && body.data_stream !== null) throw illegalArgument(NO_DATA_STREAMS);
  if (Array.isArray(body.composed_of) && body.composed_of.length > 0)
    throw illegalArgument('component templates ([composed_of]) are not supported by the embedded engine');
  const patterns = body.index_patterns;
  if (!Array.isArray(patterns) || patterns.length === 0)
    throw illegalArgument('There must be at least one pattern, zero given');
  if (patterns.some((p) => typeof p !== 'string' || p === ''))
    throw contentParseError('[index_template] index_patterns must be non-empty strings');
  const priority = body.priority;
  if (priority !== undefined && (!Number.isInteger(priority) || (priority as number) < 0))
    throw illegalArgument('index template priority must be >= 0');
  const template = body.template ?? {};
  if (!isPlainObject(template)) throw contentParseError('[index_template] template must be an object');
  let settings: Record<string, unknown> | undefined;
  if (template.settings !== undefined) {
    try {
      settings = nestSettings(parseIndexSettings(template.settings).normalized);
    } catch (e) {
      if (e instanceof SearchEngineError) throw invalidTemplate(name, e.reason);
      throw e;
    }
  }
  if (template.mappings !== undefined) {
    try {
      IndexMapping.fromJson(template.mappings as IndexMappings);
    } catch (e) {
      if (!(e instanceof SearchEngineError)) throw e;
      throw new SearchEngineError(
        'illegal_argument_exception',
        `composable template [${name}] template after composition is invalid`,
        400,
        { extra: { caused_by: e.toCause() } },
      );
    }
  }
  return {
    index_patterns: patterns as string[],
    template: {
      ...(settings === undefined ? {} : { settings }),
      ...(template.mappings === undefined ? {} : { mappings: template.mappings as IndexMappings }),
    },
    composed_of: [],
    ...(priority === undefined ? {} : { priority: priority as number }),
    ...(body.version === undefined ? {} : { version: body.version as number }),
    ...(body._meta === undefined ? {} : { _meta: body._meta as Record<string, unknown> }),
  } as IndexTemplate;
}

/** ES refuses a template whose patterns overlap another's at the same priority. */
export function checkNoOverlap(
  name: string,
  template: IndexTemplate,
  others: readonly IndexTemplateEntry[],
): void {
  const priority = template.priority ?? 0;
  const clashing = others.filter(
    (o) =>
      o.name !== name &&
      (o.index_template.priority ?? 0) === priority &&
      o.index_template.index_patterns.some((p) =>
        template.index_patterns.some((q) => indexPatternsOverlap(p, q)),
      ),
  );
  if (clashing.length === 0) return;
  const list = clashing.map((o) => `${o.name} => [${o.index_template.index_patterns.join(', ')}]`).join(', ');
  throw illegalArgument(
    `index template [${name}] has index patterns [${template.index_patterns.join(', ')}] matching patterns from existing templates [${clashing.map((o) => o.name).join(', ')}] with patterns (${list}) that have the same priority [${priority}], multiple index templates may not match during index creation, please use a different priority`,
  );
}

/** The templates whose name matches `name` (a name, a wildcard, or every one). */
export function selectTemplates(
  all: readonly IndexTemplateEntry[],
  name: string | undefined,
): IndexTemplateEntry[] {
  if (name === undefined || name === '*' || name === '_all') return [...all];
  const names = name.split(',');
  const selected = all.filter((t) => names.some((n) => indexPatternMatches(n, t.name)));
  if (selected.length === 0 && !name.includes('*'))
    throw new SearchEngineError(
      'resource_not_found_exception',
      `index template matching [${name}] not found`,
      404,
    );
  return selected;
}

/** The mappings and settings a new index `index` gets: the matching template's, with the request's merged over. */
export function applyTemplate(
  templates: readonly IndexTemplateEntry[],
  index: string,
  request: { mappings?: unknown; settings?: unknown },
): { mappings: IndexMappings | undefined; settings: unknown } {
  const template = matchingTemplate(templates, index)?.index_template.template;
  if (template === undefined)
    return { mappings: request.mappings as IndexMappings | undefined, settings: request.settings };
  const settings =
    template.settings === undefined
      ? request.settings
      : {
          ...parseIndexSettings(template.settings).normalized,
          ...(request.settings === undefined ? {} : parseIndexSettings(request.settings).normalized),
        };
  return {
    mappings: mergeMappings(template.mappings, request.mappings) as IndexMappings | undefined,
    settings,
  };
}

function mergeMappings(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base)) return over;
  if (!isPlainObject(over)) return base;
  const out: Record<string, unknown> = { ...base, ...over };
  if (isPlainObject(base.properties) && isPlainObject(over.properties)) {
    const properties: Record<string, unknown> = { ...base.properties };
    for (const [field, mapping] of Object.entries(over.properties))
      properties[field] = field in properties ? mergeMappings(properties[field], mapping) : mapping;
    out.properties = properties;
  }
  return out;
}

/** `{ 'index.number_of_shards': 1 }` -> `{ index: { number_of_shards: '1' } }`, as ES renders settings. */
function nestSettings(flat: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1] as string] = String(value);
  }
  return out;
}
