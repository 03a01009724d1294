/**
 * Wildcard patterns (`*` any run, `?` one code point, `\` escapes) matched without backtracking.
 * A RegExp built from `a*a*a*a*a*b` backtracks exponentially in the star count (one 111-character
 * value took 41 s for six stars); Lucene compiles the pattern to an automaton instead. Here the
 * pattern is split at its stars into segments: the first must match at the start, the last at the
 * end, and each middle one is found leftmost after the previous one. The leftmost match of each
 * segment is always a correct choice (a later one only leaves less room), so no choice is ever
 * revisited and one value costs at most `value length x longest segment` comparisons; `steps`
 * counts them so tests can bound the work without timing anything.
 *
 * Patterns longer than MAX_WILDCARD_PATTERN_LENGTH code points are refused as Lucene refuses
 * them when building the automaton ("input automaton is too large"), so the work per value stays
 * bounded by the value's length times that constant.
 */
import { SearchEngineError } from '../search-engine-error.js';

/** Lucene's limit on automaton recursion (Operations.MAX_RECURSION_LEVEL), used as a length cap. */
export const MAX_WILDCARD_PATTERN_LENGTH = 1000;

const ANY_ONE = -1;

export interface WildcardOptions {
  /** `?` matches one code point (ES `wildcard`, query_string); field and index patterns only know `*`. */
  readonly questionMark?: boolean;
  /** `\` escapes the next character (ES `wildcard`); field and index patterns have no escapes. */
  readonly escapes?: boolean;
  readonly caseInsensitive?: boolean;
}

export class WildcardPattern {
  /** Character comparisons made by every `matches` call so far (for tests bounding the work). */
  steps = 0;

  private constructor(
    /** Code points per segment, ANY_ONE for `?`; segments are separated by one or more stars. */
    private readonly segments: readonly Int32Array[],
    private readonly leadingStar: boolean,
    private readonly trailingStar: boolean,
    private readonly caseInsensitive: boolean,
  ) {}

  /** Compiles `pattern`; throws `query_shard_exception` when it is longer than the limit. */
  static compile(pattern: string, options: WildcardOptions = {}): WildcardPattern {
    const text = options.caseInsensitive ? pattern.toLowerCase() : pattern;
    const points = Array.from(text, (ch) => ch.codePointAt(0)!);
    if (points.length > MAX_WILDCARD_PATTERN_LENGTH) throw tooLarge(points.length);
    const segments: Int32Array[] = [];
    let current: number[] = [];
    let leadingStar = false;
    let trailingStar = false;
    for (let i = 0; i < points.length; i++) {
      const cp = points[i]!;
      if (cp === 0x5c /* \ */ && options.escapes && i + 1 < points.length) {
        current.push(points[++i]!);
        trailingStar = false;
      } else if (cp === 0x2a /* * */) {
        if (segments.length === 0 && current.length === 0) leadingStar = true;
        if (current.length > 0 || segments.length > 0) segments.push(Int32Array.from(current));
        current = [];
        trailingStar = true;
      } else {
        current.push(cp === 0x3f /* ? */ && options.questionMark ? ANY_ONE : cp);
        trailingStar = false;
      }
    }
    if (!trailingStar || segments.length === 0) segments.push(Int32Array.from(current));
    // Empty middle segments (from `a**b`) match anywhere: drop them.
    const kept = segments.filter((s, i) => s.length > 0 || i === 0 || i === segments.length - 1);
    return new WildcardPattern(kept, leadingStar, trailingStar, options.caseInsensitive === true);
  }

  matches(value: string): boolean {
    const v = codePoints(this.caseInsensitive ? value.toLowerCase() : value);
    const n = v.length;
    const segs = this.segments;
    const starless = !this.leadingStar && !this.trailingStar && segs.length === 1;
    if (starless) return segs[0]!.length === n && this.matchAt(segs[0]!, v, 0);
    let start = 0;
    let end = n;
    let first = 0;
    let last = segs.length - 1;
    if (!this.leadingStar) {
      const s = segs[0]!;
      if (s.length > end || !this.matchAt(s, v, 0)) return false;
      start = s.length;
      first = 1;
    }
    if (!this.trailingStar && last >= first) {
      const s = segs[last]!;
      if (s.length > end - start || !this.matchAt(s, v, end - s.length)) return false;
      end -= s.length;
      last--;
    }
    for (let i = first; i <= last; i++) {
      const s = segs[i]!;
      const at = this.find(s, v, start, end);
      if (at < 0) return false;
      start = at + s.length;
    }
    return true;
  }

  private matchAt(seg: Int32Array, v: ArrayLike<number>, at: number): boolean {
    for (let j = 0; j < seg.length; j++) {
      this.steps++;
      const p = seg[j]!;
      if (p !== ANY_ONE && p !== v[at + j]) return false;
    }
    return true;
  }

  /** Leftmost start in [from, to - seg.length] where `seg` matches, or -1. */
  private find(seg: Int32Array, v: ArrayLike<number>, from: number, to: number): number {
    for (let at = from; at + seg.length <= to; at++) {
      if (this.matchAt(seg, v, at)) return at;
    }
    return -1;
  }
}

/** UTF-16 code units when the string has no surrogates (the common case), else its code points. */
function codePoints(value: string): ArrayLike<number> {
  const units = new Uint32Array(value.length);
  let surrogates = false;
  for (let i = 0; i < value.length; i++) {
    const u = value.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdfff) surrogates = true;
    units[i] = u;
  }
  return surrogates ? Uint32Array.from(value, (ch) => ch.codePointAt(0)!) : units;
}

function tooLarge(length: number): SearchEngineError {
  return new SearchEngineError(
    'query_shard_exception',
    `failed to create query: input automaton is too large: ${length} (patterns are limited to ${MAX_WILDCARD_PATTERN_LENGTH} characters)`,
    400,
    {
      extra: {
        caused_by: { type: 'illegal_argument_exception', reason: `input automaton is too large: ${length}` },
      },
    },
  );
}

/** A `*`-only pattern (field names, `_source` filters, index expressions) as a predicate. */
export function starPattern(pattern: string): (value: string) => boolean {
  const compiled = WildcardPattern.compile(pattern);
  return (value) => compiled.matches(value);
}
