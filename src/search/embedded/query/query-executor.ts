/**
 * Runs a parsed query against one index: each clause becomes a bitset of matching live documents
 * plus scores, and bool/dis_max combine them (ES's rules: `should` is optional once a `must` or
 * `filter` exists unless `minimum_should_match` says otherwise; `filter` and `must_not` never
 * score). Fields are resolved against the index's mapping here, so an unmapped field matches
 * nothing, as in ES.
 */
import { analyze } from '../analysis/standard-analyzer.js';
import { Bitset } from '../index/bitset.js';
import { type KeywordColumn, MISSING } from '../index/keyword-column.js';
import type { Column } from '../index/memory-index.js';
import type { NumericColumn } from '../index/numeric-column.js';
import type { TextField } from '../index/text-field.js';
import { valueKind } from '../mapping/field-type.js';
import type { LeafField } from '../mapping/index-mapping.js';
import { WildcardPattern } from '../wildcard.js';
import {
  existsDocs,
  keywordDocs,
  keywordTermsWhere,
  numericDocs,
  numericOperand,
  numericRange,
} from './field-queries.js';
import {
  constant,
  idf,
  type Matches,
  none,
  type QueryContext,
  queryShardError,
  scoreOf,
  tfNorm,
} from './matches.js';
import { type PatternQuery, type QueryNode, requiredShouldCount } from './query-node.js';
import { matchPhrase, matchTerms, matchTermsWhere } from './text-queries.js';

export function execute(node: QueryNode, ctx: QueryContext): Matches {
  ctx.deadline?.check();
  switch (node.kind) {
    case 'match_all':
      return constant(cloneBits(ctx.live), node.boost);
    case 'match_none':
      return none(ctx);
    case 'match':
      return match(node, ctx);
    case 'match_phrase': {
      const leaf = ctx.mapping.fields.get(node.field);
      if (leaf === undefined) return none(ctx);
      const column = ctx.index.columns.get(node.field);
      if (leaf.type !== 'text')
        return termQuery(leaf, column, node.text, node.boost, false, node.lenient, ctx);
      const tokens = analyze(node.text);
      if (tokens.length === 0 || column === undefined) return none(ctx);
      return matchPhrase(ctx, column as TextField, tokens, node.boost);
    }
    case 'term': {
      const leaf = ctx.mapping.fields.get(node.field);
      if (leaf === undefined)
        return node.field === '_id' ? ids([String(node.value)], node.boost, ctx) : none(ctx);
      return termQuery(
        leaf,
        ctx.index.columns.get(node.field),
        node.value,
        node.boost,
        node.caseInsensitive,
        node.lenient,
        ctx,
      );
    }
    case 'terms': {
      if (node.field === '_id') return ids(node.values.map(String), node.boost, ctx);
      const leaf = ctx.mapping.fields.get(node.field);
      if (leaf === undefined) return none(ctx);
      const column = ctx.index.columns.get(node.field);
      const bits = new Bitset(ctx.index.maxDoc);
      // `terms` is constant-score: its values need their documents, not their scores.
      const unscored = { ...ctx, scoring: false };
      for (const value of node.values)
        bits.or(termQuery(leaf, column, value, 1, false, false, unscored).bits);
      return constant(bits, node.boost);
    }
    case 'range':
      return range(node, ctx);
    case 'exists':
      return constant(exists(node.field, ctx), node.boost);
    case 'prefix':
    case 'wildcard':
      return pattern(node, ctx);
    case 'ids':
      return ids(node.values, node.boost, ctx);
    case 'bool':
      return bool(node, ctx);
    case 'constant_score':
      return constant(execute(node.filter, { ...ctx, scoring: false }).bits, node.boost);
    case 'dis_max':
      return disMax(
        node.queries.map((q) => execute(q, ctx)),
        node.tieBreaker,
        node.boost,
        ctx,
      );
    case 'multi_field': {
      const parts: Matches[] = [];
      for (const { field, boost } of node.fields) {
        const names = field.includes('*') ? ctx.mapping.resolveFields(field).map((f) => f.path) : [field];
        for (const name of names) parts.push(execute(node.build(name, boost), ctx));
      }
      if (node.combine === 'dis_max') return disMax(parts, node.tieBreaker, 1, ctx);
      return sum(parts, ctx);
    }
  }
}

function cloneBits(bits: Bitset): Bitset {
  return new Bitset(bits.size).or(bits);
}

function match(node: Extract<QueryNode, { kind: 'match' }>, ctx: QueryContext): Matches {
  const leaf = ctx.mapping.fields.get(node.field);
  if (leaf === undefined) return none(ctx);
  const column = ctx.index.columns.get(node.field);
  if (leaf.type !== 'text') return termQuery(leaf, column, node.text, node.boost, false, node.lenient, ctx);
  const tokens = analyze(String(node.text));
  if (tokens.length === 0)
    return node.zeroTermsQuery === 'all' ? constant(cloneBits(ctx.live), node.boost) : none(ctx);
  if (column === undefined) return none(ctx);
  let required = node.operator === 'and' ? tokens.length : 1;
  if (node.minimumShouldMatch !== undefined && node.operator === 'or') {
    required = Math.max(1, requiredShouldCount(node.minimumShouldMatch, tokens.length));
  }
  return matchTerms(ctx, column as TextField, tokens, required, node.boost);
}

/** An exact term on any field type: unanalyzed token (text), exact string (keyword), parsed value otherwise. */
function termQuery(
  leaf: LeafField,
  column: Column | undefined,
  value: unknown,
  boost: number,
  caseInsensitive: boolean,
  lenient: boolean,
  ctx: QueryContext,
): Matches {
  const kind = valueKind(leaf.type);
  if (kind === 'text') {
    const text = String(value);
    const field = column as TextField | undefined;
    if (field === undefined) return none(ctx);
    if (caseInsensitive)
      return constant(
        matchTermsWhere(ctx, field, (t) => t.toLowerCase() === text.toLowerCase()),
        boost,
      );
    return matchTerms(ctx, field, [text], 1, boost);
  }
  if (kind === 'keyword') {
    const kw = column as KeywordColumn | undefined;
    if (kw === undefined) return none(ctx);
    const text = typeof value === 'string' ? value : String(value);
    let accepted: Uint8Array;
    if (caseInsensitive) accepted = keywordTermsWhere(kw, (t) => t.toLowerCase() === text.toLowerCase());
    else {
      accepted = new Uint8Array(kw.terms.length);
      const ord = kw.ordOf(text);
      if (ord === undefined) return none(ctx);
      accepted[ord] = 1;
    }
    const bits = keywordDocs(ctx, kw, accepted);
    if (!ctx.scoring) return constant(bits, boost);
    // Keyword terms score like Lucene's BM25 without norms: idf * freq / (freq + k1) with freq 1.
    const docCount = countWithValue(ctx, kw);
    return constant(bits, boost * idf(docCount, bits.count()) * tfNorm(1, 1, 1));
  }
  const num = column as NumericColumn | undefined;
  if (leaf.type === 'date') {
    const bounds = numericRange(ctx, leaf, { gte: value, lte: value }, lenient);
    if (bounds === undefined || num === undefined) return none(ctx);
    return constant(numericDocs(ctx, num, bounds[0], bounds[1]), boost);
  }
  const n = numericOperand(leaf, value, lenient);
  if (n === undefined || num === undefined) return none(ctx);
  if (
    leaf.type !== 'boolean' &&
    leaf.type !== 'double' &&
    typeof value !== 'boolean' &&
    Number(value) !== n &&
    !lenient
  ) {
    // A fractional term on an integer field can never match (ES builds a match_none query).
    return none(ctx);
  }
  return constant(numericDocs(ctx, num, n, n), boost);
}

/** Documents with a value in the column (the N of keyword idf; deleted documents included, as in Lucene). */
function countWithValue(ctx: QueryContext, kw: KeywordColumn): number {
  let n = 0;
  const ords = kw.ords;
  const end = Math.min(ords.length, ctx.index.maxDoc);
  for (let doc = 0; doc < end; doc++) if (ords[doc] !== MISSING) n++;
  return n;
}

function range(node: Extract<QueryNode, { kind: 'range' }>, ctx: QueryContext): Matches {
  const leaf = ctx.mapping.fields.get(node.field);
  if (leaf === undefined) return none(ctx);
  const column = ctx.index.columns.get(node.field);
  const kind = valueKind(leaf.type);
  if (kind === 'text') {
    if (node.lenient) return none(ctx);
    throw queryShardError(
      `range queries on text field [${leaf.path}] are not supported by the embedded engine; use its keyword sub-field`,
    );
  }
  if (kind === 'keyword') {
    if (column === undefined) return none(ctx);
    const inRange = (t: string): boolean =>
      (node.gt === undefined || t > String(node.gt)) &&
      (node.gte === undefined || t >= String(node.gte)) &&
      (node.lt === undefined || t < String(node.lt)) &&
      (node.lte === undefined || t <= String(node.lte));
    const kw = column as KeywordColumn;
    return constant(keywordDocs(ctx, kw, keywordTermsWhere(kw, inRange, ctx.deadline)), node.boost);
  }
  if (node.format !== undefined && leaf.type !== 'date') {
    throw queryShardError(
      `[range] query on field [${leaf.path}] of type [${leaf.type}] does not support [format]`,
    );
  }
  const bounds = numericRange(ctx, leaf, node, node.lenient);
  if (bounds === undefined || column === undefined) return none(ctx);
  return constant(numericDocs(ctx, column as NumericColumn, bounds[0], bounds[1]), node.boost);
}

function exists(field: string, ctx: QueryContext): Bitset {
  const leaf = ctx.mapping.fields.get(field);
  const leaves =
    leaf !== undefined
      ? [leaf]
      : ctx.mapping.objects.has(field)
        ? ctx.mapping.resolveFields(`${field}.*`)
        : [];
  const bits = new Bitset(ctx.index.maxDoc);
  for (const l of leaves) {
    const column = ctx.index.columns.get(l.path);
    if (column !== undefined) bits.or(existsDocs(ctx, (doc) => column.has(doc)));
  }
  return bits;
}

function pattern(node: PatternQuery, ctx: QueryContext): Matches {
  const leaf = ctx.mapping.fields.get(node.field);
  if (leaf === undefined) return none(ctx);
  const column = ctx.index.columns.get(node.field);
  const kind = valueKind(leaf.type);
  if (kind === 'number') {
    if (node.normalize) return none(ctx);
    throw queryShardError(
      `Can only use ${node.kind} queries on keyword and text fields - not on [${leaf.path}] which is of type [${leaf.type}]`,
    );
  }
  if (column === undefined) return none(ctx);
  const value = node.normalize && kind === 'text' ? node.value.toLowerCase() : node.value;
  let accept: (t: string) => boolean;
  if (node.kind === 'prefix') {
    const lower = value.toLowerCase();
    accept = node.caseInsensitive ? (t) => t.toLowerCase().startsWith(lower) : (t) => t.startsWith(value);
  } else {
    const compiled = WildcardPattern.compile(value, {
      questionMark: true,
      escapes: true,
      caseInsensitive: node.caseInsensitive,
    });
    accept = (t) => compiled.matches(t);
  }
  const bits =
    kind === 'text'
      ? matchTermsWhere(ctx, column as TextField, accept)
      : keywordDocs(
          ctx,
          column as KeywordColumn,
          keywordTermsWhere(column as KeywordColumn, accept, ctx.deadline),
        );
  return constant(bits, node.boost);
}

function ids(values: readonly string[], boost: number, ctx: QueryContext): Matches {
  const bits = new Bitset(ctx.index.maxDoc);
  for (const id of values) {
    const doc = ctx.index.docOf(id);
    if (doc !== undefined) bits.set(doc);
  }
  return constant(bits, boost);
}

function bool(node: Extract<QueryNode, { kind: 'bool' }>, ctx: QueryContext): Matches {
  const filterCtx = { ...ctx, scoring: false };
  const must = node.must.map((q) => execute(q, ctx));
  const filters = node.filter.map((q) => execute(q, filterCtx));
  const mustNot = node.mustNot.map((q) => execute(q, filterCtx));
  const should = node.should.map((q) => execute(q, ctx));
  const hasRequired = must.length > 0 || filters.length > 0;
  let minShould = 0;
  if (node.minimumShouldMatch !== undefined)
    minShould = requiredShouldCount(node.minimumShouldMatch, should.length);
  else if (!hasRequired && should.length > 0) minShould = 1;
  if (!hasRequired && should.length === 0 && mustNot.length === 0)
    return constant(cloneBits(ctx.live), node.boost);

  const bits = cloneBits(ctx.live);
  for (const m of [...must, ...filters]) bits.and(m.bits);
  for (const m of mustNot) bits.andNot(m.bits);
  if (minShould === 1) {
    const any = new Bitset(ctx.index.maxDoc);
    for (const m of should) any.or(m.bits);
    bits.and(any);
  } else if (minShould > 1) {
    const counts = new Uint16Array(ctx.index.maxDoc);
    for (const m of should) {
      m.bits.forEach((doc) => {
        counts[doc]!++;
      });
    }
    const enough = new Bitset(ctx.index.maxDoc);
    for (let doc = 0; doc < counts.length; doc++) if (counts[doc]! >= minShould) enough.set(doc);
    bits.and(enough);
  }
  if (!ctx.scoring) return constant(bits, 0);
  const scored = [...must, ...should];
  if (scored.length === 0) return constant(bits, 0);
  const scores = ctx.scratch.floats(ctx.index.maxDoc);
  const boost = node.boost;
  const deadline = ctx.deadline;
  let steps = 0;
  bits.forEach((doc) => {
    deadline?.every(++steps);
    let score = 0;
    for (const m of must) score += scoreOf(m, doc);
    for (const m of should) if (m.bits.get(doc)) score += scoreOf(m, doc);
    scores[doc] = score * boost;
  });
  return { bits, scores, constant: 0 };
}

function disMax(parts: readonly Matches[], tieBreaker: number, boost: number, ctx: QueryContext): Matches {
  const bits = new Bitset(ctx.index.maxDoc);
  for (const m of parts) bits.or(m.bits);
  if (!ctx.scoring) return constant(bits, 0);
  const scores = ctx.scratch.floats(ctx.index.maxDoc);
  bits.forEach((doc) => {
    let max = 0;
    let total = 0;
    for (const m of parts) {
      if (!m.bits.get(doc)) continue;
      const s = scoreOf(m, doc);
      total += s;
      if (s > max) max = s;
    }
    scores[doc] = boost * (max + tieBreaker * (total - max));
  });
  return { bits, scores, constant: 0 };
}

function sum(parts: readonly Matches[], ctx: QueryContext): Matches {
  const bits = new Bitset(ctx.index.maxDoc);
  for (const m of parts) bits.or(m.bits);
  if (!ctx.scoring) return constant(bits, 0);
  const scores = ctx.scratch.floats(ctx.index.maxDoc);
  bits.forEach((doc) => {
    for (const m of parts) if (m.bits.get(doc)) scores[doc]! += scoreOf(m, doc);
  });
  return { bits, scores, constant: 0 };
}
