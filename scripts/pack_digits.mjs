// pack_digits.mjs — packs the digits the page bundles (digit lab gallery, SE statistics, in-page
// training) from MNIST's IDX files into one small binary, digits.bin, embedded into the app.
//   node scripts/pack_digits.mjs <mnist-dir> <out.bin> [test_per_class=100] [train_per_class=600]
// Choice (deterministic, documented so the CLI can reproduce it): for each set, walk the IDX file in
// order and keep the FIRST k images of each class; kept images stay in file order.
// Format (little endian):
//   "CSDG" u32 version=1, u32 rows=28, u32 cols=28, u32 set_count=2
//   per set: u8[8] name (zero padded: "t10k", "train"), u32 count, u32 payload_bytes,
//            u32 source_index[count] (index in the IDX file), u8 labels[count],
//            images RLE: a zero byte is followed by a run length 1..255 (that many zero pixels),
//            any other byte is one pixel. MNIST is ~80% background, so this is ~3x smaller, which
//            keeps the embedded C++ array (and the page) small.
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

function rle(pixels) {
  const out = [];
  let i = 0;
  while (i < pixels.length) {
    if (pixels[i] === 0) {
      let run = 0;
      while (i < pixels.length && pixels[i] === 0 && run < 255) { run++; i++; }
      out.push(0, run);
    } else {
      out.push(pixels[i++]);
    }
  }
  return out;
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
  const payload = [];
  for (const i of keep) payload.push(...rle(images.data.subarray(i * 784, (i + 1) * 784)));
  const head = Buffer.alloc(16);
  head.write(name, 0, 'latin1');
  head.writeUInt32LE(keep.length, 8);
  head.writeUInt32LE(payload.length, 12);
  const idx = Buffer.alloc(4 * keep.length);
  keep.forEach((v, k) => idx.writeUInt32LE(v, 4 * k));
  const lab = Buffer.from(keep.map((i) => labels.data[i]));
  return Buffer.concat([head, idx, lab, Buffer.from(payload)]);
}

const [dir, out, testPer = '100', trainPer = '600'] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: node pack_digits.mjs <mnist-dir> <out.bin> [test_per_class] [train_per_class]');
  process.exit(2);
}
const header = Buffer.alloc(20);
header.write('CSDG', 0, 'latin1');
header.writeUInt32LE(1, 4);
header.writeUInt32LE(28, 8);
header.writeUInt32LE(28, 12);
header.writeUInt32LE(2, 16);
const bin = Buffer.concat([header, packSet(dir, 't10k', Number(testPer), 't10k'), packSet(dir, 'train', Number(trainPer), 'train')]);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out + '.tmp', bin);
fs.renameSync(out + '.tmp', out);
console.log(`pack_digits: ${out} (${bin.length} bytes; ${testPer}/class t10k, ${trainPer}/class train)`);
