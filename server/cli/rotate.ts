/** `torque rotate <profile...>|all`: progress on stderr, a summary (or one JSON document) on stdout. */
import { rotate } from '../aws/rotation/engine.js';
import type { OldKeyAction, RotateResult } from '../aws/rotation/types.js';
import { TorqueError } from '../errors.js';
import { resolvePaths } from '../files/paths.js';
import { AwsFiles } from '../files/store.js';
import { cliAwsClients, rotationTuning, storeOptions } from './aws.js';
import { cliCodeProvider } from './codes.js';
import type { CommandInput } from './io.js';

export async function run({ values, positionals, io }: CommandInput): Promise<number> {
  if (positionals.includes('all') && positionals.length > 1) {
    throw new TorqueError('USAGE', '"all" rotates every profile; give it alone');
  }
  const oldKey = (values['old-key'] ?? 'delete') as string;
  if (oldKey !== 'delete' && oldKey !== 'deactivate') {
    throw new TorqueError('USAGE', `--old-key must be delete or deactivate, not "${oldKey}"`);
  }
  const codes = cliCodeProvider(io, values['code'] as string[] | undefined);

  try {
    const { results, warnings } = await rotate(
      {
        store: new AwsFiles(resolvePaths(io.env), storeOptions(io.env)),
        aws: cliAwsClients(io.env),
        codes,
        onEvent: (event) => io.stderr.write(`[${event.profiles.join(', ')}] ${event.step}: ${event.message}\n`),
        ...rotationTuning(io.env),
      },
      {
        profiles: positionals[0] === 'all' ? 'all' : positionals,
        oldKey: oldKey as OldKeyAction,
        deleteUnused: values['delete-unused'] === true,
      },
    );
    if (values['json']) io.stdout.write(`${JSON.stringify({ results, warnings }, null, 2)}\n`);
    else io.stdout.write(summary(results));
    return results.some((r) => r.status === 'failed') ? 1 : 0;
  } finally {
    codes.close();
  }
}

function summary(results: RotateResult[]): string {
  const lines = results.map((r) => {
    const who = r.profiles.join(', ');
    const notes = r.notes.map((n) => `\n    note: ${n}`).join('');
    if (r.status === 'rotated') return `rotated  ${who}: ${r.oldAccessKeyId} → ${r.newAccessKeyId} (old key ${r.oldKey})${notes}`;
    if (r.status === 'skipped') return `skipped  ${who}: ${r.error!.message}${notes}`;
    return `failed   ${who}: ${r.error!.message} [${r.error!.code}]${notes}`;
  });
  const count = (s: RotateResult['status']) => results.filter((r) => r.status === s).length;
  lines.push(`${count('rotated')} rotated, ${count('failed')} failed, ${count('skipped')} skipped`);
  return `${lines.join('\n')}\n`;
}
