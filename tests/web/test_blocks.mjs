// test_blocks.mjs — the blocks workspace in the real page: the block-costs panel's rows equal
// PyTorch's counts (tests/golden/block_costs.json), a real mouse drag on the kernel slider asks the
// engine again, an even kernel is explained in words and refused by setState, and on a phone the
// panel is a tab whose items all fit the screen. The blocks panel: for seeded random configurations
// every node's layer, output shape and parameter count equal those of the nn.Module torch builds from
// the page's own "Copy as PyTorch" source, and a real click puts that source on the system clipboard.
// The diagram: the residual's projection shortcut and MBConv's SE are lanes of their own that meet the
// main path at the join, and a real click (a tap on a phone) on a box selects that node, as a row does;
// on a phone every box is a finger's target inside the screen. Screenshots: test-artifacts/web/blocks-*.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS, assert, clickItem, frames, items, LOW_RES, openApp, panels, ROOT, savePicture, setState, state } from './harness.mjs';

// torch's side: the nn.Module from the copied source, its leaf modules (a SqueezeExcitation counted as
// one, as the engine's node is) in the order the forward pass runs them, each with its output shape
// and its own parameters. Between ConvNeXt's two Permutes the tensor is channels-last; those shapes
// are turned back to (N, C, H, W), the layout the engine keeps.
const TORCH_NODES = String.raw`
import json, sys
import torch
from torch import nn
cases = json.load(open(sys.argv[1]))
out = []
for source in cases:
    ns = {}
    exec(source, ns)
    m = ns['Block']().eval()
    nodes, channels_last = [], [False]
    se = [n for n, x in m.named_modules() if type(x).__name__ == 'SqueezeExcitation']
    def unit(name, mod):
        if any(name.startswith(s + '.') for s in se):
            return False  # inside a SqueezeExcitation, which is one node
        return type(mod).__name__ == 'SqueezeExcitation' or not list(mod.children())
    def hook(mod, inputs, output):
        if type(mod).__name__ == 'Permute':
            channels_last[0] = not channels_last[0]
            return
        shape = list(output.shape)
        if channels_last[0] and len(shape) == 4:
            shape = [shape[0], shape[3], shape[1], shape[2]]
        nodes.append({'op': type(mod).__name__, 'shape': shape, 'params': sum(p.numel() for p in mod.parameters())})
    for name, mod in m.named_modules():
        if name and unit(name, mod):
            mod.register_forward_hook(hook)
    with torch.no_grad():
        y = m(ns['example_input'])
    out.append({'nodes': nodes, 'params': sum(p.numel() for p in m.parameters()), 'output': list(y.shape)})
print(json.dumps(out))
`;

// A small seeded generator, so a failure names a configuration that can be replayed.
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const golden = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/golden/block_costs.json'), 'utf8'));

async function refusal(page, partial) {
  try { await setState(page, partial); return ''; } catch (e) { return String(e.message || e); }
}

function sameRows(bc, rows, where) {
  const all = [...bc.blocks, ...bc.heads];
  assert(all.length === Object.keys(rows).length, `${where}: ${all.length} rows, PyTorch has ${Object.keys(rows).length}`);
  for (const r of all) {
    const t = rows[r.id];
    assert(t, `${where}: row ${r.id} is not in the fixture`);
    assert(JSON.stringify(r.output) === JSON.stringify(t.output), `${where} ${r.id}: output ${r.output} vs ${t.output}`);
    assert(r.params === t.params, `${where} ${r.id}: ${r.params} parameters, PyTorch ${t.params}`);
    assert(r.macs === t.macs, `${where} ${r.id}: ${r.macs} MACs, PyTorch ${t.macs}`);
  }
}

// The diagram state().blocks.diagram gives: boxes by name, and whether an arrow goes from a to b.
function diagramOf(b, where) {
  const d = b.diagram;
  assert(d && Array.isArray(d.boxes) && Array.isArray(d.edges), `${where}: no diagram in state().blocks`);
  const box = Object.fromEntries(d.boxes.map((x) => [x.name, x]));
  for (const n of b.nodes) assert(d.boxes.filter((x) => x.name === n.name).length === 1, `${where}: node ${n.name} is not one box`);
  for (const [from, to] of d.edges) assert(box[from] && box[to], `${where}: arrow ${from} -> ${to} joins no box`);
  const edge = (from, to) => d.edges.some(([f, t]) => f === from && t === to);
  return { d, box, edge };
}

// The diagrams looked at in screenshots: the residual with a projection, the SE, MBConv with SE, ConvNeXt.
const DIAGRAMS = {
  residual: { block: 'residual', in_channels: 8, out_channels: 16, height: 14, width: 14, kernel: 3, stride: 2, projection: true },
  se: { block: 'se', in_channels: 16, out_channels: 16, height: 8, width: 8, kernel: 3, stride: 1 },
  mbconv: { block: 'mbconv', in_channels: 16, out_channels: 16, height: 8, width: 8, kernel: 3, stride: 1, expand_ratio: 4, se: true },
  convnext: { block: 'convnext', in_channels: 16, out_channels: 16, height: 8, width: 8, kernel: 7, stride: 1 },
};

// A real mouse click in the middle of an item: the pointer moves there first (ImGui hovers it in a
// frame), then presses and releases over a few frames.
async function mouseClickItem(page, id) {
  const r = (await items(page))[id];
  assert(r, `item ${id} is not on screen`);
  const x = r.x + r.width / 2, y = r.y + r.height / 2;
  await page.mouse.move(x, y);
  await frames(page, 2);
  await page.mouse.click(x, y, { delay: 120 });
  await frames(page, 3);
}

export function blocksTests(ctx) {
  const tests = [];

  tests.push({ name: 'blocks: for random configurations every node equals the nn.Module torch builds from the page\'s Copy as PyTorch', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: LOW_RES });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ctx.url).origin });
    await setState(page, { workspace: 'blocks' });
    await frames(page, 2);
    const seed = Number(process.env.CS_BLOCKS_SEED || 21);
    const rnd = mulberry32(seed);
    const pick = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
    const names = ['conv_bn_relu', 'residual', 'se', 'mbconv', 'convnext', 'gap_head', 'flatten_head'];
    const configs = names.map((block) => ({ block, in_channels: 8, out_channels: 8, height: 6, width: 6, kernel: block === 'convnext' ? 7 : 3, stride: 1 }));
    for (let i = 0; i < 14; ++i) {
      const block = names[pick(0, names.length - 1)];
      const c = { block, in_channels: pick(1, 24), out_channels: pick(1, 24), height: pick(1, 12), width: pick(1, 12),
        kernel: 2 * pick(0, 3) + 1, stride: pick(1, 3), expand_ratio: pick(1, 6), se: rnd() < 0.5, projection: rnd() < 0.5 };
      if (block === 'se' || block === 'convnext') c.out_channels = c.in_channels;
      if (block === 'convnext') c.stride = 1;
      if (block === 'mbconv') c.stride = Math.min(c.stride, 2);  // EfficientNet's depthwise strides
      configs.push(c);
    }
    const page_side = [];
    for (const c of configs) {
      await setState(page, { blocks: c });
      const b = (await state(page)).blocks;
      assert(b.error === '' && b.nodes.length > 0 && b.pytorch.includes('class Block(nn.Module)'), `${JSON.stringify(c)}: error "${b.error}"`);
      page_side.push(b);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convscope-blocks-'));
    fs.writeFileSync(path.join(dir, 'nodes.py'), TORCH_NODES);
    fs.writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(page_side.map((b) => b.pytorch)));
    let torch;
    try { torch = JSON.parse(execFileSync('/usr/bin/python3', [path.join(dir, 'nodes.py'), path.join(dir, 'cases.json')], { encoding: 'utf8' })); }
    finally { fs.rmSync(dir, { recursive: true, force: true }); }
    let compared = 0;
    page_side.forEach((b, i) => {
      const where = `seed ${seed}, ${JSON.stringify(configs[i])}`;
      const t = torch[i];
      assert(b.total_params === t.params, `${where}: ${b.total_params} parameters, torch ${t.params}`);
      assert(JSON.stringify(b.output_shape) === JSON.stringify(t.output), `${where}: output ${b.output_shape}, torch ${t.output}`);
      // The joins (add, mul, the ReLU after an add) are tensor operations in torch, not modules.
      const layers = b.nodes.filter((n) => !n.join);
      const ops = (list) => list.map((n) => n.op.replace(/^LayerNorm2d$/, 'LayerNorm')).join(' ');
      assert(layers.length === t.nodes.length, `${where}: page layers ${ops(layers)}\ntorch layers ${ops(t.nodes)}`);
      layers.forEach((n, k) => {
        const u = t.nodes[k];
        assert(ops([n]) === u.op, `${where}: node ${n.name} is ${n.op}, torch runs ${u.op}`);
        assert(JSON.stringify(n.shape) === JSON.stringify(u.shape), `${where}: node ${n.name} outputs ${n.shape}, torch ${u.shape}`);
        assert(n.params === u.params, `${where}: node ${n.name} has ${n.params} parameters, torch ${u.params}`);
        ++compared;
      });
    });
    console.log(`  ${configs.length} configurations (seed ${seed}), ${compared} nodes equal torch's`);
    // A real click on the button: the same source lands on the system clipboard, and a notice says so.
    const before = (await state(page)).blocks;
    await clickItem(page, 'blocks.copy');
    const after = (await state(page)).blocks;
    assert(after.pytorch_copies === before.pytorch_copies + 1, `copies ${before.pytorch_copies} -> ${after.pytorch_copies}`);
    await page.waitForFunction(async (w) => (await navigator.clipboard.readText()) === w, after.pytorch, { timeout: 5000 }).catch(async () => {
      throw new Error(`clipboard holds "${await page.evaluate(() => navigator.clipboard.readText())}"`);
    });
    await savePicture(page, path.join(ARTIFACTS, 'blocks-panel-desktop.png'));
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'blocks: a real click on a node shows its output; BatchNorm normalises in train mode and not in eval mode', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: LOW_RES });
    await setState(page, { workspace: 'blocks', blocks: { block: 'conv_bn_relu', in_channels: 3, out_channels: 6, height: 10, width: 10, seed: 4, batch: 8, training: true } });
    await frames(page, 2);
    let b = (await state(page)).blocks;
    assert(b.probe.error === '' && b.probe.node === null && b.probe.input, `before a click: ${JSON.stringify(b.probe).slice(0, 200)}`);
    assert(Math.abs(b.probe.input.mean) < 0.2 && Math.abs(b.probe.input.std - 1) < 0.1, `random input mean ${b.probe.input.mean} std ${b.probe.input.std}`);
    await clickItem(page, 'blocks.node.bn');
    b = (await state(page)).blocks;
    assert(b.probe.node && b.probe.node.name === 'bn', `the click selected ${b.probe.node && b.probe.node.name}`);
    const train = b.probe.node.stats;
    assert(train.channel_mean.length === 6 && train.channel_mean.every((m) => Math.abs(m) < 1e-3), `train-mode channel means ${train.channel_mean}`);
    assert(train.channel_var.every((v) => Math.abs(v - 1) < 1e-2), `train-mode channel variances ${train.channel_var}`);
    assert(b.probe.node.sample.length === 6 && b.probe.node.sample[0].length === 100, 'one 10x10 map per channel');
    assert(train.histogram.reduce((a, x) => a + x, 0) === 8 * 6 * 100, `histogram counts ${train.histogram}`);
    await savePicture(page, path.join(ARTIFACTS, 'blocks-probe-train.png'));
    await clickItem(page, 'blocks.training');  // a real click on the checkbox: eval mode
    b = (await state(page)).blocks;
    assert(b.probe.training === false && b.probe.node.name === 'bn', `after the checkbox: training ${b.probe.training}`);
    const evalVar = b.probe.node.stats.channel_var;
    assert(evalVar.some((v) => Math.abs(v - 1) > 0.05), `eval mode keeps the conv's variances, not 1: ${evalVar}`);
    await clickItem(page, 'blocks.node.act');
    b = (await state(page)).blocks;
    assert(b.probe.node.name === 'act' && b.probe.node.stats.min === 0 && b.probe.node.stats.zero_fraction > 0.2,
      `ReLU: min ${b.probe.node.stats.min}, zeros ${b.probe.node.stats.zero_fraction}`);
    const why = await refusal(page, { blocks: { selected: 'body.0.conv' } });
    assert(why.includes('blocks.selected') && why.includes('conv, bn, act'), `an unknown node: "${why}"`);
    await savePicture(page, path.join(ARTIFACTS, 'blocks-probe-eval.png'));
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'blocks: on a phone the blocks panel fills the width, nodes are finger-sized and a tap shows a node', fn: async () => {
    const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true });
    const { page, errors } = await openApp(ctx.browser, ctx.url, { context });
    const cdp = await context.newCDPSession(page);
    await setState(page, { workspace: 'blocks', blocks: { block: 'residual', in_channels: 4, out_channels: 8, height: 6, width: 6, stride: 2 } });
    await frames(page, 4);
    const p = await panels(page);
    assert(p.blocks, `the blocks panel is shown (panels: ${Object.keys(p)})`);
    const r = p.blocks;
    assert(r.x >= -0.5 && r.x + r.width <= 390.5 && r.width > 300, `panel ${JSON.stringify(r)} fills 390 px`);
    // The table is below the diagram: scroll the panel (a wheel over it) until the first row shows.
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
    for (let i = 0; i < 60 && !(await items(page))['blocks.node.body.0.conv']; ++i) {
      await page.mouse.wheel(0, 120);
      await frames(page, 2);
    }
    const it = await items(page);
    const mine = Object.keys(it).filter((k) => k.startsWith('blocks.'));
    assert(mine.includes('blocks.node.body.0.conv'), `node rows are items: ${mine}`);
    for (const k of mine) {
      const q = it[k];
      if (q.y >= r.y + r.height || q.y + q.height > 844) continue;  // below the fold: scrolled to, not clipped
      assert(q.x >= -0.5 && q.x + q.width <= 390.5, `${k} ${JSON.stringify(q)} inside the screen's width`);
      if (k !== 'blocks.histogram') assert(q.height >= 24 - 0.01, `${k} is ${q.height.toFixed(1)} CSS px tall, under 24`);
    }
    const row = it['blocks.node.body.0.conv'];
    const point = [{ x: row.x + 40, y: row.y + row.height / 2, id: 1, radiusX: 4, radiusY: 4, force: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point });
    await frames(page, 2);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await frames(page, 4);
    const b = (await state(page)).blocks;
    assert(b.probe.node && b.probe.node.name === 'body.0.conv', `a tap selected ${b.probe.node && b.probe.node.name}`);
    await savePicture(page, path.join(ARTIFACTS, 'blocks-panel-phone.png'));
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'blocks: block costs equal PyTorch\'s, a real drag on the kernel slider asks the engine again, bad kernels refused', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: LOW_RES });
    await setState(page, { workspace: 'blocks' });
    await frames(page, 3);
    const p = await panels(page);
    assert(p['block-costs'] && p.blocks, `panels on the blocks workspace: ${Object.keys(p)}`);
    for (const c of golden().cases) {
      await setState(page, { block_costs: c.query });
      await frames(page, 2);
      const bc = (await state(page)).block_costs;
      sameRows(bc, c.rows, JSON.stringify(c.query));
      const sep = bc.blocks.find((r) => r.id === 'separable');
      assert(Math.abs(sep.params_ratio - bc.separable_exact) < 1e-9, `separable ratio ${sep.params_ratio} vs 1/C + 1/K^2 ${bc.separable_exact}`);
    }
    // A real drag: the kernel slider from its left end (K = 1) to its right end (K = 15).
    await setState(page, { block_costs: { channels: 8, height: 12, width: 12, kernel: 3, classes: 10 } });
    await frames(page, 2);
    const s = (await items(page))['block-costs.kernel'];
    assert(s, 'the kernel slider is on screen');
    await page.mouse.move(s.x + 2, s.y + s.height / 2);
    await frames(page, 2);
    await page.mouse.down();
    await frames(page, 2);
    await page.mouse.move(s.x + s.width * 0.6 - 2, s.y + s.height / 2, { steps: 5 });
    await frames(page, 2);
    await page.mouse.up();
    await frames(page, 3);
    let bc = (await state(page)).block_costs;
    assert(bc.kernel > 3, `after the drag the kernel is ${bc.kernel}`);
    if (bc.kernel % 2 === 1) {
      assert(bc.error === '', `odd kernel ${bc.kernel}: error "${bc.error}"`);
      const std = bc.blocks.find((r) => r.id === 'standard');
      assert(std.params === 8 * 8 * bc.kernel * bc.kernel, `after the drag: ${std.params} parameters for K=${bc.kernel}`);
    } else {
      assert(bc.error.includes(`got ${bc.kernel}`) && bc.blocks.length === 0, `even kernel ${bc.kernel}: error "${bc.error}"`);
    }
    await savePicture(page, path.join(ARTIFACTS, 'blocks-costs-desktop.png'));
    const why = await refusal(page, { block_costs: { kernel: 4 } });
    assert(why.includes('kernel must be odd') && why.includes('got 4'), `setState kernel 4: "${why}"`);
    assert((await refusal(page, { block_costs: { channels: 'many' } })).includes('block_costs.channels must be an integer'), 'a string for channels');
    assert((await refusal(page, { block_costs: { channels: 128, height: 64, width: 64, kernel: 15 } })).includes('make the channels'), 'too much work is refused');
    bc = (await state(page)).block_costs;
    assert(bc.kernel !== 4 && bc.channels !== 128, `a refused setState left the panel as it was (kernel ${bc.kernel}, channels ${bc.channels})`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'blocks: on a phone the block costs are a tab whose items fit the screen', fn: async () => {
    const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true });
    const { page, errors } = await openApp(ctx.browser, ctx.url, { context });
    const cdp = await context.newCDPSession(page);
    await setState(page, { workspace: 'blocks' });
    await frames(page, 4);
    const tab = (await items(page))['tab.block-costs'];
    assert(tab, `the block-costs tab is on screen (items: ${Object.keys(await items(page))})`);
    const point = [{ x: tab.x + tab.width / 2, y: tab.y + tab.height / 2, id: 1, radiusX: 4, radiusY: 4, force: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point });
    await frames(page, 2);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await frames(page, 4);
    const p = await panels(page);
    assert(p['block-costs'], `the tap showed the panel (panels: ${Object.keys(p)})`);
    const r = p['block-costs'];
    assert(r.x >= -0.5 && r.x + r.width <= 390.5 && r.y + r.height <= 844.5, `panel ${JSON.stringify(r)} inside 390x844`);
    const it = await items(page);
    const mine = Object.keys(it).filter((k) => k.startsWith('block-costs.'));
    assert(mine.length >= 4, `block-costs items on the phone: ${mine}`);
    for (const k of mine) {
      const q = it[k];
      if (q.y >= r.y + r.height) continue;  // below the pane's fold: scrolled to, not clipped
      assert(q.x >= -0.5 && q.x + q.width <= 390.5, `${k} ${JSON.stringify(q)} inside the screen's width`);
      assert(q.height >= 24 - 0.01, `${k} is ${q.height.toFixed(1)} CSS px tall, under 24`);
    }
    await savePicture(page, path.join(ARTIFACTS, 'blocks-costs-phone.png'));
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'blocks: the diagram puts the shortcut and the SE in lanes of their own that meet the main path; a real click on a box selects its node', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { width: 1920, height: 1080, dpr: LOW_RES });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await setState(page, { workspace: 'blocks', blocks: DIAGRAMS.residual });
    await frames(page, 3);
    let b = (await state(page)).blocks;
    let { d, box, edge } = diagramOf(b, 'residual');
    assert(box.input && box.input.row === 0 && box.input.lane === 0, `the input box: ${JSON.stringify(box.input)}`);
    for (const n of ['shortcut.conv', 'shortcut.bn']) assert(box[n].lane > 0, `${n} is in lane ${box[n].lane}, not beside the body`);
    for (const n of b.nodes.filter((x) => x.name.startsWith('body.'))) assert(box[n.name].lane === 0, `${n.name} is in lane ${box[n.name].lane}`);
    assert(box.sum.join && box.sum.op === 'add' && box.sum.lane === 0, `the add: ${JSON.stringify(box.sum)}`);
    assert(edge('input', 'body.0.conv') && edge('input', 'shortcut.conv'), 'the input splits into the body and the shortcut');
    assert(edge('shortcut.bn', 'sum') && edge('body.1.bn', 'sum'), 'the shortcut and the body meet at the add');
    assert(d.edges.filter(([, t]) => t === 'sum').length === 2, `arrows into the add: ${JSON.stringify(d.edges)}`);
    assert(box['shortcut.conv'].row === box['body.0.conv'].row, 'the two branches run side by side');
    await page.mouse.move(4, 1076);  // no tooltip in the pictures
    await frames(page, 2);
    await savePicture(page, path.join(ARTIFACTS, 'blocks-diagram-residual-desktop.png'));
    // A real click on a box selects its node (the probe shows it), a click on another moves the selection.
    await mouseClickItem(page, 'blocks.box.body.0.bn');
    b = (await state(page)).blocks;
    assert(b.probe.selected === 'body.0.bn' && b.probe.node && b.probe.node.name === 'body.0.bn', `the click selected "${b.probe.selected}"`);
    await mouseClickItem(page, 'blocks.box.shortcut.conv');
    b = (await state(page)).blocks;
    assert(b.probe.selected === 'shortcut.conv' && b.probe.node.op === 'Conv2d', `the second click selected "${b.probe.selected}"`);
    await mouseClickItem(page, 'blocks.box.sum');  // a join is a target too
    b = (await state(page)).blocks;
    assert(b.probe.selected === 'sum' && b.probe.node.op === 'add', `the click on the add selected "${b.probe.selected}"`);
    // The table's row and the box are one selection: a click on the row, then on its box, deselects.
    await clickItem(page, 'blocks.node.body.1.conv');
    assert((await state(page)).blocks.probe.selected === 'body.1.conv', 'the row selects');
    await mouseClickItem(page, 'blocks.box.body.1.conv');
    assert((await state(page)).blocks.probe.selected === '', 'a click on the selected box deselects it, as on its row');

    // MBConv with SE: the SE beside depthwise -> multiply, the skip in a lane of its own further out.
    await setState(page, { blocks: DIAGRAMS.mbconv });
    await frames(page, 3);
    b = (await state(page)).blocks;
    ({ d, box, edge } = diagramOf(b, 'mbconv'));
    assert(box.se.op === 'SqueezeExcitation' && box.se.lane === 1 && box.se.rows > 1, `the SE box: ${JSON.stringify(box.se)}`);
    assert(box['se.scale'].join && box['se.scale'].op === 'mul' && box['se.scale'].lane === 0, `the multiply: ${JSON.stringify(box['se.scale'])}`);
    assert(edge('depthwise.act', 'se') && edge('se', 'se.scale') && edge('depthwise.act', 'se.scale'), `SE arrows: ${JSON.stringify(d.edges)}`);
    assert(box.residual.join && edge('input', 'residual') && edge('project.bn', 'residual'), `the residual add: ${JSON.stringify(d.edges)}`);
    assert(d.lanes === 3, `lanes: main, SE, and the skip round both (${d.lanes})`);
    for (const x of d.boxes.filter((y) => y.lane === 0 && y.name !== 'input'))
      assert(!x.name.startsWith('se') || x.name === 'se.scale', `${x.name} on the main path`);
    await mouseClickItem(page, 'blocks.box.se');
    b = (await state(page)).blocks;
    assert(b.probe.selected === 'se' && b.probe.node.op === 'SqueezeExcitation', `the click on the SE selected "${b.probe.selected}"`);
    await page.mouse.move(4, 1076);
    await frames(page, 2);
    await savePicture(page, path.join(ARTIFACTS, 'blocks-diagram-mbconv-desktop.png'));
    for (const name of ['se', 'convnext']) {
      await setState(page, { blocks: { ...DIAGRAMS[name], selected: '' } });
      await frames(page, 3);
      b = (await state(page)).blocks;
      ({ d, box, edge } = diagramOf(b, name));
      const joins = d.boxes.filter((x) => x.join);
      for (const j of joins) assert(d.edges.filter(([, t]) => t === j.name).length === 2, `${name}: ${j.name} has two arrows in`);
      await savePicture(page, path.join(ARTIFACTS, `blocks-diagram-${name}-desktop.png`));
    }
    // Frame time with the largest diagram on screen (a figure; other processes inflate it).
    await setState(page, { blocks: DIAGRAMS.mbconv });
    await frames(page, 60);
    const perf = (await state(page)).perf;
    console.log(`    blocks workspace with the MBConv diagram at 1920x1080: p50 ${perf.p50_ms.toFixed(2)} ms, p95 ${perf.p95_ms.toFixed(2)} ms over ${perf.frames} frames; ` +
      `slowest 5%: app ${perf.slow.app_ms.toFixed(2)} ms, Render ${perf.slow.render_ms.toFixed(2)} ms, GL ${perf.slow.gl_ms.toFixed(2)} ms`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'blocks: on a phone the diagram fits the screen, its boxes are finger-sized and do not overlap, a tap on a box selects it', fn: async () => {
    const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true });
    const { page, errors } = await openApp(ctx.browser, ctx.url, { context });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const cdp = await context.newCDPSession(page);
    const tap = async (x, y) => {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y, id: 1, radiusX: 4, radiusY: 4, force: 1 }] });
      await frames(page, 1);  // one frame down: a slow frame under load must not make it a long press
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      await frames(page, 4);
    };
    await setState(page, { workspace: 'blocks' });
    await frames(page, 4);
    assert((await state(page)).layout.name === 'phone', `layout ${(await state(page)).layout.name}`);
    // As test_phones.mjs counts it: overlapping in part (an item inside another, as a box inside the panel's
    // keyboard-focus rectangle, nests and does not clash).
    const contains = (a, b) => a.x <= b.x + 0.5 && a.y <= b.y + 0.5 && a.x + a.width >= b.x + b.width - 0.5 && a.y + a.height >= b.y + b.height - 0.5;
    const overlap = (a, b) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 &&
      b.y < a.y + a.height - 0.5 && !contains(a, b) && !contains(b, a);
    for (const name of Object.keys(DIAGRAMS)) {
      await setState(page, { blocks: { ...DIAGRAMS[name], selected: '' } });
      await frames(page, 3);
      // The diagram starts below the block's settings: scroll the panel until its last box is on screen.
      const b = (await state(page)).blocks;
      const last = `blocks.box.${b.nodes[b.nodes.length - 1].name}`;
      const pane = (await panels(page)).blocks;
      await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
      for (let i = 0; i < 80 && !((await items(page))[last]); ++i) {
        await page.mouse.wheel(0, 40);
        await frames(page, 3);
      }
      const it = await items(page);
      const boxes = Object.keys(it).filter((k) => k.startsWith('blocks.box.'));
      assert(it[last] && boxes.length >= 2, `${name}: boxes on screen after scrolling: ${boxes}`);
      for (const k of boxes) {
        const q = it[k];
        assert(q.x >= -0.5 && q.x + q.width <= 390.5 && q.y >= -0.5 && q.y + q.height <= 844.5, `${name}: ${k} ${JSON.stringify(q)} outside 390x844`);
        assert(q.width >= 24 - 0.01 && q.height >= 24 - 0.01, `${name}: ${k} is ${q.width.toFixed(1)}x${q.height.toFixed(1)} CSS px, under 24x24`);
        for (const o of Object.keys(it)) if (o !== k && overlap(q, it[o])) throw new Error(`${name}: ${k} ${JSON.stringify(q)} overlaps ${o} ${JSON.stringify(it[o])}`);
      }
      await savePicture(page, path.join(ARTIFACTS, `blocks-diagram-${name}-phone.png`));
      // A tap on the first box on screen that is a layer selects its node.
      const target = boxes.find((k) => !b.diagram.boxes.find((x) => `blocks.box.${x.name}` === k).join);
      const q = it[target];
      const tips = (await state(page)).touch.finger_tooltips;
      // The wheel scrolled with a mouse pointer: park it where the finger lands, so the first touch
      // event does not read as the pointer travelling from the panel's middle (a drag, not a tap).
      await page.mouse.move(q.x + q.width / 2, q.y + q.height / 2);
      await frames(page, 2);
      await tap(q.x + q.width / 2, q.y + q.height / 2);
      const s = await state(page);
      assert(`blocks.box.${s.blocks.probe.selected}` === target, `${name}: a tap on ${target} selected "${s.blocks.probe.selected}"`);
      assert(s.touch.finger_tooltips === tips, `${name}: the tap on ${target} popped a tooltip (${s.touch.tooltip})`);
    }
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  return tests;
}
