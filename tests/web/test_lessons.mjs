// test_lessons.mjs — the convolution lessons in the real page: stepper (buttons, keyboard, hover, pins),
// output-size explorer against the engine for a table of settings, im2col view following the stepper,
// impossible settings explained, transposed and pooling modes, screenshots at desktop/projector scale.
import { assert, clickItem, frames, hover, items, LOW_RES, openApp, panels, press, screenshot, setState, state } from './harness.mjs';

// THE index formula, written independently here: input index read by output o at tap k.
const inIndex = (o, k, s, p, d) => o * s - p + k * d;
const outSize = (n, k, s, p, d) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
const key = (cells) => JSON.stringify([...cells].map((c) => `${c[0]},${c[1]}`).sort());

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function lessonTests(ctx) {
  const tests = [];

  for (const [w, h, dpr] of [[1280, 800, 1], [1920, 1080, 1], [1920, 1080, 2]]) {
    tests.push({ name: `lessons: three panels side by side without overlap at ${w}x${h} dpr ${dpr}`, fn: async () => {
      const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: w, height: h, dpr });
      await frames(page, 5);
      const p = await panels(page);
      for (const id of ['stepper', 'output-size', 'im2col']) {
        assert(p[id], `panel ${id} missing: ${Object.keys(p).join(', ')}`);
        assert(p[id].x >= 0 && p[id].y >= 0 && p[id].x + p[id].width <= w + 1 && p[id].y + p[id].height <= h + 1,
          `panel ${id} ${JSON.stringify(p[id])} is not inside ${w}x${h}`);
      }
      assert(!overlaps(p.stepper, p['output-size']) && !overlaps(p.stepper, p.im2col) && !overlaps(p['output-size'], p.im2col),
        `panels overlap: ${JSON.stringify(p)}`);
      assert(p.stepper.width > w * 0.5, `the stepper should be the large panel: ${JSON.stringify(p.stepper)}`);
      const s = (await state(page)).stepper;
      assert(JSON.stringify(s.output) === '[3,3]' && s.arithmetic.endsWith('= 4'), `default classic example: ${JSON.stringify(s.output)} ${s.arithmetic}`);
      // Cells are drawn large enough to read at this size (numbers shown from ~18 px).
      const it = await items(page);
      assert(it['stepper.out.0.0'] && it['stepper.out.0.0'].width >= 18, `output cell too small: ${JSON.stringify(it['stepper.out.0.0'])}`);
      await screenshot(page, `lessons-${w}x${h}-dpr${dpr}`);
      await setState(page, { stepper: { mode: 'standard', input: 12, channels: 3, kernel: 3, stride: 2, padding: 1, dilation: 1, input_preset: 'random', kernel_preset: 'random', step: 7 } });
      await frames(page, 4);
      await screenshot(page, `lessons-${w}x${h}-dpr${dpr}-rgb-stride2`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } });
  }

  tests.push({ name: 'stepper: clicking step forward/back moves the highlighted output cell and rewrites the arithmetic', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: { stepper: { input: [5, 5], kernel: 3, stride: 1, padding: 0, dilation: 1, input_preset: 'counting', kernel_preset: 'cross', step: 0 } } });
    const s0 = (await state(page)).stepper;
    assert(s0.arithmetic === '1*1 + 2*0 + 3*1 + 6*0 + 7*1 + 8*0 + 11*1 + 12*0 + 13*1 = 35', `arithmetic at 0: ${s0.arithmetic}`);
    await clickItem(page, 'stepper.step-forward');
    const s1 = (await state(page)).stepper;
    assert(JSON.stringify(s1.position) === '[0,1]', `position after one step: ${JSON.stringify(s1.position)}`);
    assert(key(s1.highlight.output) === key([[0, 1]]), `highlighted output ${JSON.stringify(s1.highlight.output)}`);
    assert(s1.arithmetic === '2*1 + 3*0 + 4*1 + 7*0 + 8*1 + 9*0 + 12*1 + 13*0 + 14*1 = 40', `arithmetic at 1: ${s1.arithmetic}`);
    assert(s1.value === 40, `engine value ${s1.value}`);
    for (let i = 0; i < 3; i++) await clickItem(page, 'stepper.step-forward');
    const s4 = (await state(page)).stepper;
    assert(JSON.stringify(s4.position) === '[1,1]', `position after four steps: ${JSON.stringify(s4.position)}`);
    // The input window of output (1,1): rows 1..3, cols 1..3.
    const want = [];
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) want.push([inIndex(1, kh, 1, 0, 1), inIndex(1, kw, 1, 0, 1)]);
    assert(key(s4.highlight.input) === key(want), `input window ${JSON.stringify(s4.highlight.input)}`);
    await clickItem(page, 'stepper.step-back');
    assert(JSON.stringify((await state(page)).stepper.position) === '[1,0]', 'step back');
    await clickItem(page, 'stepper.last');
    assert((await state(page)).stepper.step === 8, 'last');
    await clickItem(page, 'stepper.first');
    assert((await state(page)).stepper.step === 0, 'first');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'stepper: keyboard (arrows, Home/End, space) drives the focused stepper; play advances on its own', fn: async () => {
    // 4 steps a second over 16 positions: playing cannot reach the end (and stop by itself) between a
    // key and the check that follows it, even when a loaded machine makes frames slow.
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: { stepper: { input: 6, kernel: 3, stride: 1, padding: 0, step: 0, speed: 4 } } });
    const p = (await panels(page)).stepper;
    await page.mouse.click(p.x + p.width / 2, p.y + 8);  // the title bar focuses the window
    await frames(page, 3);
    await press(page, 'ArrowRight');
    assert((await state(page)).stepper.step === 1, `ArrowRight: step ${(await state(page)).stepper.step}`);
    await press(page, 'ArrowDown');
    assert(JSON.stringify((await state(page)).stepper.position) === '[1,1]', `ArrowDown: ${JSON.stringify((await state(page)).stepper.position)}`);
    await press(page, 'End');
    assert((await state(page)).stepper.step === 15, 'End goes to the last of 4x4 positions');
    await press(page, 'Home');
    assert((await state(page)).stepper.step === 0, 'Home');
    await press(page, 'Space');
    assert((await state(page)).stepper.playing === true, 'space starts playing');
    await page.waitForFunction(() => window.ConvScope.state().stepper.step >= 2, null, { timeout: 10000 });
    await press(page, 'Space');
    const s = (await state(page)).stepper;
    assert(s.playing === false, 'space pauses');
    await frames(page, 10);
    assert((await state(page)).stepper.step === s.step, 'paused: the position must not move');
    await clickItem(page, 'stepper.play');
    const played = (await state(page)).stepper;
    assert(played.playing === true && played.step < 15, `the Play button plays: ${JSON.stringify({ playing: played.playing, step: played.step })}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'output size shown equals the engine for a table of settings (non-exact strides, dilation)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    const table = [
      [5, 3, 1, 0, 1], [5, 3, 2, 0, 1], [6, 3, 2, 0, 1], [7, 3, 2, 1, 1], [7, 3, 3, 1, 2], [10, 2, 3, 0, 3],
      [32, 5, 4, 2, 1], [9, 4, 3, 2, 2], [13, 3, 5, 0, 1], [8, 1, 3, 0, 1]];
    for (const [n, k, s, p, d] of table) {
      await setState(page, { stepper: { mode: 'standard', input: n, kernel: k, stride: s, padding: p, dilation: d } });
      await frames(page, 2);
      const st = await state(page);
      const want = outSize(n, k, s, p, d);
      assert(JSON.stringify(st.stepper.output) === JSON.stringify([want, want]), `${[n, k, s, p, d]}: engine output ${JSON.stringify(st.stepper.output)}, formula ${want}`);
      assert(st.output_size.H.out === want && st.output_size.H.substituted.endsWith(`= ${want}`), `${[n, k, s, p, d]}: explorer says ${st.output_size.H.substituted}`);
      assert(JSON.stringify(st.stepper.cols_shape) === JSON.stringify([k * k, want * want]), `cols_shape ${JSON.stringify(st.stepper.cols_shape)}`);
      const exact = (n + 2 * p - d * (k - 1) - 1) % s === 0;
      assert(exact === (st.output_size.H.why === '' || /dilation gaps/.test(st.output_size.H.why)), `${[n, k, s, p, d]}: floor note "${st.output_size.H.why}"`);
    }
    // The floor effect: 6 wide, kernel 3, stride 2 never reads the last column, and says so.
    await setState(page, { stepper: { input: 6, kernel: 3, stride: 2, padding: 0, dilation: 1 } });
    await frames(page, 2);
    const f = (await state(page)).output_size;
    assert(JSON.stringify(f.H.uncovered) === '[5]' && /never read/.test(f.H.why), `floor effect: ${JSON.stringify(f.H)}`);
    // A real drag on the explorer's stride slider changes the size the stepper shows.
    await setState(page, { stepper: { input: 12, kernel: 3, stride: 1, padding: 0, dilation: 1 } });
    await frames(page, 2);
    const r = (await items(page))['output-size.stride'];
    assert(r, 'stride slider visible');
    await page.mouse.move(r.x + 8, r.y + r.height / 2);
    await page.mouse.down();
    await frames(page, 2);
    await page.mouse.move(r.x + r.width * 0.3, r.y + r.height / 2, { steps: 4 });
    await frames(page, 2);
    await page.mouse.up();
    await frames(page, 3);
    const st = (await state(page)).stepper;
    assert(st.stride[0] >= 2, `dragging the stride slider: stride ${st.stride}`);
    assert(st.output[0] === outSize(12, 3, st.stride[0], 0, 1), `after the drag: output ${st.output} for stride ${st.stride}`);
    await screenshot(page, 'lessons-output-size-dragged');
    // "same" padding button.
    await setState(page, { stepper: { input: 9, kernel: 5, stride: 1, padding: 0, dilation: 1 } });
    await frames(page, 2);
    await clickItem(page, 'output-size.same');
    const same = (await state(page)).stepper;
    assert(JSON.stringify(same.padding) === '[2,2]' && JSON.stringify(same.output) === '[9,9]', `same padding: ${same.padding} -> ${same.output}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'im2col: column-matrix shape and highlighted patch follow the stepper, in both orientations', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: { stepper: { mode: 'standard', channels: 2, input: [6, 7], kernel: 3, stride: [2, 1], padding: 1, dilation: 1, step: 0, out_channels: 2 } } });
    let s = await state(page);
    const OH = outSize(6, 3, 2, 1, 1), OW = outSize(7, 3, 1, 1, 1);
    assert(JSON.stringify(s.im2col.shape) === JSON.stringify([18, OH * OW]), `cols shape ${JSON.stringify(s.im2col.shape)}`);
    assert(JSON.stringify(s.stepper.cols_shape) === JSON.stringify([18, OH * OW]), 'stepper.cols_shape');
    assert(s.im2col.max_abs_diff < 1e-4, `GEMM vs conv ${s.im2col.max_abs_diff}`);
    assert(JSON.stringify(s.im2col.highlight_positions) === '[0]', 'patch 0 highlighted');
    await clickItem(page, 'stepper.step-forward');
    await clickItem(page, 'stepper.step-forward');
    s = await state(page);
    assert(JSON.stringify(s.im2col.highlight_positions) === '[2]', `after two steps: ${JSON.stringify(s.im2col.highlight_positions)}`);
    await clickItem(page, 'im2col.orientation.rows');
    s = await state(page);
    assert(s.im2col.orientation === 'rows' && JSON.stringify(s.im2col.shape) === JSON.stringify([OH * OW, 18]), `rows orientation ${JSON.stringify(s.im2col.shape)}`);
    assert(JSON.stringify(s.stepper.cols_shape) === JSON.stringify([OH * OW, 18]), 'stepper.cols_shape follows the toggle');
    // Hovering a matrix entry names the input pixel it copies (patch 2 = output (0,2); row 0 = ch0 tap (0,0)).
    await setState(page, { stepper: { channels: 1, input: 5, stride: 1, padding: 0, out_channels: 1 }, im2col: { orientation: 'columns' } });
    await frames(page, 3);
    const it = await items(page);
    if (it['im2col.cols.0.2']) {
      await hover(page, 'im2col.cols.0.2');
      s = await state(page);
      assert(s.im2col.hover && JSON.stringify(s.im2col.hover.pixel) === JSON.stringify([0, 0, 2]), `entry hover ${JSON.stringify(s.im2col.hover)}`);
    }
    await hover(page, 'im2col.in.2.2');
    s = await state(page);
    assert(s.im2col.hover && s.im2col.hover.entries.length === 9, `the centre pixel of 5x5 has 9 copies: ${JSON.stringify(s.im2col.hover)}`);
    assert(s.im2col.overlap[2][2] === 9 && s.im2col.overlap[0][0] === 1, 'col2im overlap counts');
    await screenshot(page, 'lessons-im2col-hover');
    // Winograd F(2x2,3x3) of the tile under the stepper equals the direct result; the timing meter runs.
    await setState(page, { stepper: { input: 6, kernel: 3, stride: 1, padding: 1, dilation: 1, input_preset: 'random', kernel_preset: 'random', step: 7 } });
    await clickItem(page, 'im2col.tab.winograd');
    s = await state(page);
    assert(s.im2col.winograd.ok && s.im2col.winograd.max_abs_diff < 1e-4 && JSON.stringify(s.im2col.winograd.tile) === '[1,1]', `winograd ${JSON.stringify(s.im2col.winograd)}`);
    await screenshot(page, 'lessons-winograd');
    await clickItem(page, 'im2col.tab.timing');
    await clickItem(page, 'im2col.measure');
    s = await state(page);
    assert(s.im2col.timings.length === 3 && s.im2col.timings.every((t) => t.ok && t.ms >= 0), `timings ${JSON.stringify(s.im2col.timings)}`);
    await clickItem(page, 'im2col.tab.col2im');
    await screenshot(page, 'lessons-col2im');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'an impossible setting is explained in words and the app keeps running', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await setState(page, { stepper: { mode: 'standard', input: 5, kernel: 7, stride: 1, padding: 0, dilation: 1 } });
    await frames(page, 3);
    let s = await state(page);
    assert(s.stepper.output === null && /larger than the padded input 5x5/.test(s.stepper.error), `kernel 7 on 5: ${JSON.stringify(s.stepper.output)} ${s.stepper.error}`);
    assert(s.stepper.explain.length > 20 && /fits nowhere/.test(s.output_size.H.why), `explanation: ${s.stepper.explain} / ${s.output_size.H.why}`);
    assert(s.im2col.valid === false, 'im2col has no matrix');
    await screenshot(page, 'lessons-impossible-kernel');
    await setState(page, { stepper: { kernel: 3, stride: [0, 1] } });
    await frames(page, 3);
    s = await state(page);
    assert(s.stepper.output === null && /stride must be >= 1, got 0/.test(s.stepper.error) && /division by 0/.test(s.output_size.H.substituted), `stride 0: ${s.stepper.error}`);
    // Still alive: buttons and frames go on; a valid setting brings everything back.
    const f0 = s.frame;
    await clickItem(page, 'stepper.step-forward');
    await setState(page, { stepper: { stride: 1 } });
    await frames(page, 3);
    s = await state(page);
    assert(s.frame > f0 && JSON.stringify(s.stepper.output) === '[3,3]', `recovered: ${JSON.stringify(s.stepper.output)}`);
    // A bad value is a setState error and changes nothing.
    for (const bad of [{ input: 0 }, { kernel: 'big' }, { mode: 'fancy' }, { stride: [-1, 1] }, { position: [9, 9] }, { nonsense: 1 }]) {
      let threw = false;
      try { await setState(page, { stepper: bad }); } catch (e) { threw = true; }
      assert(threw, `setState(${JSON.stringify(bad)}) must be rejected`);
    }
    const after = (await state(page)).stepper;
    assert(JSON.stringify(after.output) === '[3,3]' && JSON.stringify(after.input) === '[5,5]', 'rejected setState changed the state');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'hovering an output cell lights its receptive field (stride, padding, dilation); click pins it', fn: async () => {
    const cfg = { mode: 'standard', channels: 1, input: 9, kernel: 3, stride: 2, padding: 1, dilation: 2, step: 0 };
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: { stepper: cfg } });
    const s0 = (await state(page)).stepper;
    const OH = outSize(9, 3, 2, 1, 2);
    assert(JSON.stringify(s0.output) === JSON.stringify([OH, OH]), `output ${s0.output}`);
    for (const [r, c] of [[1, 2], [0, 0], [OH - 1, OH - 1]]) {
      await hover(page, `stepper.out.${r}.${c}`);
      const s = (await state(page)).stepper;
      const want = [];
      for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) want.push([inIndex(r, kh, 2, 1, 2), inIndex(c, kw, 2, 1, 2)]);
      assert(s.hover && s.hover.kind === 'output' && JSON.stringify(s.hover.cell) === JSON.stringify([r, c]), `hover ${JSON.stringify(s.hover)}`);
      assert(key(s.highlight.input) === key(want), `output (${r},${c}) lights ${JSON.stringify(s.highlight.input)}, want ${JSON.stringify(want)}`);
    }
    await screenshot(page, 'lessons-hover-output-dilated');
    // Hover an input cell: every output that reads it.
    await hover(page, 'stepper.in.4.4');
    let s = (await state(page)).stepper;
    const wantOut = [];
    for (let r = 0; r < OH; r++) for (let c = 0; c < OH; c++) {
      let hit = false;
      for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) if (inIndex(r, kh, 2, 1, 2) === 4 && inIndex(c, kw, 2, 1, 2) === 4) hit = true;
      if (hit) wantOut.push([r, c]);
    }
    assert(key(s.highlight.output) === key(wantOut), `input (4,4) feeds ${JSON.stringify(s.highlight.output)}, want ${JSON.stringify(wantOut)}`);
    // Hover a kernel weight: every input it ever multiplies.
    await hover(page, 'stepper.kernel.0.0');
    s = (await state(page)).stepper;
    assert(s.highlight.input.length === OH * OH && s.highlight.output.length === OH * OH, `tap (0,0): ${s.highlight.input.length} inputs`);
    // Click pins (touch has no hover), the pin survives moving away, a second click unpins.
    await clickItem(page, 'stepper.out.1.1');
    await page.mouse.move(5, 790);
    await frames(page, 3);
    s = (await state(page)).stepper;
    assert(s.pinned && JSON.stringify(s.pinned.cell) === '[1,1]' && s.hover === null, `pinned ${JSON.stringify(s.pinned)}`);
    const wantPinned = [];
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) wantPinned.push([inIndex(1, kh, 2, 1, 2), inIndex(1, kw, 2, 1, 2)]);
    assert(key(s.highlight.input) === key(wantPinned), 'the pinned cell keeps its highlight');
    await clickItem(page, 'stepper.out.1.1');
    await page.mouse.move(5, 790);
    await frames(page, 3);
    assert((await state(page)).stepper.pinned === null, 'second click unpins');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'transposed convolution and pooling modes switch and show sane shapes', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await setState(page, { stepper: { mode: 'transposed', channels: 1, input: 3, kernel: 3, stride: 2, padding: 0, dilation: 1, input_preset: 'classic', kernel_preset: 'box', step: 0 } });
    await frames(page, 3);
    let s = (await state(page)).stepper;
    assert(JSON.stringify(s.output) === '[7,7]', `transposed 3x3 k3 s2 -> ${JSON.stringify(s.output)}`);
    assert(JSON.stringify(s.overlap[0]) === '[1,1,2,1,2,1,1]' && JSON.stringify(s.overlap[2]) === '[2,2,4,2,4,2,2]', `checkerboard of overlaps ${JSON.stringify(s.overlap)}`);
    assert(s.steps === 9 && /stamps/.test(s.arithmetic), `stamps: ${s.arithmetic}`);
    await screenshot(page, 'lessons-transposed-stamps');
    await clickItem(page, 'stepper.transposed-view');
    s = (await state(page)).stepper;
    assert(s.transposed_as_conv === true && JSON.stringify(s.zero_inserted) === '[9,9]', `zero-insertion view ${JSON.stringify(s.zero_inserted)}`);
    await screenshot(page, 'lessons-transposed-as-conv');
    await setState(page, { stepper: { mode: 'maxpool', input: 6, kernel: 2, stride: 2, padding: 0 } });
    await frames(page, 3);
    s = (await state(page)).stepper;
    assert(JSON.stringify(s.output) === '[3,3]' && s.arithmetic.startsWith('max('), `maxpool: ${JSON.stringify(s.output)} ${s.arithmetic}`);
    await setState(page, { stepper: { mode: 'maxpool', input: 5, kernel: 3, stride: 2, padding: 1 } });
    await frames(page, 3);
    s = (await state(page)).stepper;
    assert(JSON.stringify(s.output) === '[3,3]' && s.arithmetic.includes('-inf'), `maxpool padding is -inf: ${s.arithmetic}`);
    await screenshot(page, 'lessons-maxpool');
    await setState(page, { stepper: { mode: 'avgpool', ceil_mode: true, input: 6, kernel: 3, stride: 2, padding: 0 } });
    await frames(page, 3);
    s = (await state(page)).stepper;
    assert(JSON.stringify(s.output) === '[3,3]' && /\/ 9/.test(s.arithmetic), `avgpool ceil: ${JSON.stringify(s.output)} ${s.arithmetic}`);
    for (const [mode, want] of [['depthwise', [3, 3]], ['pointwise', [5, 5]], ['separable', [3, 3]], ['grouped', [3, 3]]]) {
      await setState(page, { stepper: { mode, channels: 3, input: 5, kernel: 3, stride: 1, padding: 0, groups: 3, out_channels: 3, ceil_mode: false } });
      await frames(page, 2);
      s = (await state(page)).stepper;
      assert(JSON.stringify(s.output) === JSON.stringify(want), `${mode}: ${JSON.stringify(s.output)} ${s.error}`);
    }
    assert(s.mode === 'grouped' && s.groups === 3, 'grouped');
    await setState(page, { stepper: { mode: 'separable' } });
    await frames(page, 3);
    s = (await state(page)).stepper;
    assert(s.macs.depthwise + s.macs.pointwise < s.macs.standard, `separable MACs ${JSON.stringify(s.macs)}`);
    await screenshot(page, 'lessons-separable');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'inputs: a bundled MNIST digit and typed numbers feed the stepper', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    const s0 = (await state(page)).stepper;
    assert(s0.digits_available === true, 'the page bundles MNIST digits');
    await setState(page, { stepper: { mode: 'standard', channels: 1, input: 28, kernel: 3, stride: 1, padding: 1, dilation: 1, input_preset: 'digit', digit_index: 7, kernel_preset: 'sobel-x', step: 14 * 28 + 10 } });
    await frames(page, 4);
    const s = (await state(page)).stepper;
    assert(s.input_preset === 'digit' && JSON.stringify(s.output) === '[28,28]', `digit: ${s.input_preset} ${JSON.stringify(s.output)}`);
    assert(/[1-9]/.test(s.arithmetic.split('=')[0]), `the digit has ink where the kernel sits: ${s.arithmetic}`);
    await screenshot(page, 'lessons-digit-sobel');
    // DigitNet's learned stem filters as kernels (when the trained weights are bundled).
    if (s.learned_available) {
      await setState(page, { stepper: { kernel_preset: 'learned', channels: 1, out_channels: 4 } });
      await frames(page, 3);
      const l = (await state(page)).stepper;
      assert(l.kernel_preset === 'learned' && JSON.stringify(l.kernel) === '[3,3]' && l.out_channels === 4, `learned: ${l.kernel_preset} ${l.kernel}`);
      assert(!/^(0\*0 \+ )/.test(l.arithmetic) && /\d\.\d/.test(l.arithmetic), `learned weights are real numbers: ${l.arithmetic}`);
      await screenshot(page, 'lessons-digit-learned');
    }
    // Typed numbers: pin an input cell, type a value into the edit field with the real keyboard.
    await setState(page, { stepper: { input: 5, padding: 0, input_preset: 'classic', kernel_preset: 'cross', step: 0 } });
    await frames(page, 3);
    await clickItem(page, 'stepper.in.0.0');
    const ed = (await items(page))['stepper.edit'];
    assert(ed, 'pinning an input cell shows its edit field');
    await page.mouse.dblclick(ed.x + 20, ed.y + ed.height / 2);
    await frames(page, 2);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('10');
    await page.keyboard.press('Enter');
    await frames(page, 4);
    const e = (await state(page)).stepper;
    assert(e.input_preset === 'custom' && e.arithmetic.startsWith('10*1 + ') && e.arithmetic.endsWith('= 13'), `edited: ${e.arithmetic}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  return tests;
}
