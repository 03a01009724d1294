import { type IndexTemplateEntry, matchingTemplate } from '../../search/index-template.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { type BulkEntry, bulkEntry } from './bulk-entry.js';
import { BulkWriteError } from './bulk-sender.js';
import { DEAD_LETTER_MAPPING } from './dead-letters.js';

/**
 * Gets every index the sink writes to ready before the first action reaches it, on any engine,
 * and says whether it is a data stream. Runs inside the sender's request loop (before each
 * attempt), so a cluster that is down meanwhile is waited for like one that is down while
 * documents are written.
 *
 * Templates. With `template`, the sink's `mappings`/`settings` are stored once, before the first
 * request, as a composable index template (`PUT _index_template/<name>`, replaced if it exists)
 * covering `template.indexPatterns`; the engine then gives them to every matching index it creates,
 * the sink's own and others' (rollover, data streams). An index the sink's template does not win
 * for (another template of higher priority matches it) is created explicitly with the body.
 * Without `template`, `mappings`/`settings` create each index the sink writes to explicitly,
 * before its first write (a pattern index `web-{yyyy.MM.dd}` each time a new name comes up). An
 * index that already exists is never changed.
 *
 * Data streams. A name is a data stream when the engine has one by that name, or when no index
 * by that name exists and the template that matches it (index-template.ts) has `data_stream`
 * (the first `create` then makes the stream). Into a data stream, `index` actions are sent as
 * `create` (the only op a data stream takes; with `id: 'record'` a replay is then a duplicate the
 * sink skips), `@timestamp` is filled from the record's event time when the document has none,
 * and `update`/`delete` are dead-lettered with Elasticsearch's reason instead of being sent. With
 * `dataStream` declared, a target that is not a data stream fails the job (it would silently
 * become a plain index). A rewritten `index` action is one byte longer (`create`): the requests
 * cut before a name was known to be a data stream may exceed `maxBytes` by that much per action.
 */
export interface IndexBody {
  readonly mappings?: Record<string, unknown>;
  readonly settings?: Record<string, unknown>;
}

export interface IndexTemplateConfig {
  /** The template's name in the engine; default `sluice-<first pattern without wildcards>`. */
  readonly name?: string | undefined;
  /** Which indices it covers; default: every index this sink writes to. */
  readonly indexPatterns?: readonly string[] | undefined;
  readonly priority?: number | undefined;
}

export interface PreparedEntries {
  readonly send: BulkEntry[];
  readonly refused: { readonly entry: BulkEntry; readonly reason: string }[];
}

type Target = 'index' | 'dataStream';

const DATA_STREAM_ONLY_CREATE = 'only write ops with an op_type of create are allowed in data streams';

export class IndexSetup {
  private readonly targets = new Map<string, Target>();
  private readonly configured: boolean;
  private readonly templateName: string | undefined;
  private templateStored: boolean;
  private templates: IndexTemplateEntry[] | undefined;

  constructor(
    private readonly engine: SearchEngine,
    private readonly body: IndexBody,
    private readonly template: IndexTemplateConfig | undefined,
    private readonly dataStream: boolean,
  ) {
    this.configured = body.mappings !== undefined || body.settings !== undefined;
    const first = template?.indexPatterns?.[0];
    this.templateName =
      first === undefined
        ? undefined
        : (template?.name ?? `sluice-${first.replace(/\*/g, '').replace(/[-_.]+$/, '')}`);
    this.templateStored = this.templateName === undefined;
  }

  /** Makes sure every index `entries` write to is ready; answers what to send and what is refused. */
  async prepare(entries: readonly BulkEntry[]): Promise<PreparedEntries> {
    if (!this.templateStored) await this.storeTemplate();
    for (const entry of entries) {
      const index = entry.target._index;
      if (!this.targets.has(index)) this.targets.set(index, await this.classify(index, entry));
    }
    const send: BulkEntry[] = [];
    const refused: PreparedEntries['refused'] = [];
    for (const entry of entries) {
      if (this.targets.get(entry.target._index) !== 'dataStream') send.push(entry);
      else if (entry.op === 'update' || entry.op === 'delete')
        refused.push({
          entry,
          // As the cluster would refuse it (status, type, reason), so the dead letter reads the same.
          reason: `400 illegal_argument_exception: ${DATA_STREAM_ONLY_CREATE} (op "${entry.op}" into data stream "${entry.target._index}"; write to its backing index instead)`,
        });
      else send.push(forDataStream(entry));
    }
    return { send, refused };
  }

  private async classify(index: string, entry: BulkEntry): Promise<Target> {
    if (entry.deadLetterOf !== undefined) {
      await this.ensure(index, { mappings: DEAD_LETTER_MAPPING });
      return 'index';
    }
    if (await this.isDataStream(index)) return 'dataStream';
    if (await this.engine.indexExists(index)) return this.plain(index);
    const winner = await this.winningTemplate(index);
    if (winner?.index_template.data_stream !== undefined) return 'dataStream';
    if (this.dataStream) {
      throw new BulkWriteError(
        `the search sink is set to write into a data stream (dataStream: true), but "${index}" is not one and no index template with data_stream matches it: add template: { dataStream: true } so the sink stores one, or create it in the cluster (the embedded engine and Elasticsearch builds without X-Pack have no data streams)`,
      );
    }
    // The engine applies the sink's own template when it creates the index; otherwise create it with the body.
    if (this.configured && (this.templateName === undefined || winner?.name !== this.templateName)) {
      if (this.covers(index)) await this.ensure(index, this.body);
    }
    return 'index';
  }

  private plain(index: string): Target {
    if (this.dataStream)
      throw new BulkWriteError(
        `the search sink is set to write into a data stream (dataStream: true), but "${index}" is an index, not a data stream`,
      );
    return 'index';
  }

  private covers(index: string): boolean {
    const patterns = this.template?.indexPatterns;
    if (patterns === undefined) return true;
    return (
      matchingTemplate([{ name: '', index_template: { index_patterns: patterns } }], index) !== undefined
    );
  }

  private async isDataStream(index: string): Promise<boolean> {
    try {
      return (await this.engine.getDataStreams(index)).some((d) => d.name === index);
    } catch (e) {
      if ((e as { status?: unknown }).status === 404) return false;
      throw e;
    }
  }

  private async winningTemplate(index: string): Promise<IndexTemplateEntry | undefined> {
    this.templates ??= await this.engine.getIndexTemplates();
    return matchingTemplate(this.templates, index);
  }

  private async ensure(index: string, body: IndexBody): Promise<void> {
    if (await this.engine.indexExists(index)) return;
    try {
      await this.engine.createIndex(index, body);
    } catch (e) {
      if ((e as { type?: unknown }).type !== 'resource_already_exists_exception') throw e;
    }
  }

  private async storeTemplate(): Promise<void> {
    const template = this.template as IndexTemplateConfig;
    await this.engine.putIndexTemplate(this.templateName as string, {
      index_patterns: template.indexPatterns ?? [],
      template: this.body,
      ...(template.priority === undefined ? {} : { priority: template.priority }),
      ...(this.dataStream ? { data_stream: {} } : {}),
    });
    this.templateStored = true;
  }
}

/** An action for a data stream: `create`, with `@timestamp` from the event time when missing. */
function forDataStream(entry: BulkEntry): BulkEntry {
  const action = entry.action as { document?: Record<string, unknown> };
  const document = action.document as Record<string, unknown>;
  const needsTimestamp = document['@timestamp'] === undefined && !Number.isNaN(entry.timestampMs);
  if (entry.op === 'create' && !needsTimestamp) return entry;
  const rewritten = bulkEntry(
    {
      create: entry.target,
      document: needsTimestamp
        ? { '@timestamp': new Date(entry.timestampMs).toISOString(), ...document }
        : document,
    },
    entry,
    entry.deadLetterOf,
  );
  rewritten.retries = entry.retries;
  return rewritten;
}

/** `weblogs-{yyyy.MM.dd}` -> `weblogs-*`: the indices a sink's pattern can name. */
export function patternOfIndexName(indexPattern: string): string {
  return indexPattern.replace(/\{[^{}]*\}/g, '*').toLowerCase();
}
