import type { SearchEngine } from '../../search/search-engine.js';
import type { BulkEntry } from './bulk-entry.js';
import { DEAD_LETTER_MAPPING } from './dead-letters.js';

/**
 * Creates the indices the sink writes to from its configuration (`mappings`, `settings`,
 * `template`) before the first action reaches each of them, on any engine: an index named by a
 * pattern (`weblogs-{yyyy.MM.dd}`) is created with the configured body the first time the sink
 * writes to one of its concrete names, which is what an index template would do for the sink's own
 * writes, and also works on the embedded engine, which has no template API. An index that already
 * exists is left as it is (its mapping may have grown; it is never replaced).
 *
 * `template` narrows which indices get the body (`indexPatterns`, wildcards `*`) and, on an engine
 * that offers `putIndexTemplate` (see IndexTemplateApi), is also stored in the cluster as a
 * composable index template, so indices created by others (rollover, data streams) get it too.
 *
 * Runs inside the sender's request loop, so a cluster that is down while indices are set up is
 * waited for like one that is down while documents are written.
 */
export interface IndexBody {
  readonly mappings?: Record<string, unknown>;
  readonly settings?: Record<string, unknown>;
}

export interface IndexTemplateConfig {
  /** The template's name in the cluster; default `sluice-<first pattern without wildcards>`. */
  readonly name?: string | undefined;
  /** Which indices it covers; default: every index this sink writes to. */
  readonly indexPatterns?: readonly string[] | undefined;
  readonly priority?: number | undefined;
}

/** An optional capability: engines that can store composable index templates (`PUT _index_template/<name>`). */
export interface IndexTemplateApi {
  putIndexTemplate(
    name: string,
    body: {
      index_patterns: readonly string[];
      template: IndexBody;
      priority?: number;
      data_stream?: Record<string, never>;
    },
  ): Promise<unknown>;
}

function hasTemplateApi(engine: SearchEngine): engine is SearchEngine & IndexTemplateApi {
  return typeof (engine as Partial<IndexTemplateApi>).putIndexTemplate === 'function';
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export class IndexSetup {
  private readonly ready = new Set<string>();
  private readonly configured: boolean;
  private readonly patterns: RegExp[] | undefined;
  private templateStored: boolean;

  constructor(
    private readonly engine: SearchEngine,
    private readonly body: IndexBody,
    private readonly template: IndexTemplateConfig | undefined,
    private readonly dataStream: boolean,
  ) {
    this.configured = body.mappings !== undefined || body.settings !== undefined;
    this.patterns = template?.indexPatterns?.map(globToRegExp);
    this.templateStored = template === undefined || !hasTemplateApi(engine);
  }

  /** Makes sure every index `entries` write to exists with its configured body. */
  async prepare(entries: readonly BulkEntry[]): Promise<void> {
    if (!this.templateStored) await this.storeTemplate();
    for (const entry of entries) {
      if (!this.configured && entry.deadLetterOf === undefined) continue;
      const index = entry.target._index;
      if (this.ready.has(index)) continue;
      if (entry.deadLetterOf !== undefined) await this.ensure(index, { mappings: DEAD_LETTER_MAPPING });
      else if (this.dataStream || !this.covers(index)) this.ready.add(index);
      else await this.ensure(index, this.body);
    }
  }

  private covers(index: string): boolean {
    return this.patterns === undefined || this.patterns.some((p) => p.test(index));
  }

  private async ensure(index: string, body: IndexBody): Promise<void> {
    if (!(await this.engine.indexExists(index))) {
      try {
        await this.engine.createIndex(index, body);
      } catch (e) {
        if ((e as { type?: unknown }).type !== 'resource_already_exists_exception') throw e;
      }
    }
    this.ready.add(index);
  }

  private async storeTemplate(): Promise<void> {
    const engine = this.engine as SearchEngine & IndexTemplateApi;
    const template = this.template as IndexTemplateConfig;
    const patterns = template.indexPatterns ?? [];
    if (patterns.length === 0) {
      this.templateStored = true;
      return;
    }
    const name =
      template.name ?? `sluice-${(patterns[0] as string).replace(/\*/g, '').replace(/[-_.]+$/, '')}`;
    await engine.putIndexTemplate(name, {
      index_patterns: patterns,
      template: this.body,
      ...(template.priority === undefined ? {} : { priority: template.priority }),
      ...(this.dataStream ? { data_stream: {} } : {}),
    });
    this.templateStored = true;
  }
}

/** `weblogs-{yyyy.MM.dd}` -> `weblogs-*`: the indices a sink's pattern can name. */
export function patternOfIndexName(indexPattern: string): string {
  return indexPattern.replace(/\{[^{}]*\}/g, '*').toLowerCase();
}
