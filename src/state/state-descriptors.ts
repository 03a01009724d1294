import { ConfigError } from '../core/errors.js';
import type { StateTtlConfig } from './state-ttl.js';

/**
 * Names a piece of keyed state and its options. The name (unique within an operator) is how the
 * state is found again after a restore, so keep it stable across versions of a job.
 */
export type StateDescriptor =
  | ValueStateDescriptor<unknown>
  | ListStateDescriptor<unknown>
  | MapStateDescriptor<unknown>;

export interface ValueStateDescriptor<T> {
  readonly kind: 'value';
  readonly name: string;
  readonly ttl: StateTtlConfig | undefined;
  /** Returned by `value()` when the key has no (live) entry. */
  readonly defaultValue: T | undefined;
}

export interface ListStateDescriptor<T> {
  readonly kind: 'list';
  readonly name: string;
  readonly ttl: StateTtlConfig | undefined;
  /** Phantom: ties the element type to the descriptor. */
  readonly __element?: T;
}

export interface MapStateDescriptor<V> {
  readonly kind: 'map';
  readonly name: string;
  readonly ttl: StateTtlConfig | undefined;
  readonly __value?: V;
}

function checkName(name: string): string {
  if (name.length === 0) throw new ConfigError('state name must not be empty');
  return name;
}

export function valueState<T>(
  name: string,
  options: { ttl?: StateTtlConfig; defaultValue?: T } = {},
): ValueStateDescriptor<T> {
  return { kind: 'value', name: checkName(name), ttl: options.ttl, defaultValue: options.defaultValue };
}

export function listState<T>(name: string, options: { ttl?: StateTtlConfig } = {}): ListStateDescriptor<T> {
  return { kind: 'list', name: checkName(name), ttl: options.ttl };
}

/** Map state: user keys are strings or numbers (compared by value). */
export function mapState<V>(name: string, options: { ttl?: StateTtlConfig } = {}): MapStateDescriptor<V> {
  return { kind: 'map', name: checkName(name), ttl: options.ttl };
}
