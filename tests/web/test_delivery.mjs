// test_delivery.mjs — how the page is delivered (issue 8's first-load budget): the digit model (the
// bundled test digits digits.bin and DigitNet's weights digitnet.safetensors) and the training digits
// (digits-train.bin) are not part of the hosted page's first load. The model is fetched when the lab
// opens (menu, setState, a link) or a lesson picks a digit; a drawing made while it loads is classified
// when it arrives; a failed fetch says so and Retry loads it; the training digits come when the
// training panel first shows and Train retries them. All of it works from the single offline file
// (inlined, no fetch) and offline after a first visit (service worker).
import path from 'node:path';
import { WEB, assert, clickItem, frames, items, openApp, screenshot, setState, state } from './harness.mjs';
import { drawStroke } from './test_digit_lab.mjs';

const LAB = { workspace: 'digit-lab' };
const TRAIN_FILE = /\/digits-train\.bin$/;
const MODEL_FILES = /\/(digits\.bin|digitnet\.safetensors)$/;
const WEIGHTS_FILE = /\/digitnet\.safetensors$/;
const ONE = [[0.5, 0.15], [0.5, 0.85]];  // a stroke the pad turns into a "1"

async function waitFor(page, what, predicate, timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (predicate(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} within ${timeoutMs / 1000} s; state: ${JSON.stringify({ lab_assets: s.lab_assets, network: s.network, gallery: s.gallery, training: s.training, notice: s.notice })}`);
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

// The lab has DigitNet with the shipped weights and the 1000 test digits, and a drawn "1" is classified.
async function drawAndPredict(page) {
  let s = await waitFor(page, 'the digit model did not arrive', (x) => x.lab_assets.status === 'ready' && x.network.ok);
  assert(s.network.shipped_weights && s.gallery.count === 1000, `model: ${JSON.stringify(s.network)} gallery ${JSON.stringify(s.gallery)}`);
  await drawStroke(page, ONE);
  s = await waitFor(page, 'no prediction of the drawing', (x) => x.prediction && x.prediction.input_revision === x.input.revision);
  assert(s.prediction.class === 1, `a drawn 1 predicted as ${s.prediction.class}`);
  return s;
}

export function deliveryTests(ctx) {
  const tests = [];
  tests.push({ name: 'delivery: the Lessons page loads no digit model; the Digit lab menu fetches it and predicts', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url);
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    await frames(page, 10);
    let s = await state(page);
    assert(s.workspace === 'lessons' && s.lab_assets.status === 'idle', `default page: ${s.workspace}, model ${JSON.stringify(s.lab_assets)}`);
    assert(s.stepper.digits_available && s.stepper.learned_available && !s.stepper.digits_loaded, `lessons offer digits on demand: ${JSON.stringify(s.stepper.digits_available)}`);
    const early = (await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))).concat(requested);
    assert(!early.some((u) => MODEL_FILES.test(u) || TRAIN_FILE.test(u)), `lab files fetched by the Lessons page: ${early.join(' ')}`);
    await clickItem(page, 'menu.digit-lab');
    await drawAndPredict(page);
    for (const f of ['digits.bin', 'digitnet.safetensors'])
      assert(requested.some((u) => u.endsWith('/' + f)), `the lab did not fetch ${f}: ${requested.join(' ')}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'delivery: a drawing made while the digit model loads is classified when it arrives', fn: async () => {
    let release;
    const held = new Promise((r) => { release = r; });
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { serviceWorkers: 'block',
      beforeLoad: (p) => p.route(WEIGHTS_FILE, async (route) => { await held; await route.continue(); }) });
    await page.evaluate(() => { window.ConvScope.setState({ workspace: 'digit-lab' }); });  // not awaited: it waits for the model
    await frames(page, 3);
    let s = await state(page);
    assert(s.lab_assets.status === 'loading' && !s.network.ok && s.prediction === null, `while loading: ${JSON.stringify(s.lab_assets)} ${JSON.stringify(s.network)}`);
    await drawStroke(page, ONE);
    s = await state(page);
    assert(s.input.has_ink && s.prediction === null && s.lab_assets.status === 'loading', `drawn while loading: ${JSON.stringify(s.input)}`);
    await screenshot(page, 'delivery-lab-loading-model');
    release();
    s = await waitFor(page, 'the drawing was not classified after the model arrived', (x) => x.prediction && x.prediction.input_revision === x.input.revision);
    assert(s.prediction.class === 1 && s.network.shipped_weights, `a drawn 1 predicted as ${s.prediction.class}`);
    await screenshot(page, 'delivery-lab-model-arrived');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'delivery: a failed fetch of the digit model says so in the panels, and Retry loads it', fn: async () => {
    let fail = true;
    const { page, context } = await openApp(ctx.browser, ctx.url, { serviceWorkers: 'block', beforeLoad: (p) =>
      p.route(WEIGHTS_FILE, (route) => (fail ? route.fulfill({ status: 503, body: 'unavailable' }) : route.continue())) });
    await setState(page, LAB);
    let s = await waitFor(page, 'no message after the failed fetch', (x) => x.lab_assets.status === 'failed');
    assert(/digitnet\.safetensors.*HTTP 503/.test(s.lab_assets.error) && /digitnet\.safetensors.*HTTP 503/.test(s.notice), `message: ${s.lab_assets.error} / ${s.notice}`);
    assert(!s.network.ok && s.prediction === null, 'no network without its weights');
    await frames(page, 2);
    assert((await items(page))['prediction.retry'], 'no Retry in the prediction panel');
    await screenshot(page, 'delivery-lab-model-failed');
    // The pad still works meanwhile; Retry fetches again and the drawing is classified.
    fail = false;
    await clickItem(page, 'prediction.retry');
    await drawAndPredict(page);
    await context.close();
  } });

  tests.push({ name: 'delivery: a link to the lab or to a digit lesson loads the digit model before ready', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { setup: LAB });
    await waitFor(page, 'the lab did not load', (x) => x.network.ok);
    await page.waitForFunction(() => location.hash.includes('ws=lab'), null, { timeout: 20000 });
    const labHash = await page.evaluate(() => location.hash);
    await setState(page, { workspace: 'lessons', stepper: { input: [28, 28], channels: 1, out_channels: 1, input_preset: 'digit', digit_index: 17, kernel_preset: 'learned' } });
    await page.waitForFunction(() => location.hash.includes('digit=17') && location.hash.includes('ws=lessons'), null, { timeout: 20000 });
    const digitHash = await page.evaluate(() => location.hash);
    const want = (await state(page)).stepper;
    await context.close();
    // A fresh page at each link: ready comes with the model there and the link applied.
    const two = await openApp(ctx.browser, ctx.url + labHash);
    let s = await state(two.page);
    assert(s.workspace === 'digit-lab' && s.lab_assets.status === 'ready', `lab link: ${s.workspace} ${JSON.stringify(s.lab_assets)}`);
    await drawAndPredict(two.page);
    await two.context.close();
    const three = await openApp(ctx.browser, ctx.url + digitHash);
    s = await state(three.page);
    assert(s.workspace === 'lessons' && s.lab_assets.status === 'ready', `digit link: ${s.workspace} ${JSON.stringify(s.lab_assets)}`);
    assert(s.stepper.input_preset === 'digit' && s.stepper.digit_index === 17 && s.stepper.kernel_preset === 'learned',
      `digit lesson from the link: ${s.stepper.input_preset} ${s.stepper.digit_index} ${s.stepper.kernel_preset}`);
    assert(s.stepper.arithmetic === want.arithmetic, `same arithmetic: ${s.stepper.arithmetic} vs ${want.arithmetic}`);
    assert(/Opened the lesson from the link/.test(s.notice), `notice: ${s.notice}`);
    assert(errors.length === 0 && two.errors.length === 0 && three.errors.length === 0, `console errors: ${errors.concat(two.errors, three.errors).join(' | ')}`);
    await three.context.close();
  } });

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

  tests.push({ name: 'delivery: single file from file:// predicts and trains on its inlined model and digits (no fetch)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, 'file://' + path.join(WEB, 'convscope.html'), { setup: LAB });
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    const s = await waitFor(page, 'the inlined training digits were not used', (x) => x.gallery.train_count === 1000);
    assert(s.gallery.count === 1000, `test digits: ${s.gallery.count}`);
    await drawAndPredict(page);
    await trainSomeSteps(page);
    assert(!requested.some((u) => TRAIN_FILE.test(u) || MODEL_FILES.test(u)), `the single file fetched ${requested.join(' ')}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'delivery: hosted build predicts and trains offline after the first visit (service worker cache)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url);
    // The worker registers after ready and caches every file, digits-train.bin included.
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.waitForFunction(async () => {
      const names = await caches.keys();
      for (const n of names) {
        if (!n.startsWith('convscope-')) continue;
        const c = await caches.open(n);
        if (await c.match('digits-train.bin') && await c.match('digits.bin') && await c.match('digitnet.safetensors')) return true;
      }
      return false;
    }, null, { timeout: 30000, polling: 200 });
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => window.ConvScope !== undefined, null, { timeout: 30000 });
    await page.evaluate(() => window.ConvScope.ready);
    await setState(page, LAB);
    await drawAndPredict(page);  // the digit model from the cache
    await waitFor(page, 'offline: the training digits did not come from the cache', (x) => x.gallery.train_count === 1000);
    await trainSomeSteps(page);
    const real = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
    assert(real.length === 0, `console errors: ${real.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'delivery: a failed fetch of the training digits is reported, and Train retries and starts', fn: async () => {
    // No service worker here: requests it answers from its cache never reach page.route.
    let fail = true;
    const { page, context } = await openApp(ctx.browser, ctx.url, { serviceWorkers: 'block', beforeLoad: (p) =>
      p.route(TRAIN_FILE, (route) => (fail ? route.fulfill({ status: 503, body: 'unavailable' }) : route.continue())) });
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
