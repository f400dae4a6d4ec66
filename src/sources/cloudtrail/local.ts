/** Local inputs: files, directories walked recursively, and stdin (`-`). */
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { JackstopError } from '../../errors.js';
import type { Source } from './source.js';

const READ_CHUNK_BYTES = 1 << 20;

/** The user's error for a failed file system call on `path`. */
export function fsError(e: unknown, path: string): JackstopError {
  const code = (e as { code?: string } | undefined)?.code;
  const location = { file: path };
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new JackstopError('JACKSTOP_INPUT_NOT_FOUND', `no such file or directory: ${path}`, { location, cause: e });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new JackstopError(
      'JACKSTOP_INPUT_UNREADABLE',
      `permission denied: cannot read ${path} (check its permissions, or run as a user who may read it)`,
      { location, cause: e },
    );
  }
  const why = e instanceof Error ? e.message : String(e);
  return new JackstopError('JACKSTOP_INPUT_UNREADABLE', `cannot read ${path}: ${why}`, { location, cause: e });
}

class FileSource implements Source {
  constructor(
    readonly name: string,
    readonly size: number | undefined,
  ) {}

  async open(): Promise<AsyncIterable<Buffer>> {
    return createReadStream(this.name, { highWaterMark: READ_CHUNK_BYTES });
  }

  readWhole(): Promise<Buffer> {
    return readFile(this.name);
  }

  readError(e: unknown): JackstopError {
    return fsError(e, this.name);
  }
}

class StdinSource implements Source {
  readonly name = '-';
  readonly size = undefined;
  constructor(private readonly stream: NodeJS.ReadableStream) {}

  async open(): Promise<AsyncIterable<Buffer | string>> {
    return this.stream;
  }

  readError(e: unknown): JackstopError {
    const why = e instanceof Error ? e.message : String(e);
    return new JackstopError('JACKSTOP_INPUT_UNREADABLE', `cannot read standard input: ${why}`, {
      location: { file: '-' },
      cause: e,
    });
  }
}

export function stdinSource(stream: NodeJS.ReadableStream): Source {
  return new StdinSource(stream);
}

function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/**
 * The files an input path names: the file itself (also a pipe such as `<(zcat …)`), or every
 * file below a directory. Hidden files and directories (`.git`, `.DS_Store`) are skipped;
 * symbolic links are followed, loops are not. Problems are reported through `onBad`.
 */
export async function localSources(input: string, onBad: (e: JackstopError) => void): Promise<Source[]> {
  let st: Stats;
  try {
    st = await stat(input);
  } catch (e) {
    onBad(fsError(e, input));
    return [];
  }
  if (!st.isDirectory()) {
    if (st.isFile() || st.isFIFO() || st.isCharacterDevice() || st.isSocket()) {
      return [new FileSource(input, st.isFile() ? st.size : undefined)];
    }
    onBad(
      new JackstopError('JACKSTOP_INPUT_UNSUPPORTED', `not a file or directory: ${input}`, {
        location: { file: input },
      }),
    );
    return [];
  }
  const out: Source[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let real: string;
    let entries: Dirent[];
    try {
      real = await realpath(dir);
      if (seen.has(real)) return;
      seen.add(real);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      onBad(fsError(e, dir));
      return;
    }
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size: number | undefined;
      if (entry.isSymbolicLink() || isFile) {
        try {
          const target = await stat(path);
          isDir = target.isDirectory();
          isFile = target.isFile();
          size = target.size;
        } catch (e) {
          onBad(fsError(e, path));
          continue;
        }
      }
      if (isDir) await walk(path);
      else if (isFile) out.push(new FileSource(path, size));
    }
  };
  await walk(input);
  return out;
}
