/**
 * The `query_string` mini-language (Lucene's classic query parser, which ES uses): terms,
 * `field:value`, `"quoted phrases"`, `( groups )`, `field:( group )`, `AND`/`&&`, `OR`/`||`,
 * `NOT`/`!`, `+`/`-`, trailing or inner wildcards (`err*`, `te?t`), `*` alone, ranges
 * (`status:[400 TO 499]`, `{a TO b}`, `*` for open ends, `bytes:>=1000`), `_exists_:field`, `^boost`.
 * AND/OR combine exactly like Lucene's `addClause` (so `a AND b OR c` is `+a +b c`). Fuzzy and
 * proximity operators (`~`) and regular expressions (`/re/`) are rejected with a parsing_exception.
 *
 * Linear in the text: tokens are read with sticky RegExps at the cursor (each anchored, with no
 * ambiguous repetition), groups nest at most MAX_NESTED_DEPTH deep, and parsing stops with
 * `too_many_clauses` once the query holds more than MAX_CLAUSE_COUNT clauses.
 */
import { parsingError } from '../../search-engine-error.js';
import { MAX_CLAUSE_COUNT, MAX_NESTED_DEPTH, NESTED_DEPTH_REASON, tooManyClauses } from './query-limits.js';
import type { FieldBoost, QueryNode } from './query-node.js';

export interface QueryStringOptions {
  readonly defaultFields: readonly FieldBoost[];
  readonly defaultOperator: 'or' | 'and';
  readonly lenient: boolean;
}

type Occur = 'must' | 'should' | 'must_not';

interface Clause {
  occur: Occur;
  readonly query: QueryNode;
}

const CONJ_NONE = 0;
const CONJ_AND = 1;
const CONJ_OR = 2;

/** Query text quoted in error messages is cut here, so a 1 MiB query makes no 1 MiB error. */
const MAX_QUOTED_QUERY_CHARS = 1000;

const OPERATOR = /(AND|OR|&&|\|\|)(?=[\s("+\-!]|$)/y;
const NOT = /NOT(?=[\s("]|$)/y;
const FIELD = /((?:\\.|[^\s:()"\\[\]{}^~])+):/y;
const BOOST = /\^(\d+(?:\.\d+)?)/y;
// Bounds: an escape pair or a character that is neither space, closer nor backslash (so each
// character has one reading and a failed match cannot backtrack through choices).
const RANGE = /([[{])\s*((?:\\.|[^\s\]}\\])+)\s+TO\s+((?:\\.|[^\s\]}\\])+)\s*([\]}])/y;
const COMPARISON = /(>=|<=|>|<)/y;
const TERM = /(?:\\.|[^\s()"^~\\[\]{}])+/y;

class QueryStringParser {
  private at = 0;
  private clauseCount = 0;

  constructor(
    private readonly text: string,
    private readonly options: QueryStringOptions,
  ) {}

  parse(): QueryNode {
    const node = this.parseGroup(this.options.defaultFields, false, 0);
    if (this.at < this.text.length) throw this.error(`unexpected [${this.text[this.at]}]`);
    return node;
  }

  private error(why: string) {
    const quoted =
      this.text.length > MAX_QUOTED_QUERY_CHARS
        ? `${this.text.slice(0, MAX_QUOTED_QUERY_CHARS)}...`
        : this.text;
    return parsingError(`Failed to parse query [${quoted}]: ${why} at position ${this.at}`);
  }

  /** The match of sticky `re` at the cursor (not advanced), or null. */
  private matchHere(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.at;
    return re.exec(this.text);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  /** `depth`: groups enclosing this one. */
  private parseGroup(fields: readonly FieldBoost[], nested: boolean, depth: number): QueryNode {
    if (depth > MAX_NESTED_DEPTH) throw this.error(NESTED_DEPTH_REASON);
    const clauses: Clause[] = [];
    for (;;) {
      this.skipSpace();
      if (this.at >= this.text.length) break;
      if (this.text[this.at] === ')') {
        if (!nested) throw this.error('unbalanced )');
        break;
      }
      let conj = CONJ_NONE;
      const op = this.readOperator();
      if (op === 'AND') conj = CONJ_AND;
      else if (op === 'OR') conj = CONJ_OR;
      this.skipSpace();
      let mods: Occur | undefined;
      const modifier = this.readModifier();
      if (modifier === '+') mods = 'must';
      else if (modifier === '-') mods = 'must_not';
      this.skipSpace();
      if (this.at >= this.text.length || this.text[this.at] === ')') {
        if (conj !== CONJ_NONE || mods !== undefined) throw this.error('missing term after operator');
        break;
      }
      this.addClause(clauses, conj, mods, this.parseClause(fields, depth));
    }
    if (clauses.length === 1 && clauses[0]!.occur !== 'must_not') return clauses[0]!.query;
    return {
      kind: 'bool',
      must: clauses.filter((c) => c.occur === 'must').map((c) => c.query),
      should: clauses.filter((c) => c.occur === 'should').map((c) => c.query),
      mustNot: clauses.filter((c) => c.occur === 'must_not').map((c) => c.query),
      filter: [],
      minimumShouldMatch: undefined,
      boost: 1,
    };
  }

  private readOperator(): 'AND' | 'OR' | undefined {
    const m = this.matchHere(OPERATOR);
    if (!m) return undefined;
    this.at += m[0].length;
    return m[1] === 'AND' || m[1] === '&&' ? 'AND' : 'OR';
  }

  private readModifier(): '+' | '-' | undefined {
    const ch = this.text[this.at];
    if (ch === '+' || ch === '-') {
      this.at++;
      return ch;
    }
    if (ch === '!') {
      this.at++;
      return '-';
    }
    const m = this.matchHere(NOT);
    if (m) {
      this.at += 3;
      return '-';
    }
    return undefined;
  }

  /** Lucene's addClause: AND makes the previous clause required, OR (with default AND) optional. */
  private addClause(clauses: Clause[], conj: number, mods: Occur | undefined, query: QueryNode): void {
    if (++this.clauseCount > MAX_CLAUSE_COUNT) throw tooManyClauses();
    const prev = clauses[clauses.length - 1];
    if (prev && conj === CONJ_AND && prev.occur !== 'must_not') prev.occur = 'must';
    if (prev && this.options.defaultOperator === 'and' && conj === CONJ_OR && prev.occur !== 'must_not')
      prev.occur = 'should';
    let occur: Occur;
    if (this.options.defaultOperator === 'or') {
      occur = mods === 'must_not' ? 'must_not' : mods === 'must' || conj === CONJ_AND ? 'must' : 'should';
    } else {
      occur = mods === 'must_not' ? 'must_not' : conj !== CONJ_OR ? 'must' : 'should';
    }
    clauses.push({ occur, query });
  }

  private parseClause(fields: readonly FieldBoost[], depth: number): QueryNode {
    let target = fields;
    let explicitField: string | undefined;
    const fieldMatch = this.matchHere(FIELD);
    if (fieldMatch) {
      explicitField = unescapeQuery(fieldMatch[1]!);
      this.at += fieldMatch[0].length;
      target = [{ field: explicitField, boost: 1 }];
      this.skipSpace();
    }
    let node: QueryNode;
    const ch = this.text[this.at];
    if (ch === '(') {
      this.at++;
      node = this.parseGroup(target, true, depth + 1);
      if (this.text[this.at] !== ')') throw this.error('missing )');
      this.at++;
    } else if (ch === '"') {
      const end = this.findClosingQuote();
      const phrase = unescapeQuery(this.text.slice(this.at + 1, end));
      this.at = end + 1;
      node = this.perField(target, (field, boost) => ({
        kind: 'match_phrase',
        field,
        text: phrase,
        boost,
        lenient: this.options.lenient,
      }));
    } else if (ch === '[' || ch === '{') {
      node = this.parseRange(target);
    } else if (ch === '/') {
      throw this.error('regular expressions are not supported by the embedded engine');
    } else {
      node = this.parseTerm(target, explicitField);
    }
    if (this.text[this.at] === '~')
      throw this.error('fuzzy and proximity queries (~) are not supported by the embedded engine');
    if (this.text[this.at] === '^') {
      const m = this.matchHere(BOOST);
      if (!m) throw this.error('invalid boost');
      this.at += m[0].length;
      const boost = Number(m[1]);
      node = {
        kind: 'bool',
        must: [node],
        should: [],
        mustNot: [],
        filter: [],
        minimumShouldMatch: undefined,
        boost,
      };
    }
    return node;
  }

  private findClosingQuote(): number {
    let i = this.at + 1;
    while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.text.length) throw this.error('unterminated phrase');
    return i;
  }

  private parseRange(fields: readonly FieldBoost[]): QueryNode {
    const m = this.matchHere(RANGE);
    if (!m) throw this.error('malformed range');
    this.at += m[0].length;
    const lower = unescapeQuery(m[2]!);
    const upper = unescapeQuery(m[3]!);
    return this.perField(fields, (field, boost) => ({
      kind: 'range',
      field,
      ...(lower === '*' ? {} : m[1] === '[' ? { gte: lower } : { gt: lower }),
      ...(upper === '*' ? {} : m[4] === ']' ? { lte: upper } : { lt: upper }),
      format: undefined,
      timeZone: undefined,
      boost,
      lenient: this.options.lenient,
    }));
  }

  private parseTerm(fields: readonly FieldBoost[], explicitField: string | undefined): QueryNode {
    const cmp = this.matchHere(COMPARISON);
    if (cmp) this.at += cmp[0].length;
    const m = this.matchHere(TERM);
    if (!m) throw this.error('missing term');
    this.at += m[0].length;
    const raw = m[0];
    const value = unescapeQuery(raw);
    if (cmp) {
      const bound = { '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' }[cmp[1]!]!;
      return this.perField(fields, (field, boost) => ({
        kind: 'range',
        field,
        [bound]: value,
        format: undefined,
        timeZone: undefined,
        boost,
        lenient: this.options.lenient,
      }));
    }
    if (explicitField === '_exists_') return { kind: 'exists', field: value, boost: 1 };
    if (value === '*' && raw === '*') {
      if (explicitField === undefined || explicitField === '*') return { kind: 'match_all', boost: 1 };
      return this.perField(fields, (field, boost) => ({ kind: 'exists', field, boost }));
    }
    const wildcardAt = raw.search(/(?<!\\)[*?]/);
    if (wildcardAt >= 0) {
      const pattern = raw.replace(/\\(.)/g, (_, c: string) => (c === '*' || c === '?' ? `\\${c}` : c));
      const prefixOnly = /^(?:\\.|[^*?\\])*\*$/.test(raw);
      return this.perField(fields, (field, boost) => ({
        kind: prefixOnly ? 'prefix' : 'wildcard',
        field,
        value: prefixOnly ? unescapeQuery(raw.slice(0, -1)) : pattern,
        boost,
        caseInsensitive: false,
        normalize: true,
      }));
    }
    return this.perField(fields, (field, boost) => ({
      kind: 'match',
      field,
      text: value,
      operator: this.options.defaultOperator,
      minimumShouldMatch: undefined,
      boost,
      lenient: this.options.lenient,
      zeroTermsQuery: 'none',
    }));
  }

  private perField(
    fields: readonly FieldBoost[],
    build: (field: string, boost: number) => QueryNode,
  ): QueryNode {
    if (fields.length === 1 && !fields[0]!.field.includes('*'))
      return build(fields[0]!.field, fields[0]!.boost);
    return { kind: 'multi_field', fields, build, combine: 'dis_max', tieBreaker: 0 };
  }
}

function unescapeQuery(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

export function parseQueryString(text: string, options: QueryStringOptions): QueryNode {
  return new QueryStringParser(text, options).parse();
}
