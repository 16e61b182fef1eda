// test_teacher_view.mjs — what a teacher shows a class, with real mouse, keyboard and touch: grouped and
// depthwise highlights (only the channels an output reads), the arithmetic following the pointer, the
// page starting with the keys in the stepper, projector scale enlarging without clipping, zoomable
// im2col / col2im, the live timing meter's label, and a copied PyTorch script that torch runs to the
// numbers on screen.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS, assert, clickItem, frames, hover, items, LOW_RES, openApp, panels, press, savePicture, screenshot, setState, state } from './harness.mjs';

// A small seeded generator: the same "random" group settings on every run (seed printed on failure).
function rng(seed) {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) % (hi - lo + 1));
  };
}

// Pixels of the stepper's highlight outline colour (255, 200, 40) inside a rectangle of a PNG, read in the page.
async function highlightPixels(page, png, rects) {
  return page.evaluate(async ({ b64, rects }) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const off = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = off.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    return rects.map((r) => {
      const d = g.getImageData(Math.round(r.x), Math.round(r.y), Math.max(1, Math.round(r.width)), Math.max(1, Math.round(r.height))).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 255) < 20 && Math.abs(d[i + 1] - 200) < 20 && d[i + 2] < 90) n++;
      return n;
    });
  }, { b64: png.toString('base64'), rects });
}

// Counting input (1, 2, 3, ... row-major) and the cross kernel [1 0 1; 0 1 0; 1 0 1]: the written-out
// sum of output (r, c), computed here independently of the app.
function crossSum(r, c, W) {
  const k = [1, 0, 1, 0, 1, 0, 1, 0, 1];
  const terms = [];
  let sum = 0;
  for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) {
    const v = (r + kh) * W + (c + kw) + 1, w = k[kh * 3 + kw];
    terms.push(`${v}*${w}`);
    sum += v * w;
  }
  return `${terms.join(' + ')} = ${sum}`;
}

const inside = (a, b, tol = 1) => a.x >= b.x - tol && a.y >= b.y - tol && a.x + a.width <= b.x + b.width + tol && a.y + a.height <= b.y + b.height + tol;

export function teacherViewTests(ctx) {
  const tests = [];

  tests.push({ name: 'teacher: grouped and depthwise light only the input channels the output reads (random group settings)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: 1 });
    const pick = rng(17);
    const settings = [{ mode: 'grouped', channels: 2, out_channels: 2, groups: 2 }, { mode: 'depthwise', channels: 3 }];
    while (settings.length < 6) {
      const C = pick(1, 3), OC = pick(1, 4), g = pick(1, 3);
      if (C % g === 0 && OC % g === 0 && g > 1) settings.push({ mode: 'grouped', channels: C, out_channels: OC, groups: g });
    }
    let shots = 0;
    for (const set of settings) {
      await setState(page, { stepper: { ...set, input: 6, kernel: 3, stride: 1, padding: 0, dilation: 1, input_preset: 'random', kernel_preset: 'random', step: 0 } });
      await frames(page, 3);
      const C = set.channels, OC = set.mode === 'depthwise' ? C : set.out_channels, g = set.mode === 'depthwise' ? C : set.groups;
      for (let o = 0; o < OC; o++) {
        const id = o === 0 ? 'stepper.out.1.1' : `stepper.out${o}.1.1`;
        await hover(page, id);
        const s = (await state(page)).stepper;
        const want = [];
        for (let ch = 0; ch < C; ch++) if (Math.floor(ch / (C / g)) === Math.floor(o / (OC / g))) want.push(ch);
        assert(JSON.stringify(s.highlight.input_channels) === JSON.stringify(want),
          `${JSON.stringify(set)} output ${o}: highlighted channels ${JSON.stringify(s.highlight.input_channels)}, it reads ${JSON.stringify(want)}`);
        // The picture agrees: the outline colour shows on exactly those input grids.
        const it = await items(page);
        const rects = [];
        for (let ch = 0; ch < C; ch++) rects.push(it[ch === 0 ? 'stepper.in' : `stepper.in${ch}`]);
        assert(rects.every(Boolean), `input grids missing: ${Object.keys(it).filter((k) => k.startsWith('stepper.in')).join(', ')}`);
        const lit = await highlightPixels(page, await page.screenshot(), rects);
        for (let ch = 0; ch < C; ch++)
          assert((lit[ch] > 20) === want.includes(ch), `${JSON.stringify(set)} output ${o}: input channel ${ch} has ${lit[ch]} highlight pixels (reads ${JSON.stringify(want)})`);
        if (shots < 2 && OC > 1 && o === OC - 1) await screenshot(page, `teacher-groups-${shots++}`);
      }
      // The multiply counts of the four kinds sit side by side, from the engine's cost formula.
      const s = (await state(page)).stepper, m = s.multiplies, pos = 4 * 4;
      assert(m && m.standard === pos * OC * C * 9 && m.depthwise === pos * C * 9 && m.pointwise === pos * OC * C,
        `multiplies ${JSON.stringify(m)}`);
      assert((await items(page))['stepper.multiplies'], 'the multiply counts are on screen');
    }
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'teacher: the arithmetic follows the hovered cell, a tap pins it, leaving returns to the animation', fn: async () => {
    const setup = { stepper: { mode: 'standard', channels: 1, input: 6, kernel: 3, stride: 1, padding: 0, dilation: 1, input_preset: 'counting', kernel_preset: 'cross', step: 0, bias: 0 } };
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, hasTouch: true, setup });
    let s = (await state(page)).stepper;
    assert(s.arithmetic === crossSum(0, 0, 6), `animation cell (0,0): ${s.arithmetic}`);
    for (const [r, c] of [[2, 3], [3, 0], [1, 1]]) {
      await hover(page, `stepper.out.${r}.${c}`);
      s = (await state(page)).stepper;
      assert(s.arithmetic === crossSum(r, c, 6), `hovering (${r},${c}) shows ${s.arithmetic}, want ${crossSum(r, c, 6)}`);
      assert(s.arithmetic_for && s.arithmetic_for.source === 'hover' && JSON.stringify(s.arithmetic_for.cell) === JSON.stringify([r, c]),
        `the box says which cell: ${JSON.stringify(s.arithmetic_for)}`);
    }
    await screenshot(page, 'teacher-arithmetic-hover');
    // Off the grids: back to the animation's cell.
    const p = (await panels(page)).stepper;
    await page.mouse.move(p.x + p.width - 4, p.y + p.height - 4);
    await frames(page, 3);
    s = (await state(page)).stepper;
    assert(s.arithmetic === crossSum(0, 0, 6) && s.arithmetic_for.source === 'animation', `after leaving: ${s.arithmetic}`);
    // Touch: a tap pins the cell; its sum stays written.
    const r = (await items(page))['stepper.out.3.2'];
    const cdp = await context.newCDPSession(page);
    const pt = [{ x: r.x + r.width / 2, y: r.y + r.height / 2, id: 1, radiusX: 2, radiusY: 2, force: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: pt });
    await frames(page, 2);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await frames(page, 3);
    s = (await state(page)).stepper;
    assert(s.pinned && JSON.stringify(s.pinned.cell) === '[3,2]', `tap pins: ${JSON.stringify(s.pinned)}`);
    assert(s.arithmetic === crossSum(3, 2, 6) && JSON.stringify(s.arithmetic_for.cell) === '[3,2]', `pinned sum: ${s.arithmetic}`);
    // Stepping the animation does not take the pinned cell's sum away.
    await setState(page, { stepper: { step: 5 } });
    await frames(page, 2);
    s = (await state(page)).stepper;
    assert(s.arithmetic === crossSum(3, 2, 6), `pinned sum after a step: ${s.arithmetic}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'teacher: the page starts with the keys in the stepper (arrows step without a click)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await frames(page, 4);
    const it = await items(page);
    assert(it['focus:stepper'], `the stepper has the focus at start: ${Object.keys(it).filter((k) => k.startsWith('focus:')).join(', ')}`);
    const s0 = (await state(page)).stepper.step;
    await press(page, 'ArrowRight');
    await press(page, 'ArrowRight');
    const s1 = (await state(page)).stepper.step;
    assert(s1 === s0 + 2, `two ArrowRight presses without a click: step ${s0} -> ${s1}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'teacher: the timing meter measures the stepper\'s configuration live and labels its shape', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await setState(page, { stepper: { mode: 'grouped', channels: 2, out_channels: 4, groups: 2, input: 8, kernel: 3, stride: 2, padding: 1, dilation: 1 } });
    await clickItem(page, 'im2col.tab.timing');
    await page.waitForFunction(() => window.ConvScope.state().im2col.timings.filter((x) => x.ok || x.why).length === 3, null, { timeout: 10000 }).catch(() => {});
    let t = (await state(page)).im2col;
    const S = t.timing && t.timing.size;
    const OH = Math.floor((S + 2 - 3) / 2) + 1;
    assert(t.timing && t.timing.label.includes(`input (1, 2, ${S}, ${S})`) && t.timing.label.includes('weight (4, 1, 3, 3)') &&
      t.timing.label.includes(`output (1, 4, ${OH}, ${OH})`) && t.timing.label.includes('groups 2'), `label: ${t.timing && t.timing.label}`);
    assert(!/\d{6,}/.test(t.timing.label), `no garbage numbers in the label: ${t.timing.label}`);
    const runs = t.timing.runs;
    await page.waitForFunction((r) => window.ConvScope.state().im2col.timing.runs > r + 2, runs, { timeout: 10000 }).catch(() => {});
    t = (await state(page)).im2col;
    assert(t.timing.runs > runs + 2, `live: runs ${runs} -> ${t.timing.runs}`);
    assert(t.timings.length === 3 && t.timings[0].ok && t.timings[1].ok, `timings ${JSON.stringify(t.timings)}`);
    // Winograd is 3x3 stride 1 only: the engine's reason is shown, not a time.
    assert(!t.timings[2].ok && t.timings[2].why.length > 0, `winograd on stride 2: ${JSON.stringify(t.timings[2])}`);
    // Another configuration: the label follows.
    await setState(page, { stepper: { mode: 'standard', channels: 3, out_channels: 1, kernel: 5, stride: 1, padding: 0 } });
    await frames(page, 4);
    t = (await state(page)).im2col;
    assert(t.timing.label.includes(`input (1, 3, ${S}, ${S})`) && t.timing.label.includes(`output (1, 1, ${S - 4}, ${S - 4})`), `after a change: ${t.timing.label}`);
    await screenshot(page, 'teacher-timing');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'teacher: the copied PyTorch script, run by torch, prints the output shown in the page', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ctx.url).origin });
    await setState(page, { stepper: { mode: 'grouped', channels: 2, out_channels: 2, groups: 2, input: [5, 6], kernel: 3, stride: 1, padding: 1, dilation: 1, input_preset: 'random', kernel_preset: 'random', bias: 0.5 } });
    await frames(page, 2);
    await clickItem(page, 'output-size.tab.pytorch');
    await clickItem(page, 'output-size.copy-pytorch-script');
    let script = '';
    await page.waitForFunction(async () => (await navigator.clipboard.readText()).includes('import torch'), null, { timeout: 5000 }).catch(async () => {
      throw new Error(`clipboard holds "${await page.evaluate(() => navigator.clipboard.readText())}"`);
    });
    script = await page.evaluate(() => navigator.clipboard.readText());
    const s = (await state(page)).stepper;
    const file = path.join(os.tmpdir(), `convscope-teacher-${process.pid}.py`);
    fs.writeFileSync(file, script);
    let out;
    try { out = execFileSync('/usr/bin/python3', [file], { encoding: 'utf8' }); } finally { fs.rmSync(file, { force: true }); }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'teacher-pytorch.txt'), `${script}\n# torch printed:\n${out}`);
    const printed = out.slice(out.indexOf('tensor('), out.indexOf('max |')).match(/-?\d+\.\d+|-?\d+/g).map(Number);
    const shown = s.output_values;
    assert(shown && shown.length === 2 * s.output[0] * s.output[1], `page output values: ${shown && shown.length}`);
    assert(printed.length === shown.length, `torch printed ${printed.length} numbers, the page shows ${shown.length}:\n${out}`);
    for (let i = 0; i < shown.length; i++)
      assert(Math.abs(printed[i] - shown[i]) <= 1e-4 + 1e-6 * Math.abs(shown[i]), `value ${i}: torch ${printed[i]}, page ${shown[i]}`);
    assert(/max \|torch - ConvScope\| = (\d|\.|e|-)+/.test(out) && Number(out.split('max |torch - ConvScope| = ')[1]) < 1e-4, `difference line: ${out}`);
    await screenshot(page, 'teacher-pytorch');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'teacher: im2col matrices enlarge on a click (numbers shown); col2im per channel follows the pointer', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: 1 });
    await setState(page, { stepper: { mode: 'standard', channels: 2, out_channels: 2, input: 7, kernel: 3, stride: 1, padding: 0, dilation: 1 } });
    await frames(page, 3);
    let it = await items(page);
    const small = it['im2col.cols.0.0'];
    assert(small, 'matrix cells are named');
    await clickItem(page, 'im2col.cols');
    let s = (await state(page)).im2col;
    assert(s.zoom === 'columns', `zoom ${s.zoom}`);
    it = await items(page);
    const big = it['im2col.cols.0.0'], panel = (await panels(page)).im2col;
    assert(big.width > small.width * 1.5 && big.width >= 20, `enlarged cell ${big.width} px vs ${small.width} px (numbers from 20 px)`);
    assert(inside(it['im2col.cols'], panel), `the enlarged matrix stays in its panel: ${JSON.stringify(it['im2col.cols'])} in ${JSON.stringify(panel)}`);
    await screenshot(page, 'teacher-im2col-zoom');
    await clickItem(page, 'im2col.cols');
    assert((await state(page)).im2col.zoom === 'none', 'a second click goes back');
    await clickItem(page, 'im2col.w');
    assert((await state(page)).im2col.zoom === 'weights', 'the weight matrix enlarges too');
    await clickItem(page, 'im2col.w');
    await clickItem(page, 'im2col.tab.col2im');
    it = await items(page);
    assert(it['im2col.overlap'] && it['im2col.overlap1'], `col2im per channel: ${Object.keys(it).filter((k) => k.startsWith('im2col.overlap')).slice(0, 3)}`);
    await hover(page, 'im2col.overlap1.3.3');
    s = (await state(page)).im2col;
    assert(s.hover && JSON.stringify(s.hover.pixel) === '[1,3,3]' && s.hover.entries.length === 9, `col2im hover ${JSON.stringify(s.hover)}`);
    await screenshot(page, 'teacher-col2im');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  // Projector scale: every named item inside its panel and the viewport; grid cells larger than at x1.
  const owner = (id) => {
    const name = id.split('.')[0];
    return ['stepper', 'im2col', 'output-size', 'draw-pad', 'prediction', 'activations', 'se-weights', 'training'].includes(name) ? name : undefined;
  };
  // Every named item inside the viewport and inside the panel its name starts with.
  const clipped = (it, p, w, h) => {
    const view = { x: 0, y: 0, width: w, height: h };
    const bad = [];
    for (const [id, r] of Object.entries(it)) {
      if (id.startsWith('focus:') || r.width <= 0 || r.height <= 0) continue;
      if (!inside(r, view)) bad.push(`${id} outside the viewport ${JSON.stringify(r)}`);
      const o = owner(id);
      if (o && p[o] && !inside(r, p[o])) bad.push(`${id} outside panel ${o} ${JSON.stringify(r)}`);
    }
    return bad;
  };
  for (const [w, h, scale] of [[1280, 800, 1.5], [1280, 800, 2], [1920, 1080, 1.5]]) {
    tests.push({ name: `teacher: projector x${scale} at ${w}x${h}: nothing clipped, grids larger than at x1`, fn: async () => {
      const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: w, height: h, dpr: 1 });
      const cfg = { stepper: { mode: 'standard', channels: 2, out_channels: 2, input: 6, kernel: 3, stride: 1, padding: 1, dilation: 1 } };
      await setState(page, cfg);
      await frames(page, 4);
      const at1 = (await state(page)).stepper.cell_px, first1 = (await items(page))['stepper.in.0.0'];
      await setState(page, { ui_scale: scale });
      await frames(page, 6);
      const it = await items(page), p = await panels(page);
      const bad = clipped(it, p, w, h);
      await screenshot(page, `teacher-projector-${w}x${h}-x${scale}`);
      assert(bad.length === 0, `${bad.length} items clipped, e.g.\n${bad.slice(0, 8).join('\n')}`);
      // The grids' cells grow with the scale (the panel scrolls to the rest): the first input cell on
      // screen, and the cell size the stepper drew with.
      const first = it['stepper.in.0.0'];
      assert(first1 && first && first.width > first1.width && first.height > first1.height,
        `the first input cell: ${JSON.stringify(first)} at x${scale}, ${JSON.stringify(first1)} at x1`);
      const cell = (await state(page)).stepper.cell_px;
      assert(cell > at1, `stepper grid cells: ${cell} px at x${scale}, ${at1} px at x1`);
      // (Its visible part: the panel may have scrolled the cell's lower edge out of view.)
      assert(Math.abs(first.width - cell) < 0.5 && first.height <= cell + 0.5, `the first input cell is on screen at ${cell} px: ${JSON.stringify(first)}`);
      console.log(`x${scale} at ${w}x${h}: stepper cells ${at1} px at x1 -> ${cell} px`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } });
  }

  tests.push({ name: 'teacher: the digit lab\'s filters enlarge to the panel on a click, with their numbers', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: 1, setup: { workspace: 'digit-lab' } });
    await page.waitForFunction(() => window.ConvScope.state().network && window.ConvScope.state().network.ok, null, { timeout: 30000 });
    await clickItem(page, 'activations.filters');
    const small = (await items(page))['activations.filters-field'];
    assert(small, 'the filters are on screen');
    await clickItem(page, 'activations.filters-field');
    const big = (await items(page))['activations.filters-field'], panel = (await panels(page)).activations;
    assert(big.width > small.width * 1.5 && big.height > small.height * 1.5, `enlarged filters ${JSON.stringify(big)} vs ${JSON.stringify(small)}`);
    assert(inside(big, panel), `the enlarged filters stay in their panel: ${JSON.stringify(big)} in ${JSON.stringify(panel)}`);
    await screenshot(page, 'teacher-lab-filters-enlarged');
    await clickItem(page, 'activations.filters-field');
    const back = (await items(page))['activations.filters-field'];
    assert(Math.abs(back.width - small.width) < 1, `a second click goes back: ${JSON.stringify(back)}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  // The digit lab at projector scale: its panels re-laid out for the scale, its fixed widths (pad size,
  // step column, activation list) scaled, nothing cut off; the pad larger than at x1.
  for (const [w, h, scale] of [[1920, 1080, 1.5], [1280, 800, 1.5]]) {
    tests.push({ name: `teacher: digit lab at projector x${scale} at ${w}x${h}: nothing clipped, the pad larger than at x1`, fn: async () => {
      const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: w, height: h, dpr: 1, setup: { workspace: 'digit-lab' } });
      await page.waitForFunction(() => window.ConvScope.state().network && window.ConvScope.state().network.ok, null, { timeout: 30000 });
      await setState(page, { input: { gallery: 3 } });
      await frames(page, 4);
      const pad1 = (await items(page))['draw-pad.canvas'];
      await setState(page, { ui_scale: scale });
      await frames(page, 6);
      const it = await items(page), p = await panels(page);
      await screenshot(page, `teacher-lab-projector-${w}x${h}-x${scale}`);
      const bad = clipped(it, p, w, h);
      assert(bad.length === 0, `${bad.length} items clipped, e.g.\n${bad.slice(0, 8).join('\n')}`);
      const pad = it['draw-pad.canvas'];
      assert(pad1 && pad && pad.width > pad1.width, `the drawing pad: ${JSON.stringify(pad)} at x${scale}, ${JSON.stringify(pad1)} at x1`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } });
  }

  return tests;
}
