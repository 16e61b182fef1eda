// ort_peer.mjs: the ONNX Runtime peers of bench/side_by_side.sh, one case per process.
//   node ort_peer.mjs --backend node|web --case L4 --threads 1 [--time 1]
// node: onnxruntime-node (native CPU execution provider, MLAS); web: onnxruntime-web's WebAssembly
// (SIMD) build run under node. The models are torch's exports (torch_peer.py --export). Timed:
// session.run() on an input tensor made beforehand, which includes ORT moving the input in and the
// output back out to JavaScript, as an application calling it pays.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONV, MODEL, MODELS_DIR, emit, maxAbsDiff, noise, parseArgs, readM1Reference, requirePeer, timeCalls } from './peer_common.mjs';

const a = parseArgs({ backend: 'node' });
if (a.backend !== 'node' && a.backend !== 'web') throw new Error(`--backend is node or web, got '${a.backend}'`);
const web = a.backend === 'web';
const ort = requirePeer(web ? 'onnxruntime-web' : 'onnxruntime-node');
const peer = web ? 'ort-web-wasm' : 'ort-node';

const options = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
if (web) {
  ort.env.wasm.numThreads = a.threads; // fixed at the first session: one thread count per process
  options.executionProviders = ['wasm'];
} else {
  Object.assign(options, { executionProviders: ['cpu'], intraOpNumThreads: a.threads, interOpNumThreads: 1 });
}
const version = JSON.parse(readFileSync(join(requirePeer.resolve(web ? 'onnxruntime-web' : 'onnxruntime-node'), '..', '..', 'package.json'), 'utf8')).version;
emit({ meta: { peer, version, threads: a.threads } });

// onnxruntime-web takes the model's bytes, onnxruntime-node a path.
const model = (id) => (web ? new Uint8Array(readFileSync(join(MODELS_DIR, `${id}.onnx`))) : join(MODELS_DIR, `${id}.onnx`));
const session = await ort.InferenceSession.create(model(a.case), options);

let note;
let shape;
if (CONV[a.case]) {
  const c = CONV[a.case];
  shape = [c.N, c.Cin, c.H, c.W];
} else {
  shape = [MODEL[a.case].N, 1, 28, 28];
  if (shape[0] === 1) {
    const ref = readM1Reference();
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(ref.x.data), ref.x.shape) });
    note = `max|y-torch|=${maxAbsDiff(out.y.data, ref.y.data).toExponential(1)}`;
  }
}
const feeds = { x: new ort.Tensor('float32', noise(shape.reduce((p, d) => p * d, 1)), shape) };
const t = await timeCalls(() => session.run(feeds), a.time);
emit({ case: a.case, peer, threads: a.threads, ...t, isa: web ? 'wasm' : 'native', ...(note ? { note } : {}) });
process.exit(0); // onnxruntime-web's worker threads would keep node alive
