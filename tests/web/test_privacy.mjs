// test_privacy.mjs — the page talks to no server but its own: a Content-Security-Policy in the page's
// head (hosted page and single offline file alike) allows fetching only the page's own files, and a
// class's whole use of the page (lessons, the digit lab, drawing, predicting, training) requests
// nothing from another origin and breaks no rule of that policy.
import path from 'node:path';
import { WEB, assert, clickItem, frames, items, openApp, setState, state } from './harness.mjs';
import { drawStroke } from './test_digit_lab.mjs';

const ONE = [[0.5, 0.15], [0.5, 0.85]];

// Collects every policy violation the page reports, from its first script on.
async function recordViolations(page) {
  await page.addInitScript(() => {
    window.csViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.csViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

async function policyOf(page) {
  return page.evaluate(() => {
    const m = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    return m ? m.getAttribute('content') : '';
  });
}

function checkPolicy(csp) {
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0], d.slice(1)]));
  assert(directives['default-src'] && directives['default-src'].join(' ') === "'self'", `default-src: ${csp}`);
  // data: is the single file's own inlined WebAssembly and digits, read by fetch without a network.
  assert(directives['connect-src'] && directives['connect-src'].every((s) => s === "'self'" || s === 'data:'), `connect-src: ${csp}`);
  for (const [name, sources] of Object.entries(directives))
    assert(!sources.some((s) => /^(https?:|\*|wss?:)/.test(s)), `${name} names another host: ${csp}`);
}

async function waitFor(page, what, predicate, timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (predicate(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(100);
  }
}

export function privacyTests(ctx) {
  return [
    { name: 'privacy: lessons, the digit lab, drawing and training request nothing from another origin; a foreign fetch is refused', fn: async () => {
      const requests = [];
      const { page, errors, context } = await openApp(ctx.browser, ctx.url, { beforeLoad: async (p) => {
        p.on('request', (r) => requests.push(r.url()));
        await recordViolations(p);
      } });
      const origin = new URL(ctx.url).origin;
      checkPolicy(await policyOf(page));
      await frames(page, 5);
      // Help says it in one sentence (F1 opens Help).
      await page.keyboard.press('F1');
      await frames(page, 3);
      assert((await items(page))['help.privacy'], `Help shows no privacy sentence: ${Object.keys(await items(page)).filter((k) => k.startsWith('help')).join(', ')}`);
      await page.keyboard.press('F1');
      await frames(page, 2);
      // Every lesson mode the stepper offers, then the lab: model, gallery, drawing, prediction, training.
      for (const mode of ['standard', 'grouped', 'depthwise', 'pointwise', 'separable', 'transposed', 'maxpool', 'avgpool']) {
        await setState(page, { stepper: { mode } });
        await frames(page, 2);
      }
      await clickItem(page, 'menu.digit-lab');
      let s = await waitFor(page, 'the digit model did not arrive', (x) => x.lab_assets.status === 'ready' && x.network.ok);
      await drawStroke(page, ONE);
      s = await waitFor(page, 'no prediction of the drawing', (x) => x.prediction && x.prediction.input_revision === x.input.revision);
      await setState(page, { training: { budget_ms: 14 } });
      await clickItem(page, 'training.scratch');
      s = await waitFor(page, 'training did not reach step 2', (x) => x.training.step >= 2, 90000);
      await clickItem(page, 'training.train');
      await frames(page, 3);
      const foreign = requests.filter((u) => !u.startsWith(origin + '/') && !/^(data|blob):/.test(u));
      assert(requests.length > 3, `the page's own files were requested: ${requests.join(' ')}`);
      assert(foreign.length === 0, `requests to another origin: ${foreign.join(' ')}`);
      const violations = await page.evaluate(() => window.csViolations.slice());
      assert(violations.length === 0, `the page broke its own policy: ${violations.join('; ')}`);
      // The policy is really in force: a fetch to another origin (another loopback address) is refused
      // before any connection is made.
      const refused = await page.evaluate(async (port) => {
        try { await fetch(`http://127.0.0.2:${port}/x`); return 'fetched'; } catch (e) { return 'refused'; }
      }, new URL(ctx.url).port);
      await page.waitForTimeout(50);
      const after = await page.evaluate(() => window.csViolations.slice());
      assert(refused === 'refused' && after.some((v) => v.startsWith('connect-src')), `foreign fetch: ${refused}, violations ${after.join('; ')}`);
      assert(!requests.some((u) => u.startsWith('http://127.0.0.2')), 'the foreign fetch reached the network');
      assert(errors.filter((e) => !/Content Security Policy|127\.0\.0\.2/.test(e)).length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } },
    { name: 'privacy: the single offline file carries the same policy and requests nothing over the network', fn: async () => {
      const requests = [];
      const { page, errors, context } = await openApp(ctx.browser, 'file://' + path.join(WEB, 'convscope.html'), {
        setup: { workspace: 'digit-lab' },
        beforeLoad: async (p) => {
          p.on('request', (r) => requests.push(r.url()));
          await recordViolations(p);
        } });
      checkPolicy(await policyOf(page));
      await waitFor(page, 'the inlined digit model did not load', (x) => x.lab_assets.status === 'ready' && x.network.ok);
      await drawStroke(page, ONE);
      await waitFor(page, 'no prediction of the drawing', (x) => x.prediction && x.prediction.input_revision === x.input.revision);
      const network = requests.filter((u) => /^(https?|wss?):/.test(u));
      assert(network.length === 0, `network requests from the single file: ${network.join(' ')}`);
      const violations = await page.evaluate(() => window.csViolations.slice());
      assert(violations.length === 0, `the single file broke its own policy: ${violations.join('; ')}`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      await context.close();
    } },
  ];
}
