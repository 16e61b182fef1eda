// pack_digits.mjs — packs the digits the page bundles (digit lab gallery, SE statistics, in-page
// training) from MNIST's IDX files into one small binary, digits.bin, embedded into the app.
//   node scripts/pack_digits.mjs <mnist-dir> <out.bin> [test_per_class=100] [train_per_class=100]
//        [--train-out <train.bin> [--train-js <train.js>]]   (training digits in a file of their own)
// Choice (deterministic, documented so the CLI can reproduce it): for each set, walk the IDX file in
// order and keep the FIRST k images of each class; kept images stay in file order.
// Pixels are kept as 16 grey levels (level = (grey * 15 + 127) / 255, shown as level * 17), visually
// identical to MNIST's 256; `convscope se-stats --levels 16` quantises the same way.
// Format (little endian), read by src/engine/data/digit_bundle.cpp:
//   "CSDG" u32 version=2, u32 rows=28, u32 cols=28, u32 set_count (1 or 2), u32 level_bits=4
//   per set: u8[8] name (zero padded: "t10k", "train"), u32 count, u32 index_bytes, u32 payload_bytes,
//            source indices (index in the IDX file) as LEB128 varints: the first, then each increase,
//            u8 labels[count],
//            payload: every pixel's level, MSB first as 4 binary decisions, through an LZMA-style
//            adaptive binary range coder (12-bit probabilities moving 1/16 per decision; one
//            probability per tree node and context; context = west and north level >> 1, north-west
//            and north-east level >> 2, outside the image = 0; fresh model per set). About 65 bytes
//            per digit against 96 for the same levels under gzip -9 (issue 8's first-load budget).
import fs from 'node:fs';
import path from 'node:path';

function readIdx(file, rankWanted) {
  const b = fs.readFileSync(file);
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0 || b[2] !== 8) throw new Error(`${file}: not an unsigned-byte IDX file`);
  const rank = b[3];
  if (rank !== rankWanted) throw new Error(`${file}: rank ${rank}, expected ${rankWanted}`);
  const dims = [];
  for (let i = 0; i < rank; i++) dims.push(b.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const count = dims.reduce((a, d) => a * d, 1);
  if (b.length !== offset + count) throw new Error(`${file}: ${b.length} bytes, header says ${offset + count}`);
  return { dims, data: b.subarray(offset) };
}

const SIDE = 28;
const PROB_BITS = 12, PROB_MOVE = 4, TOP = 2 ** 24, TWO32 = 2 ** 32;

const level = (grey) => Math.floor((grey * 15 + 127) / 255);

// LZMA-style range encoder. Numbers stay exact: low < 2^33, range < 2^32, no 32-bit bitwise ops on them.
class RangeEncoder {
  constructor() { this.out = []; this.low = 0; this.range = 0xffffffff; this.cache = 0; this.cacheSize = 1; }
  shiftLow() {
    if (this.low < 0xff000000 || this.low >= TWO32) {
      const carry = this.low >= TWO32 ? 1 : 0;
      let temp = this.cache;
      do { this.out.push((temp + carry) & 0xff); temp = 0xff; } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / TOP) % 256;
    }
    this.cacheSize++;
    this.low = (this.low % TOP) * 256;
  }
  bit(probs, i, b) {
    const p = probs[i];
    const bound = Math.floor(this.range / 2 ** PROB_BITS) * p;
    if (b) { this.low += bound; this.range -= bound; probs[i] = p - (p >> PROB_MOVE); }
    else { this.range = bound; probs[i] = p + (((1 << PROB_BITS) - p) >> PROB_MOVE); }
    while (this.range < TOP) { this.range *= 256; this.shiftLow(); }
  }
  finish() { for (let i = 0; i < 5; i++) this.shiftLow(); return Buffer.from(this.out); }
}

function context(img, x, y) {
  const w = x > 0 ? img[y * SIDE + x - 1] : 0;
  const n = y > 0 ? img[(y - 1) * SIDE + x] : 0;
  const nw = x > 0 && y > 0 ? img[(y - 1) * SIDE + x - 1] : 0;
  const ne = x + 1 < SIDE && y > 0 ? img[(y - 1) * SIDE + x + 1] : 0;
  return ((w >> 1) << 7) | ((n >> 1) << 4) | ((nw >> 2) << 2) | (ne >> 2);
}

function encodeImages(images, keep) {
  const probs = new Uint16Array(1024 * 16).fill(1 << (PROB_BITS - 1));
  const enc = new RangeEncoder();
  const lv = new Uint8Array(SIDE * SIDE);
  for (const i of keep) {
    for (let k = 0; k < SIDE * SIDE; k++) lv[k] = level(images[i * SIDE * SIDE + k]);
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) {
        const base = context(lv, x, y) * 16, v = lv[y * SIDE + x];
        let node = 1;
        for (let bit = 3; bit >= 0; bit--) {
          const b = (v >> bit) & 1;
          enc.bit(probs, base + node, b);
          node = node * 2 + b;
        }
      }
  }
  return enc.finish();
}

function varints(keep) {
  const out = [];
  keep.forEach((v, k) => {
    let d = k ? v - keep[k - 1] : v;
    do { out.push((d & 0x7f) | (d > 0x7f ? 0x80 : 0)); d = Math.floor(d / 128); } while (d);
  });
  return Buffer.from(out);
}

function packSet(dir, split, perClass, name) {
  const images = readIdx(path.join(dir, `${split}-images-idx3-ubyte`), 3);
  const labels = readIdx(path.join(dir, `${split}-labels-idx1-ubyte`), 1);
  const [n, rows, cols] = images.dims;
  if (rows !== 28 || cols !== 28) throw new Error(`${split}: images are ${rows}x${cols}, expected 28x28`);
  if (labels.dims[0] !== n) throw new Error(`${split}: ${n} images but ${labels.dims[0]} labels`);
  const taken = new Array(10).fill(0);
  const keep = [];
  for (let i = 0; i < n && keep.length < 10 * perClass; i++) {
    const l = labels.data[i];
    if (l > 9) throw new Error(`${split}: label ${l} at index ${i}`);
    if (taken[l] < perClass) { taken[l]++; keep.push(i); }
  }
  if (keep.length !== 10 * perClass) throw new Error(`${split}: only ${keep.length} digits for ${perClass} per class`);
  const payload = encodeImages(images.data, keep);
  const idx = varints(keep);
  const head = Buffer.alloc(20);
  head.write(name, 0, 'latin1');
  head.writeUInt32LE(keep.length, 8);
  head.writeUInt32LE(idx.length, 12);
  head.writeUInt32LE(payload.length, 16);
  const lab = Buffer.from(keep.map((i) => labels.data[i]));
  return Buffer.concat([head, idx, lab, payload]);
}

const argv = process.argv.slice(2);
const option = (name) => { const i = argv.indexOf(name); if (i < 0) return null; const v = argv[i + 1]; argv.splice(i, 2); return v; };
const trainOut = option('--train-out'), trainJs = option('--train-js');
const [dir, out, testPer = '100', trainPer = '100'] = argv;
if (!dir || !out || (trainJs && !trainOut)) {
  console.error('usage: node pack_digits.mjs <mnist-dir> <out.bin> [test_per_class] [train_per_class]\n' +
                '         [--train-out <train.bin> [--train-js <train.js>]]');
  process.exit(2);
}
const header = (sets) => {
  const h = Buffer.alloc(24);
  h.write('CSDG', 0, 'latin1');
  h.writeUInt32LE(2, 4);
  h.writeUInt32LE(28, 8);
  h.writeUInt32LE(28, 12);
  h.writeUInt32LE(sets, 16);
  h.writeUInt32LE(4, 20);
  return h;
};
const write = (file, bytes) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file + '.tmp', bytes);
  fs.renameSync(file + '.tmp', file);
};
const test = packSet(dir, 't10k', Number(testPer), 't10k');
const train = packSet(dir, 'train', Number(trainPer), 'train');
// --train-out: the training digits in a file of their own (the hosted page fetches it when training
// needs it instead of on first load); --train-js: the same bytes as a script for the single offline
// file (sets Module.csInlineFiles['digits-train.bin'], which the page's fetch service reads first).
const bin = trainOut ? Buffer.concat([header(1), test]) : Buffer.concat([header(2), test, train]);
write(out, bin);
if (trainOut) {
  const trainBin = Buffer.concat([header(1), train]);
  write(trainOut, trainBin);
  if (trainJs)
    write(trainJs, '// Generated by scripts/pack_digits.mjs: the training digits inlined into the single offline file.\n' +
      `Module.csInlineFiles = Module.csInlineFiles || {};\nModule.csInlineFiles['${path.basename(trainOut)}'] = '${trainBin.toString('base64')}';\n`);
}
console.log(`pack_digits: ${out} (${bin.length} bytes; ${testPer}/class t10k${trainOut ? '' : `, ${trainPer}/class train`})` +
            (trainOut ? `, ${trainOut} (${trainPer}/class train)` : ''));
