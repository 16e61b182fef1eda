// test_delivery.mjs — how the page is delivered (issue 8's first-load budget): the training digits
// are not part of the hosted page's first load (digits-train.bin is fetched when the training panel
// first shows), training still starts and runs in the hosted page, from the single offline file
// (digits inlined) and offline after a first visit (service worker), and a failed fetch says so and
// is retried by Train.
import path from 'node:path';
import { WEB, assert, clickItem, frames, openApp, setState, state } from './harness.mjs';

const LAB = { workspace: 'digit-lab' };
const TRAIN_FILE = /\/digits-train\.bin$/;

async function waitFor(page, what, predicate, timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (predicate(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} within ${timeoutMs / 1000} s; state: ${JSON.stringify({ gallery: s.gallery, training: s.training, notice: s.notice })}`);
    await page.waitForTimeout(100);
  }
}

// From scratch (fresh weights), then a few optimizer steps: training really runs on the digits.
async function trainSomeSteps(page) {
  await setState(page, { training: { budget_ms: 14 } });
  await clickItem(page, 'training.scratch');
  const s = await waitFor(page, 'training did not reach step 3', (x) => x.training.step >= 3);
  assert(Number.isFinite(s.training.loss) && s.training.loss > 0, `loss ${s.training.loss}`);
  await clickItem(page, 'training.train');  // Pause
  return s;
}

export function deliveryTests(ctx) {
  const tests = [];
  tests.push({ name: 'delivery: hosted page fetches the training digits only for the lab, then trains on them', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url);
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    // openApp returned at ConvScope.ready: the lessons are up and the training digits were not needed.
    let s = await state(page);
    assert(s.workspace === 'lessons', `default workspace ${s.workspace}`);
    await frames(page, 5);
    assert(!requested.some((u) => TRAIN_FILE.test(u)), `digits-train.bin fetched before the lab opened: ${requested.join(' ')}`);
    await setState(page, LAB);
    s = await waitFor(page, 'the training digits did not arrive', (x) => x.gallery.train_count === 1000);
    assert(s.gallery.count === 1000, `test digits: ${s.gallery.count}`);
    assert(requested.some((u) => TRAIN_FILE.test(u)), `the lab trained without fetching digits-train.bin: ${requested.join(' ')}`);
    await trainSomeSteps(page);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'delivery: single file trains on its inlined training digits (no fetch)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, 'file://' + path.join(WEB, 'convscope.html'), { setup: LAB });
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    const s = await waitFor(page, 'the inlined training digits were not used', (x) => x.gallery.train_count === 1000);
    assert(s.gallery.count === 1000, `test digits: ${s.gallery.count}`);
    assert(!requested.some((u) => TRAIN_FILE.test(u)), `the single file fetched ${requested.join(' ')}`);
    await trainSomeSteps(page);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'delivery: hosted build trains offline after the first visit (service worker cache)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url);
    // The worker registers after ready and caches every file, digits-train.bin included.
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.waitForFunction(async () => {
      const names = await caches.keys();
      for (const n of names) if (n.startsWith('convscope-') && await (await caches.open(n)).match('digits-train.bin')) return true;
      return false;
    }, null, { timeout: 30000, polling: 200 });
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => window.ConvScope !== undefined, null, { timeout: 30000 });
    await page.evaluate(() => window.ConvScope.ready);
    await setState(page, LAB);
    await waitFor(page, 'offline: the training digits did not come from the cache', (x) => x.gallery.train_count === 1000);
    await trainSomeSteps(page);
    const real = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
    assert(real.length === 0, `console errors: ${real.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'delivery: a failed fetch of the training digits is reported, and Train retries and starts', fn: async () => {
    // No service worker here: requests it answers from its cache never reach page.route.
    const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    let fail = true;
    await page.route(TRAIN_FILE, (route) => (fail ? route.fulfill({ status: 503, body: 'unavailable' }) : route.continue()));
    await page.goto(ctx.url);
    await page.waitForFunction(() => window.ConvScope !== undefined, null, { timeout: 30000 });
    await page.evaluate(() => window.ConvScope.ready);
    await setState(page, LAB);
    let s = await waitFor(page, 'no message after the failed fetch', (x) => /digits-train\.bin.*HTTP 503/.test(x.notice));
    assert(s.gallery.train_count === 0 && !s.training.running, `state after the failure: ${JSON.stringify(s.training)}`);
    // Train while they are missing: refetches, and training starts once they arrive.
    fail = false;
    await clickItem(page, 'training.train');
    s = await waitFor(page, 'Train did not fetch again and start', (x) => x.gallery.train_count === 1000 && x.training.running && x.training.step >= 1);
    await clickItem(page, 'training.train');  // Pause
    await context.close();
  } });
  return tests;
}
