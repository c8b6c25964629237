// The probe board: what the main thread last wrote, unless it is too old to be true.
import t from 'tap';
import { createBoard, LIVE_STALE_MS, publish, read, READY_STALE_MS } from '../../src/probes/board.js';

t.test('probes answer the last state written while it is fresh', async (t) => {
  const board = createBoard();
  publish(board, 'saturated', 'ok', 1000);
  t.same(read(board, 1000 + READY_STALE_MS), { ready: 'saturated', live: 'ok' });
  publish(board, 'draining', 'stuck', 2000);
  t.same(read(board, 2001), { ready: 'draining', live: 'stuck' });
});

t.test('a main thread that stopped writing is not ready after a second, not live after thirty', async (t) => {
  const board = createBoard();
  publish(board, 'ready', 'ok', 0);
  t.same(read(board, READY_STALE_MS + 1), { ready: 'stalled', live: 'ok' });
  t.same(read(board, LIVE_STALE_MS + 1), { ready: 'stalled', live: 'stuck' });
});

t.test('the board is shared memory: a write on one thread is read on another', async (t) => {
  const { Worker } = await import('node:worker_threads');
  const board = createBoard();
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     parentPort.once('message', () => {
       const codes = new Int32Array(workerData, 8, 2);
       parentPort.postMessage([Number(Atomics.load(new BigInt64Array(workerData, 0, 1), 0)), Atomics.load(codes, 0), Atomics.load(codes, 1)]);
     });`,
    { eval: true, workerData: board },
  );
  publish(board, 'no_workers', 'stuck', 12345);
  worker.postMessage('read');
  const [written, ready, live] = await new Promise<number[]>((resolve) => worker.once('message', resolve));
  await worker.terminate();
  t.same([written, ready, live], [12345, 3, 1]);
});
