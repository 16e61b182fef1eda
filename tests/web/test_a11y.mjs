// test_a11y.mjs — the page for everyone: axe-core finds no violation in the page's DOM (with the
// screen-reader mirror filled); the mirror reads out the stepper and the prediction and changes with
// them, and a guided lesson's step, task and feedback (its answer field checks what is typed); its
// buttons work from the keyboard; Tab leaves the canvas and Shift+Tab comes back; Alt and
// F10 open the menu bar; the page starts with the focus on the stepper; prefers-reduced-motion slows
// the training maps; at 200% zoom every panel stays inside the window.
import fs from 'node:fs';
import path from 'node:path';
import { LOW_RES, ROOT, assert, clickItem, frames, items, openApp, panels, press, screenshot, setState, state } from './harness.mjs';

const AXE = process.env.CS_AXE || path.join(ROOT, 'node_modules/axe-core/axe.min.js');

async function waitFor(page, what, predicate, timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (predicate(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} within ${timeoutMs / 1000} s: ${JSON.stringify(s).slice(0, 300)}`);
    await page.waitForTimeout(100);
  }
}

// The text of one mirror section's live region ("" when the section is not there).
const mirror = (page, id) => page.evaluate((id) => {
  const el = document.querySelector(`#cs-a11y-${id} .cs-a11y-lines`);
  return el ? el.textContent : '';
}, id);

// Until a section's text differs from `before` (the app publishes at most 4 times a second).
async function mirrorChanged(page, id, before, what) {
  const t0 = Date.now();
  for (;;) {
    const now = await mirror(page, id);
    if (now && now !== before) return now;
    if (Date.now() - t0 > 10000) throw new Error(`${what}: the mirror's ${id} section did not change from ${JSON.stringify(before)}`);
    await page.waitForTimeout(100);
  }
}

async function mirrorMatching(page, id, pattern, what) {
  let now = '';
  for (const t0 = Date.now(); Date.now() - t0 < 10000; await page.waitForTimeout(100)) {
    now = await mirror(page, id);
    if (pattern.test(now)) return now;
  }
  throw new Error(`${what}: the mirror's ${id} section never matched ${pattern}: ${JSON.stringify(now)}`);
}

async function axeViolations(page) {
  if (!fs.existsSync(AXE)) throw new Error(`axe-core is not installed at ${AXE} (npm ci installs it: package.json)`);
  await page.addScriptTag({ content: fs.readFileSync(AXE, 'utf8') });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? (a.id || (a.dataset && a.dataset.csId) || a.tagName) : '';
});

export function a11yTests(ctx) {
  return [
    { name: 'a11y: axe-core finds no violation with the mirror filled (lessons and digit lab); the mirror follows the kernel and the prediction', fn: async () => {
      const { page, errors } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
      await frames(page, 5);
      // The page starts with the keyboard where the lesson's first action is: the canvas, the stepper's keys.
      assert(await focused(page) === 'canvas', `focus starts on ${await focused(page)}`);
      await waitFor(page, 'the stepper takes the keys', (s) => s.stepper && s.stepper.keys === 'stepper', 5000);
      let before = await mirror(page, 'stepper');
      assert(/position 1 of 9/.test(before), `the mirror reads the stepper: ${before}`);
      assert(/=/.test(before), `the mirror carries the arithmetic: ${before}`);
      assert(/H_out/.test(await mirror(page, 'output-size')), `output size: ${await mirror(page, 'output-size')}`);
      assert(/column matrix 9 x 9/.test(await mirror(page, 'im2col')), `im2col shapes: ${await mirror(page, 'im2col')}`);
      let v = await axeViolations(page);
      assert(v.length === 0, `axe on the lessons: ${v.join('\n')}`);
      // The kernel steps (the panel's own button, clicked): the mirror says the new position.
      await clickItem(page, 'stepper.step-forward');
      const after = await mirrorChanged(page, 'stepper', before, 'a step');
      assert(/position 2 of 9/.test(after), `after a step: ${after}`);
      assert((await page.$eval('#cs-a11y-stepper .cs-a11y-lines', (e) => e.getAttribute('aria-live'))) === 'polite', 'a polite live region');
      // The digit lab: the prediction with its probabilities, and the SE weights in words.
      await setState(page, { workspace: 'digit-lab' });
      await waitFor(page, 'the digit model', (s) => s.lab_assets.status === 'ready');
      await setState(page, { input: { gallery: 0 } });
      await waitFor(page, 'a prediction', (s) => s.prediction);
      // The mirror is rewritten at most 4 times a second: it may still read the empty pad's sentence.
      before = await mirrorMatching(page, 'prediction', /The network reads a \d/, 'the first prediction');
      assert(/The network reads a \d, [\d.]+% sure/.test(before) && /Probabilities: 0: /.test(before), `prediction: ${before}`);
      await setState(page, { input: { gallery: 3 } });
      const changed = await mirrorChanged(page, 'prediction', before, 'another digit');
      assert(changed !== before, 'the prediction text changed');
      await waitFor(page, 'the SE statistics', (s) => s.se && s.se.complete, 120000);
      // The mirror is rewritten at most 4 times a second: wait for the words of the completed pass.
      let se = await mirrorChanged(page, 'se-weights', '', 'SE words');
      for (const t0 = Date.now(); !/For the digit \d, block .* switches on most: channel \d+/.test(se) && Date.now() - t0 < 10000;) {
        await page.waitForTimeout(100);
        se = await mirror(page, 'se-weights');
      }
      assert(/For the digit \d, block .* switches on most: channel \d+/.test(se), `SE in words: ${se}`);
      v = await axeViolations(page);
      assert(v.length === 0, `axe on the digit lab: ${v.join('\n')}`);
      assert(errors.length === 0, `console errors: ${errors.join('\n')}`);
    } },

    { name: 'a11y: Tab leaves the canvas for the mirror (Esc first in the stepper), a mirror button steps the kernel, Shift+Tab comes back; Alt and F10 open the menu', fn: async () => {
      const { page, errors } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
      await page.mouse.move(2, 795);
      await frames(page, 5);
      await waitFor(page, 'the stepper takes the keys', (s) => s.stepper && s.stepper.keys === 'stepper', 5000);
      // In the stepper Tab belongs to its controls; Esc (with the keys back) releases it; then Tab leaves.
      await press(page, 'Tab');
      assert((await state(page)).stepper.keys === 'controls', 'Tab in the stepper goes to its controls');
      assert(await focused(page) === 'canvas', 'and the focus stays on the canvas');
      // Esc gives the keys back to the stepper (a second one if the first closed the nav cursor), one
      // more Esc releases Tab.
      for (let i = 0; i < 3 && (await state(page)).stepper.keys !== 'stepper'; i++) await press(page, 'Escape');
      assert((await state(page)).stepper.keys === 'stepper', 'Esc gives the keys back to the stepper');
      assert(!(await state(page)).a11y.tab_leaves_canvas, 'the stepper still takes Tab');
      await press(page, 'Escape');
      const a11y = (await state(page)).a11y;
      assert(a11y.tab_leaves_canvas, `Esc in the stepper releases Tab: ${JSON.stringify(a11y)}`);
      await press(page, 'Tab');
      const first = await focused(page);
      assert(first !== 'canvas' && first !== 'BODY', `Tab leaves the canvas: focus on ${first}`);
      // The mirror shows itself while it has the focus (a visible panel with a focus ring).
      const box = await page.$eval('#cs-a11y', (e) => e.getBoundingClientRect().toJSON());
      assert(box.width > 100 && box.height > 50, `the focused mirror is visible: ${JSON.stringify(box)}`);
      await screenshot(page, 'a11y-mirror-focused');
      // Tab to its "Step forward" button and press Enter: the kernel steps.
      const step0 = (await state(page)).stepper.step;
      for (let i = 0; i < 12 && await focused(page) !== 'stepper.step-forward'; i++) await page.keyboard.press('Tab');
      assert(await focused(page) === 'stepper.step-forward', `Tab reaches Step forward: ${await focused(page)}`);
      await page.keyboard.press('Enter');
      await frames(page, 3);
      assert((await state(page)).stepper.step === step0 + 1, `the mirror's Step forward stepped: ${step0} -> ${(await state(page)).stepper.step}`);
      await page.keyboard.press('Enter');
      await frames(page, 3);
      assert((await state(page)).stepper.step === step0 + 2, 'and again (the focused button survives the update)');
      // Shift+Tab back to the first mirror button and once more: the canvas.
      for (let i = 0; i < 14 && await focused(page) !== 'canvas'; i++) await page.keyboard.press('Shift+Tab');
      assert(await focused(page) === 'canvas', `Shift+Tab comes back to the canvas: ${await focused(page)}`);
      // Alt alone opens the File menu (its Open item is drawn); Escape closes it.
      await press(page, 'Alt');
      await frames(page, 3);
      assert((await items(page))['menu.file.open'], `Alt opened no menu: ${Object.keys(await items(page)).filter((k) => k.startsWith('menu'))}`);
      await screenshot(page, 'a11y-alt-opens-menu');
      await press(page, 'Escape');
      await frames(page, 3);
      assert(!(await items(page))['menu.file.open'], 'Escape closes the menu');
      await press(page, 'F10');
      await frames(page, 3);
      assert((await items(page))['menu.file.open'], 'F10 opens the menu');
      await press(page, 'Escape');
      await frames(page, 3);
      // The menu gave the keys back to the stepper: an arrow steps the kernel again.
      await waitFor(page, 'the stepper has the keys after the menu', (s) => s.stepper.keys === 'stepper', 5000);
      const before = (await state(page)).stepper.step;
      await press(page, 'ArrowRight');
      assert((await state(page)).stepper.step === before + 1, `after the menu, Right steps the kernel: ${before} -> ${(await state(page)).stepper.step}`);
      // Outside the stepper (the digit lab) Tab leaves at once.
      await setState(page, { workspace: 'digit-lab' });
      await frames(page, 5);
      await page.evaluate(() => document.getElementById('canvas').focus());
      await press(page, 'Tab');
      assert(await focused(page) !== 'canvas', 'in the digit lab Tab leaves the canvas at once');
      assert(errors.length === 0, `console errors: ${errors.join('\n')}`);
    } },

    { name: 'a11y: a guided lesson in the mirror: the step, its task and the feedback read out; an answer typed in its field is checked; Next moves on', fn: async () => {
      const { page, errors } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
      await page.evaluate(() => window.ConvScope.lessons());
      await setState(page, { lesson: { id: 'c01-what-conv', step: 0 } });
      const lesson = (await waitFor(page, 'the lesson', (s) => s.lesson && s.lesson.task)).lesson;
      assert(lesson.task.kind === 'predict' && lesson.task.check.answer.equals_path, `a predict task first: ${JSON.stringify(lesson.task)}`);
      let text = await mirrorChanged(page, 'course', '', 'the lesson');
      assert(text.includes(lesson.text) && text.includes(lesson.task.prompt), `the mirror reads the step and its task: ${text}`);
      // The engine's value the task compares with (a path such as "stepper.output_values[4]").
      const right = await page.evaluate((p) => p.split(/\.|\[|\]/).filter(Boolean).reduce((o, k) => o[k], window.ConvScope.state()), lesson.task.check.answer.equals_path);
      // The student's way: Tab to the field, type, Enter (a wrong answer first).
      const field = '#cs-a11y-course input';
      await page.focus(field);
      await page.keyboard.type(String(right + 3));
      await page.keyboard.press('Enter');
      const wrong = (await waitFor(page, 'the wrong answer checked', (s) => s.lesson.task.attempts === 1, 5000)).lesson.task;
      assert(!wrong.done && wrong.feedback, `wrong answer: ${JSON.stringify(wrong)}`);
      text = await mirrorChanged(page, 'course', text, 'the feedback');
      assert(text.includes(wrong.feedback.split(' ')[0]), `the mirror reads the feedback: ${text}`);
      await page.fill(field, String(right));
      await page.focus(field);
      await page.keyboard.press('Enter');
      await waitFor(page, 'the right answer', (s) => s.lesson.task.done, 5000);
      text = await mirrorChanged(page, 'course', text, 'the task done');
      const v = await axeViolations(page);
      assert(v.length === 0, `axe with the lesson in the mirror: ${v.join('\n')}`);
      await page.focus('#cs-a11y-course button[data-cs-id="course.next"]');  // (the mirror shows itself when focused)
      await page.keyboard.press('Enter');
      const next = (await waitFor(page, 'Next in the mirror', (s) => s.lesson.step === 1, 5000)).lesson;
      text = await mirrorChanged(page, 'course', text, 'the next step');
      assert(text.includes(next.text), `the mirror reads the next step: ${text}`);
      assert(errors.length === 0, `console errors: ${errors.join('\n')}`);
    } },

    { name: 'a11y: prefers-reduced-motion reaches the app and keeps the training maps to at most 3 refreshes a second', fn: async () => {
      const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: LOW_RES, reducedMotion: 'reduce' });
      try {
        const { page } = await openApp(ctx.browser, ctx.url, { context });
        await waitFor(page, 'reduced_motion', (s) => s.reduced_motion === true, 5000);
        await setState(page, { workspace: 'digit-lab' });
        await waitFor(page, 'the digit model', (s) => s.lab_assets.status === 'ready');
        await setState(page, { input: { gallery: 0 } });
        await waitFor(page, 'a prediction', (s) => s.prediction);
        await setState(page, { training: { running: true, budget_ms: 14 } });
        await waitFor(page, 'training', (s) => s.training && s.training.running && s.training.step > 2, 120000);
        // Every change of the prediction (its maps with it), timed in the page: never two within a third
        // of a second (less a frame of slack) while the weights change with every training step.
        const seen = await page.evaluate(async () => {
          const out = [], t0 = performance.now();
          let rev = window.ConvScope.state().prediction.revision, step0 = window.ConvScope.state().training.step;
          while (performance.now() - t0 < 4000) {
            await new Promise((r) => requestAnimationFrame(r));
            const s = window.ConvScope.state();
            if (s.prediction.revision !== rev) { out.push(performance.now()); rev = s.prediction.revision; }
            if (out.length === 0) step0 = s.training.step;
          }
          return { times: out, steps: window.ConvScope.state().training.step - step0 };
        });
        const gaps = seen.times.slice(1).map((t, i) => t - seen.times[i]);
        assert(seen.times.length >= 2, `the maps still follow the training: ${seen.times.length} refreshes, ${seen.steps} steps`);
        assert(gaps.every((g) => g >= 300), `refreshes closer than a third of a second: ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`);
        console.log(`     reduced motion: ${seen.times.length} map refreshes for ${seen.steps} training steps in 4 s`);
        await setState(page, { training: { running: false } });
      } finally {
        await context.close();
      }
    } },

    { name: 'a11y: at 200% browser zoom (960x540 CSS px at 2 device px each) every panel stays inside the window', fn: async () => {
      const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 960, height: 540, dpr: 2 });
      for (const workspace of ['lessons', 'digit-lab']) {
        await setState(page, { workspace });
        if (workspace === 'digit-lab') await waitFor(page, 'the digit model', (s) => s.lab_assets.status === 'ready');
        await frames(page, 5);
        const p = await panels(page);
        assert(Object.keys(p).length >= 2, `${workspace}: panels ${Object.keys(p)}`);
        for (const [id, r] of Object.entries(p))
          assert(r.x >= -1 && r.y >= -1 && r.x + r.width <= 961 && r.y + r.height <= 541,
            `${workspace}: panel ${id} leaves the 960x540 window: ${JSON.stringify(r)}`);
        await screenshot(page, `a11y-zoom-200-${workspace}`);
      }
      assert(errors.length === 0, `console errors: ${errors.join('\n')}`);
    } },
  ];
}
