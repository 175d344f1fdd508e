/** `$TORQUE_HOME/audit.log`: one JSON line per rotation (0600). Key ids and ARNs only, never a secret. */
import { appendFile, chmod } from 'node:fs/promises';
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
