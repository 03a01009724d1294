/** Receives the output of a process function; each collected value inherits the input's timestamp. */
export interface Collector<T> {
  collect(value: T): void;
}
