/**
 * The HTTP side: AWS Query requests in, XML out. Parses the form, counts the call, applies the
 * latency and any injected fault, authenticates, runs the action and writes AWS's answer.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate } from './auth.js';
import { AwsError, invalidAction } from './aws-error.js';
import type { Fault, Faults } from './faults.js';
import { findService, namespaceFor } from './services.js';
import type { SandboxState } from './state.js';
import { errorXml, successXml } from './xml.js';

/** AWS Query bodies for these actions are a few hundred bytes; anything near this is not a client of ours. */
const MAX_BODY_BYTES = 64 * 1024;

export interface ServerContext {
  state: SandboxState;
  faults: Faults;
  /** Read on every call, so it can change while serving. */
  settings: { latencyMs: number };
  /** Calls received per action (including refused ones). */
  calls: Map<string, number>;
  /** Aborted on close: pending latencies and delays end, their requests get no answer. */
  signal: AbortSignal;
  /** Where an unexpected error (a sandbox bug, answered as InternalFailure) is reported. */
  log: (line: string) => void;
}

export function createSandboxServer(ctx: ServerContext): Server {
  return createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (ctx.signal.aborted) return;
      ctx.log(`sandbox: ${(error as Error)?.stack ?? String(error)}`);
      res.destroy();
    });
  });
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const params = new URLSearchParams(url.search);
  if (body === undefined) {
    return send(res, 413, errorXml(namespaceFor(''), new AwsError('RequestEntityTooLarge', 413, 'Request body too large'), requestId), requestId);
  }
  if (req.method === 'POST') for (const [name, value] of new URLSearchParams(body)) params.append(name, value);
  const action = params.get('Action') ?? '';
  const version = params.get('Version') ?? '';
  const service = findService(action, version);
  const namespace = service?.namespace ?? namespaceFor(version);
  ctx.calls.set(action, (ctx.calls.get(action) ?? 0) + 1);
  const fault = ctx.faults.next(action);

  if (ctx.settings.latencyMs > 0) await sleep(ctx.settings.latencyMs, undefined, { signal: ctx.signal });
  if (fault?.when === 'before' && (await strike(ctx, fault, res, namespace, requestId))) return;

  let status = 200;
  let xml: string;
  try {
    if (!service || (req.method !== 'POST' && req.method !== 'GET')) throw invalidAction(action, version);
    const incoming = { method: req.method, url: req.url ?? '/', headers: req.headers, body };
    const caller = await authenticate(ctx.state, incoming, service.signingName);
    const result = service.actions[action]!({ state: ctx.state, caller, params });
    xml = successXml(action, service.namespace, result, requestId);
  } catch (error) {
    let awsError: AwsError;
    if (error instanceof AwsError) {
      awsError = error;
    } else {
      ctx.log(`sandbox: ${action} failed: ${(error as Error)?.stack ?? String(error)}`);
      awsError = new AwsError('InternalFailure', 500, 'The request processing has failed because of an unknown error, exception or failure.');
    }
    status = awsError.status;
    xml = errorXml(namespace, awsError, requestId);
  }

  if (fault?.when === 'after' && (await strike(ctx, fault, res, namespace, requestId))) return;
  send(res, status, xml, requestId);
}

/** Applies a fault; true when it took the place of the answer. */
async function strike(ctx: ServerContext, fault: Fault, res: ServerResponse, namespace: string, requestId: string): Promise<boolean> {
  switch (fault.kind) {
    case 'drop':
      // No answer at all, as when a connection breaks: the client sees a reset socket.
      res.socket?.destroy();
      return true;
    case 'hang':
      // Never answered; the socket is destroyed when the sandbox closes.
      return true;
    case 'delay':
      await sleep(fault.delayMs ?? 0, undefined, { signal: ctx.signal });
      return false;
    case 'error': {
      const { code = 'ServiceUnavailable', status = 503, message = 'Service Unavailable' } = fault.error ?? {};
      send(res, status, errorXml(namespace, new AwsError(code, status, message), requestId), requestId);
      return true;
    }
  }
}

function send(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  });
  res.end(xml);
}

/** The body as text, or undefined when it is larger than any real request of these actions. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
}
