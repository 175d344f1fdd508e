/** `torque auth <profile>`: a session into the session profile; `--export` lines for eval; `--json`. */
import { authenticate, parseDuration } from '../aws/session.js';
import { resolvePaths } from '../files/paths.js';
import { AwsFiles } from '../files/store.js';
import { describeExpiry } from '../../shared/time.js';
import { cliAwsClients, storeOptions } from './aws.js';
import { cliCodeProvider } from './codes.js';
import type { CommandInput } from './io.js';

/** Single quotes keep any character literal in a POSIX shell. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export async function run({ values, positionals, io }: CommandInput): Promise<number> {
  const duration = typeof values['duration'] === 'string' ? parseDuration(values['duration']) : undefined;
  const codes = cliCodeProvider(io, typeof values['code'] === 'string' ? [values['code']] : undefined);
  try {
    const result = await authenticate(
      { store: new AwsFiles(resolvePaths(io.env), storeOptions(io.env)), aws: cliAwsClients(io.env), codes },
      {
        profile: positionals[0]!,
        ...(duration !== undefined ? { durationSeconds: duration } : {}),
        ...(typeof values['session-profile'] === 'string' ? { sessionProfile: values['session-profile'] } : {}),
        force: values['force'] === true,
      },
    );
    const kept = result.reused ? `kept the stored session in [${result.sessionProfile}] (${describeExpiry(result.expiresAt)}; --force makes a new one)` : '';
    if (values['export']) {
      // The one output that carries secrets, by design: for `eval $(torque auth p --export)`.
      const c = result.credentials;
      io.stdout.write(
        `export AWS_ACCESS_KEY_ID=${shellQuote(c.accessKeyId)}\n` +
          `export AWS_SECRET_ACCESS_KEY=${shellQuote(c.secretAccessKey)}\n` +
          `export AWS_SESSION_TOKEN=${shellQuote(c.sessionToken ?? '')}\n`,
      );
      if (kept) io.stderr.write(`torque: ${kept}\n`);
    } else if (values['json']) {
      const { profile, sessionProfile, expiresAt, arn } = result;
      io.stdout.write(`${JSON.stringify({ profile, sessionProfile, expiresAt, arn }, null, 2)}\n`);
    } else if (kept) {
      io.stdout.write(`${kept}\n`);
    } else {
      io.stdout.write(`session for ${result.arn} written to [${result.sessionProfile}], ${describeExpiry(result.expiresAt)}\nuse it with: AWS_PROFILE=${result.sessionProfile}\n`);
    }
    return 0;
  } finally {
    codes.close();
  }
}
