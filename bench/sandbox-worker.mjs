// A sandbox in its own thread, as AWS would be on its own machines: its CPU does not compete with Torque's.
import { parentPort, workerData } from 'node:worker_threads';
import { startSandbox } from '../dist/server/sandbox/index.js';

const sandbox = await startSandbox({ ...workerData, log: () => undefined });
parentPort.postMessage({ endpoint: sandbox.endpoint, users: sandbox.users });
parentPort.on('message', async (message) => {
  if (message.type === 'code') parentPort.postMessage({ id: message.id, code: sandbox.freshCode(message.serial) });
  if (message.type === 'close') {
    await sandbox.close();
    parentPort.close();
  }
});
