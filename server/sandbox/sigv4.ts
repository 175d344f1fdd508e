/**
 * SigV4 verification. The sandbox never trusts a key id alone: it rebuilds the canonical request
 * from what arrived (method, path, query, the headers the client says it signed, the body), signs it
 * again with the secret it holds, using the SDK's own signer, and compares the two signatures in
 * constant time. A wrong secret therefore fails exactly as it does at AWS.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsError, incompleteSignature, missingAuthenticationToken, signatureDoesNotMatch } from './aws-error.js';

export interface SignedParts {
  accessKeyId: string;
  /** The credential scope: `YYYYMMDD/region/service/aws4_request`. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** From X-Amz-Date. */
  date: Date;
}

export interface IncomingSigned {
  method: string;
  /** Path and query as received, e.g. `/` or `/?Action=GetUser`. */
  url: string;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** AWS refuses a request signed more than 15 minutes away from its own time. */
export const MAX_SKEW_MS = 15 * 60_000;

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;._-]+), ?Signature=([0-9a-f]{64})$/;

/** Reads the Authorization header, or says what is missing the way AWS does. */
export function parseAuthorization(incoming: IncomingSigned): SignedParts | AwsError {
  const header = single(incoming.headers['authorization']);
  if (header === undefined) return missingAuthenticationToken();
  const match = AUTH.exec(header.trim());
  if (!match) {
    return incompleteSignature(`Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${header.split(' ')[0] ?? ''}`);
  }
  const [, accessKeyId, scopeDate, region, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string, string];
  const amzDate = single(incoming.headers['x-amz-date']);
  const date = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (!date) {
    return incompleteSignature('Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  }
  return { accessKeyId, scopeDate, region, service, signedHeaders: signedHeaders.split(';'), signature, date };
}

/** Whether `parts.signature` is what the secret gives for this request. */
export async function signatureMatches(incoming: IncomingSigned, parts: SignedParts, secretAccessKey: string): Promise<boolean> {
  if (!parts.signedHeaders.includes('host')) return false;
  // The signer would take a body hash from this header on trust; the hash must be of the body that came.
  const claimedHash = incoming.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== (await sha256Hex(incoming.body))) return false;
  const url = new URL(incoming.url, 'http://sandbox');
  // No prototype: a client names the keys (SignedHeaders), so `__proto__` must be just another missing header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of parts.signedHeaders) {
    const value = Object.hasOwn(incoming.headers, name) ? incoming.headers[name] : undefined;
    if (value === undefined) return false;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of url.searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: parts.accessKeyId, secretAccessKey },
    region: parts.region,
    service: parts.service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: incoming.method,
    protocol: 'http:',
    hostname: headers['host'] ?? '',
    path: url.pathname,
    query,
    headers,
    body: incoming.body,
  });
  const signed = await signer.sign(request, { signingDate: parts.date, signableHeaders: new Set(parts.signedHeaders) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.from(parts.signature);
  // The signer signs every header it is given; a different SignedHeaders list means a different request.
  const sameHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers['authorization']))?.[1] === parts.signedHeaders.join(';');
  return a.length === b.length && timingSafeEqual(a, b) && sameHeaders;
}

/** The date checks AWS makes before it looks at the signature itself. */
export function checkDates(parts: SignedParts, realNow: number): AwsError | undefined {
  const longDate = formatAmzDate(parts.date);
  if (!longDate.startsWith(parts.scopeDate)) {
    return signatureDoesNotMatch(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parts.scopeDate}' != '${longDate.slice(0, 8)}', from '${longDate}'.`);
  }
  const skew = parts.date.getTime() - realNow;
  if (Math.abs(skew) > MAX_SKEW_MS) {
    const now = formatAmzDate(new Date(realNow));
    return skew < 0
      ? signatureDoesNotMatch(`Signature expired: ${longDate} is now earlier than ${formatAmzDate(new Date(realNow - MAX_SKEW_MS))} (${now} - 15 min.)`)
      : signatureDoesNotMatch(`Signature not yet current: ${longDate} is still later than ${formatAmzDate(new Date(realNow + MAX_SKEW_MS))} (${now} + 15 min.)`);
  }
  return undefined;
}

async function sha256Hex(body: string): Promise<string> {
  const hash = new Hash('sha256');
  hash.update(body);
  return Buffer.from(await hash.digest()).toString('hex');
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
