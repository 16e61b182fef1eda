// wasm_split_profile.mjs — splits the hosted page's wasm in two with binaryen's wasm-split, guided by what
// the first screen really runs: the primary module keeps every function that ran from navigation to a
// few frames after ConvScope.ready on the default page (measured, not guessed), and
// convscope.deferred.wasm gets the rest, fetched once the page is ready (web/split_loader.js); a call into
// it before then loads it synchronously (Emscripten's SPLIT_MODULE placeholders). So the first load
// stays small as features grow, without a list of files or names to keep up to date.
//
// Run after the link (cmake/app.cmake): emcc -sSPLIT_MODULE=1 leaves the optimised module in
// convscope.wasm.orig and an instrumented copy in convscope.wasm that records which functions ran.
// This script serves the build folder on 127.0.0.1, opens the page in Debian's Chromium (playwright-core,
// as the browser tests do) at a desktop and a phone size, reads each run's profile through the module's
// __write_profile export, merges them and splits convscope.wasm.orig into the two modules.
//
// usage: node scripts/wasm_split_profile.mjs <build/web>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

const dir = path.resolve(process.argv[2] || '');
const orig = path.join(dir, 'convscope.wasm.orig');
if (!fs.existsSync(orig)) { console.error(`wasm_split_profile: ${orig} is missing (link with -sSPLIT_MODULE=1)`); process.exit(2); }

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const file = path.normalize(path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  // The deferred module of a previous build does not belong to this instrumented one.
  if (!file.startsWith(dir + path.sep) || /deferred|sw\.js$/.test(file)) { res.writeHead(404); res.end(); return; }
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(data);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

// The first screen at the sizes a class opens it: a projector/laptop and a phone.
const runs = [{ viewport: { width: 1920, height: 1080 } },
  { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true }];
const profiles = [];
// Without a browser (or if the page fails to start) the page keeps the whole module: it works, only its
// first load is bigger (tests/web/budgets.mjs reports it).
function keepWhole(why) {
  console.warn(`wasm_split_profile: ${why}; convscope.wasm is the whole module, not split`);
  fs.copyFileSync(orig, path.join(dir, 'convscope.wasm'));
  fs.rmSync(path.join(dir, 'convscope.deferred.wasm'), { force: true });
  server.close();
  process.exit(0);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
}).catch((e) => keepWhole(`Chromium did not start (${String(e.message || e).split('\n')[0]})`));
try {
  for (const [i, options] of runs.entries()) {
    const context = await browser.newContext({ ...options, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.ConvScope !== undefined, null, { timeout: 120000 });
    const bytes = await page.evaluate(async () => {
      await window.ConvScope.ready;
      const frame = window.ConvScope.frames();
      await new Promise((resolve) => { (function wait() { if (window.ConvScope.frames() >= frame + 30) resolve(); else setTimeout(wait, 20); })(); });
      const asm = Module['asm'];
      const memory = Object.values(asm).find((v) => v instanceof WebAssembly.Memory);
      const size = asm['__write_profile'](0, 0);
      const at = Module._malloc(size);
      asm['__write_profile'](at, size);
      const out = Array.from(new Uint8Array(memory.buffer, at, size));
      Module._free(at);
      return out;
    });
    const file = path.join(dir, `startup-${i}.prof`);
    fs.writeFileSync(file, Buffer.from(bytes));
    profiles.push(file);
    await context.close();
  }
} catch (e) {
  await browser.close();
  keepWhole(`the profile run failed (${String(e.message || e).split('\n')[0]})`);
} finally {
  await browser.close();
  server.close();
}

const merged = path.join(dir, 'startup.prof');
execFileSync('wasm-split', ['--merge-profiles', ...profiles, '-o', merged]);
execFileSync('wasm-split', [orig, '--all-features', '--export-prefix=%', `--profile=${merged}`,
  '-o1', path.join(dir, 'convscope.wasm'), '-o2', path.join(dir, 'convscope.deferred.wasm')]);
const kb = (f) => (fs.statSync(path.join(dir, f)).size / 1024).toFixed(1);
console.log(`wasm_split_profile: convscope.wasm ${kb('convscope.wasm')} KB (what the first screen ran), ` +
  `convscope.deferred.wasm ${kb('convscope.deferred.wasm')} KB (the rest), from ${kb('convscope.wasm.orig')} KB`);
