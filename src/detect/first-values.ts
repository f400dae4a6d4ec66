/**
 * The first `cap` distinct values of a stream by position (input order), kept with the position
 * each was first seen at. Adding in any order, or merging two parts of a stream in any order, gives
 * what reading the whole stream in order gives — so a finding's evidence is the same whichever
 * thread read which part of the input, and in what order the parts came back.
 *
 * Plain arrays searched linearly: with at most a few dozen values that beats hashing each fresh
 * string, and in order (the usual case) a full list turns a value away with one comparison.
 */
/** A `FirstValues` as plain data (structured-clone safe): the values and their positions. */
export interface PositionedValues {
  readonly values: readonly string[];
  readonly at: readonly number[];
}

export class FirstValues implements PositionedValues {
  readonly values: string[] = [];
  /** Position of each value, ascending. */
  readonly at: number[] = [];
  constructor(readonly cap: number) {}

  get full(): boolean {
    return this.values.length >= this.cap;
  }

  /** False when a value at `pos` cannot enter: the list is full of values seen earlier. */
  wants(pos: number): boolean {
    const n = this.at.length;
    return n < this.cap || pos < this.at[n - 1]!;
  }

  add(v: string | undefined, pos: number): void {
    if (v === undefined) return;
    const { values, at } = this;
    const n = values.length;
    if (n > 0 && pos >= at[n - 1]!) {
      // In order: a new value goes at the end; a repeat keeps its earlier position.
      if (n >= this.cap || values[n - 1] === v || values.includes(v)) return;
      values.push(v);
      at.push(pos);
      return;
    }
    // Before the last value kept: the value moves (or enters) at its position.
    const i = values.indexOf(v);
    if (i !== -1) {
      if (at[i]! <= pos) return;
      values.splice(i, 1);
      at.splice(i, 1);
    }
    let k = at.length;
    while (k > 0 && at[k - 1]! > pos) k--;
    values.splice(k, 0, v);
    at.splice(k, 0, pos);
    if (values.length > this.cap) {
      values.pop();
      at.pop();
    }
  }

  /** Folds in another part of the stream (any part, in any order). */
  merge(other: PositionedValues): void {
    for (let i = 0; i < other.values.length; i++) this.add(other.values[i], other.at[i]!);
  }
}
