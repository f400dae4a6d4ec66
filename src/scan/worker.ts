/** A scan worker thread: runs the tasks the main thread sends (`taskRunner`) and sends back their results. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScanTask, WorkerSetup } from './protocol.js';
import { taskRunner } from './task.js';

const run = taskRunner(workerData as WorkerSetup);

parentPort!.on('message', (task: ScanTask) => {
  run(task).then((r) => parentPort!.postMessage(r));
});
