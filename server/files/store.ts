/**
 * The AWS files store: the one place that reads and writes `~/.aws/credentials` and `~/.aws/config`.
 *
 * A write is: take the cross-process lock shared by every Torque process, read the file again under
 * it, apply the edit to what is there now, back the file up (first change of this store only), write
 * a 0600 temp file beside it, fsync, rename over the link's target, fsync the folder, unlock. If any
 * step fails the original file is as it was.
 */
import { statSync } from 'node:fs';
import { mkdir, open, realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { TorqueError } from '../errors.js';
import { backupFile } from './backup.js';
import { IniEditor } from './edit.js';
import { type FileKind, type IniDocument, serialize } from './ini.js';
import type { AwsPaths } from './paths.js';
import { buildProfiles, type ProfileSet } from './profiles.js';
import { errno, readAwsFile } from './read.js';

export interface AwsFilesSnapshot {
  credentials: IniDocument;
  config: IniDocument;
}

export interface StoreOptions {
  /** How long to wait for another Torque process to finish its write. */
  lockWaitMs?: number;
}

export type Edit<T> = (editor: IniEditor) => T | Promise<T>;

export interface Updated<T> {
  result: T;
  /** The document after this edit. */
  doc: IniDocument;
  /** Whether this edit changed anything. */
  changed: boolean;
}

interface QueuedEdit<T> {
  edit: Edit<T>;
  resolve: (value: Updated<T>) => void;
  reject: (error: unknown) => void;
}

export class AwsFiles {
  readonly paths: AwsPaths;
  readonly #lockWaitMs: number;
  readonly #backedUp = new Set<string>();

  constructor(paths: AwsPaths, options: StoreOptions = {}) {
    this.paths = paths;
    this.#lockWaitMs = options.lockWaitMs ?? 15_000;
  }

  pathOf(kind: FileKind): string {
    return kind === 'credentials' ? this.paths.credentials : this.paths.config;
  }

  async readFile(kind: FileKind): Promise<IniDocument> {
    return (await readAwsFile(this.pathOf(kind), kind)).doc;
  }

  async read(): Promise<AwsFilesSnapshot> {
    const [credentials, config] = await Promise.all([this.readFile('credentials'), this.readFile('config')]);
    return { credentials, config };
  }

  /**
   * The profiles of both files. Reading is skipped while neither file changed (same inode, size,
   * modification and change times), so the web app can answer a busy page from memory.
   */
  async profiles(): Promise<ProfileSet & AwsFilesSnapshot> {
    const version = await this.version();
    if (this.#cached?.version === version) return this.#cached.value;
    const snapshot = await this.read();
    const value = { ...buildProfiles(snapshot.credentials, snapshot.config), ...snapshot };
    // Keyed by the version seen before reading: a change during the read shows up as a new version next time.
    this.#cached = { version, value };
    return value;
  }

  #cached: { version: string; value: ProfileSet & AwsFilesSnapshot } | undefined;

  /**
   * A fingerprint of both files as they are on disk now. Synchronous on purpose: two stat calls take
   * microseconds, less than a round trip through libuv's thread pool on a busy server.
   */
  async version(): Promise<string> {
    const one = (path: string) => {
      try {
        const s = statSync(path, { bigint: true });
        return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
      } catch (error) {
        return `missing:${errno(error)}`;
      }
    };
    return `${one(this.paths.credentials)}|${one(this.paths.config)}`;
  }

  /**
   * Applies an edit under the lock to the file as it is now and writes it atomically.
   * Returns what the edit function returned and the document as written.
   *
   * Edits asked for while another write of the same file is under way are applied together in the
   * next write, one after the other, each to the result of the one before: 50 keys rotating at once
   * take one lock and one fsync, not 50. An edit that throws is undone alone; the others still land.
   */
  update<T>(kind: FileKind, edit: Edit<T>): Promise<Updated<T>> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues[kind];
      queue.waiting.push({ edit, resolve, reject } as QueuedEdit<unknown>);
      if (!queue.busy) void this.#flush(kind);
    });
  }

  readonly #queues: Record<FileKind, { waiting: QueuedEdit<unknown>[]; busy: boolean }> = {
    credentials: { waiting: [], busy: false },
    config: { waiting: [], busy: false },
  };

  async #flush(kind: FileKind): Promise<void> {
    const queue = this.#queues[kind];
    queue.busy = true;
    // Let edits asked in the same tick join this write.
    await new Promise((resolve) => setImmediate(resolve));
    const batch = queue.waiting.splice(0);
    try {
      await this.#write(kind, batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      queue.busy = false;
      if (queue.waiting.length > 0) void this.#flush(kind);
    }
  }

  async #write(kind: FileKind, batch: QueuedEdit<unknown>[]): Promise<void> {
    const path = this.pathOf(kind);
    const target = await this.#writeTarget(path, kind);
    const release = await this.#lock(target, path);
    try {
      const { doc, exists } = await readAwsFile(target, kind);
      let editor = new IniEditor({ ...doc, file: path });
      const done: { item: QueuedEdit<unknown>; result: unknown; doc: IniDocument; changed: boolean }[] = [];
      for (const item of batch) {
        const before = editor.document;
        const text = editor.toString();
        try {
          const result = await item.edit(editor);
          done.push({ item, result, doc: editor.document, changed: editor.toString() !== text });
        } catch (error) {
          editor = new IniEditor(before); // undo this edit alone
          item.reject(error);
        }
      }
      const after = editor.toString();
      if (after !== serialize(doc)) {
        if (exists && !this.#backedUp.has(target)) {
          await backupFile(target, this.paths.torqueHome);
          this.#backedUp.add(target);
        }
        await writeAtomically(target, after, path);
      }
      for (const { item, result, doc: written, changed } of done) item.resolve({ result, doc: written, changed });
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** The real file to replace: a symlink's target, never the link. Creates a missing folder 0700. */
  async #writeTarget(path: string, kind: FileKind): Promise<string> {
    // Reading first turns a dangling link, a folder or an unreadable file into a clear error.
    const { exists } = await readAwsFile(path, kind);
    if (exists) return realpath(path);
    const folder = dirname(path);
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new TorqueError('FILE_WRITE', `cannot create the folder ${folder}: ${errno(error) ?? 'unknown error'}`, {
        file: path,
        cause: error,
      });
    }
    return path;
  }

  async #lock(target: string, shown: string): Promise<() => Promise<void>> {
    const started = Date.now();
    for (;;) {
      try {
        return await lockfile.lock(target, {
          realpath: false,
          lockfilePath: `${target}.torque-lock`,
          stale: 10_000,
          // A lock found taken over mid-write must not crash the process with the write half done.
          onCompromised: () => undefined,
          retries: { retries: 20, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
        });
      } catch (error) {
        if (errno(error) !== 'ELOCKED') throw writeError(shown, error);
        if (Date.now() - started > this.#lockWaitMs) {
          throw new TorqueError(
            'FILE_LOCKED',
            `${shown} is locked by another Torque process (lock ${basename(target)}.torque-lock); wait for it to finish and try again`,
            { file: shown, cause: error },
          );
        }
      }
    }
  }
}

async function writeAtomically(target: string, text: string, shown: string): Promise<void> {
  try {
    await writeFileAtomic(target, text, { mode: 0o600, fsync: true });
  } catch (error) {
    throw writeError(shown, error);
  }
  // The file is in place now, whatever follows. Syncing the folder makes the rename survive a power
  // cut; where a file system refuses (Windows, some network mounts), the write still happened and
  // must be reported as done, or a caller would undo work that is on disk.
  try {
    const folder = await open(dirname(target), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    // best effort
  }
}

/** Torque writes its lock and temp file beside the file, so the folder must be writable. */
function writeError(shown: string, error: unknown): TorqueError {
  const code = errno(error);
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? `permission denied in ${dirname(shown)} (Torque writes its lock and a temp file there; make the folder writable by you)`
      : code === 'EROFS'
        ? `${dirname(shown)} is on a read-only file system`
        : code === 'ENOSPC'
          ? 'the disk is full'
          : (code ?? String(error));
  return new TorqueError('FILE_WRITE', `cannot write ${shown}: ${reason}; the file was not changed`, { file: shown, cause: error });
}
