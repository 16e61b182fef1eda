// harness.mjs — shared pieces of the browser tests: a static server on 127.0.0.1, Debian's Chromium
// driven by playwright-core (never a downloaded browser), page helpers that use REAL mouse events at
// rectangles reported by window.ConvScope, and a tiny runner that prints "N passed, N failed" (and
// ", N skipped" when a test skipped).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { AsyncLocalStorage } from 'node:async_hooks';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const WEB = process.env.CS_WEB_DIR || path.join(ROOT, 'build/web');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/web');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.png': 'image/png', '.webmanifest': 'application/manifest+json' };

export function serve(dir) {
  for (const f of ['index.html', 'convscope.js', 'convscope.wasm', 'convscope.html'])
    if (!fs.existsSync(path.join(dir, f))) throw new Error(`${path.join(dir, f)} is missing: build the web preset first`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.normalize(path.join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end('not found'); return; }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-store' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic', '--no-first-run', '--allow-file-access-from-files'],
  });
}

// Opens the page, collects console errors, waits for ConvScope.ready.
// `setup`: a partial state applied once the app is ready (e.g. {workspace: 'digit-lab'}).
// `context`: open the page in this browser context (a test's earlier one: its caches make the load
// quicker) instead of a new one. `serviceWorkers: 'block'`: a new context without them (requests they
// would answer from their cache never reach page.route). `beforeLoad(page)`: runs before navigation
// (e.g. page.route to hold back or fail a file).
export async function openApp(browser, url, { dpr = 1, width = 1280, height = 800, hasTouch = false, setup = null, context = null,
  serviceWorkers = 'allow', beforeLoad = null } = {}) {
  if (!context) {
    context = await browser.newContext({ deviceScaleFactor: dpr, viewport: { width, height }, hasTouch, serviceWorkers });
    const current = testLog.getStore();
    if (current) current.contexts.push(context);  // closed by run() if the test fails half-way
  }
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (beforeLoad) await beforeLoad(page);
  await page.goto(url);
  await page.waitForFunction(() => window.ConvScope !== undefined, null, { timeout: 30000 });
  // ready must come within 60 s; an abort (error overlay) or a hang fails the test with the reason.
  await page.evaluate(() => Promise.race([
    window.ConvScope.ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error('ConvScope.ready did not resolve within 60 s: ' +
      (document.getElementById('error-text') || {}).textContent)), 60000)),
  ]));
  if (setup) { await page.evaluate((x) => window.ConvScope.setState(x), setup); await frames(page, 2); }
  return { context, page, errors };
}

export const state = (page) => page.evaluate(() => window.ConvScope.state());
export const panels = (page) => page.evaluate(() => window.ConvScope.panels());
export const items = (page) => page.evaluate(() => window.ConvScope.items());
export const setState = (page, s) => page.evaluate((x) => window.ConvScope.setState(x), s);

// Waits for n more frames to be drawn (the app reacts to input on its next frame). One round trip:
// the page counts the frames itself, checking after every animation frame.
export async function frames(page, n = 3) {
  await page.evaluate(async (n) => {
    const cs = window.ConvScope, start = cs.state().frame, t0 = performance.now();
    while (cs.state().frame < start + n) {
      if (performance.now() - t0 > 20000) throw new Error(`waited 20 s for ${n} frames after frame ${start}; at ${cs.state().frame}`);
      await new Promise((r) => requestAnimationFrame(r));
    }
  }, n);
}

// Moves the mouse onto the centre of item `id` (ConvScope.items()) and lets the app see it.
export async function hover(page, id) {
  const r = (await items(page))[id];
  if (!r) throw new Error(`item ${id} is not visible`);
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
  await frames(page, 3);
}

// A key held for two frames, as a human press is: ImGui 1.86 reads key state per frame, so a
// down+up inside one frame (what keyboard.press sends) can be missed entirely.
export async function press(page, k) {
  await page.keyboard.down(k);
  await frames(page, 2);
  await page.keyboard.up(k);
  await frames(page, 2);
}

export async function clickItem(page, id) {
  const r = (await items(page))[id];
  if (!r) throw new Error(`item ${id} is not visible (items: ${Object.keys(await items(page)).join(', ')})`);
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 2);
}

// Distinct colours in a real screenshot of the page (WebGL's drawing buffer cannot be read back
// after compositing, so the compositor's output is what counts): a blank canvas has very few.
export async function canvasColours(page) {
  const png = (await page.screenshot()).toString('base64');
  return page.evaluate(async (b64) => {
    const c = document.getElementById('canvas');
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const off = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = off.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const d = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return { colours: seen.size, width: c.width, height: c.height };
  }, png);
}

export async function screenshot(page, name, clip = undefined) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await savePicture(page, path.join(ARTIFACTS, name + '.png'), clip);
}

// Tests that step through many frames and look at state() rather than pixels open the page with
// { dpr: LOW_RES }: the layout, every coordinate and every state() value are in CSS px and do not
// change, but headless Chromium draws WebGL with SwiftShader on the CPU and its cost per frame grows
// with the device pixels (a quarter of them here).
export const LOW_RES = 0.5;

// A PNG of the page (or of `clip`, CSS px). Pictures for people are taken at dpr 1 even on a LOW_RES
// page: the device pixel ratio is switched for the shot and back (the app follows it as when a
// window moves to another screen). Through CDP: playwright would scale the shot to the context's
// ratio, and the override lasts only while its session is attached (kept per page).
export async function savePicture(page, file, clip = undefined) {
  await savePictures(page, [{ file, clip }]);
}

// Several PNGs of one moment ([{file, clip}]), inside one switch of the pixel ratio (each switch
// re-renders the fonts and costs a few software-GL frames).
const cdpSessions = new WeakMap();
export async function savePictures(page, shots) {
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  if (dpr >= 1) {
    for (const { file, clip } of shots) await page.screenshot({ path: file, clip });
    return;
  }
  if (!cdpSessions.has(page)) cdpSessions.set(page, await page.context().newCDPSession(page));
  const cdp = cdpSessions.get(page);
  const size = page.viewportSize();
  const metrics = (scale) => cdp.send('Emulation.setDeviceMetricsOverride',
    { width: size.width, height: size.height, deviceScaleFactor: scale, mobile: false });
  await metrics(1);
  try {
    await frames(page, 3);
    for (const { file, clip } of shots) {
      const shot = await cdp.send('Page.captureScreenshot', { format: 'png', ...(clip ? { clip: { ...clip, scale: 1 } } : {}) });
      fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
    }
  } finally {
    await metrics(dpr);
    await frames(page, 2);
  }
}

export function assert(cond, message) { if (!cond) throw new Error(message); }

// skip(reason): the one way a test says "this check cannot run here" (the CLI is not built, the build
// has no shipped weights). With CS_ALLOW_SKIP=1 (hand runs, or scripts/test.sh when steps are switched
// off) the test is reported as skipped; otherwise it FAILS with the reason, so a full run cannot pass
// with a check that never ran. Either way the skip is appended to the file CS_SKIP_LOG names (when
// set), which scripts/test.sh counts. The same contract as tests/skip.h and tests/cli/skip.py.
class Skip extends Error {}
export function skip(reason) { throw new Skip(reason); }

// Runs the tests in CS_WEB_WORKERS (default 2) parallel lanes, each test in its own browser context;
// a test has 300 s (`timeoutS: n` for another limit); a test marked `solo: true` (it measures frame
// times or speed, which tests beside it would distort)
// runs afterwards with nothing else running. A test's own console lines are held and printed with its
// result line, so parallel tests do not interleave. Prints the closing line CI reads:
// "N passed, N failed" (", N skipped" when a test skipped). A CS_WEB_TESTS filter that matches no
// test is an error: a typo must not pass as an empty run.
const testLog = new AsyncLocalStorage();  // the running test's { lines, contexts }
const consoleLog = console.log;
console.log = (...args) => {
  const current = testLog.getStore();
  if (current) current.lines.push(util.format(...args));
  else consoleLog(...args);
};

export async function run(tests) {
  const only = process.env.CS_WEB_TESTS ? process.env.CS_WEB_TESTS.split(',') : null;
  const chosen = tests.filter((t) => !only || only.some((o) => t.name.includes(o)));
  if (only && chosen.length === 0) {
    consoleLog(`CS_WEB_TESTS=${process.env.CS_WEB_TESTS} matches none of the ${tests.length} browser tests' names.`);
    consoleLog('0 passed, 1 failed');
    return false;
  }
  const allowSkip = process.env.CS_ALLOW_SKIP === '1';
  // Two lanes on two cores. Three were 165-200 s against 191-199 s, and with three a frame can take
  // longer than ImGui's key-repeat delay (0.275 s), so a one-frame key hold may move the nav cursor twice.
  const lanes = Math.max(1, Number(process.env.CS_WEB_WORKERS || 2));
  let passed = 0, failed = 0, skipped = 0;
  const failures = [], durations = [], runT0 = Date.now();
  const one = async (t) => {
    const lines = [], contexts = [];
    const t0 = Date.now();
    let error = null;
    // A test that hangs (a promise the page never settles) fails after its time limit instead of
    // holding its lane until the whole run is killed.
    const limitS = t.timeoutS || 300;
    let timer = null;
    const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no result after ${limitS} s (the test's time limit)`)), limitS * 1000); });
    await testLog.run({ lines, contexts }, async () => { try { await Promise.race([t.fn(), limit]); } catch (e) { error = e; } });
    clearTimeout(timer);
    // A failed test leaves its pages open; they would keep drawing and slow every later test.
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    const ms = Date.now() - t0;
    durations.push([ms, t.name]);
    if (error instanceof Skip) {
      if (process.env.CS_SKIP_LOG) fs.appendFileSync(process.env.CS_SKIP_LOG, `browser test '${t.name}': ${error.message}\n`);
      skipped++;
      if (!allowSkip) failed++;
      consoleLog(allowSkip ? `skip ${t.name} (${ms} ms): ${error.message}`
        : `FAIL ${t.name} (${ms} ms): skipped, which counts as a failure (CS_ALLOW_SKIP=1 allows it): ${error.message}`);
    } else {
      if (error) { failed++; failures.push(`${t.name}: ${String(error && error.message || error).split('\n')[0].slice(0, 300)}`); }
      else passed++;
      consoleLog(error ? `FAIL ${t.name} (${ms} ms): ${error && error.stack ? error.stack : error}` : `ok   ${t.name} (${ms} ms)`);
    }
    for (const line of lines) consoleLog(line);
  };
  const shared = chosen.filter((t) => !t.solo);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(lanes, shared.length) }, async () => {
    while (next < shared.length) await one(shared[next++]);
  }));
  // The solo tests time frames: when the test script runs CPU work beside the browser tests (its
  // background lane), it names a file that appears when that work is done; wait for it first.
  const solo = chosen.filter((t) => t.solo);
  const quiet = process.env.CS_QUIET_FILE;
  if (solo.length && quiet && !fs.existsSync(quiet)) {
    const t0 = Date.now();
    while (!fs.existsSync(quiet) && Date.now() - t0 < 1800000) await new Promise((r) => setTimeout(r, 250));
    consoleLog(`(the solo tests waited ${((Date.now() - t0) / 1000).toFixed(0)} s for the background lane)`);
  }
  for (const t of solo) await one(t);
  const closing = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  // A short summary for the end of scripts/test.sh's output (CS_BROWSER_SUMMARY names the file): the
  // failures and the slowest tests, which a long log would otherwise push out of sight.
  if (process.env.CS_BROWSER_SUMMARY) {
    const slowest = durations.sort((a, b) => b[0] - a[0]).slice(0, 8).map(([ms, name]) => `  ${(ms / 1000).toFixed(0)} s  ${name}`);
    fs.writeFileSync(process.env.CS_BROWSER_SUMMARY, [`browser tests: ${closing} in ${((Date.now() - runT0) / 1000).toFixed(0)} s`,
      ...failures.map((f) => `  FAIL ${f}`), 'slowest:', ...slowest, ''].join('\n'));
  }
  consoleLog(closing);
  return failed === 0;
}
