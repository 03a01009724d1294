/**
 * Redaction of credentials wherever text or configuration can surface: error messages, log
 * lines, the progress line, metric names and dead letters. A password in `--url`
 * (`http://user:secret@host`) must never be echoed back.
 *
 * Redacted in text: the password of a URL's user info (`https://user:***@host`; a user-only user
 * info such as a token `https://***@host` entirely), secret query parameters (`?api_key=***`), and
 * `Basic`/`Bearer`/`ApiKey` credentials after an authorization word. In objects: the values of
 * known secret fields (`password`, `apiKey`, `token`, `authorization`, ...), whatever their
 * case or separator; strings elsewhere in the object are redacted as text. Every pattern is
 * anchored at a fixed token (`://`, a parameter name, a scheme word), so redaction is linear.
 */

export const REDACTED = '***';

/** Field names whose values are secrets (compared lower-cased, `-`/`_` removed). */
const SECRET_FIELDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'token',
  'accesstoken',
  'refreshtoken',
  'apikey',
  'apitoken',
  'authorization',
  'auth',
  'credentials',
  'accesskey',
  'secretkey',
  'secretaccesskey',
  'privatekey',
  'clientsecret',
  'sessiontoken',
]);

// scheme://user:password@  and  scheme://token@
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/?#@:]*)(?::([^\s/?#@]*))?@/gi;
const SECRET_PARAM =
  /([?&;](?:password|passwd|pwd|secret|token|access_token|api_key|apikey|api-key|key|sig|signature|auth)=)[^&#\s"']*/gi;
const AUTH_SCHEME = /\b(basic|bearer|apikey)(\s+)[A-Za-z0-9+/=._~-]{6,}/gi;

/** `text` with URL credentials, secret query parameters and authorization credentials replaced. */
export function redactText(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(URL_USERINFO, (_m, scheme: string, user: string, password: string | undefined) =>
      password === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    )
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`);
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/** A copy of `value` with secret fields replaced and strings redacted (cycles and depth bounded). */
export function redact<T>(value: T, maxDepth = 32): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactText(v);
    if (typeof v !== 'object' || v === null) return v;
    if (v instanceof Error) return redactError(v);
    if (seen.has(v) || depth >= maxDepth) return REDACTED;
    seen.add(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(v)) {
      out[key] =
        isSecretField(key) && inner !== undefined && inner !== null ? REDACTED : walk(inner, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}

/** The same error with its message and stack redacted in place (its class and fields kept). */
export function redactError<E>(error: E): E {
  if (!(error instanceof Error)) return error;
  const message = redactText(error.message);
  if (message !== error.message) {
    try {
      error.message = message;
    } catch {
      // a frozen error keeps its message; callers print through redactText as well
    }
  }
  if (typeof error.stack === 'string') {
    const stack = redactText(error.stack);
    if (stack !== error.stack) {
      try {
        error.stack = stack;
      } catch {
        // see above
      }
    }
  }
  return error;
}
