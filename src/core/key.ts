/**
 * Keys partition a stream for keyed state, timers and windows. Only values with value semantics
 * are allowed (a JS Map would compare objects by identity): to key by several fields, build a
 * string, e.g. `h => `${h.path}|${h.status}``.
 */
export type Key = string | number;

export type KeySelector<T, K extends Key = Key> = (value: T) => K;
