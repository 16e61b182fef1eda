// test_foundation.mjs — the page loads without console errors, draws, takes real mouse input at
// dpr 1 and 2, recovers from a lost WebGL context, and the single file works from file://.
import path from 'node:path';
import { WEB, assert, canvasColours, clickItem, frames, items, launch, openApp, panels, screenshot, serve, setState, state } from './harness.mjs';

// The welcome panel holds the widgets these tests drive; it is shown on top of the lessons.
const HOME = { home: { visible: true } };

export function foundationTests(ctx) {
  const tests = [];
  for (const dpr of [1, 2]) {
    tests.push({ name: `hosted page loads and draws at dpr ${dpr}`, fn: async () => {
      const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr, setup: HOME });
      await frames(page, 5);
      const c = await canvasColours(page);
      assert(c.width === 1280 * dpr && c.height === 800 * dpr, `canvas backing store ${c.width}x${c.height}, expected ${1280 * dpr}x${800 * dpr}`);
      assert(c.colours > 50, `canvas looks blank (${c.colours} colours)`);
      const p = await panels(page);
      assert(p.home && p.home.width > 100, `panels() has no home panel: ${JSON.stringify(p)}`);
      await screenshot(page, `foundation-dpr${dpr}`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } });
    tests.push({ name: `real mouse click reaches ImGui at dpr ${dpr}`, fn: async () => {
      const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr, setup: HOME });
      const before = (await state(page)).home.clicks;
      await clickItem(page, 'home.button');
      await clickItem(page, 'home.button');
      const after = (await state(page)).home.clicks;
      assert(after === before + 2, `clicks ${before} -> ${after}, expected +2`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } });
  }
  tests.push({ name: 'an unchanged frame is not drawn again; input and resizes draw at once', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { setup: HOME });
    // Counts the page's WebGL draw calls (the app's only way to put pixels on the canvas).
    await page.evaluate(() => {
      window.__draws = 0;
      const proto = WebGL2RenderingContext.prototype, real = proto.drawElements;
      proto.drawElements = function (...a) { window.__draws++; return real.apply(this, a); };
    });
    const draws = () => page.evaluate(() => window.__draws);
    // Park the mouse off every widget and let hover fades and the first frames settle.
    await page.mouse.move(1270, 790);
    let settled = false;
    for (let i = 0; i < 40 && !settled; i++) { const d = await draws(); await frames(page, 5); settled = (await draws()) === d; }
    assert(settled, 'the idle page kept drawing for 200 frames');
    const f0 = (await state(page)).frame, d0 = await draws();
    await frames(page, 20);
    const f1 = (await state(page)).frame, d1 = await draws();
    assert(f1 >= f0 + 20 && d1 === d0, `idle: ${f1 - f0} frames ran and ${d1 - d0} draw calls were made (expected none)`);
    assert((await canvasColours(page)).colours > 50, 'the canvas went blank while frames were skipped');
    // A hover changes a widget's colour: drawn on the next frames.
    const b = (await items(page))['home.button'];
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await frames(page, 3);
    assert((await draws()) > d1, 'hovering a button drew nothing');
    // A click still works, and a new window size is drawn (the browser clears a resized canvas).
    const clicks = (await state(page)).home.clicks;
    await clickItem(page, 'home.button');
    assert((await state(page)).home.clicks === clicks + 1, 'the click was lost');
    const d2 = await draws();
    await page.setViewportSize({ width: 1100, height: 760 });
    await frames(page, 4);
    assert((await draws()) > d2, 'a resized canvas was not drawn');
    const c = await canvasColours(page);
    assert(c.width === 1100 && c.colours > 50, `after the resize: ${JSON.stringify(c)}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });
  tests.push({ name: 'dragging a window title bar moves the panel', fn: async () => {
    const { page, context } = await openApp(ctx.browser, ctx.url, { setup: HOME });
    const p0 = (await panels(page)).home;
    await page.mouse.move(p0.x + 60, p0.y + 8);
    await page.mouse.down();
    await frames(page, 2);
    for (let i = 1; i <= 10; i++) { await page.mouse.move(p0.x + 60 + i * 15, p0.y + 8 + i * 10); await frames(page, 1); }
    await page.mouse.up();
    await frames(page, 2);
    const p1 = (await panels(page)).home;
    assert(Math.abs(p1.x - p0.x - 150) < 3 && Math.abs(p1.y - p0.y - 100) < 3, `panel moved from ${JSON.stringify(p0)} to ${JSON.stringify(p1)}`);
    await context.close();
  } });
  tests.push({ name: 'dragging the slider changes its value', fn: async () => {
    const { page, context } = await openApp(ctx.browser, ctx.url, { setup: HOME });
    const r = (await items(page))['home.slider'];
    await page.mouse.move(r.x + r.width * 0.5, r.y + r.height / 2);
    await page.mouse.down();
    await frames(page, 2);
    await page.mouse.move(r.x + r.width * 0.9, r.y + r.height / 2, { steps: 5 });
    await frames(page, 2);
    await page.mouse.up();
    await frames(page, 2);
    const v = (await state(page)).home.slider;
    assert(v > 0.8, `slider value ${v} after dragging to 90%`);
    await context.close();
  } });
  tests.push({ name: 'setState round-trips and rejects bad input without changing state', fn: async () => {
    const { page, context } = await openApp(ctx.browser, ctx.url, { setup: HOME });
    await setState(page, { home: { clicks: 41 } });
    assert((await state(page)).home.clicks === 41, 'setState did not apply');
    let threw = false;
    try { await setState(page, { home: { clicks: 'many' } }); } catch (e) { threw = /integer/.test(String(e)); }
    assert(threw, 'a bad field must throw with the reason');
    assert((await state(page)).home.clicks === 41, 'a rejected setState changed the state');
    await context.close();
  } });
  tests.push({ name: 'canvas follows the window size', fn: async () => {
    const { page, context } = await openApp(ctx.browser, ctx.url, { dpr: 2, setup: HOME });
    await page.setViewportSize({ width: 900, height: 600 });
    await frames(page, 4);
    const c = await canvasColours(page);
    assert(c.width === 1800 && c.height === 1200, `canvas ${c.width}x${c.height} after resize to 900x600 @2x`);
    await context.close();
  } });
  tests.push({ name: 'WebGL context loss is recovered', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { setup: HOME });
    await page.evaluate(() => {
      const gl = document.getElementById('canvas').getContext('webgl2');
      window.__lose = gl.getExtension('WEBGL_lose_context');
      window.__lose.loseContext();
    });
    await page.waitForTimeout(300);
    await page.evaluate(() => window.__lose.restoreContext());
    await frames(page, 10);
    const c = await canvasColours(page);
    assert(c.colours > 50, `canvas blank after context restore (${c.colours} colours)`);
    await clickItem(page, 'home.button');
    assert((await state(page)).home.clicks === 1, 'input does not work after context restore');
    await screenshot(page, 'foundation-after-context-loss');
    const real = errors.filter((e) => !/context lost|CONTEXT_LOST/i.test(e));
    assert(real.length === 0, `console errors: ${real.join(' | ')}`);
    await context.close();
  } });
  tests.push({ name: 'dropped files: an image is accepted, junk and corrupt images are refused with a notice', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url);
    // A real 2x1 PNG (red, white), then junk, then a PNG whose data is cut short.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGP4z8Dw//9/AAv7A/3dF29HAAAAAElFTkSuQmCC';
    const drop = async (name, b64) => {
      const dt = await page.evaluateHandle(([n, b]) => {
        const d = new DataTransfer();
        d.items.add(new File([Uint8Array.from(atob(b), (c) => c.charCodeAt(0))], n));
        return d;
      }, [name, b64]);
      await page.dispatchEvent('#canvas', 'drop', { dataTransfer: dt });
      await frames(page, 3);
    };
    await drop('dot.png', png);
    let s = await state(page);
    assert(s.inbox.image.serial === 1 && s.inbox.image.width === 2 && s.inbox.image.height === 1, `image not accepted: ${JSON.stringify(s.inbox)} ${s.notice}`);
    await drop('notes.txt', btoa('hello, this is not an image'));
    s = await state(page);
    assert(s.inbox.image.serial === 1 && /not a PNG/.test(s.notice), `junk: notice "${s.notice}"`);
    await drop('broken.png', png.slice(0, 40));
    s = await state(page);
    assert(s.inbox.image.serial === 1 && /Could not open broken.png/.test(s.notice), `corrupt png: notice "${s.notice}"`);
    assert(s.inbox.image.width === 2, 'a refused file changed the current image');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });
  tests.push({ name: 'presentation scale buttons scale widgets crisply; F1 opens the shortcut help', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: 2, setup: HOME });
    const h1 = (await items(page))['home.button'].height;
    await clickItem(page, 'menu.zoom-in');
    await frames(page, 3);
    let s = await state(page);
    assert(s.ui_scale === 1.5, `ui_scale ${s.ui_scale} after A+`);
    const h2 = (await items(page))['home.button'].height;
    assert(h2 > h1 * 1.35 && h2 < h1 * 1.65, `button height ${h1} -> ${h2} at x1.5`);
    await setState(page, { theme: 'high-contrast' });
    await frames(page, 3);
    await screenshot(page, 'present-x1.5-high-contrast-dpr2');
    await page.locator('#canvas').focus();
    await page.keyboard.press('F1');
    await frames(page, 3);
    assert((await state(page)).help === true && (await panels(page)).help, 'F1 did not open the help overlay');
    await clickItem(page, 'menu.zoom-out');
    assert((await state(page)).ui_scale === 1, 'A- did not go back to x1');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });
  tests.push({ name: 'hosted build reloads with the network off (service worker)', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, ctx.url);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 }).catch(async () => {
      await page.reload(); await page.evaluate(() => window.ConvScope.ready);
    });
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => window.ConvScope !== undefined, null, { timeout: 30000 });
    await page.evaluate(() => window.ConvScope.ready);
    await frames(page, 5);
    const c = await canvasColours(page);
    assert(c.colours > 30, `offline reload draws nothing (${c.colours} colours)`);
    const real = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
    assert(real.length === 0, `console errors: ${real.join(' | ')}`);
    await context.close();
  } });
  tests.push({ name: 'single-file convscope.html works from file://', fn: async () => {
    const { page, errors, context } = await openApp(ctx.browser, 'file://' + path.join(WEB, 'convscope.html'), { setup: HOME });
    await frames(page, 5);
    const c = await canvasColours(page);
    assert(c.colours > 50, `single file canvas looks blank (${c.colours} colours)`);
    await clickItem(page, 'home.button');
    assert((await state(page)).home.clicks === 1, 'click did not reach the single-file app');
    await screenshot(page, 'foundation-single-file');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    await context.close();
  } });
  return tests;
}
