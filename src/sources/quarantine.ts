import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { clipExcerpt } from './excerpt.js';
import type { BadInput } from './types.js';

/**
 * Keeps bad input aside for later review: one NDJSON line per bad file, line or record, with the
 * error code, message, location and (clipped) excerpt. The file is created on the first `add`, so a
 * clean run leaves nothing behind; it is private to the user (mode 0600) because excerpts can hold
 * secrets. Writes are synchronous so that a crash right after `add` loses nothing; an `add` after
 * `close` reopens the file and appends.
 */
export class Quarantine {
  readonly path: string;
  #fd: number | undefined;
  #count = 0;

  constructor(path: string) {
    this.path = path;
  }

  get count(): number {
    return this.#count;
  }

  add(bad: BadInput): void {
    const entry: Record<string, unknown> = {
      code: bad.error.code,
      message: bad.error.message,
      location: bad.error.location ?? {},
    };
    if (bad.excerpt !== undefined) entry.excerpt = clipExcerpt(bad.excerpt);
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.#fd = openSync(this.path, 'a', 0o600);
    }
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    this.#count++;
  }

  async close(): Promise<void> {
    if (this.#fd !== undefined) {
      const fd = this.#fd;
      this.#fd = undefined;
      closeSync(fd);
    }
  }
}
