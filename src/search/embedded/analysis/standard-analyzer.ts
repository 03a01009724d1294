/**
 * ES's `standard` analyzer: the Unicode word-break rules of UAX #29 (as Lucene's
 * StandardTokenizer implements them), lowercased, no stop words, tokens longer than 255 chars split.
 * Used at index time for `text` fields and at query time for `match`, `match_phrase`,
 * `multi_match` and `query_string` terms, so both sides always agree.
 *
 * The word-break rules kept here: letters and digits run together ("v1", "abc123"), `_` joins
 * anything ("foo_bar"), `. ' ’ : ·` join letter to letter ("u.s.a", "don't"), `. , ; ' ’` join digit
 * to digit ("1.5", "10,000"), CJK ideographs and Hiragana are one token each; everything else
 * (spaces, punctuation, `/ - @`, symbols, emoji) separates tokens.
 */

enum CharClass {
  Other = 0,
  Letter = 1,
  Digit = 2,
  Underscore = 3,
  Ideograph = 4,
}

const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{Nd}/u;
const IDEOGRAPH = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const MAX_TOKEN_LENGTH = 255;

function classify(code: number, ch: string): CharClass {
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return CharClass.Letter;
    if (code >= 48 && code <= 57) return CharClass.Digit;
    if (code === 95) return CharClass.Underscore;
    return CharClass.Other;
  }
  if (IDEOGRAPH.test(ch)) return CharClass.Ideograph;
  if (LETTER.test(ch)) return CharClass.Letter;
  if (DIGIT.test(ch)) return CharClass.Digit;
  return CharClass.Other;
}

function joinsLetters(code: number): boolean {
  return code === 46 || code === 39 || code === 0x2019 || code === 58 || code === 0xb7;
}

function joinsDigits(code: number): boolean {
  return code === 46 || code === 44 || code === 59 || code === 39 || code === 0x2019;
}

/** ASCII classes by char code, so the common case never touches a regex. */
const ASCII_CLASS = new Uint8Array(128);
for (let code = 0; code < 128; code++) ASCII_CLASS[code] = classify(code, '');

/** Splits `text` into lowercased tokens, in order (positions are array indices). */
export function analyze(text: string): string[] {
  const tokens: string[] = [];
  forEachTokenSpan(
    text,
    (start, end, lower) => {
      const token = text.slice(start, end);
      tokens.push(lower ? token.toLowerCase() : token);
    },
    (token) => tokens.push(token),
  );
  return tokens;
}

/**
 * What indexing uses: each token of `text` in order, as a span of `text` when it is ASCII
 * (`onSpan(start, end, lower)`: the token is `text.slice(start, end)`, lowercased when `lower`),
 * otherwise as a string (`onToken`). Why spans: an index that already knows a term looks it up by
 * its characters (StringIntMap.getRange), so the common token costs no string at all.
 */
export function forEachTokenSpan(
  text: string,
  onSpan: (start: number, end: number, lower: boolean) => void,
  onToken: (token: string) => void,
): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code >= 128) {
      // Every token before `i` is out, and `i` starts no join with them (see below).
      forEachTokenUnicode(text, onToken, i);
      return;
    }
    const c = ASCII_CLASS[code]!;
    if (c === CharClass.Other) {
      i++;
      continue;
    }
    const start = i;
    i++;
    let hasUpper = code >= 65 && code <= 90;
    while (i < n) {
      const k = text.charCodeAt(i);
      if (k >= 128) {
        forEachTokenUnicode(text, onToken, start);
        return;
      }
      const kc = ASCII_CLASS[k]!;
      if (kc !== CharClass.Other) {
        if (k >= 65 && k <= 90) hasUpper = true;
        i++;
        continue;
      }
      if (i + 1 < n) {
        const next = text.charCodeAt(i + 1);
        if (next >= 128 && (joinsLetters(k) || joinsDigits(k))) {
          // Whether `k` joins this token to what follows needs the Unicode classes.
          forEachTokenUnicode(text, onToken, start);
          return;
        }
        if (next < 128) {
          const prev = ASCII_CLASS[text.charCodeAt(i - 1)]!;
          const nc = ASCII_CLASS[next]!;
          if (
            (prev === CharClass.Letter && nc === CharClass.Letter && joinsLetters(k)) ||
            (prev === CharClass.Digit && nc === CharClass.Digit && joinsDigits(k))
          ) {
            if (next >= 65 && next <= 90) hasUpper = true;
            i += 2;
            continue;
          }
        }
      }
      break;
    }
    for (let at = start; at < i; at += MAX_TOKEN_LENGTH)
      onSpan(at, Math.min(i, at + MAX_TOKEN_LENGTH), hasUpper);
  }
}

/**
 * The general path for text with non-ASCII characters, from `from` on (a position where a token may
 * start and that no join connects to anything before it; the fast path has emitted what precedes).
 */
function forEachTokenUnicode(text: string, emit: (token: string) => void, from: number): void {
  const n = text.length;
  // One class per UTF-16 unit; both halves of a surrogate pair get the code point's class.
  const classes = new Uint8Array(n);
  for (let i = from; i < n; i++) {
    const code = text.codePointAt(i)!;
    if (code < 128) {
      classes[i] = ASCII_CLASS[code]!;
      continue;
    }
    const c = classify(code, String.fromCodePoint(code));
    classes[i] = c;
    if (code > 0xffff) classes[++i] = c;
  }
  let i = from;
  while (i < n) {
    const c = classes[i]!;
    if (c === CharClass.Other) {
      i++;
      continue;
    }
    if (c === CharClass.Ideograph) {
      const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
      emit(text.slice(i, i + width));
      i += width;
      continue;
    }
    const start = i;
    i++;
    while (i < n) {
      const k = classes[i]!;
      if (k === CharClass.Letter || k === CharClass.Digit || k === CharClass.Underscore) {
        i++;
        continue;
      }
      if (k === CharClass.Other && i + 1 < n) {
        const prev = classes[i - 1]!;
        const next = classes[i + 1]!;
        const code = text.charCodeAt(i);
        if (prev === CharClass.Letter && next === CharClass.Letter && joinsLetters(code)) {
          i += 2;
          continue;
        }
        if (prev === CharClass.Digit && next === CharClass.Digit && joinsDigits(code)) {
          i += 2;
          continue;
        }
      }
      break;
    }
    pushToken(emit, text.slice(start, i).toLowerCase());
  }
}

function pushToken(emit: (token: string) => void, token: string): void {
  if (token.length <= MAX_TOKEN_LENGTH) {
    emit(token);
    return;
  }
  for (let at = 0; at < token.length; at += MAX_TOKEN_LENGTH) emit(token.slice(at, at + MAX_TOKEN_LENGTH));
}
