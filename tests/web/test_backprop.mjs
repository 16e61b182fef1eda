// test_backprop.mjs — the kernel stepper's backward direction in the real page: the Forward/Backward
// switch clicked, real keyboard steps whose written products add up to the dL/dW entry shown, the
// gradients against PyTorch autograd (python3 runs on the page's numbers) over random configurations
// of convolution and both poolings, the three views of dL/dX equal, the SGD and gradient-check
// buttons clicked, bad input refused, the link keeping direction and gradient, and screenshots.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assert, clickItem, frames, items, LOW_RES, openApp, press, screenshot, setState, state } from './harness.mjs';

function rng(seed) {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) % (hi - lo + 1));
  };
}

// setState's refusal (it throws with the reason) as text; '' when the partial was accepted.
async function refusal(page, partial) {
  try { await setState(page, partial); return ''; } catch (e) { return String(e.message || e); }
}

const flat = (a) => (Array.isArray(a) ? a.flat(Infinity) : [a]);

// "dW[0][0][0,0] = 1*2 + (-1)*0 + ... = v": the products and the value written after the last "=".
function lastLineSum(text) {
  const line = text.split('\n').pop();
  const head = line.indexOf('=');
  const tail = line.lastIndexOf('=');
  const terms = line.slice(head + 1, tail).split(' + ').map((t) => t.replace(/[()]/g, '').split('*').map(Number));
  return { line, terms, sum: terms.reduce((a, [x, y]) => a + x * y, 0), value: Number(line.slice(tail + 1)) };
}

export function backpropTests(ctx) {
  const tests = [];

  tests.push({ name: 'backprop: the switch and real keys step the backward pass; each step\'s products add up to the dL/dW entry', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: LOW_RES });
    await setState(page, { stepper: { mode: 'standard', input: 5, kernel: 3, stride: 1, padding: 0, input_preset: 'classic', kernel_preset: 'cross' } });
    await frames(page, 2);
    await clickItem(page, 'stepper.direction-backward');
    let s = (await state(page)).stepper;
    assert(s.direction === 'backward', `the click switched to ${s.direction}`);
    assert(s.backward_steps === 9 && s.grad_choice === 'ones', `steps ${s.backward_steps}, choice ${s.grad_choice}`);
    await setState(page, { stepper: { grad_output: 'random' } });
    await clickItem(page, 'backward.loss');  // a click in the panel (on text) gives the keys to the stepper
    await press(page, 'Home');
    s = (await state(page)).stepper;
    assert(s.backward_step === 0, `Home: step ${s.backward_step}`);
    let last = '';
    for (let t = 0; t < s.backward_steps; t++) {
      if (t > 0) await press(page, 'ArrowRight');
      s = (await state(page)).stepper;
      assert(s.backward_step === t, `after ${t} presses: step ${s.backward_step}`);
      assert(s.backward_arithmetic !== last, `step ${t}: the arithmetic did not change`);
      last = s.backward_arithmetic;
      const { line, terms, sum, value } = lastLineSum(s.backward_arithmetic);
      assert(terms.length === t + 1, `step ${t}: ${terms.length} products in "${line}"`);
      assert(Math.abs(sum - value) < 1e-4, `step ${t}: products add to ${sum}, written ${value}`);
      assert(Math.abs(value - s.partial.grad_weight[0][0][0][0]) < 1e-4, `step ${t}: ${value} vs grid ${s.partial.grad_weight[0][0][0][0]}`);
      const g = s.grad_output[0][Math.floor(t / 3)][t % 3];
      assert(s.backward_arithmetic.startsWith(`step ${t + 1} of 9: dL/dY[0][${Math.floor(t / 3)},${t % 3}] = ${g}`), s.backward_arithmetic.split('\n')[0]);
    }
    // At the end the partial sums are the full gradients; the bias gradient is the sum of dL/dY.
    assert(JSON.stringify(s.partial.grad_weight) === JSON.stringify(s.grad_weight), 'the last step reaches dL/dW');
    assert(JSON.stringify(s.partial.grad_input) === JSON.stringify(s.grad_input), 'the last step reaches dL/dX');
    assert(Math.abs(s.grad_bias[0] - flat(s.grad_output).reduce((a, b) => a + b, 0)) < 1e-5, `dL/db ${s.grad_bias[0]}`);
    await press(page, 'ArrowUp');
    assert((await state(page)).stepper.backward_step === 5, 'ArrowUp goes back a row');
    await press(page, 'End');
    assert((await state(page)).stepper.backward_step === 8, 'End');
    // A click on a dL/dY cell steps there.
    await clickItem(page, 'backward.dy0.1.2');
    assert((await state(page)).stepper.backward_step === 5, 'a click on dL/dY[1,2] steps to 5');
    await clickItem(page, 'stepper.direction-forward');
    assert((await state(page)).stepper.direction === 'forward', 'back to forward');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'backprop: dW, db and dX equal PyTorch autograd on random configurations (conv, max and average pooling)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    const pick = rng(2020);
    const cases = [];
    let tries = 0;
    while (cases.length < 18 && tries++ < 500) {
      const kind = ['conv', 'conv', 'maxpool', 'avgpool'][cases.length % 4];
      const C = pick(1, 3), H = pick(3, 9), W = pick(3, 9), KH = pick(1, 4), KW = pick(1, 4);
      const groups = kind === 'conv' ? [1, 2, 3].filter((g) => C % g === 0)[pick(0, 2) % [1, 2, 3].filter((g) => C % g === 0).length] : C;
      const OC = kind === 'conv' ? groups * pick(1, Math.floor(4 / groups)) : C;
      const stride = [pick(1, 3), pick(1, 3)];
      const dilation = kind === 'avgpool' ? [1, 1] : [pick(1, 2), pick(1, 2)];
      const padding = kind === 'conv' ? [pick(0, 2), pick(0, 2)] : [pick(0, Math.min(2, KH >> 1)), pick(0, Math.min(2, KW >> 1))];
      const oh = Math.floor((H + 2 * padding[0] - dilation[0] * (KH - 1) - 1) / stride[0]) + 1;
      const ow = Math.floor((W + 2 * padding[1] - dilation[1] * (KW - 1) - 1) / stride[1]) + 1;
      if (oh < 1 || ow < 1) continue;
      const cip = pick(0, 1) === 1;
      const x = Array.from({ length: C * H * W }, () => pick(kind === 'conv' ? -3 : 0, kind === 'conv' ? 3 : 5));
      const w = kind === 'conv' ? Array.from({ length: OC * (C / groups) * KH * KW }, () => pick(-2, 2)) : [];
      const gy = Array.from({ length: OC * oh * ow }, () => pick(-2, 2));
      const st = { mode: kind === 'conv' ? (groups > 1 ? 'grouped' : 'standard') : kind, channels: C, input: [H, W], kernel: [KH, KW],
        stride, padding, dilation, groups: kind === 'conv' ? groups : 1, out_channels: kind === 'conv' ? OC : 1, ceil_mode: false,
        count_include_pad: cip, bias: kind === 'conv' ? pick(-2, 2) : 0, input_values: x, direction: 'backward', grad_output: gy };
      if (kind === 'conv') st.kernel_values = w;
      const err = await refusal(page, { stepper: st });
      assert(!err, `setState refused case ${cases.length}: ${err} ${JSON.stringify(st)}`);
      await frames(page, 1);
      const s = (await state(page)).stepper;
      assert(s.direction === 'backward' && s.backward_error === '', `case ${cases.length}: ${s.backward_error} ${s.error}`);
      cases.push({ kind, C, H, W, KH, KW, groups, OC, stride, padding, dilation, cip, bias: st.bias, x, w, gy,
        page: { grad_input: flat(s.grad_input), grad_weight: s.grad_weight && flat(s.grad_weight), grad_bias: s.grad_bias && flat(s.grad_bias) } });
      if (kind !== 'conv') assert(s.grad_weight === null && s.grad_bias === null, `${kind}: only grad_input`);
    }
    assert(cases.length === 18, `${cases.length} valid cases`);
    const script = `import json, sys, torch, torch.nn.functional as F
cases = json.load(open(sys.argv[1]))
worst = 0.0
for i, c in enumerate(cases):
    x = torch.tensor(c['x'], dtype=torch.float32).reshape(1, c['C'], c['H'], c['W']).requires_grad_()
    if c['kind'] == 'conv':
        w = torch.tensor(c['w'], dtype=torch.float32).reshape(c['OC'], c['C'] // c['groups'], c['KH'], c['KW']).requires_grad_()
        b = torch.full((c['OC'],), float(c['bias'])).requires_grad_()
        y = F.conv2d(x, w, b, stride=c['stride'], padding=c['padding'], dilation=c['dilation'], groups=c['groups'])
    elif c['kind'] == 'maxpool':
        y = F.max_pool2d(x, (c['KH'], c['KW']), c['stride'], c['padding'], c['dilation'])
    else:
        y = F.avg_pool2d(x, (c['KH'], c['KW']), c['stride'], c['padding'], count_include_pad=c['cip'])
    y.backward(torch.tensor(c['gy'], dtype=torch.float32).reshape(y.shape))
    pairs = [('grad_input', x.grad)]
    if c['kind'] == 'conv':
        pairs += [('grad_weight', w.grad), ('grad_bias', b.grad)]
    for name, t in pairs:
        got = torch.tensor(c['page'][name], dtype=torch.float32)
        d = (got - t.flatten()).abs().max().item() if got.numel() == t.numel() else float('inf')
        if d > 1e-4:
            print(f'case {i} ({c["kind"]}) {name}: max |page - torch| = {d}')
        worst = max(worst, d)
print(f'worst {worst}')
`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convscope-backprop-'));
    fs.writeFileSync(path.join(dir, 'check.py'), script);
    fs.writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(cases));
    let out;
    try { out = execFileSync('/usr/bin/python3', [path.join(dir, 'check.py'), path.join(dir, 'cases.json')], { encoding: 'utf8' }); }
    finally { fs.rmSync(dir, { recursive: true, force: true }); }
    const worst = Number(out.trim().split('worst ').pop());
    assert(Number.isFinite(worst) && worst <= 1e-4, `torch disagrees:\n${out}`);
    console.log(`  ${cases.length} configurations, worst |page - torch| = ${worst}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'backprop: three equal dX views, SGD clicked lowers the loss, a huge lr diverges in words, gradient check < 1e-2', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: LOW_RES });
    await setState(page, { stepper: { mode: 'grouped', channels: 2, out_channels: 2, groups: 2, input: 7, kernel: 3, stride: 2, padding: 1,
      input_preset: 'random', kernel_preset: 'random', direction: 'backward', grad_output: 'target', lr: 0.00001 } });
    // Inputs up to 9 make the squared error steep: 1e-3 already overshoots here, 1e-5 is a small step.
    await frames(page, 2);
    let s = (await state(page)).stepper;
    const v = s.dx_views;
    for (const k of ['rotated', 'col2im']) {
      const a = flat(v.scatter), b = flat(v[k]);
      assert(a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-5), `scatter vs ${k} differ`);
    }
    assert(v.max_diff < 1e-5, `max_diff ${v.max_diff}`);
    // Stride 2: every other row of the padded dL/dY is an inserted zero row.
    assert(v.dy_padded[0][2].every((x) => x === 0), 'stride 2 inserts a zero row');
    const it = await items(page);
    for (const k of ['backward.view-scatter0', 'backward.view-rotated0', 'backward.view-col2im0', 'backward.views'])
      assert(it[k], `${k} is on screen`);
    const before = s.loss;
    await clickItem(page, 'backward.sgd');
    s = (await state(page)).stepper;
    assert(s.sgd && s.sgd.done && s.sgd.loss_after < s.sgd.loss_before, `SGD: ${JSON.stringify(s.sgd)}`);
    assert(Math.abs(s.sgd.loss_before - before) < 1e-3 * Math.max(1, before) && Math.abs(s.loss - s.sgd.loss_after) < 1e-3 * Math.max(1, s.loss),
      `loss shown ${before} -> ${s.loss}, report ${JSON.stringify(s.sgd)}`);
    await clickItem(page, 'backward.grad-check');
    s = (await state(page)).stepper;
    assert(s.grad_check && s.grad_check.max_rel_error < 1e-2, `grad check ${JSON.stringify(s.grad_check)}`);
    // A huge learning rate: the loss jumps, then the weights would overflow — refused in words, kernel kept.
    await setState(page, { stepper: { lr: 100 } });
    let diverged = false;
    for (let i = 0; i < 30 && !diverged; i++) {
      const w0 = JSON.stringify((await state(page)).stepper.grad_weight);
      await clickItem(page, 'backward.sgd');
      s = (await state(page)).stepper;
      if (s.sgd.error) {
        diverged = true;
        assert(s.sgd.error.startsWith('Diverged'), s.sgd.error);
        assert(JSON.stringify(s.grad_weight) === w0, 'the refused step left the kernel (and so dL/dW) as it was');
      }
    }
    assert(diverged, 'lr 100 never diverged');
    // Bad input: refused with a sentence, the state kept.
    const keep = JSON.stringify(s.grad_output);
    for (const bad of [{ grad_output: 'zeros' }, { grad_output: [[1, 2]] }, { grad_output: [[null]] }, { lr: -1 }, { target: 'x' }]) {
      const err = await refusal(page, { stepper: bad });
      assert(err.includes('stepper.'), `refused ${JSON.stringify(bad)} in words: "${err}"`);
    }
    assert(JSON.stringify((await state(page)).stepper.grad_output) === keep, 'refusals kept dL/dY');
    await screenshot(page, 'backprop-sgd');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'backprop: the link keeps the direction and the gradient choice', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES });
    await setState(page, { stepper: { mode: 'avgpool', kernel: 2, stride: 2, count_include_pad: false, direction: 'backward', grad_output: 'random' } });
    await page.waitForFunction(() => location.hash.includes('dir=b') && location.hash.includes('grad=random'), null, { timeout: 10000 })
      .catch(async () => { throw new Error(`hash ${await page.evaluate(() => location.hash)}`); });
    const hash = await page.evaluate(() => location.hash);
    const s0 = (await state(page)).stepper;
    const second = await openApp(ctx.browser, ctx.url + hash, { dpr: LOW_RES, context });
    const s1 = (await state(second.page)).stepper;
    assert(s1.direction === 'backward' && s1.grad_choice === 'random' && s1.count_include_pad === false, `restored ${s1.direction} ${s1.grad_choice}`);
    assert(JSON.stringify(s1.grad_input) === JSON.stringify(s0.grad_input), 'the same dL/dX');
    assert(errors.length === 0 && second.errors.length === 0, `console errors: ${errors.concat(second.errors).join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'backprop: screenshots at 1920x1080 and projector scale, the backward body inside the panel', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: 1 });
    await setState(page, { stepper: { mode: 'standard', input: 7, kernel: 3, stride: 2, padding: 1, input_preset: 'random', kernel_preset: 'sobel-x',
      direction: 'backward', grad_output: 'random', backward_step: 5 } });
    await frames(page, 3);
    await screenshot(page, 'backprop-1920');
    const x1 = (await items(page))['backward.dy0'];
    await setState(page, { ui_scale: 2 });
    await frames(page, 4);
    await screenshot(page, 'backprop-projector');
    const it = await items(page);
    assert(it['backward.dy0'] && it['backward.dy0'].width >= 1.6 * x1.width, `dL/dY at projector scale ${JSON.stringify(it['backward.dy0'])}, at x1 ${JSON.stringify(x1)}`);
    await setState(page, { ui_scale: 1, stepper: { mode: 'maxpool', kernel: 2, stride: 2, padding: 0, dilation: 1, input: 6 } });
    await frames(page, 3);
    await screenshot(page, 'backprop-maxpool');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  return tests;
}
