// test_ab_lab.mjs — the side-by-side training lab in the real page, started with real clicks and
// taps: the course's claims show within 60 s each (a deep plain net's first-layer gradient orders of
// magnitude below a residual one's while only the residual one learns; BatchNorm off stalling where
// BatchNorm on learns at learning rate 0.5), identical settings give identical curves and a seed
// replays its run, a side that diverges stops with its step while the other goes on, and on a phone
// the lab is a tab whose items fit the screen; the screen-reader mirror reads it and steps it.
// Screenshots: test-artifacts/web/ab-lab-*.
import path from 'node:path';
import { ARTIFACTS, assert, clickItem, frames, items, LOW_RES, openApp, panels, savePicture, setState, state } from './harness.mjs';

async function waitFor(page, what, predicate, timeoutMs) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (predicate(s)) return { s, seconds: (Date.now() - t0) / 1000 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} within ${timeoutMs / 1000} s: step ${s.ab_lab.step}, error "${s.ab_lab.error}"`);
    await page.waitForTimeout(250);
  }
}

const mean = (a) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
const tail = (a, n) => a.slice(Math.max(0, a.length - n));

async function openLab(ctx, preset) {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: LOW_RES });
  await setState(page, { workspace: 'blocks', ab_lab: { preset } });
  await frames(page, 3);
  return { page, errors };
}

export function abLabTests(ctx) {
  return [
    { name: 'ab-lab: plain vs residual (20 layers): the plain first-layer gradient is orders of magnitude smaller and only the residual net learns, within 60 s', fn: async () => {
      const { page, errors } = await openLab(ctx, 'plain-vs-residual');
      await clickItem(page, 'ab-lab.play');  // a real click on the Play button
      assert((await state(page)).ab_lab.running, 'Play started the run');
      const { s, seconds } = await waitFor(page, '200 steps', (x) => x.ab_lab.step >= 200, 60000);
      const L = s.ab_lab.left, R = s.ab_lab.right;
      const first = (side) => side.grad_norm[side.layers[0]];
      const ratio = mean(tail(first(R), 20)) / mean(tail(first(L), 20));
      console.log(`    ${s.ab_lab.step} steps in ${seconds.toFixed(1)} s; first-layer gradient: plain ${mean(tail(first(L), 20)).toExponential(2)}, residual ${mean(tail(first(R), 20)).toExponential(2)} (x${ratio.toExponential(1)}); loss of the last 20 steps: plain ${mean(tail(L.loss, 20)).toFixed(3)}, residual ${mean(tail(R.loss, 20)).toFixed(3)}`);
      assert(ratio > 1e3, `the residual net's first-layer gradient is only ${ratio} times the plain one's`);
      assert(mean(tail(L.loss, 20)) > 2.2, `the plain net should stall near 2.30: ${mean(tail(L.loss, 20))}`);
      assert(mean(tail(R.loss, 20)) < 2.0, `the residual net should learn: ${mean(tail(R.loss, 20))}`);
      await clickItem(page, 'ab-lab.play');  // Pause
      assert(!(await state(page)).ab_lab.running, 'the second click paused');
      // The strip's top-left cell under the mouse says its layer, step and the engine's number.
      const strip = (await items(page))['ab-lab.gradients.left'];
      assert(strip, 'the left gradient strip is on screen');
      await page.mouse.move(strip.x + 1, strip.y + 1);
      await frames(page, 3);
      const tip = (await state(page)).touch.tooltip || '';
      const g0 = (await state(page)).ab_lab.left.grad_norm['stem.conv'][0];
      assert(tip.startsWith('conv layer 1 (stem.conv), step') && tip.includes('gradient size'), `tooltip "${tip}"`);
      if (tip.includes(', step 1:')) assert(tip.endsWith(g0.toExponential(2)), `tooltip "${tip}" for a first gradient of ${g0}`);
      await savePicture(page, path.join(ARTIFACTS, 'ab-lab-residual-desktop.png'));
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    } },

    { name: 'ab-lab: BatchNorm off vs on at learning rate 0.5: off stalls, on learns, within 60 s', fn: async () => {
      const { page, errors } = await openLab(ctx, 'batchnorm');
      await clickItem(page, 'ab-lab.play');
      const { s, seconds } = await waitFor(page, '200 steps', (x) => x.ab_lab.step >= 200, 60000);
      const L = s.ab_lab.left, R = s.ab_lab.right;
      console.log(`    ${s.ab_lab.step} steps in ${seconds.toFixed(1)} s; loss of the last 20 steps: BN off ${mean(tail(L.loss, 20)).toFixed(3)}, BN on ${mean(tail(R.loss, 20)).toFixed(3)}; accuracy BN on ${mean(tail(R.accuracy, 20)).toFixed(2)}`);
      assert(L.diverged_at > 0 || mean(tail(L.loss, 20)) > 2.2, `BN off should stall or diverge: ${mean(tail(L.loss, 20))}`);
      assert(mean(tail(R.loss, 20)) < 1.5, `BN on should learn: ${mean(tail(R.loss, 20))}`);
      await savePicture(page, path.join(ARTIFACTS, 'ab-lab-batchnorm-desktop.png'));
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    } },

    { name: 'ab-lab: identical settings give identical curves, a seed replays its run, a diverging side stops alone', fn: async () => {
      const { page, errors } = await openLab(ctx, 'same');
      await setState(page, { ab_lab: { seed: 7, steps: 15 } });
      let { s } = await waitFor(page, '15 steps', (x) => x.ab_lab.step >= 15 && !x.ab_lab.running, 60000);
      assert(s.ab_lab.same_settings && s.ab_lab.same_histories, 'the page says the runs are equal');
      assert(JSON.stringify(s.ab_lab.left.loss) === JSON.stringify(s.ab_lab.right.loss), 'equal loss curves');
      for (const layer of s.ab_lab.left.layers)
        assert(JSON.stringify(s.ab_lab.left.grad_norm[layer]) === JSON.stringify(s.ab_lab.right.grad_norm[layer]), `equal gradients at ${layer}`);
      const first = s.ab_lab.left.loss;
      // "Start again" (a real click) and the same seed: the same numbers once more.
      await clickItem(page, 'ab-lab.reset');
      assert((await state(page)).ab_lab.step === 0, 'Start again went back to step 0');
      await setState(page, { ab_lab: { steps: 15 } });
      ({ s } = await waitFor(page, '15 steps again', (x) => x.ab_lab.step >= 15 && !x.ab_lab.running, 60000));
      assert(JSON.stringify(s.ab_lab.left.loss) === JSON.stringify(first), 'the seed replays its run');
      // A side that cannot stay finite: signals multiplied by ~16 per layer over 20 layers.
      await setState(page, { ab_lab: { right: { depth: 20, width: 16, init_scale: 10, batch_norm: false, residual: false, optimizer: 'sgd', learning_rate: 0.05 }, steps: 8 } });
      ({ s } = await waitFor(page, '8 steps', (x) => x.ab_lab.step >= 8 && !x.ab_lab.running, 60000));
      assert(s.ab_lab.right.diverged_at >= 1, `the right side diverged: ${s.ab_lab.right.diverged_at}`);
      assert(s.ab_lab.left.loss.length === 8, `the left side went on: ${s.ab_lab.left.loss.length} steps`);
      await frames(page, 3);
      await savePicture(page, path.join(ARTIFACTS, 'ab-lab-diverged-desktop.png'));
      // Settings it cannot take are refused in words, nothing changes.
      const refused = await setState(page, { ab_lab: { left: { depth: 0 } } }).catch((e) => String(e));
      assert(/depth must be in 2\.\.20, got 0/.test(JSON.stringify(refused)), `refusal: ${JSON.stringify(refused)}`);
      assert((await state(page)).ab_lab.left.config.depth === 8, 'the refused depth changed nothing');
      // One step, clicked: exactly one more step.
      let before = (await state(page)).ab_lab.step;
      await clickItem(page, 'ab-lab.step');
      ({ s } = await waitFor(page, 'one step', (x) => x.ab_lab.step === before + 1 && !x.ab_lab.running, 20000));
      // The screen-reader mirror reads the lab in words and its One step button works from the keyboard.
      let words = '';
      for (const t0 = Date.now(); !/diverged at step \d+/.test(words) && Date.now() - t0 < 5000; await page.waitForTimeout(100))
        words = await page.evaluate(() => (document.querySelector('#cs-a11y-ab-lab .cs-a11y-lines') || {}).textContent || '');
      assert(/A \(left\): step \d+: loss [\d.]+/.test(words) && /B \(right\): diverged at step \d+/.test(words), `the mirror: ${words}`);
      before = s.ab_lab.step;
      await page.focus('#cs-a11y-ab-lab button[data-cs-id="ab-lab.step"]');
      await page.keyboard.press('Enter');
      ({ s } = await waitFor(page, 'one step from the mirror', (x) => x.ab_lab.step === before + 1 && !x.ab_lab.running, 20000));
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    } },

    { name: 'ab-lab: on a phone the lab is a tab, its items fit the screen, a tap on Play trains', fn: async () => {
      const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true });
      const { page, errors } = await openApp(ctx.browser, ctx.url, { context });
      const cdp = await context.newCDPSession(page);
      const tap = async (r) => {
        const point = [{ x: r.x + r.width / 2, y: r.y + r.height / 2, id: 1, radiusX: 4, radiusY: 4, force: 1 }];
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point });
        await frames(page, 1);  // one frame down: a slow frame under load must not make it a long press
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await frames(page, 4);
      };
      await setState(page, { workspace: 'blocks', ab_lab: { preset: 'batchnorm' } });
      await frames(page, 4);
      const tab = (await items(page))['tab.ab-lab'];
      assert(tab, `the lab's tab is on screen (items: ${Object.keys(await items(page))})`);
      await tap(tab);
      const p = await panels(page);
      assert(p['ab-lab'], `the tap showed the lab (panels: ${Object.keys(p)})`);
      const r = p['ab-lab'];
      assert(r.x >= -0.5 && r.x + r.width <= 390.5 && r.y + r.height <= 844.5, `panel ${JSON.stringify(r)} inside 390x844`);
      const it = await items(page);
      const mine = Object.keys(it).filter((k) => k.startsWith('ab-lab.'));
      assert(mine.length >= 6, `ab-lab items on the phone: ${mine}`);
      for (const k of mine) {
        const q = it[k];
        if (q.y >= r.y + r.height) continue;  // below the pane's fold: scrolled to, not clipped
        assert(q.x >= -0.5 && q.x + q.width <= 390.5, `${k} ${JSON.stringify(q)} inside the screen's width`);
        assert(q.height >= 24 - 0.01, `${k} is ${q.height.toFixed(1)} CSS px tall, under 24`);
      }
      await tap(it['ab-lab.play']);
      const { s } = await waitFor(page, 'steps after a tap on Play', (x) => x.ab_lab.step >= 10, 30000);
      assert(s.ab_lab.running, 'the tap started the run');
      await savePicture(page, path.join(ARTIFACTS, 'ab-lab-phone.png'));
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } },
  ];
}
