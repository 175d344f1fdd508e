import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FileKind } from '../../server/files/ini.js';

export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));

export interface CorpusFile {
  name: string;
  path: string;
  kind: FileKind;
  text: string;
}

/** The round-trip corpus: real-looking credentials and config files, one quirk or more each. */
export function corpus(): CorpusFile[] {
  return readdirSync(CORPUS_DIR)
    .sort()
    .map((name) => ({
      name,
      path: CORPUS_DIR + name,
      kind: name.endsWith('.config') ? ('config' as const) : ('credentials' as const),
      text: readFileSync(CORPUS_DIR + name, 'utf8'),
    }));
}
