/**
 * The API's JSON Schemas for route validation. Compiled Torque reads the JSON snapshot the build makes
 * of shared/api.ts (scripts/snapshot-schemas.mjs); run from source (tests), it loads shared/api.ts
 * itself, so a schema change is never tested stale.
 */
import { readFileSync } from 'node:fs';
import type { TSchema } from 'typebox';

type Schemas = Record<'AuthRequest' | 'RotateRequest' | 'JobParams', TSchema>;

async function load(): Promise<Schemas> {
  if (import.meta.url.includes('/dist/server/')) {
    return JSON.parse(readFileSync(new URL('../../shared/api.schemas.json', import.meta.url), 'utf8')) as Schemas;
  }
  return (await import('../../shared/api.js')) as unknown as Schemas;
}

/** Loaded once, when the server's modules load. */
export const schemas: Schemas = await load();
