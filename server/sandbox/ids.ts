/** Identifiers in AWS's shapes, so code that checks prefixes (`AKIA` long-term, `ASIA` session) meets real ones. */
import { randomBytes, randomInt } from 'node:crypto';

// AWS key and principal ids use the base32 alphabet after a four-letter prefix.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export const accessKeyId = () => `AKIA${pick(BASE32, 16)}`;
export const sessionKeyId = () => `ASIA${pick(BASE32, 16)}`;
export const secretAccessKey = () => pick(BASE64, 40);
export const userId = () => `AIDA${pick(BASE32, 17)}`;
export const roleId = () => `AROA${pick(BASE32, 17)}`;

/** Session tokens are long opaque base64 strings; length matters to code that stores them. */
export const sessionToken = () => `IQoJb3JpZ2luX2Vj${randomBytes(360).toString('base64')}`;
