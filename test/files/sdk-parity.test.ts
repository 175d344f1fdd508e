/**
 * The reader must see each file exactly as the AWS SDK for JavaScript sees it. The SDK's own loader
 * (@smithy/shared-ini-file-loader) is the oracle: every corpus file and thousands of generated ones
 * must give the same profiles and values.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import fc from 'fast-check';
import { type FileKind, type IniDocument, parseIni, profileValues } from '../../server/files/ini.js';
import { corpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/tmp.js';
import { iniFile } from './arbitraries.js';

/** What the SDK's loader returns for one file, built from our document. */
function ourView(doc: IniDocument): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, values] of profileValues(doc)) out[name] = { ...values };
  if (doc.kind === 'config') {
    for (const [name, values] of doc.values) {
      if (name.startsWith('sso-session.') || name.startsWith('services.')) out[name] = { ...values };
    }
  }
  return out;
}

async function sdkView(dir: string, kind: FileKind, text: string): Promise<Record<string, Record<string, string>>> {
  const file = join(dir, `${kind}-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, text);
  const missing = join(dir, 'missing');
  const loaded = await loadSharedConfigFiles(
    kind === 'credentials'
      ? { filepath: file, configFilepath: missing, ignoreCache: true }
      : { filepath: missing, configFilepath: file, ignoreCache: true },
  );
  const view = kind === 'credentials' ? loaded.credentialsFile : loaded.configFile;
  return JSON.parse(JSON.stringify(view)) as Record<string, Record<string, string>>;
}

describe('reading matches the AWS SDK for JavaScript', () => {
  for (const file of corpus()) {
    it(`corpus ${file.name}`, async () => {
      const dir = await tempDir();
      const doc = parseIni(file.text, file.path, file.kind);
      assert.deepEqual(doc.errors, [], 'corpus files are valid');
      assert.deepEqual(ourView(doc), await sdkView(dir, file.kind, file.text));
    });
  }

  it('generated files (property)', async () => {
    const dir = await tempDir();
    await fc.assert(
      fc.asyncProperty(iniFile(), fc.constantFrom<FileKind>('credentials', 'config'), async (file, kind) => {
        const doc = parseIni(file.text, 'generated', kind);
        assert.deepEqual(doc.errors, []);
        assert.deepEqual(ourView(doc), await sdkView(dir, kind, file.text));
      }),
      { numRuns: 300 },
    );
  });
});
