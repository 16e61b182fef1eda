// test_strings.mjs — the UI string table in the real page, where unit tests cannot look: a link that
// parses but asks for a value the lesson cannot take is refused with a notice in the pseudo language
// through and through (setState's reason inside the link notice; its JSON path and numbers as data),
// ConvScope.setState answers in the UI language, the SE panel's band legend before any prediction,
// and pictures of every panel, menu and the help overlay in the pseudo language (to look at).
import { LOW_RES, assert, clickItem, frames, items, openApp, screenshot, setState, state } from './harness.mjs';

// Words (runs of letters, Latin-1 accents included) with no accented letter: English left untranslated.
// `data`: pieces that are the same in every language (JSON paths, names), removed first; numbers too.
function englishWords(text, data) {
  let t = text;
  for (const d of data) t = t.split(d).join(' ');
  return (t.replace(/\d+/g, ' ').match(/[A-Za-z\u00C0-\u00FF]+/g) || []).filter((w) => w.length >= 2 && !/[\u00C0-\u00FF]/.test(w));
}

// setState's refusal: the app's message, without playwright's "page.evaluate: Error: " and stack.
async function refusedBy(page, partial) {
  try { await setState(page, partial); } catch (e) {
    const m = String(e.message).match(/Error: ([^\n]*)/);
    return m ? m[1] : String(e.message);
  }
  return '';
}

export function stringsTests(ctx) {
  const tests = [];
  tests.push({ name: 'strings: a refused link and setState answer in the pseudo language, path and values as data', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: { language: 'pseudo' } });
    const step0 = (await state(page)).stepper.step;
    // Parses (every field in range), but this 5x5 lesson with a 3x3 kernel has steps 0..8 only.
    await page.evaluate(() => { location.hash = '#lesson=1&in=5x5&k=3x3&step=9'; });
    await page.waitForFunction(() => /stepper\.step/.test(window.ConvScope.state().notice), null, { timeout: 10000 });
    const notice = (await state(page)).notice;
    const left = englishWords(notice, ['stepper.step']);
    assert(notice.startsWith('[') && /0\.\.8/.test(notice) && /\b9\b/.test(notice) && left.length === 0,
      `pseudo notice "${notice}": English words left: ${left.join(' ')}`);
    assert((await state(page)).stepper.step === step0, 'the refused link changed the step');
    await screenshot(page, 'strings-pseudo-refused-link-notice');
    // The JavaScript caller gets the same words as the UI: pseudo now, English after switching back.
    const ps = await refusedBy(page, { stepper: { speed: 99 } });
    assert(ps.startsWith('[') && ps.includes('stepper.speed') && englishWords(ps, ['stepper.speed']).length === 0,
      `pseudo setState refusal: "${ps}"`);
    const mode = await refusedBy(page, { stepper: { mode: 'diagonal' } });
    const names = 'standard, grouped, depthwise, pointwise, separable, transposed, maxpool, avgpool';
    assert(mode.includes(names) && englishWords(mode, ['stepper.mode', names]).length === 0, `pseudo mode refusal: "${mode}"`);
    // The app's own fields and the digit lab's: the same rule.
    const theme = await refusedBy(page, { theme: 'sepia' });
    assert(theme.startsWith('[') && englishWords(theme, ['theme', '"dark"', '"light"', '"high-contrast"']).length === 0,
      `pseudo theme refusal: "${theme}"`);
    const sal = await refusedBy(page, { saliency: { mode: 'x' } });
    assert(sal.startsWith('[') && englishWords(sal, ['saliency.mode', '"off"', '"grad-cam"', '"input-gradient"']).length === 0,
      `pseudo saliency refusal: "${sal}"`);
    await setState(page, { language: 'english' });
    await frames(page, 2);  // the language of tr() follows the state at the next frame
    const themeEn = await refusedBy(page, { theme: 'sepia' });
    assert(themeEn === 'theme must be "dark", "light" or "high-contrast"', `English theme refusal: "${themeEn}"`);
    const en = await refusedBy(page, { stepper: { speed: 99 } });
    assert(en === 'stepper.speed must be in 0.25..30 steps per second, got 99', `English setState refusal: "${en}"`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  // A link that needs the digit model waits for it (the page fetches it on first need); refused then,
  // its reason still comes inside the link's own sentence, not as a bare notice.
  tests.push({ name: 'strings: a link refused after waiting for the digit model says so in the link sentence', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: { language: 'pseudo' } });
    const s0 = await state(page);
    assert(s0.lab_assets.status === 'idle', `the digit model is not fetched before the link: ${s0.lab_assets.status}`);
    await page.evaluate(() => { location.hash = '#lesson=1&ip=digit&digit=5000'; });
    await page.waitForFunction(() => /stepper\.digit_index/.test(window.ConvScope.state().notice), null, { timeout: 30000 });
    const notice = (await state(page)).notice;
    const s1 = await state(page);
    assert(s1.lab_assets.status === 'ready' && s1.stepper.input_preset === s0.stepper.input_preset &&
      s1.stepper.digit_index === s0.stepper.digit_index,
      `after the refused link: model ${s1.lab_assets.status}, input ${s1.stepper.input_preset} (was ${s0.stepper.input_preset})`);
    // The same refusal now that the model is there (setState answers at once): the bare reason.
    const reason = await refusedBy(page, { stepper: { digit_index: 5000 } });
    assert(reason.startsWith('[') && reason.includes('stepper.digit_index'), `setState's reason for digit 5000: "${reason}"`);
    assert(notice !== reason && notice.includes(`(${reason})`) && notice.startsWith('[') &&
      englishWords(notice, ['stepper.digit_index']).length === 0, `the waiting link's notice "${notice}" (reason "${reason}")`);
    await screenshot(page, 'strings-pseudo-refused-waiting-link');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'strings: the SE legend names no digit before a prediction, the predicted one after', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES,
      setup: { workspace: 'digit-lab', se: { budget_ms: 40 }, draw: { clear: true } } });
    await page.waitForFunction(() => window.ConvScope.state().se.complete, null, { timeout: 120000, polling: 100 });
    await frames(page, 3);
    let s = await state(page);
    assert(s.prediction === null || s.prediction.class < 0, `a prediction with an empty pad: ${JSON.stringify(s.prediction)}`);
    const none = (await items(page))['se-weights.band-legend'];
    assert(none, 'the band legend is drawn');
    await screenshot(page, 'strings-se-legend-no-digit');
    await setState(page, { input: { gallery: 0 } });
    await page.waitForFunction(() => (window.ConvScope.state().prediction || { class: -1 }).class >= 0, null, { timeout: 20000 });
    await frames(page, 3);
    const some = (await items(page))['se-weights.band-legend'];
    // Another sentence ("... sd of digit 7" after "no digit yet: ..."): another width.
    assert(some && some.width !== none.width, `legend width with a digit ${some && some.width} vs none ${none.width}`);
    await screenshot(page, 'strings-se-legend-digit');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  // Pictures for a person to look at (the sweep for text that bypasses the table): each lesson panel in
  // the modes with their own captions, the menus, the help overlay and the digit lab, all pseudo.
  tests.push({ name: 'strings: pictures of every panel, menu and the help overlay in the pseudo language', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { setup: { language: 'pseudo' } });
    await page.mouse.move(2, 795);
    for (const mode of ['standard', 'separable', 'transposed', 'maxpool']) {
      await setState(page, { stepper: { mode, visible: true }, output_size: { visible: true }, im2col: { visible: true } });
      await frames(page, 3);
      await screenshot(page, `strings-pseudo-lessons-${mode}`);
    }
    await setState(page, { stepper: { mode: 'standard', stride: 0 } });
    await frames(page, 3);
    await screenshot(page, 'strings-pseudo-lessons-stride0');
    await setState(page, { stepper: { stride: 1 } });
    // File (left of Lessons on the menu bar, no item name) with its Export submenu, then View.
    const lessons = (await items(page))['menu.lessons'];
    await page.mouse.click(lessons.x / 2, lessons.y + lessons.height / 2);
    await frames(page, 3);
    await page.mouse.move(lessons.x / 2 + 20, lessons.y + lessons.height * 4.5);
    await frames(page, 2);
    await page.mouse.click(lessons.x / 2 + 20, lessons.y + lessons.height * 4.5);  // Export panel as PNG >
    await frames(page, 4);
    await screenshot(page, 'strings-pseudo-menu-file');
    // The Export submenu lists the open panels (it once read them after they were cleared: empty).
    const exportItems = Object.keys(await items(page)).filter((k) => k.startsWith('menu.export-png.'));
    assert(['stepper', 'output-size', 'im2col'].every((id) => exportItems.includes(`menu.export-png.${id}`)),
      `File > Export panel as PNG lists: ${exportItems.join(', ')}`);
    await page.mouse.click(640, 790);
    await frames(page, 2);
    await clickItem(page, 'menu.view');
    await frames(page, 3);
    await screenshot(page, 'strings-pseudo-menu-view');
    await page.mouse.click(640, 790);
    await frames(page, 2);
    await setState(page, { help: true });
    await frames(page, 3);
    await screenshot(page, 'strings-pseudo-help');
    await setState(page, { help: false, workspace: 'digit-lab' });
    await page.waitForFunction(() => window.ConvScope.state().lab_assets.status === 'ready', null, { timeout: 30000 });
    await setState(page, { input: { gallery: 3 } });
    await page.waitForFunction(() => (window.ConvScope.state().prediction || { class: -1 }).class >= 0, null, { timeout: 30000 });
    await frames(page, 4);
    await screenshot(page, 'strings-pseudo-digit-lab');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });
  return tests;
}
