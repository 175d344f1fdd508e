// A sandbox in its own thread, as AWS would be on its own machines: its CPU does not compete with Torque's.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { startSandbox } from '../dist/server/sandbox/index.js';

const sandbox = await startSandbox({ ...workerData, log: () => undefined });
parentPort.postMessage({ endpoint: sandbox.endpoint, users: sandbox.users });
parentPort.on('message', async (message) => {
  if (message.type === 'code') parentPort.postMessage({ id: message.id, code: sandbox.freshCode(message.serial) });
  // How long this thread has been busy (not waiting), in ms: the sandbox's own share of a run.
  if (message.type === 'busy') parentPort.postMessage({ id: message.id, busy: performance.eventLoopUtilization().active });
  if (message.type === 'close') {
    await sandbox.close();
    parentPort.close();
  }
});
