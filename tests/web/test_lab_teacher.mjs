// test_lab_teacher.mjs — the digit lab as a teacher uses it, with real input events: weights opened
// with File > Open change the prediction and hostile files dropped on the page are refused with a
// sentence (the prediction kept, a way back to the shipped weights); the SE heatmap keeps moving
// while "Train it live" runs; a dropped photo replaces the drawing on the pad and the empty pad
// greets with "draw a digit here"; a link to the lab (gallery digit, Grad-CAM) opens the same lab in
// a new browser context.
import fs from 'node:fs';
import path from 'node:path';
import { LOW_RES, ROOT, assert, clickItem, frames, items, openApp, screenshot, setState, state } from './harness.mjs';

const LAB = { workspace: 'digit-lab' };

// [weights files] made here from the shipped file: 8-byte little-endian header length, JSON header,
// data (DigitNet's tensors stored as F16).
const SHIPPED = fs.readFileSync(path.join(ROOT, 'assets/digitnet.safetensors'));

function splitSafetensors(bytes) {
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')), headerBytes: n, data: bytes.subarray(8 + n) };
}

// Header JSON padded with spaces to `length` (the format allows it), so the data offsets stay valid.
function joinSafetensors(header, length, data) {
  let text = JSON.stringify(header);
  assert(text.length <= length, `the edited header grew: ${text.length} > ${length}`);
  text = text.padEnd(length, ' ');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(length));
  return Buffer.concat([len, Buffer.from(text, 'utf8'), data]);
}

// The shipped weights with the classifier's weights and bias negated (F16: flip each value's sign
// bit): a valid DigitNet file whose prediction differs.
function negatedClassifier() {
  const { header, headerBytes, data } = splitSafetensors(SHIPPED);
  const out = Buffer.from(data);
  for (const name of ['fc.weight', 'fc.bias']) {
    const t = header[name];
    assert(t && t.dtype === 'F16', `${name}: ${JSON.stringify(t)}`);
    for (let i = t.data_offsets[0]; i < t.data_offsets[1]; i += 2) out[i + 1] ^= 0x80;
  }
  return joinSafetensors(header, headerBytes, out);
}

// Files that must be refused, each with the words its refusal names.
function hostileFiles() {
  const { header, headerBytes, data } = splitSafetensors(SHIPPED);
  const files = [];
  const reshaped = JSON.parse(JSON.stringify(header));
  reshaped['fc.weight'].shape = [20, 64];  // same number of values, not DigitNet's shape
  files.push({ name: 'wrong-shape.safetensors', bytes: joinSafetensors(reshaped, headerBytes, data), why: /shape/ });
  const retyped = JSON.parse(JSON.stringify(header));
  retyped['head.0.weight'].dtype = 'I16';  // 2 bytes a value like F16: only the type is wrong
  files.push({ name: 'wrong-dtype.safetensors', bytes: joinSafetensors(retyped, headerBytes, data), why: /I16/ });
  const renamed = JSON.parse(JSON.stringify(header));
  renamed['fc.weights'] = renamed['fc.weight'];
  delete renamed['fc.weight'];
  files.push({ name: 'wrong-name.safetensors', bytes: joinSafetensors(renamed, headerBytes, data), why: /fc\.weight/ });
  files.push({ name: 'truncated.safetensors', bytes: SHIPPED.subarray(0, 600), why: /truncated\.safetensors/ });
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
  garbage.writeBigUInt64LE(2000n, 0);
  garbage[8] = '{'.charCodeAt(0);
  files.push({ name: 'garbage.safetensors', bytes: garbage, why: /garbage\.safetensors/ });
  return files;
}

// A file dropped on the page (the browser's drop event with a DataTransfer holding it).
async function dropFile(page, name, bytes) {
  const dt = await page.evaluateHandle(([n, b64]) => {
    const d = new DataTransfer();
    d.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], n));
    return d;
  }, [name, Buffer.from(bytes).toString('base64')]);
  await page.dispatchEvent('#canvas', 'drop', { dataTransfer: dt });
}

// File > Open with the real menu: the page's file chooser receives the file.
async function openWithMenu(page, name, bytes) {
  await clickItem(page, 'menu.file');
  const chooser = page.waitForEvent('filechooser', { timeout: 10000 });
  await clickItem(page, 'menu.file.open');
  await (await chooser).setFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
}

async function waitFor(page, what, fn, arg, timeout = 20000) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch (e) {
    const s = await state(page);
    throw new Error(`${what} (waited ${timeout / 1000} s): notice "${s.notice}", network ${JSON.stringify(s.network)}, ` +
      `input ${JSON.stringify(s.input)}`);
  }
}

// The first gallery cell on screen other than `not`.
async function galleryCell(page, not = -1) {
  const id = Object.keys(await items(page)).filter((k) => k.startsWith('draw-pad.gallery.'))
    .find((k) => Number(k.split('.').pop()) !== not);
  assert(id, 'no gallery cell in items()');
  return { id, index: Number(id.split('.').pop()) };
}

// Mean grey level (0..255) of a small square of a real screenshot of the page, at (fx, fy) of rect `r`.
async function greyAt(page, r, points) {
  const png = (await page.screenshot({ clip: r })).toString('base64');
  return page.evaluate(async ([b64, pts]) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const off = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = off.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    return pts.map(([fx, fy]) => {
      const cx = Math.round(fx * bitmap.width), cy = Math.round(fy * bitmap.height);
      const d = g.getImageData(cx - 3, cy - 3, 7, 7).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += (d[i] + d[i + 1] + d[i + 2]) / 3;
      return sum / (d.length / 4);
    });
  }, [png, points]);
}

export function labTeacherTests(ctx) {
  const tests = [];

  tests.push({ name: 'lab teacher: opened weights change the prediction; hostile files are refused with a sentence, the prediction kept', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: LAB });
    await waitFor(page, 'the lab has its network', () => { const s = window.ConvScope.state(); return s.network && s.network.ok; });
    const cell = await galleryCell(page);
    await clickItem(page, cell.id);
    await waitFor(page, 'the gallery digit is predicted', (i) => {
      const s = window.ConvScope.state();
      return s.input.gallery === i && s.prediction && s.prediction.input_revision === s.input.revision;
    }, cell.index);
    let s = await state(page);
    const shipped = { probabilities: s.prediction.probabilities, revision: s.network.weights_revision };
    assert(s.network.weights.source === 'shipped' && s.network.weights.name === 'digitnet.safetensors',
      `weights at start: ${JSON.stringify(s.network.weights)}`);
    assert(!(await items(page))['prediction.use-shipped'], 'the shipped weights are in use: no button back to them');

    // A valid file with the classifier negated, through File > Open.
    await openWithMenu(page, 'negated.safetensors', negatedClassifier());
    await waitFor(page, 'the opened weights are loaded', (r) => window.ConvScope.state().network.weights_revision > r,
      shipped.revision);
    await frames(page, 3);
    s = await state(page);
    const mine = { probabilities: s.prediction.probabilities, revision: s.network.weights_revision, cls: s.prediction.class };
    assert(s.network.weights.source === 'file' && s.network.weights.name === 'negated.safetensors',
      `weights after opening: ${JSON.stringify(s.network.weights)}`);
    const moved = mine.probabilities.reduce((m, p, k) => Math.max(m, Math.abs(p - shipped.probabilities[k])), 0);
    assert(moved > 0.1, `the prediction did not change with the opened weights (largest change ${moved})`);
    assert(/negated\.safetensors/.test(s.notice) && /Loaded/.test(s.notice), `notice after loading: "${s.notice}"`);
    assert((await items(page))['prediction.weights'], 'the panel does not say which weights are in use');
    await screenshot(page, 'lab-teacher-opened-weights');

    // Hostile files dropped on the page: each refused in a sentence naming the file and the problem.
    for (const f of hostileFiles()) {
      const before = (await state(page)).frame;
      await dropFile(page, f.name, f.bytes);
      await waitFor(page, `a notice for ${f.name}`, ([n]) => window.ConvScope.state().notice.includes(n), [f.name]);
      await frames(page, 2);
      s = await state(page);
      assert(s.frame > before, 'no frames');
      assert(/^Kept the current weights: /.test(s.notice) && s.notice.endsWith('.') && f.why.test(s.notice),
        `${f.name}: notice "${s.notice}" should refuse it in a sentence matching ${f.why}`);
      assert(s.network.weights_revision === mine.revision && s.network.weights.name === 'negated.safetensors',
        `${f.name} changed the weights: ${JSON.stringify(s.network)}`);
      assert(JSON.stringify(s.prediction.probabilities) === JSON.stringify(mine.probabilities),
        `${f.name} changed the prediction`);
      assert(s.network.weights.refused.length > 0, `${f.name}: state() does not say why it was refused`);
    }
    // A file that is no weights at all: refused as well.
    await dropFile(page, 'notes.safetensors', Buffer.from('these are not weights at all, just text'));
    await waitFor(page, 'a notice for notes.safetensors', () => window.ConvScope.state().notice.includes('notes.safetensors'));
    s = await state(page);
    assert(/nothing was changed/.test(s.notice) && s.network.weights_revision === mine.revision, `text file: "${s.notice}"`);

    // Back to the shipped weights with the panel's button: the first prediction again.
    await clickItem(page, 'prediction.use-shipped');
    await waitFor(page, 'the shipped weights are back', () => window.ConvScope.state().network.weights.source === 'shipped');
    await frames(page, 3);
    s = await state(page);
    assert(JSON.stringify(s.prediction.probabilities) === JSON.stringify(shipped.probabilities),
      'the shipped weights do not give the first prediction again');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'lab teacher: weights dropped on the lessons page wait for the digit model, then the lab uses them', fn: async () => {
    // DigitNet's shipped weights are held back until the test lets them through.
    let release = null;
    const held = new Promise((r) => { release = r; });
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, serviceWorkers: 'block',
      beforeLoad: (p) => p.route('**/digitnet.safetensors', async (route) => { await held; await route.continue(); }) });
    let s = await state(page);
    assert(s.workspace === 'lessons' && s.lab_assets.status === 'idle', `start: ${s.workspace}, model ${s.lab_assets.status}`);
    await dropFile(page, 'negated.safetensors', negatedClassifier());
    // Not loaded yet (the model is on its way): the notice says when it will be, not that it was.
    await waitFor(page, 'a notice for negated.safetensors', () => window.ConvScope.state().notice.includes('negated.safetensors'));
    await frames(page, 5);
    s = await state(page);
    assert(s.lab_assets.status === 'loading' && /will be loaded as soon as/.test(s.notice),
      `while the model is on its way: notice "${s.notice}", model ${s.lab_assets.status}`);
    release();
    await waitFor(page, 'the weights are loaded when the model arrives', () => /^Loaded weights negated\.safetensors/.test(window.ConvScope.state().notice),
      undefined, 30000);
    await clickItem(page, 'menu.digit-lab');
    await waitFor(page, 'the lab predicts with the opened weights', () => {
      const x = window.ConvScope.state();
      return x.workspace === 'digit-lab' && x.network && x.network.weights.source === 'file' && x.network.weights.name === 'negated.safetensors';
    });
    assert((await items(page))['prediction.use-shipped'], 'no way back to the shipped weights in the Prediction panel');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'lab teacher: the SE heatmap keeps changing while "Train it live" runs', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: LAB });
    // The first pass over the 1000 digits with the shipped weights (its default share of the time).
    await waitFor(page, 'the first SE pass', () => { const s = window.ConvScope.state(); return s.se && s.se.complete && s.se.current_weights; },
      undefined, 120000);
    await setState(page, { training: { stop_at: 100000 } });  // the run must not end at its 600-step goal during the test
    const heat = (s) => JSON.stringify(s.se.blocks[0].per_digit);
    let s = await state(page);
    const maps = [heat(s)];
    await clickItem(page, 'training.train');
    await waitFor(page, 'training runs', () => window.ConvScope.state().training.running, undefined, 60000);
    const t0 = Date.now();
    let sampleShown = false;
    while (maps.length < 4 && Date.now() - t0 < 60000) {
      await frames(page, 2);
      s = await state(page);
      assert(s.training.running, `training stopped: ${JSON.stringify(s.training)}`);
      if (heat(s) !== maps[maps.length - 1]) {
        maps.push(heat(s));
        console.log(`  heatmap changed at ${((Date.now() - t0) / 1000).toFixed(1)} s, training step ${s.training.step}, ` +
          `sampled ${s.se.sampled} (${s.se.digits} digits)`);
        if (s.se.sampled && (await items(page))['se-weights.live-sample']) sampleShown = true;
      }
    }
    assert(maps.length >= 4, `the SE heatmap changed ${maps.length - 1} times in 60 s of training (step ${s.training.step})`);
    assert(sampleShown, 'the panel does not say the heatmap is refreshed on a sample while training');
    await screenshot(page, 'lab-teacher-se-while-training');
    // Paused: a full pass again.
    await clickItem(page, 'training.train');
    await waitFor(page, 'a full pass after training', () => {
      const x = window.ConvScope.state();
      return !x.training.running && x.se.complete && x.se.current_weights && !x.se.sampled && x.se.digits === 1000;
    }, undefined, 120000);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'lab teacher: the empty pad says "draw a digit here"; a dropped photo replaces the drawing on the pad, Grad-CAM lies on it', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { setup: LAB });
    await waitFor(page, 'the lab has its network', () => { const s = window.ConvScope.state(); return s.network && s.network.ok; });
    let s = await state(page);
    assert(s.draw.empty && s.draw.steps && s.draw.steps.message_shown === 'draw a digit here',
      `the empty pad greets with "${s.draw.steps && s.draw.steps.message_shown}"`);
    // A horizontal stroke across the middle of the pad, with the real mouse.
    const pad = (await items(page))['draw-pad.canvas'];
    const at = (fx, fy) => [pad.x + fx * pad.width, pad.y + fy * pad.height];
    await page.mouse.move(...at(0.12, 0.5));
    await frames(page, 1);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) {
      await page.mouse.move(...at(0.12 + 0.76 * i / 8, 0.5));
      await frames(page, 1);
    }
    await page.mouse.up();
    await frames(page, 3);
    s = await state(page);
    assert(s.input.mode === 'drawing' && s.input.has_ink && s.draw.shows === 'drawing', `after the stroke: ${JSON.stringify(s.input)}`);
    const [strokeGrey, paperGrey] = await greyAt(page, pad, [[0.3, 0.5], [0.5, 0.25]]);
    assert(strokeGrey < 100 && paperGrey > 180, `the drawing on the pad: stroke ${strokeGrey}, paper ${paperGrey}`);
    // A photo of a "1": a black bar on white paper, 200 x 300, made in the page as a PNG.
    const png = await page.evaluate(async () => {
      const c = new OffscreenCanvas(200, 300);
      const g = c.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, 200, 300);
      g.fillStyle = '#000';
      g.fillRect(88, 40, 24, 220);
      const blob = await c.convertToBlob({ type: 'image/png' });
      return btoa(String.fromCharCode(...new Uint8Array(await blob.arrayBuffer())));
    });
    const revision = s.input.revision;
    await dropFile(page, 'one.png', Buffer.from(png, 'base64'));
    await waitFor(page, 'the photo is the input', (r) => window.ConvScope.state().input.revision > r, revision);
    await frames(page, 3);
    s = await state(page);
    assert(s.input.mode === 'photo' && s.input.has_ink && s.draw.shows === 'photo', `after the drop: ${JSON.stringify(s.input)} ${s.draw.shows}`);
    assert(s.prediction && s.prediction.class === 1, `the photo of a 1 is predicted as ${s.prediction && s.prediction.class}`);
    // The pad shows the photo now: the bar where there was paper, paper where the stroke was.
    const [wasStroke, bar] = await greyAt(page, pad, [[0.3, 0.5], [0.5, 0.25]]);
    assert(bar < 60, `the pad does not show the photo's bar at its centre (grey ${bar})`);
    assert(wasStroke > 180, `the pad still shows the old stroke where the photo is paper (grey ${wasStroke})`);
    // Grad-CAM (a real click) is laid on the photo where the network's 28x28 field lies: round the bar.
    await clickItem(page, 'activations.saliency.gradcam');
    await waitFor(page, 'Grad-CAM on the photo on the pad', () => { const x = window.ConvScope.state().saliency; return x && x.on_pad; });
    const [fx, fy, fw, fh] = (await state(page)).saliency.on_pad;
    const cx = (fx + fw / 2 - pad.x) / pad.width, cy = (fy + fh / 2 - pad.y) / pad.height;
    assert(Math.abs(cx - 0.5) < 0.05 && Math.abs(cy - 0.5) < 0.05 && fh > 0.7 * pad.height && fh < 1.2 * pad.height,
      `the saliency field on the photo: centre (${cx.toFixed(3)}, ${cy.toFixed(3)}) of the pad, ${fw.toFixed(0)}x${fh.toFixed(0)} px on a ${pad.height}-px pad`);
    await screenshot(page, 'lab-teacher-photo-gradcam-on-pad', { x: pad.x, y: pad.y, width: pad.width, height: pad.height });
    await clickItem(page, 'activations.saliency.off');
    await screenshot(page, 'lab-teacher-photo-on-pad', { x: pad.x, y: pad.y, width: pad.width, height: pad.height });
    // Drawing again starts a fresh drawing over the photo.
    await page.mouse.move(...at(0.5, 0.2));
    await page.mouse.down();
    await frames(page, 1);
    await page.mouse.move(...at(0.5, 0.8));
    await frames(page, 1);
    await page.mouse.up();
    await frames(page, 3);
    s = await state(page);
    assert(s.input.mode === 'drawing' && s.draw.shows === 'drawing' && s.draw.strokes === 1, `drawing after the photo: ${JSON.stringify(s.draw)}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });

  tests.push({ name: 'lab teacher: a link to the lab with a gallery digit and Grad-CAM opens the same in a new browser context', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, setup: LAB });
    await waitFor(page, 'the lab has its network', () => { const s = window.ConvScope.state(); return s.network && s.network.ok; });
    const cell = await galleryCell(page);
    await clickItem(page, cell.id);
    await clickItem(page, 'activations.saliency.gradcam');
    let s = await state(page);
    assert(s.input.gallery === cell.index && s.saliency.mode === 'grad-cam', `picked: ${JSON.stringify(s.input)} ${s.saliency.mode}`);
    try {
      await page.waitForFunction((i) => location.hash.includes(`lg=${i}&`) && location.hash.includes('sal=cam'), cell.index,
        { timeout: 10000 });
    } catch (e) {
      throw new Error(`the address bar does not hold the lab's state after 10 s: ${await page.evaluate(() => location.hash)}`);
    }
    const link = page.url();
    console.log(`  link: ${link.slice(link.indexOf('#'))}`);
    await context.close();
    // A new browser context (another student's browser) opens the link.
    const other = await openApp(ctx.browser, link, { dpr: LOW_RES });
    await waitFor(other.page, 'the link opens the lab with its digit and Grad-CAM', (i) => {
      const x = window.ConvScope.state();
      return x.workspace === 'digit-lab' && x.input.mode === 'gallery' && x.input.gallery === i &&
        x.saliency.mode === 'grad-cam' && Array.isArray(x.saliency.map);
    }, cell.index, 60000);
    s = await state(other.page);
    assert(/opened/i.test(s.notice) || s.notice === '', `link notice: "${s.notice}"`);
    await screenshot(other.page, 'lab-teacher-link-opened');
    assert(errors.length === 0 && other.errors.length === 0, `console errors: ${[...errors, ...other.errors].join(' | ')}`);
    await other.context.close();
  } });

  return tests;
}
