/**
 * Names a side output: a second, typed stream an operator can emit to (late data, dead letters,
 * anything a process function routes aside). Tags compare by id.
 */
export class OutputTag<T> {
  /** Phantom field so OutputTag<A> and OutputTag<B> are distinct types. */
  declare readonly __type?: T;
  constructor(readonly id: string) {
    if (id.length === 0) throw new TypeError('OutputTag id must not be empty');
  }
  toString(): string {
    return `OutputTag(${this.id})`;
  }
}
