// test_languages.mjs — Spanish, German and Simplified Chinese in the real page: chosen from View >
// Language with the mouse, fetched only then (the first load asks for no language file and no font),
// every string drawable (the app checks each string of the table against the font atlas as built:
// state().glyphs_missing), every bundled lesson in each language with all its glyphs, every panel
// photographed in each language, the choice remembered on reload, and a first visit following the
// browser's language.
import { LOW_RES, ROOT, assert, clickItem, frames, items, openApp, savePictures, setState, state } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS } from './harness.mjs';

const CODE = { spanish: 'es', german: 'de', chinese: 'zh' };
const LESSONS = path.join(ROOT, 'assets/lessons');

// Every bundled lesson opened in the language shown: its title, the first step's text and the menu's
// title are the file's translations, and the font draws every string of the lesson (glyphs_missing).
async function checkLessonsIn(page, name) {
  const index = JSON.parse(fs.readFileSync(path.join(LESSONS, 'index.json'), 'utf8'));
  const listed = await page.evaluate(() => window.ConvScope.lessons());
  for (const entry of index.lessons) {
    const file = JSON.parse(fs.readFileSync(path.join(LESSONS, entry.file), 'utf8'));
    const t = file.translations[CODE[name]];
    await setState(page, { lesson: { id: entry.id, step: 0 } });
    const l = (await waitFor(page, `${name}: lesson ${entry.id}`, (x) => x.lesson && x.lesson.id === entry.id)).lesson;
    const first = file.chapters[0].steps[0];
    assert(l.title === t[file.title] && l.text === t[first.text], `${name} ${entry.id}: ${JSON.stringify({ title: l.title, text: l.text.slice(0, 80) })}`);
    assert(l.glyphs_missing.length === 0, `${name} ${entry.id}: strings with a missing glyph: ${l.glyphs_missing.slice(0, 10).join(', ')}`);
    const menu = listed.find((x) => x.id === entry.id);
    assert(menu && menu.title === index.translations[CODE[name]][entry.title], `${name}: the Course menu's title of ${entry.id}: ${menu && menu.title}`);
  }
  await setState(page, { lesson: null });
  await frames(page, 2);
}

const LANGS = [
  { name: 'spanish', item: 'menu.language.spanish', file: 'File', expect: 'Archivo', play: 'Reproducir', font: false },
  { name: 'german', item: 'menu.language.german', expect: 'Datei', play: 'Abspielen', font: false },
  { name: 'chinese', item: 'menu.language.chinese', expect: '文件', play: '播放', font: true },
];

async function waitFor(page, what, predicate, timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (predicate(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} within ${timeoutMs / 1000} s: ${JSON.stringify(s).slice(0, 400)}`);
    await page.waitForTimeout(100);
  }
}

// View > Language > <item>, with the mouse.
async function pickLanguage(page, item) {
  await clickItem(page, 'menu.view');
  const lang = (await items(page))['menu.language'];
  assert(lang, 'View shows Language');
  await page.mouse.move(lang.x + lang.width / 2, lang.y + lang.height / 2);
  await frames(page, 4);
  await clickItem(page, item);
  await page.mouse.move(2, 795);
  await frames(page, 3);
}

export function languagesTests(ctx) {
  return [
    { name: 'languages: each real language from the View menu, fetched on demand, every string has its glyphs, every panel photographed', fn: async () => {
      const requests = [];
      const { page, errors, context } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, beforeLoad: async (p) => {
        p.on('request', (r) => requests.push(new URL(r.url()).pathname));
      } });
      await frames(page, 3);
      assert(!requests.some((r) => /lang-/.test(r)), `the first load fetched a language file: ${requests.filter((r) => /lang-/.test(r))}`);
      let s = await state(page);
      assert(s.language === 'english' && s.glyphs_missing.length === 0, `English first, every glyph there: ${s.glyphs_missing}`);
      for (const L of LANGS) {
        await setState(page, { workspace: 'lessons' });
        await pickLanguage(page, L.item);
        s = await waitFor(page, `${L.name} loaded`, (x) => x.language === L.name && x.language_status === 'ready' && x.language_shown === L.name);
        await frames(page, 4);  // the Chinese glyphs are baked into the atlas before the next frame
        s = await state(page);
        assert(s.ui_sample.menu_file === L.expect && s.ui_sample.stepper_play === L.play, `${L.name} on screen: ${JSON.stringify(s.ui_sample)}`);
        assert(s.glyphs_missing.length === 0, `${L.name}: strings with a missing glyph: ${s.glyphs_missing.slice(0, 20).join(', ')}`);
        assert(s.language_problems === '', `${L.name}: the file's problems: ${s.language_problems}`);
        await checkLessonsIn(page, L.name);
        assert(requests.some((r) => r.endsWith(`/lang-${L.name === 'spanish' ? 'es' : L.name === 'german' ? 'de' : 'zh'}.json`)), `${L.name}: its file was fetched`);
        assert(requests.some((r) => r.endsWith('/lang-zh-font.ttf')) === (L.font || LANGS.indexOf(L) > 2), `${L.name}: the CJK font is fetched only for Chinese`);
        // The mirror follows the language too (document lang and text).
        const lang = await page.evaluate(() => document.documentElement.lang);
        assert(lang === { spanish: 'es', german: 'de', chinese: 'zh-Hans' }[L.name], `document lang ${lang}`);
        // Every panel of both workspaces, at dpr 1 for people to look at.
        await savePictures(page, [{ file: path.join(ARTIFACTS, `languages-${L.name}-lessons.png`) }]);
        await setState(page, { workspace: 'digit-lab', help: true });
        await waitFor(page, 'the digit model', (x) => x.lab_assets.status === 'ready');
        await setState(page, { input: { gallery: 1 } });
        await waitFor(page, 'a prediction', (x) => x.prediction);
        await frames(page, 5);
        await savePictures(page, [{ file: path.join(ARTIFACTS, `languages-${L.name}-digit-lab.png`) }]);
        await setState(page, { help: false });
      }
      assert(errors.length === 0, `console errors: ${errors.join('\n')}`);
      // Remembered: a reload in the same browser comes back in the last language chosen.
      const again = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, context });
      await waitFor(again.page, 'the remembered language', (x) => x.language === 'chinese' && x.language_shown === 'chinese');
      await pickLanguage(again.page, 'menu.language.english');
      assert((await state(again.page)).language_shown === 'english', 'back to English from the menu');
    } },

    { name: "languages: a first visit follows the browser's language (de-DE -> German); a broken language file leaves the page in English with a sentence", fn: async () => {
      const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: LOW_RES, locale: 'de-DE' });
      try {
        const { page } = await openApp(ctx.browser, ctx.url, { context });
        const s = await waitFor(page, 'German from the browser', (x) => x.language === 'german' && x.language_shown === 'german');
        assert(s.ui_sample.menu_file === 'Datei', `German on screen: ${JSON.stringify(s.ui_sample)}`);
      } finally {
        await context.close();
      }
      const { page, context: c2 } = await openApp(ctx.browser, ctx.url, { dpr: LOW_RES, serviceWorkers: 'block', beforeLoad: async (p) => {
        await p.route('**/lang-es.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"app_file": 7, "stepper_play": "%d Reproducir"' }));
        await p.route('**/lang-de.json', (route) => route.fulfill({ status: 404, body: 'no' }));
      } });
      await setState(page, { language: 'german' });
      let s = await waitFor(page, 'a failed German', (x) => x.language_status === 'failed');
      assert(s.language_shown === 'english' && /lang-de\.json/.test(s.language_error) && /404/.test(s.language_error), `a 404 in words: ${s.language_error}`);
      await setState(page, { language: 'spanish' });
      s = await waitFor(page, 'a broken Spanish', (x) => x.language_status === 'failed' || x.language_shown === 'spanish');
      assert(s.language_shown === 'english' && /JSON/.test(s.language_error), `a truncated file in words: ${s.language_error}`);
      assert(s.ui_sample.menu_file === 'File', 'the page stays usable in English');
      await c2.close();
    } },
  ];
}
