import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Torque's version from its package.json, found by walking up from this file (works from src and dist). */
export function version(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'torque' && pkg.version) return pkg.version;
    } catch {
      // not here; look one folder up
    }
    folder = dirname(folder);
  }
  return 'unknown';
}
