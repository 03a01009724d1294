/**
 * User logic given as an object (a process function with `open`, state handles kept in fields) or
 * as a factory returning one. The runtime builds it once per parallel instance, so no two instances
 * share a state handle: a factory is called per instance; an object is used as the prototype of a
 * fresh per-instance object, so whatever `open` stores in `this.x` belongs to that instance alone.
 * State kept in a closure shared by the object cannot be separated that way: pass a factory then.
 */
export type PerInstance<F extends object> = F | (() => F);

export function buildPerInstance<F extends object>(logic: PerInstance<F>): F {
  return typeof logic === 'function' ? (logic as () => F)() : (Object.create(logic) as F);
}
