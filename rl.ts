import { rawLoad } from '/work/main/bench/raw-load.ts';
import { float32Body } from '/work/main/bench/payloads.ts';
const port = process.argv[2]; const path = process.argv[3] ?? '/activations/relu';
const body = float32Body(1 << 20);
const r = await rawLoad({ origin: `http://127.0.0.1:${port}`, path, headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream', 'x-dtype': 'float32' }, body }, 1, 5000);
console.log(path, r.reqPerSec.toFixed(1), 'req/s', r.latency.p50.toFixed(2), r.failed);
