/** The keys of `T` whose values are strings (or may be absent). */
type StringKeys<T> = { [K in keyof T]-?: T[K] extends string | undefined ? K : never }[keyof T];

/**
 * One shared copy of strings that repeat across records (identities, keys, models, regions, user
 * agents). Every parsed record brings its own copies; state that keeps many events for a while
 * (correlation windows, recent model calls) holds one each instead. Bounded: when full it starts
 * over, which only costs sharing, never correctness.
 */
export class StringPool {
  readonly #pool = new Map<string, string>();
  constructor(readonly capacity = 65_536) {}

  intern<S extends string | undefined>(s: S): S {
    if (s === undefined) return s;
    const known = this.#pool.get(s);
    if (known !== undefined) return known as S;
    if (this.#pool.size >= this.capacity) this.#pool.clear();
    this.#pool.set(s, s);
    return s;
  }

  /** Interns the named string fields of `obj` in place (absent ones stay absent). */
  internFields<T extends object>(obj: T, keys: readonly StringKeys<T>[]): T {
    const o = obj as Record<StringKeys<T>, string | undefined>;
    for (const k of keys) if (o[k] !== undefined) o[k] = this.intern(o[k]);
    return obj;
  }

  get size(): number {
    return this.#pool.size;
  }
}
