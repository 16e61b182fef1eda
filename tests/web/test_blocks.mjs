// test_blocks.mjs — the blocks workspace in the real page: the block-costs panel's rows equal
// PyTorch's counts (tests/golden/block_costs.json), a real mouse drag on the kernel slider asks the
// engine again, an even kernel is explained in words and refused by setState, and on a phone the
// panel is a tab whose items all fit the screen. Screenshots: test-artifacts/web/blocks-*.
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, assert, frames, items, LOW_RES, openApp, panels, ROOT, savePicture, setState, state } from './harness.mjs';

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

export function blocksTests(ctx) {
  const tests = [];

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

  return tests;
}
