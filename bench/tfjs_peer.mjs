// tfjs_peer.mjs: the TensorFlow.js WebAssembly peer of bench/side_by_side.sh (tfjs-core with
// tfjs-backend-wasm: XNNPACK, SIMD), one case per process, one thread.
//   node tfjs_peer.mjs --case L4 [--threads 1] [--time 1]
// The wasm backend computes in NHWC only, so inputs are NHWC (same shapes and FLOPs). Timed: one
// fused op (convolution + bias) on a resident input, then dataSync() (the output read back into
// JavaScript) and dispose(). Its threaded build starts its workers from blob: URLs, which node
// refuses, so more than one thread is refused here rather than timed as one.
import { CONV, MODEL, emit, maxAbsDiff, noise, parseArgs, readM1Reference, requirePeer, timeCalls } from './peer_common.mjs';

const a = parseArgs();
if (a.threads !== 1) throw new Error('tfjs-wasm runs 1 thread under node (its threaded build needs blob: URL workers)');
const tf = requirePeer('@tensorflow/tfjs-core');
const wasm = requirePeer('@tensorflow/tfjs-backend-wasm');
tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
wasm.setThreadsCount(1);
if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialise');
emit({ meta: { peer: 'tfjs-wasm', version: tf.version_core, backend: tf.getBackend(), threads: 1 } });

const tensor = (shape, seed) => tf.tensor(noise(shape.reduce((p, d) => p * d, 1), seed), shape);

function convCall(c) {
  const x = tensor([c.N, c.H, c.W, c.Cin], 1);
  const bias = tensor([c.Cout], 3);
  if (c.groups === 1) {
    const filter = tensor([c.K, c.K, c.Cin, c.Cout], 2);
    return () => tf.fused.conv2d({ x, filter, bias, strides: c.stride, pad: c.pad });
  }
  if (c.groups === c.Cin && c.Cout === c.Cin) {
    const filter = tensor([c.K, c.K, c.Cin, 1], 2);
    return () => tf.fused.depthwiseConv2d({ x, filter, bias, strides: c.stride, pad: c.pad });
  }
  throw new Error(`${c.id}: tfjs has no grouped convolution other than depthwise`);
}

// M1 from tfjs ops with torch's weights: OIHW -> HWIO (depthwise: HWC1), linear [out,in] -> [in,out].
function m1Model() {
  const ref = readM1Reference();
  const p = {};
  for (const [k, v] of Object.entries(ref.weights)) {
    const t = tf.tensor(v.data, v.shape);
    if (v.shape.length === 4) p[k] = tf.transpose(t, k.startsWith('dw.') ? [2, 3, 0, 1] : [2, 3, 1, 0]);
    else if (v.shape.length === 2) p[k] = tf.transpose(t);
    else p[k] = t;
  }
  const conv = (x, n, pad, activation) => tf.fused.conv2d({ x, filter: p[`${n}.weight`], bias: p[`${n}.bias`], strides: 1, pad, activation });
  const linear = (x, n, activation) => tf.fused.matMul({ a: x, b: p[`${n}.weight`], bias: p[`${n}.bias`], activation });
  const squeezeExcite = (x, n) => {
    const [N, , , C] = x.shape;
    const s = tf.sigmoid(linear(linear(tf.mean(x, [1, 2]), `${n}.fc1`, 'relu'), `${n}.fc2`));
    return tf.mul(x, tf.reshape(s, [N, 1, 1, C]));
  };
  const forward = (x) => tf.tidy(() => {
    let h = tf.maxPool(conv(x, 'c1', 1, 'relu'), 2, 2, 'valid');
    h = tf.maxPool(squeezeExcite(conv(h, 'c2', 1, 'relu'), 'se1'), 2, 2, 'valid');
    h = tf.fused.depthwiseConv2d({ x: h, filter: p['dw.weight'], bias: p['dw.bias'], strides: 1, pad: 1 });
    h = squeezeExcite(conv(h, 'pw', 0, 'relu'), 'se2');
    return linear(tf.mean(h, [1, 2]), 'fc');
  });
  const y = forward(tf.transpose(tf.tensor(ref.x.data, ref.x.shape), [0, 2, 3, 1]));
  return { forward, note: `max|y-torch|=${maxAbsDiff(y.dataSync(), ref.y.data).toExponential(1)}` };
}

let call;
let note;
if (CONV[a.case]) {
  call = convCall(CONV[a.case]);
} else {
  const m1 = m1Model();
  const x = tensor([MODEL[a.case].N, 28, 28, 1], 1);
  call = () => m1.forward(x);
  if (MODEL[a.case].N === 1) note = m1.note;
}
const t = await timeCalls(() => { const y = call(); y.dataSync(); y.dispose(); }, a.time);
emit({ case: a.case, peer: 'tfjs-wasm', threads: 1, ...t, isa: 'wasm', ...(note ? { note } : {}) });
