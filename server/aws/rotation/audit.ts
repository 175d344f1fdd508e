/** `$TORQUE_HOME/audit.log`: one JSON line per rotation (0600). Key ids and ARNs only, never a secret. */
import { appendFile, chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTorqueHome } from '../../files/backup.js';

export interface AuditEntry {
  time: string;
  profiles: string[];
  userArn: string;
  oldAccessKeyId: string;
  newAccessKeyId: string;
  oldKey: 'deleted' | 'deactivated' | 'kept';
  note?: string;
}

export async function appendAudit(torqueHome: string, entry: AuditEntry): Promise<void> {
  const file = join(await ensureTorqueHome(torqueHome), 'audit.log');
  await appendFile(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** When each profile's key was last rotated, from the audit log (absent or unreadable: none known). */
export async function lastRotations(torqueHome: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(join(torqueHome, 'audit.log'), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as AuditEntry;
      for (const profile of entry.profiles) out.set(profile, entry.time);
    } catch {
      // a line cut short by a crash: skip it
    }
  }
  return out;
}
