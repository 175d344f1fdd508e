/**
 * `npm run bench`: runs every benchmark and writes bench/RESULTS.md. Goals are reported here,
 * never asserted in tests (machines are noisy).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFiles } from './files.js';
import { benchAuth } from './auth.js';
import { benchRotate } from './rotate.js';
import { benchWeb } from './web.js';
import type { BenchSection } from './stats.js';

const tmp = await mkdtemp(join(tmpdir(), 'torque-bench-'));
const sections: BenchSection[] = [];
try {
  const only = process.argv[2]; // one section's name, to run just that one
  const all: [string, () => Promise<BenchSection>][] = [
    ['files', () => benchFiles(tmp)],
    ['sandbox', async () => (await import('./sandbox.js')).benchSandbox()],
    ['rotate', () => benchRotate(tmp)],
    ['auth', () => benchAuth(tmp)],
    ['web', () => benchWeb(tmp)],
  ];
  for (const [name, bench] of all) {
    if (only && only !== name) continue;
    process.stderr.write(`bench: ${name}…\n`);
    sections.push(await bench());
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}

const report = [
  '# Benchmark results',
  '',
  'Produced by `npm run bench` (which builds first, then runs `node --import tsx bench/run.ts`).',
  `Run on ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB.`,
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', ...s.lines, '']),
].join('\n');
// A partial run (`bench/run.ts rotate`) only prints; RESULTS.md always holds a whole run.
if (!process.argv[2]) await writeFile(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), report);
process.stdout.write(report);
