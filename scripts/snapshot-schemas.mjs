// Build step: the API schemas (TypeBox, shared/api.ts) as plain JSON beside the compiled server.
// TypeBox takes ~250 ms to load; the server only needs the JSON Schema it produces, so
// `torque serve` reads this file instead and starts that much sooner.
import { writeFileSync } from 'node:fs';

const api = await import(new URL('../dist/shared/api.js', import.meta.url).href);
const schemas = Object.fromEntries(Object.entries(api).filter(([, value]) => value && typeof value === 'object'));
writeFileSync(new URL('../dist/shared/api.schemas.json', import.meta.url), `${JSON.stringify(schemas)}\n`);
