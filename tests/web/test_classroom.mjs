// test_classroom.mjs — classroom features in the real page: the lesson state in the URL hash (set a
// lesson, read location.hash, open a new page with that URL: the same state; malformed, hostile and
// wrong-version hashes ignored with a notice), CSV export of the SE heatmap and an activation (the
// download parsed and compared with state()), "Copy as PyTorch" onto the system clipboard, keyboard-only
// use (incl. the stepper's drop-downs) and the UI string table (a pseudo language switched on and off).
import fs from 'node:fs';
import { LOW_RES, assert, clickItem, frames, items, openApp, panels, screenshot, setState, state } from './harness.mjs';

// What a link must restore: the stepper's whole state() except where the pointer is (and playback).
function lessonOf(s) {
  const st = { ...s.stepper };
  delete st.hover;
  delete st.playing;
  return JSON.stringify({ workspace: s.workspace, stepper: st, split: s.output_size.split, visible: [
    s.output_size.visible, s.im2col.visible], orientation: s.im2col.orientation, im2col_shape: s.im2col.shape });
}

async function waitForHash(page, pred, what) {
  await page.waitForFunction(pred, null, { timeout: 10000 }).catch(async () => {
    throw new Error(`location.hash never showed ${what}: ${await page.evaluate(() => location.hash)}`);
  });
  return page.evaluate(() => location.hash);
}

function parseCsv(text) {
  assert(text.endsWith('\n'), 'CSV must end with a newline');
  return text.trimEnd().split('\n').map((line) => line.split(','));
}

export function classroomTests(ctx) {
  const tests = [];

  tests.push({ name: 'classroom: a lesson set in the page lives in location.hash and a new page restores it', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    const history0 = await page.evaluate(() => history.length);
    const lesson = {
      stepper: { mode: 'grouped', channels: 2, input: [7, 6], kernel: [3, 2], stride: [2, 1], padding: [1, 0],
        dilation: [1, 2], groups: 2, out_channels: 4, bias: 0.5, input_preset: 'random', kernel_preset: 'random',
        seed: 12345, step: 5, out_channel: 3, speed: 7.5, pinned: { kind: 'input', cell: [-1, 2] } },
      output_size: { split: true, visible: false },
      im2col: { orientation: 'rows' },
    };
    await setState(page, lesson);
    const hash = await waitForHash(page, () => location.hash.includes('mode=grouped') && location.hash.includes('step=5'),
      'the grouped lesson at step 5');
    assert(hash.startsWith('#lesson=1&'), `hash ${hash}`);
    assert(/^#[A-Za-z0-9\-._~=&,:]+$/.test(hash), `hash is not URL-safe: ${hash}`);
    // replaceState: the back button does not collect every change.
    await setState(page, { stepper: { step: 6 } });
    await waitForHash(page, () => location.hash.includes('step=6'), 'step 6');
    await setState(page, { stepper: { step: 5 } });
    const final = await waitForHash(page, () => location.hash.includes('step=5'), 'step 5 again');
    assert(await page.evaluate(() => history.length) === history0, 'the hash updates added history entries');
    const want = await state(page);
    assert(want.stepper.step === 5 && want.stepper.out_channel === 3 && want.output_size.split === true, 'setState did not apply');

    // A student opens the shared URL in a fresh browser context.
    const two = await openApp(ctx.browser, ctx.url + final, { dpr: LOW_RES });
    await frames(two.page, 3);
    const got = await state(two.page);
    assert(lessonOf(got) === lessonOf(want), `restored lesson differs:\n got ${lessonOf(got)}\nwant ${lessonOf(want)}`);
    assert(/Opened the lesson from the link/.test(got.notice), `notice: "${got.notice}"`);
    await screenshot(two.page, 'classroom-link-restored');
    assert(errors.length === 0 && two.errors.length === 0, `console errors: ${errors.concat(two.errors).join(' | ')}`);
    await two.context.close();
    await context.close();
  } });

  tests.push({ name: 'classroom: typed input and kernel values and a bundled digit round-trip through the link', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    const input = Array.from({ length: 2 * 4 * 5 }, (_, i) => Math.fround((i % 7) * 0.1 - 0.3 + i * 1e-7));
    await setState(page, { stepper: { mode: 'standard', channels: 2, input: [4, 5], kernel: [2, 2], out_channels: 2, input_values: input } });
    await frames(page, 2);
    const kernel = Array.from({ length: 2 * 2 * 2 * 2 }, (_, i) => Math.fround(Math.sin(i + 1) * 3));
    await setState(page, { stepper: { kernel_values: kernel, step: 7, out_channel: 1 } });
    const hash = await waitForHash(page, () => location.hash.includes('kv=') && location.hash.includes('step=7'), 'typed values');
    const want = await state(page);
    const two = await openApp(ctx.browser, ctx.url + hash, { dpr: LOW_RES });
    const got = await state(two.page);
    assert(lessonOf(got) === lessonOf(want), `typed values differ:\n got ${lessonOf(got)}\nwant ${lessonOf(want)}`);
    assert(got.stepper.input_preset === 'custom' && got.stepper.kernel_preset === 'custom', 'presets');
    // The output values are the engine's for exactly the same numbers.
    assert(got.stepper.value === want.stepper.value && got.stepper.arithmetic === want.stepper.arithmetic,
      `value ${got.stepper.value} vs ${want.stepper.value}`);
    await two.context.close();

    if (want.stepper.digits_available) {
      await setState(page, { stepper: { input: [28, 28], channels: 1, out_channels: 1, input_preset: 'digit', digit_index: 17, kernel_preset: 'sobel-x', step: 300 } });
      const h2 = await waitForHash(page, () => location.hash.includes('digit=17') && location.hash.includes('step=300'), 'digit 17');
      const w2 = await state(page);
      const three = await openApp(ctx.browser, ctx.url + h2, { dpr: LOW_RES });
      const g2 = await state(three.page);
      assert(lessonOf(g2) === lessonOf(w2), `digit lesson differs:\n got ${lessonOf(g2)}\nwant ${lessonOf(w2)}`);
      await three.context.close();
    }
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'classroom: malformed, hostile and wrong-version hashes are ignored with a notice', fn: async () => {
    // One browser context (the app keeps nothing between pages but the HTTP cache); a new page each.
    const plain = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    const def = lessonOf(await state(plain.page));
    await plain.page.close();
    const bad = [
      ['#lesson=1&in=999x5', /in must be in 1\.\.32, got 999/],
      ['#lesson=7&mode=standard', /version "7"/],
      ['#%%%garbage', /broken %-escape/],
      ['#lesson=1&in=5x5&k=3x3&step=9', /step must be in 0\.\.8, got 9/],
      ['#lesson=1&mode=%3Cscript%3Ealert(1)%3C/script%3E', /never has/],
      ['#lesson=1&iv=' + '9'.repeat(200000), /characters long/],
      ['#hello', /not a ConvScope lesson link/],
    ];
    for (const [hash, why] of bad) {
      const { page, errors } = await openApp(ctx.browser, ctx.url + hash, { dpr: LOW_RES, context: plain.context });
      await frames(page, 2);
      const s = await state(page);
      assert(/link in the address bar was ignored/.test(s.notice) && why.test(s.notice), `${hash.slice(0, 60)}: notice "${s.notice}"`);
      assert(lessonOf(s) === def, `${hash.slice(0, 60)}: the state is not the default one`);
      if (hash === bad[0][0]) await screenshot(page, 'classroom-bad-link-notice');
      // The address bar then shows the (default) lesson actually on screen.
      await waitForHash(page, () => location.hash.startsWith('#lesson=1&ws=lessons'), 'the default lesson');
      assert(errors.length === 0, `${hash.slice(0, 60)}: console errors: ${errors.join(' | ')}`);
      await page.close();
    }
    await plain.context.close();
  } });

  tests.push({ name: 'classroom: a hash edited by hand in the open page is applied', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await waitForHash(page, () => location.hash.startsWith('#lesson=1&'), 'the first link');
    await page.evaluate(() => { location.hash = '#lesson=1&mode=maxpool&in=8x8&k=2x2&s=2x2&step=3'; });
    await page.waitForFunction(() => {
      const st = window.ConvScope.state().stepper;
      return st.mode === 'maxpool' && st.step === 3;
    }, null, { timeout: 10000 });
    const s = await state(page);
    assert(JSON.stringify(s.stepper.output) === '[4,4]', `maxpool output ${JSON.stringify(s.stepper.output)}`);
    // A bad edit is refused with a notice, and the address bar goes back to the lesson on screen.
    await page.evaluate(() => { location.hash = '#lesson=1&mode=maxpool&in=8x8&k=2x2&s=2x2&step=99'; });
    await page.waitForFunction(() => /was ignored/.test(window.ConvScope.state().notice), null, { timeout: 10000 });
    assert((await state(page)).stepper.step === 3, 'the refused link changed the step');
    await waitForHash(page, () => location.hash.includes('mode=maxpool') && location.hash.includes('step=3&'), 'the lesson on screen');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'classroom: SE weights and an activation download as CSV matching state()', fn: async () => {
    // The SE statistics pass gets 40 ms a frame (software WebGL draws a few frames a second).
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: { workspace: 'digit-lab', se: { budget_ms: 40 } } });
    const s0 = await state(page);
    if (!s0.network.ok) throw new Error(`no network: ${s0.network.error}`);
    // Not ready yet or no such block: refused in words, nothing downloaded.
    let refused = '';
    try { await setState(page, { export_csv: { se: 99 } }); } catch (e) { refused = String(e.message); }
    assert(/block 99 does not exist/.test(refused), `export of block 99: "${refused}"`);
    await page.waitForFunction(() => window.ConvScope.state().se.complete, null, { timeout: 120000, polling: 100 });
    const s = await state(page);
    const blocks = s.se.blocks;
    assert(blocks.length > 0, 'no SE blocks');
    const b = blocks.length - 1;
    const [download] = await Promise.all([page.waitForEvent('download'), setState(page, { export_csv: { se: b } })]);
    assert(download.suggestedFilename() === `convscope-se-${blocks[b].name}.csv`, download.suggestedFilename());
    const rows = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
    const C = blocks[b].channels;
    assert(rows.length === 11 && rows[0].length === C + 1 && rows[0][0] === 'digit' && rows[0][C] === `c${C - 1}`,
      `SE CSV shape ${rows.length}x${rows[0].length}, header ${rows[0].slice(0, 3)}`);
    for (let d = 0; d < 10; ++d) {
      assert(rows[d + 1][0] === String(d), `row ${d + 1} digit ${rows[d + 1][0]}`);
      for (let c = 0; c < C; ++c) {
        const v = Number(rows[d + 1][c + 1]);
        assert(Math.fround(v) === Math.fround(s.se.blocks[b].per_digit[d][c]), `digit ${d} channel ${c}: CSV ${v}, state ${s.se.blocks[b].per_digit[d][c]}`);
      }
    }
    // The current input's excitation of that block as an activation (recorded as (1, C)): equals se.current.
    await setState(page, { input: { gallery: 3 } });
    await page.waitForFunction(() => window.ConvScope.state().prediction !== null, null, { timeout: 20000 });
    await frames(page, 3);
    const layer = `${blocks[b].name}.excitation_raw`;
    const [dl2] = await Promise.all([page.waitForEvent('download'), setState(page, { export_csv: { activation: layer } })]);
    const cur = (await state(page)).se.blocks[b].current;
    const arows = parseCsv(fs.readFileSync(await dl2.path(), 'utf8'));
    assert(arows[0].join(',') === 'index,value' && arows.length === C + 1, `activation CSV ${arows[0]} x ${arows.length}`);
    for (let c = 0; c < C; ++c)
      assert(arows[c + 1][0] === String(c) && Math.fround(Number(arows[c + 1][1])) === Math.fround(cur[c]),
        `channel ${c}: CSV ${arows[c + 1]}, state ${cur[c]}`);
    // The input image itself: 28x28 values in [0, 1].
    const [dl3] = await Promise.all([page.waitForEvent('download'), setState(page, { export_csv: { activation: 'input' } })]);
    const irows = parseCsv(fs.readFileSync(await dl3.path(), 'utf8'));
    assert(irows.length === 1 + 28 * 28 && irows.slice(1).every((r) => r.length === 4 && Number(r[3]) >= 0 && Number(r[3]) <= 1),
      `input CSV rows ${irows.length}`);
    assert(/Saved convscope-activation-input\.csv/.test((await state(page)).notice), 'notice after the export');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'classroom: Copy as PyTorch puts the lesson\'s line on the clipboard', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ctx.url).origin });
    await setState(page, { stepper: { mode: 'transposed', channels: 2, input: [3, 4], kernel: 3, stride: 2, padding: 1, out_channels: 3 } });
    await frames(page, 2);
    await clickItem(page, 'output-size.tab.pytorch');
    await clickItem(page, 'output-size.copy-pytorch');
    const s = await state(page);
    assert(s.stepper.pytorch_copies === 1, `copies ${s.stepper.pytorch_copies}`);
    const want = 'nn.ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(0, 0), ' +
      `groups=1, bias=False, dilation=(1, 1))  # input (1, 2, 3, 4) -> output (1, 3, ${s.stepper.output[0]}, ${s.stepper.output[1]})`;
    assert(s.stepper.pytorch === want, `line:\n${s.stepper.pytorch}\nwant\n${want}`);
    await page.waitForFunction(async (w) => (await navigator.clipboard.readText()) === w, want, { timeout: 5000 }).catch(async () => {
      throw new Error(`clipboard holds "${await page.evaluate(() => navigator.clipboard.readText())}"`);
    });
    await screenshot(page, 'classroom-copy-pytorch');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  return tests.concat(keyboardTests(ctx), languageTests(ctx));
}

// [keyboard] A key held for two frames, as a human press is (ImGui 1.86 reads key state per frame).
// Held for exactly one frame: ImGui 1.86 sees it pressed once, and a slow frame (loaded machine)
// cannot push the hold past the key-repeat delay (a 2-frame hold overshot the kernel slider).
async function press(page, k) {
  await page.keyboard.down(k);
  await frames(page, 1);
  await page.keyboard.up(k);
  await frames(page, 2);
}

// Ctrl+Tab (ImGui's window switcher) until `id` has the keyboard; items() names it "focus:<id>".
// Like Alt+Tab, one Tab per Ctrl hold flips between the two latest windows: hold Ctrl for n Tabs.
async function focusPanel(page, id) {
  const seen = [];
  for (let n = 0; n < 12; ++n) {
    const it = await items(page);
    if (it[`focus:${id}`]) return;
    seen.push(Object.keys(it).filter((k) => /^focus:[^.]*$/.test(k)).join('+') || 'none');
    await page.keyboard.down('Control');
    await frames(page, 1);
    // One-frame Tab presses: a press held past ImGui's key-repeat delay on a slow frame would count twice.
    for (let i = 0; i <= n % 4; ++i) {
      await page.keyboard.down('Tab');
      await frames(page, 1);
      await page.keyboard.up('Tab');
      await frames(page, 1);
    }
    await page.keyboard.up('Control');
    await frames(page, 3);
  }
  throw new Error(`Ctrl+Tab never focused ${id}; focus went ${seen.join(' -> ')}`);
}

export function keyboardTests(ctx) {
  return [{ name: 'classroom: a lesson operated with the keyboard only (Ctrl+Tab, arrows, Space)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await page.mouse.move(2, 795);  // out of the way: no hover, and no mouse button is ever pressed
    await page.evaluate(() => document.getElementById('canvas').focus());
    // Output size panel: navigate to the kernel slider, activate it (Space), arrows to 5, Escape.
    // (Arrows on an active slider auto-repeat when a frame is slow, so step until the value is reached.)
    await focusPanel(page, 'output-size');
    const kernelTo = async (want) => {
      for (let i = 0; i < 20; ++i) {
        const k = (await state(page)).stepper.kernel[0];
        if (k === want) return;
        await press(page, k < want ? 'ArrowRight' : 'ArrowLeft');
      }
    };
    // Move the nav cursor to the kernel slider, reading where it is from items() ("focus:<item>").
    // Top to bottom as the panel lays them out (tabs, then the size rows, then the "same" button).
    const rows = ['output-size.tab.formula', 'output-size.tab.cost', 'output-size.tab.rf', 'output-size.tab.pytorch',
      'output-size.split', 'output-size.input', 'output-size.kernel', 'output-size.padding',
      'output-size.stride', 'output-size.dilation', 'output-size.same'];
    const target = rows.indexOf('output-size.kernel');
    for (let i = 0; i < 16; ++i) {
      const it = await items(page);
      const at = rows.findIndex((r) => `focus:${r}` in it);
      if (at === target) break;
      await press(page, at > target ? 'ArrowUp' : 'ArrowDown');
    }
    assert((await items(page))['focus:output-size.kernel'], `the nav cursor never reached the kernel slider: ${
      Object.keys(await items(page)).filter((k) => k.startsWith('focus:'))}`);
    await press(page, 'Space');
    await kernelTo(5);
    await press(page, 'Escape');
    let s = await state(page);
    assert(JSON.stringify(s.stepper.kernel) === '[5,5]' && JSON.stringify(s.stepper.output) === '[1,1]',
      `kernel ${JSON.stringify(s.stepper.kernel)}, output ${JSON.stringify(s.stepper.output)} after the keys`);
    await screenshot(page, 'classroom-keyboard-output-size');
    // Back to 3 on the same slider.
    await press(page, 'Space');
    await kernelTo(3);
    await press(page, 'Escape');
    s = await state(page);
    assert(JSON.stringify(s.stepper.kernel) === '[3,3]', `kernel back to 3: ${JSON.stringify(s.stepper.kernel)}`);
    await focusPanel(page, 'stepper');
    await press(page, 'ArrowRight');
    assert((await state(page)).stepper.step === 1, 'Right arrow in the stepper');
    await press(page, 'End');
    assert((await state(page)).stepper.step === 8, 'End in the stepper');
    await press(page, 'Home');
    await press(page, 'Space');
    assert((await state(page)).stepper.playing === true, 'Space plays');
    await press(page, 'Space');
    assert((await state(page)).stepper.playing === false, 'Space pauses');
    // Tab hands the keys to the stepper's controls: the nav cursor starts on the mode drop-down, Space
    // opens it, Down + Space picks the next mode; Right moves to the input drop-down. Esc gives the keys back.
    const before = await state(page);
    assert(before.stepper.keys === 'stepper', `keys start with the stepper: ${before.stepper.keys}`);
    await press(page, 'Tab');
    s = await state(page);
    assert(s.stepper.keys === 'controls', `Tab hands the keys to the controls: ${s.stepper.keys}`);
    assert((await items(page))['focus:stepper.mode'], `the nav cursor is on the mode drop-down: ${
      Object.keys(await items(page)).filter((k) => k.startsWith('focus:'))}`);
    await press(page, 'Space');
    await screenshot(page, 'classroom-keyboard-stepper-combo');
    await press(page, 'ArrowDown');
    await press(page, 'Space');
    s = await state(page);
    assert(s.stepper.mode !== before.stepper.mode, `the keyboard picked another mode: ${before.stepper.mode} -> ${s.stepper.mode}`);
    // A new mode keeps the position, clamped to its own number of steps; an arrow that reached the
    // stepper instead of the open drop-down would have moved it.
    const kept = Math.min(before.stepper.step, Math.max(0, s.stepper.steps - 1));
    assert(s.stepper.step === kept, `no step taken by the arrows: step ${before.stepper.step} -> ${s.stepper.step}, ` +
      `expected ${kept} (${s.stepper.steps} steps in ${s.stepper.mode})`);
    assert(s.stepper.keys === 'controls', `still in the controls after picking: ${s.stepper.keys}`);
    await press(page, 'ArrowRight');
    assert((await items(page))['focus:stepper.input-preset'], `Right moves to the input drop-down: ${
      Object.keys(await items(page)).filter((k) => k.startsWith('focus:'))}`);
    assert((await state(page)).stepper.step === s.stepper.step, 'Right in the controls does not step the kernel');
    await press(page, 'Escape');
    s = await state(page);
    assert(s.stepper.keys === 'stepper', `Esc gives the keys back to the stepper: ${s.stepper.keys}`);
    const at = s.stepper.step;
    await press(page, 'ArrowRight');
    assert((await state(page)).stepper.step === at + 1, `Right steps again after Esc: ${at} -> ${(await state(page)).stepper.step}`);
    // The help overlay lists the shortcuts (F1).
    await press(page, 'F1');
    assert((await state(page)).help === true && (await panels(page)).help, 'F1 opens the shortcut list');
    await press(page, 'F1');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } }];
}

// [language] The UI string table: View > Language > pseudo changes every label on screen (state()'s
// sample, the widths of labelled widgets, the pixels of the menu bar) while windows keep their places and
// every clicked item (by its record_item_rect name) still works; setState({language}) switches back.
export function languageTests(ctx) {
  return [{ name: 'classroom: the pseudo language (setState; the View menu offers only real ones) relabels the UI; items keep working; back to English', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await page.mouse.move(2, 795);
    let s = await state(page);
    assert(s.language === 'english' && s.ui_sample.menu_file === 'File' && s.ui_sample.stepper_play === 'Play',
      `starts in English: ${JSON.stringify([s.language, s.ui_sample])}`);
    const menuClip = { x: 0, y: 0, width: 420, height: 18 };
    const menuEnglish = await page.screenshot({ clip: menuClip });
    const it0 = await items(page), panels0 = await panels(page);
    // The View menu: Language > Pseudo-localised.
    await clickItem(page, 'menu.view');
    const lang = (await items(page))['menu.language'];
    assert(lang, `View menu shows Language: ${Object.keys(await items(page)).filter((k) => k.startsWith('menu.'))}`);
    await page.mouse.move(lang.x + lang.width / 2, lang.y + lang.height / 2);
    await frames(page, 4);
    // The menu offers the real languages; the pseudo one is for tests only (setState), not for teachers.
    const offered = Object.keys(await items(page)).filter((k) => k.startsWith('menu.language.'));
    assert(offered.includes('menu.language.german') && !offered.includes('menu.language.pseudo'),
      `View > Language offers: ${offered.join(', ')}`);
    await clickItem(page, 'menu.language.english');  // closes the menu, the language unchanged
    await page.mouse.move(2, 795);
    await frames(page, 3);
    await setState(page, { language: 'pseudo' });
    await frames(page, 3);
    s = await state(page);
    assert(s.language === 'pseudo', `setState({language: 'pseudo'}): ${s.language}`);
    assert(s.ui_sample.menu_file === '[Fîl\u00e9]' && s.ui_sample.stepper_play === '[Pl\u00e5\u00fd]',
      `pseudo strings: ${JSON.stringify(s.ui_sample)}`);
    const it1 = await items(page), panels1 = await panels(page);
    for (const id of ['menu.zoom-out', 'menu.lessons', 'stepper.reroll', 'stepper.transposed-view'].filter((k) => it0[k]))
      assert(it1[id] && it1[id].width > it0[id].width, `${id} is wider with the pseudo label: ${it0[id].width} -> ${it1[id] && it1[id].width}`);
    assert(it1['menu.zoom-out'].width > it0['menu.zoom-out'].width, 'the A- button got its pseudo label');
    const menuPseudo = await page.screenshot({ clip: menuClip });
    assert(!menuPseudo.equals(menuEnglish), 'the menu bar looks different in the pseudo language');
    // Windows keep their places (their ImGui IDs do not depend on the language).
    for (const id of ['stepper', 'output-size', 'im2col'].filter((k) => panels0[k]))
      assert(JSON.stringify(panels1[id]) === JSON.stringify(panels0[id]), `${id} moved: ${JSON.stringify(panels0[id])} -> ${JSON.stringify(panels1[id])}`);
    await screenshot(page, 'classroom-pseudo-language-lessons');
    // Items found by their names still work in the pseudo language.
    const step0 = s.stepper.step;
    await clickItem(page, 'stepper.step-forward');
    assert((await state(page)).stepper.step === step0 + 1, 'stepper.step-forward steps in the pseudo language');
    await clickItem(page, 'stepper.play');
    assert((await state(page)).stepper.playing === true, 'stepper.play plays in the pseudo language');
    await clickItem(page, 'stepper.play');
    // Text built by the model layer follows the language, numbers and symbols unchanged: the stepper's
    // arithmetic (two channels and a bias: "ch0: ...", "sum: ... + bias ...") and its explanation of an
    // impossible setting (stride 0).
    const numbers = (t) => (t.match(/-?\d+(\.\d+)?/g) || []).join(' ');
    const lesson = { stepper: { mode: 'standard', channels: 2, bias: 0.5, stride: 1 } };
    const textIn = async (language, extra) => {
      await setState(page, { language, ...lesson, ...extra });
      await frames(page, 2);
      return (await state(page)).stepper;
    };
    const arEn = (await textIn('english', {})).arithmetic, arPs = (await textIn('pseudo', {})).arithmetic;
    assert(/^ch0: /.test(arEn) && /sum: .* \+ bias 0\.5 = /.test(arEn), `English arithmetic: ${arEn}`);
    assert(arPs.startsWith('[\u00e7h0: ]') && /\[s\u00fcm: \]/.test(arPs) && !/sum|bias/.test(arPs), `pseudo arithmetic: ${arPs}`);
    assert(numbers(arPs) === numbers(arEn), `arithmetic numbers differ: ${numbers(arEn)} / ${numbers(arPs)}`);
    const exEn = (await textIn('english', { stepper: { stride: 0 } })).explain, exPs = (await textIn('pseudo', { stepper: { stride: 0 } })).explain;
    assert(/stride of 0 never moves the kernel/.test(exEn), `English explanation: ${exEn}`);
    assert(exPs.startsWith('[') && /\u00e9/.test(exPs) && !/never moves/.test(exPs) && numbers(exPs) === numbers(exEn), `pseudo explanation: ${exPs}`);
    await screenshot(page, 'classroom-pseudo-language-stepper-explanation');
    await setState(page, { stepper: { stride: 1 } });
    await clickItem(page, 'menu.digit-lab');
    await frames(page, 3);
    assert((await state(page)).workspace === 'digit-lab', 'menu.digit-lab switches workspace in the pseudo language');
    // The cleared pad: the engine's reason stays in state's message (English), and the pad greets the
    // student in the UI language instead of showing it (the reasons' translation: test_draw_pad_model).
    await setState(page, { draw: { clear: true } });
    await frames(page, 3);
    const steps = (await state(page)).draw.steps;
    assert(steps && /^no ink: /.test(steps.message) && steps.message_shown.startsWith('[') && !/draw a digit|no ink/.test(steps.message_shown) &&
      /ðråw/.test(steps.message_shown), `empty pad in pseudo: ${JSON.stringify(steps)}`);
    await clickItem(page, 'activations.saliency.gradcam');
    assert((await state(page)).saliency.mode === 'grad-cam', 'activations.saliency.gradcam works in the pseudo language');
    await screenshot(page, 'classroom-pseudo-language-digit-lab');
    // Back to English through setState; a bad name is refused and changes nothing.
    let bad = '';
    try { await setState(page, { language: 'klingon' }); } catch (e) { bad = String(e.message); }
    // (in the UI language: setState answers in the pseudo language now, the key and the bad value as data)
    assert(bad.includes('[language ') && bad.includes('"klingon"') && (await state(page)).language === 'pseudo', `bad language refused: ${bad}`);
    await setState(page, { language: 'english', workspace: 'lessons' });
    await frames(page, 3);
    s = await state(page);
    assert(/^ch0: /.test(s.stepper.arithmetic), `arithmetic in English again: ${s.stepper.arithmetic}`);
    assert(s.language === 'english' && s.ui_sample.menu_file === 'File', `back to English: ${JSON.stringify(s.ui_sample)}`);
    const it2 = await items(page);
    assert(it2['menu.zoom-out'].width === it0['menu.zoom-out'].width, 'A- has its English width again');
    assert((await page.screenshot({ clip: menuClip })).equals(menuEnglish), 'the menu bar is English again');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } }];
}
