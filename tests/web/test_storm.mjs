// test_storm.mjs — a seeded random-input storm over every workspace and panel: clicks, drags, key
// presses, wheel and window resizes for CS_STORM_SECONDS (default 60). The app must not abort, log
// no console error, keep drawing frames and keep a consistent, JSON-readable state.
import { assert, frames, openApp, panels, screenshot, state } from './harness.mjs';

// mulberry32: small, seedable, reproducible.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['Space', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Tab', 'Enter',
  'Escape', 'Backspace', 'Delete', '1', '5', '9', 'a', 'z', '-', '.', 'F1', 'PageUp', 'PageDown'];

export function stormTests(ctx) {
  return [{ name: `random-input storm (seed ${process.env.CS_STORM_SEED || 1234})`, fn: async () => {
    const seconds = Number(process.env.CS_STORM_SECONDS || 60);
    const random = rng(Number(process.env.CS_STORM_SEED || 1234));
    const { page, errors, context } = await openApp(ctx.browser, ctx.url);
    const pick = (arr) => arr[Math.floor(random() * arr.length)];
    let size = { width: 1280, height: 800 };
    const t0 = Date.now();
    let events = 0, lastFrame = (await state(page)).frame;
    const workspaces = ['lessons', 'digit-lab'];
    while (Date.now() - t0 < seconds * 1000) {
      // Aim at real panels most of the time, anywhere on the page otherwise.
      const rects = Object.values(await panels(page));
      const r = rects.length && random() < 0.85 ? pick(rects) : { x: 0, y: 0, width: size.width, height: size.height };
      const x = r.x + random() * r.width, y = r.y + random() * r.height;
      const kind = random();
      if (kind < 0.35) {
        await page.mouse.click(x, y, { button: random() < 0.9 ? 'left' : 'right' });
      } else if (kind < 0.55) {
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + (random() - 0.5) * 300, y + (random() - 0.5) * 300, { steps: 4 });
        await page.mouse.up();
      } else if (kind < 0.75) {
        await page.keyboard.press(pick(KEYS));
      } else if (kind < 0.85) {
        await page.mouse.move(x, y);
        await page.mouse.wheel(0, (random() - 0.5) * 600);
      } else if (kind < 0.9) {
        size = { width: 640 + Math.floor(random() * 1300), height: 480 + Math.floor(random() * 700) };
        await page.setViewportSize(size);
      } else if (kind < 0.95) {
        await page.evaluate((w) => window.ConvScope.setState({ workspace: w }), pick(workspaces));
      } else {
        await page.mouse.click(x, y, { clickCount: 2 });
      }
      events++;
      if (events % 25 === 0) {
        const s = await state(page);  // throws if the JSON is broken
        assert(s.frame > lastFrame, `no new frame after ${events} events (frame ${s.frame})`);
        lastFrame = s.frame;
        assert(errors.length === 0, `console errors after ${events} events: ${errors.join(' | ')}`);
      }
    }
    await frames(page, 5);
    const aborted = await page.evaluate(() => document.getElementById('error').style.display === 'block');
    assert(!aborted, 'the error overlay is showing: the module aborted');
    await screenshot(page, 'storm-end');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    console.log(`     storm: ${events} events in ${seconds} s, last frame ${lastFrame}`);
    await context.close();
  } }];
}
