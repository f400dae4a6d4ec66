/** A scan worker thread: runs the tasks the main thread sends (`taskRunner`) and sends back their results. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScanTask, WorkerSetup } from './protocol.js';
import { taskRunner } from './task.js';

const run = taskRunner(workerData as WorkerSetup);

// One task at a time, in the order sent: the detector's shard is per task, and a file task waits on
// I/O, where a second task must not start folding its events into the first one's shard.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (task: ScanTask) => {
  queue = queue.then(() => run(task)).then((r) => parentPort!.postMessage(r));
});
