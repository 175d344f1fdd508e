/**
 * Pending-rotation records: written before CreateAccessKey, removed when the rotation ends. A run
 * that dies between creating a key and saving it leaves a key whose secret nobody has; the record
 * (user, old key id, the keys the user had, no secret) lets the next run find and remove it.
 */
import { readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTorqueHome } from '../../files/backup.js';

export interface PendingRotation {
  oldAccessKeyId: string;
  userName: string;
  profiles: string[];
  /** The user's key ids before the rotation created one. */
  knownKeyIds: string[];
  startedAt: string;
  /** Set once CreateAccessKey answered. */
  newAccessKeyId?: string;
}

export class PendingRotations {
  readonly #home: string;

  constructor(torqueHome: string) {
    this.#home = torqueHome;
  }

  async #folder(): Promise<string> {
    return ensureTorqueHome(this.#home, 'pending');
  }

  async save(record: PendingRotation): Promise<void> {
    const folder = await this.#folder();
    const file = join(folder, `${record.oldAccessKeyId}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    await rename(temp, file);
  }

  async remove(oldAccessKeyId: string): Promise<void> {
    await rm(join(this.#home, 'pending', `${oldAccessKeyId}.json`), { force: true });
  }

  async list(): Promise<PendingRotation[]> {
    let names: string[];
    try {
      names = await readdir(join(this.#home, 'pending'));
    } catch {
      return [];
    }
    const out: PendingRotation[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        out.push(JSON.parse(await readFile(join(this.#home, 'pending', name), 'utf8')) as PendingRotation);
      } catch {
        // A record cut short by a crash while it was written: the rename makes that impossible, skip it.
      }
    }
    return out;
  }
}
