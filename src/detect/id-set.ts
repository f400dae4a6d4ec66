/**
 * The distinct event ids behind a finding, in bounded memory. A rule that matches most records of a
 * months-long replay (SigmaHQ's AssumeRole rule matches every assumed-role call) would otherwise
 * hold millions of strings.
 *
 * Up to `EXACT_IDS` ids are kept as 64-bit hashes (two ids collide with probability about n² / 2⁶⁵)
 * and counted exactly. Beyond that the set becomes a HyperLogLog sketch (16 KiB, 2¹⁴ registers):
 * `size` is then an estimate within about 1% (linear counting, near exact, while registers are
 * mostly empty), and `add` can no longer tell a repeated id from a new one. Elastic's cardinality
 * aggregation makes the same trade (exact below a threshold, HyperLogLog++ above).
 */

/** Ids counted exactly per set; above, an estimate. */
export const EXACT_IDS = 1024;

const P = 14;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);

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

/**
 * An IdSet as plain data (structured-clone safe): the 64-bit hashes of its ids while exact, else the
 * sketch's registers.
 */
export type IdSetState = { hashes: Uint32Array } | { registers: Uint8Array };

export class IdSet {
  #slots: Uint32Array | undefined;
  #mask: number;
  #count = 0;
  /** The HyperLogLog registers, once past EXACT_IDS. */
  #registers: Uint8Array | undefined;

  constructor(initialCapacity = 16) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.#slots = new Uint32Array(cap * 2);
    this.#mask = cap - 1;
  }

  /** Distinct ids added: exact up to EXACT_IDS, an estimate above. */
  get size(): number {
    const r = this.#registers;
    if (!r) return this.#count;
    let sum = 0;
    let zeros = 0;
    for (let j = 0; j < M; j++) {
      sum += 2 ** -r[j]!;
      if (r[j] === 0) zeros++;
    }
    const raw = (ALPHA * M * M) / sum;
    const estimate = raw <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : raw;
    // Never below what was counted exactly before the switch.
    return Math.max(EXACT_IDS, Math.round(estimate));
  }

  /** True when exact: `size` is a count, and `add` tells repeats apart. */
  get exact(): boolean {
    return this.#registers === undefined;
  }

  /**
   * Adds the id; false when it (or an id with the same 64-bit hash) was there already. Once the set
   * is an estimate, always true.
   */
  add(id: string): boolean {
    hash64(id, scratch);
    const a = scratch[0]!;
    const b = scratch[1]!;
    if (this.#registers) {
      this.#observe(a, b);
      return true;
    }
    const added = this.#insert(a, b);
    if (!added) return false;
    if (this.#count > EXACT_IDS) this.#toSketch();
    else if (this.#count * 2 > this.#mask + 1) this.#grow();
    return true;
  }

  /** This set as data for another thread (`absorb` there gives the union). */
  state(): IdSetState {
    if (this.#registers) return { registers: this.#registers.slice() };
    const slots = this.#slots!;
    const hashes = new Uint32Array(this.#count * 2);
    let k = 0;
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] === 0 && slots[i + 1] === 0) continue;
      hashes[k++] = slots[i]!;
      hashes[k++] = slots[i + 1]!;
    }
    return { hashes };
  }

  /**
   * Adds every id of another set (its `state`). The result depends only on the ids added, not on the
   * order or the sets they came through: exact while the union has at most EXACT_IDS ids, else the
   * sketch of all of them (registers keep maxima).
   */
  absorb(s: IdSetState): void {
    if ('registers' in s) {
      if (!this.#registers) this.#toSketch();
      const r = this.#registers!;
      for (let j = 0; j < M; j++) if (s.registers[j]! > r[j]!) r[j] = s.registers[j]!;
      return;
    }
    const h = s.hashes;
    for (let i = 0; i < h.length; i += 2) {
      if (this.#registers) this.#observe(h[i]!, h[i + 1]!);
      else if (this.#insert(h[i]!, h[i + 1]!)) {
        if (this.#count > EXACT_IDS) this.#toSketch();
        else if (this.#count * 2 > this.#mask + 1) this.#grow();
      }
    }
  }

  #observe(a: number, b: number): void {
    const r = this.#registers!;
    const j = a >>> (32 - P);
    const rank = b === 0 ? 33 : Math.clz32(b) + 1;
    if (rank > r[j]!) r[j] = rank;
  }

  #toSketch(): void {
    const old = this.#slots!;
    this.#registers = new Uint8Array(M);
    this.#slots = undefined;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.#observe(old[i]!, old[i + 1]!);
    }
  }

  #insert(a: number, b: number): boolean {
    const slots = this.#slots!;
    for (let i = a & this.#mask; ; i = (i + 1) & this.#mask) {
      const x = slots[2 * i]!;
      const y = slots[2 * i + 1]!;
      if (x === 0 && y === 0) {
        slots[2 * i] = a;
        slots[2 * i + 1] = b;
        this.#count++;
        return true;
      }
      if (x === a && y === b) return false;
    }
  }

  #grow(): void {
    const old = this.#slots!;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = old.length - 1;
    this.#count = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.#insert(old[i]!, old[i + 1]!);
    }
  }
}
