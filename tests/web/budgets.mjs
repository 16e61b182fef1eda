// budgets.mjs — measures the classroom budgets of the hosted build and prints them:
//   first-load size (gzip -9 of index.html + convscope.js + convscope.wasm; bundled weights and
//   digits are inside the wasm) — asserted <= 500 KB; time to interactive on localhost (navigation
//   start -> ConvScope.ready, median of 3); frame CPU time p50/p95 at 1920x1080 in each workspace
//   (measured in the page by the platform, state().perf: that workspace's frames only). Timings are
//   printed, not asserted; the size budget is asserted only with CS_ENFORCE_SIZE_BUDGET=1 until the
//   build meets it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, WEB, frames, launch, openApp, serve, state } from './harness.mjs';

const BUDGET_BYTES = 500 * 1024;
let total = 0;
const rows = [];
for (const f of ['index.html', 'convscope.js', 'convscope.wasm']) {
  const raw = fs.readFileSync(path.join(WEB, f));
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  total += gz;
  rows.push(`  ${f.padEnd(16)} ${String(raw.length).padStart(9)} bytes, ${String(gz).padStart(8)} gzipped`);
}
console.log('first load (hosted build):');
console.log(rows.join('\n'));
console.log(`  total gzipped    ${total} bytes = ${(total / 1024).toFixed(1)} KB (budget ${BUDGET_BYTES / 1024} KB)`);

// Where the wasm's bytes go: code and data sections, and inside data the embedded assets (each
// gzipped on its own: an estimate of its share, since gzip's window spans neighbours).
function wasmSections(buf) {
  const out = {};
  let p = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = buf[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
  while (p < buf.length) {
    const id = buf[p++], n = leb();
    if (id === 10 || id === 11) out[id === 10 ? 'code' : 'data'] = buf.subarray(p, p + n);
    p += n;
  }
  return out;
}
const gzipKB = (b) => (zlib.gzipSync(b, { level: 9 }).length / 1024).toFixed(1);
const sections = wasmSections(fs.readFileSync(path.join(WEB, 'convscope.wasm')));
for (const [name, body] of Object.entries(sections))
  console.log(`  wasm ${name.padEnd(11)} ${String(body.length).padStart(9)} bytes, ${gzipKB(body).padStart(6)} KB gzipped`);
for (const [name, file] of [['digits.bin', path.join(WEB, 'generated/digits.bin')],
                            ['weights', path.join(ROOT, 'assets/digitnet.safetensors')],
                            ['font', path.join(ROOT, '.cache/font/DejaVuSans-subset.ttf')]]) {
  if (!fs.existsSync(file)) continue;
  const b = fs.readFileSync(file);
  console.log(`    of which ${name.padEnd(10)} ${String(b.length).padStart(9)} bytes, ${gzipKB(b).padStart(6)} KB gzipped`);
}

const server = await serve(WEB);
const url = `http://127.0.0.1:${server.address().port}/index.html`;
const browser = await launch();
try {
  const tti = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.ConvScope !== undefined);
    tti.push(await page.evaluate(async () => { await window.ConvScope.ready; return performance.now(); }));
    await context.close();
  }
  tti.sort((a, b) => a - b);
  console.log(`interactive after ${tti[1].toFixed(0)} ms (median of 3: ${tti.map((t) => t.toFixed(0)).join(', ')} ms)`);

  const { page, context } = await openApp(browser, url, { width: 1920, height: 1080 });
  for (const workspace of ['lessons', 'digit-lab']) {
    await page.evaluate((w) => window.ConvScope.setState({ workspace: w }), workspace);
    await frames(page, 30);
    // The platform keeps the CPU times of the last 600 frames of the current workspace (the window
    // restarts at a switch, so the first frames of the lab, where it starts its engine work, count):
    // at least 4 s and 120 frames of it.
    const t0 = Date.now();
    let s = await state(page);
    while ((Date.now() - t0 < 4000 || s.perf.frames < 120) && Date.now() - t0 < 60000) {
      await page.waitForTimeout(500);
      s = await state(page);
    }
    console.log(`frame CPU time, ${workspace} at 1920x1080: p50 ${s.perf.p50_ms.toFixed(2)} ms, p95 ${s.perf.p95_ms.toFixed(2)} ms, max ${s.perf.max_ms.toFixed(2)} ms over ${s.perf.frames} frames (budget 4 ms)`);
  }
  await context.close();
} finally {
  await browser.close();
  server.close();
}
if (total > BUDGET_BYTES) {
  // Not met yet (classroom issue open): reported loudly; CS_ENFORCE_SIZE_BUDGET=1 makes it fail.
  console.log(`OVER BUDGET: first load is ${(total / 1024).toFixed(1)} KB gzipped, over the ${BUDGET_BYTES / 1024} KB budget`);
  if (process.env.CS_ENFORCE_SIZE_BUDGET === '1') process.exit(1);
}
