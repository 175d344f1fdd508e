/** Backups of the AWS files under `$TORQUE_HOME/backups`, 0600, the newest 20 of each file kept. */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const BACKUPS_KEPT = 20;

/** Creates `$TORQUE_HOME` (0700) and its folder `backups` (0700) when missing. */
export async function ensureTorqueHome(torqueHome: string, sub?: string): Promise<string> {
  await mkdir(torqueHome, { recursive: true, mode: 0o700 });
  if (sub === undefined) return torqueHome;
  const folder = join(torqueHome, sub);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return folder;
}

export async function backupFile(file: string, torqueHome: string): Promise<string> {
  const folder = await ensureTorqueHome(torqueHome, 'backups');
  const name = basename(file);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const copy = join(folder, `${name}.${stamp}.${process.pid}.bak`);
  // Created 0600 and exclusive: the copy is private before a byte of a secret is in it, and never overwrites.
  await writeFile(copy, await readFile(file), { mode: 0o600, flag: 'wx' });
  await prune(folder, name);
  return copy;
}

async function prune(folder: string, name: string): Promise<void> {
  const mine = (await readdir(folder))
    .filter((entry) => entry.startsWith(`${name}.`) && entry.endsWith('.bak'))
    .sort();
  for (const old of mine.slice(0, Math.max(0, mine.length - BACKUPS_KEPT))) {
    await rm(join(folder, old), { force: true });
  }
}
