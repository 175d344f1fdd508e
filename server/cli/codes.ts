/**
 * MFA codes for a CLI run: `--code CODE` for the one device involved, `--code SERIAL=CODE` for each of
 * several, else asked per device: a prompt on stderr when stdin is a terminal, a line read from stdin
 * otherwise (so `echo 123456 | torque rotate p` works and `eval $(torque auth p --export)` stays clean).
 */
import { createInterface, type Interface } from 'node:readline';
import { TorqueError } from '../errors.js';
import type { CodeProvider, CodeRequest } from '../aws/mfa.js';
import type { CliIo } from './io.js';

export function parseCodes(values: string[] | undefined): { bare: string | null; bySerial: Map<string, string> } {
  const bySerial = new Map<string, string>();
  let bare: string | null = null;
  for (const value of values ?? []) {
    const eq = value.lastIndexOf('=');
    if (eq === -1) {
      if (bare !== null) throw new TorqueError('USAGE', 'give one --code CODE, or --code SERIAL=CODE for each MFA device');
      bare = value;
    } else {
      bySerial.set(value.slice(0, eq), value.slice(eq + 1));
    }
  }
  return { bare, bySerial };
}

export function cliCodeProvider(io: CliIo, values: string[] | undefined): CodeProvider & { close(): void } {
  const { bare, bySerial } = parseCodes(values);
  let bareUsedFor: string | null = null;
  let lines: LineReader | null = null;
  let queue = Promise.resolve();

  const provider = async (request: CodeRequest): Promise<string> => {
    const given = bySerial.get(request.serial);
    if (given !== undefined) return given;
    if (bare !== null) {
      if (bareUsedFor === null || bareUsedFor === request.serial) {
        bareUsedFor = request.serial;
        return bare;
      }
      throw new TorqueError(
        'MFA_CODE_NEEDED',
        `more than one MFA device is involved (${bareUsedFor} and ${request.serial}); give --code SERIAL=CODE for each`,
      );
    }
    // One question at a time, even when several keys rotate at once.
    const answer = queue.then(async () => {
      lines ??= new LineReader(io);
      io.stderr.write(`MFA code for ${request.serial} (${request.profiles.join(', ')}): `);
      const line = await lines.next();
      if (line === null) {
        throw new TorqueError('MFA_CODE_NEEDED', `an MFA code for ${request.serial} is needed; pass --code or type it when asked`);
      }
      if (!io.stdin.isTTY) io.stderr.write('\n');
      return line.trim();
    });
    queue = answer.then(
      () => undefined,
      () => undefined,
    );
    return answer;
  };
  return Object.assign(provider, { close: () => lines?.close() });
}

/** Reads stdin one line at a time, on demand. */
class LineReader {
  readonly #rl: Interface;
  readonly #buffered: string[] = [];
  readonly #waiting: ((line: string | null) => void)[] = [];
  #ended = false;

  constructor(io: CliIo) {
    this.#rl = createInterface({ input: io.stdin, terminal: false });
    this.#rl.on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#buffered.push(line);
    });
    this.#rl.on('close', () => {
      this.#ended = true;
      for (const waiter of this.#waiting.splice(0)) waiter(null);
    });
  }

  next(): Promise<string | null> {
    const line = this.#buffered.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  close(): void {
    this.#rl.close();
  }
}
