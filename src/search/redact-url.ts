/**
 * Keeps credentials out of everything a user or a log can read: URLs lose their `user:password@`
 * part, and any text (an error message from a transport, a stack) loses every secret the caller
 * names. Used by the connection settings, the cluster adapter's errors and the engine registry;
 * the general patterns (user info, secret query parameters, authorization schemes) are core's.
 */
import { REDACTED, redactText } from '../core/redact.js';

/**
 * `https://elastic:s3cret@host:9200/x` -> `https://***@host:9200/x`; a URL without credentials or a
 * text that is not a URL comes back unchanged (minus any `user:pass@` pattern it contains).
 */
export function redactUrl(url: string): string {
  return redactText(url).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, `$1${REDACTED}@`);
}

/**
 * `text` with every occurrence of each secret (and of its URL-encoded form) replaced, and every
 * `scheme://user:pass@` inside it redacted. Secrets shorter than 3 characters are still replaced:
 * a short password is a password too.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, `$1${REDACTED}@`);
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}
