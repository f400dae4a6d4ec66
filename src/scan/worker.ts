/** A scan worker thread: runs the tasks the main thread sends (`taskRunner`) and sends back their results. */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage, WorkerSetup } from './protocol.js';
import { taskRunner } from './task.js';

const runner = taskRunner(workerData as WorkerSetup);

// One message at a time, in the order sent: a file task waits on I/O, where a second task must not
// start folding its events into the first one's correlation inputs; a flush comes after every task
// sent before it.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (m: WorkerMessage) => {
  queue = queue.then(async () => {
    if (m.kind === 'flush') parentPort!.postMessage({ kind: 'aggregates', aggregates: runner.takeAggregates() });
    else parentPort!.postMessage(await runner.run(m));
  });
});
