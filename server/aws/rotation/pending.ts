/**
 * Pending-rotation records: written before CreateAccessKey, removed when the rotation ends. A run
 * that dies between creating a key and saving it leaves a key whose secret nobody has; the record
 * (user, old key id, the keys the user had, no secret) lets the next run find and remove it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { TorqueError } from '../../errors.js';
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
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    await rename(temp, file);
  }

  /**
   * Takes the rotation lock of one access key, shared by every Torque process; refuses at once when
   * another rotation of the key is under way. Returns the release function.
   */
  async lock(accessKeyId: string, profiles: string[]): Promise<() => Promise<void>> {
    const folder = await ensureTorqueHome(this.#home, 'locks');
    try {
      // A live holder refreshes the lock every 2 s; one left by a killed process is stale after 5 s,
      // so the next run waits that long at most instead of being refused.
      // proper-lockfile tracks locks by the path given first: one path per key, or two keys' locks collide.
      const release = await lockfile.lock(join(folder, accessKeyId), {
        realpath: false,
        lockfilePath: join(folder, `${accessKeyId}.lock`),
        stale: 5000,
        update: 2000,
        retries: { retries: 12, minTimeout: 250, maxTimeout: 1000, factor: 1.5 },
        onCompromised: () => undefined, // never crash a rotation half-way over its lock's bookkeeping
      });
      return async () => release().catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new TorqueError(
          'ROTATION_IN_PROGRESS',
          `another rotation of ${accessKeyId} (${profiles.join(', ')}) is under way, in this or another Torque; wait for it to finish`,
          { cause: error },
        );
      }
      throw error;
    }
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
