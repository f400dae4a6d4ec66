/**
 * A set of event ids that costs 8 bytes (and some slack) per id instead of a JS string each: a rule
 * that matches most records of a months-long replay (SigmaHQ's AssumeRole rule matches every
 * assumed-role call) would otherwise hold millions of strings. Ids are kept as 64-bit hashes, so two
 * different ids collide with probability about n² / 2⁶⁵ (10⁻⁶ at ten million ids): `add` may then
 * say "seen" for a new id, undercounting by one.
 */

/** Two independent 32-bit hashes of a string (cyrb53's mixing, both halves kept). */
function hash64(s: string, out: Uint32Array): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1 >>> 0;
  // (0, 0) marks an empty slot.
  out[1] = h2 >>> 0 || (h1 >>> 0 === 0 ? 1 : 0);
}

const scratch = new Uint32Array(2);

export class IdSet {
  #slots: Uint32Array;
  #mask: number;
  size = 0;

  constructor(initialCapacity = 16) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.#slots = new Uint32Array(cap * 2);
    this.#mask = cap - 1;
  }

  /** Adds the id; false when it (or an id with the same 64-bit hash) was there already. */
  add(id: string): boolean {
    hash64(id, scratch);
    const added = this.#insert(scratch[0]!, scratch[1]!);
    if (added && this.size * 2 > this.#mask + 1) this.#grow();
    return added;
  }

  has(id: string): boolean {
    hash64(id, scratch);
    const a = scratch[0]!;
    const b = scratch[1]!;
    const slots = this.#slots;
    for (let i = a & this.#mask; ; i = (i + 1) & this.#mask) {
      const x = slots[2 * i]!;
      const y = slots[2 * i + 1]!;
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
    }
  }

  #insert(a: number, b: number): boolean {
    const slots = this.#slots;
    for (let i = a & this.#mask; ; i = (i + 1) & this.#mask) {
      const x = slots[2 * i]!;
      const y = slots[2 * i + 1]!;
      if (x === 0 && y === 0) {
        slots[2 * i] = a;
        slots[2 * i + 1] = b;
        this.size++;
        return true;
      }
      if (x === a && y === b) return false;
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = old.length - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.#insert(old[i]!, old[i + 1]!);
    }
  }
}
