// check_lessons.mjs — checks every bundled guided lesson (assets/lessons/) against the real app: each step's
// state is applied through the desktop binary (--state), and the resulting state(), panels() and items()
// must hold every path the step's task names, the spotlight it lights, and a task still to do.
// Usage: node tests/lessons/check_lessons.mjs [--bin build/native/convscope-desktop] [--only c02] [--verbose]
// (re-runs itself under xvfb-run when there is no display). Exit 0 = every step passed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, resolvePath, pathsOf, validatePredicate } from './predicates.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const bin = path.resolve(root, opt('--bin', 'build/native/convscope-desktop'));
const only = opt('--only', '');
const verbose = args.includes('--verbose');
const lessonsDir = path.join(root, 'assets', 'lessons');
// Known solutions of the do tasks (a setState partial per lesson and step), kept out of the lesson files.
const solutions = JSON.parse(fs.readFileSync(path.join(here, 'solutions.json'), 'utf8')).solutions;

if (!process.env.DISPLAY && !process.env.CS_NO_XVFB) {
  const r = spawnSync('xvfb-run', ['-a', '-s', '-screen 0 1920x1080x24', process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, CS_NO_XVFB: '1' } });
  process.exit(r.status ?? 1);
}

const problems = [];
const notes = [];
const fail = (where, msg) => problems.push(`${where}: ${msg}`);
const ID = /^[a-z0-9-]{1,40}$/;
// Panels each workspace draws, and the setState switch that shows a lessons-workspace panel.
const LESSON_PANELS = { stepper: 'stepper', 'output-size': 'output_size', im2col: 'im2col' };
const LAB_PANELS = ['draw-pad', 'prediction', 'activations', 'se-weights', 'training'];
const BLOCKS_PANELS = ['blocks', 'block-costs', 'ab-lab'];

// [SECTION] running the app ---------------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-lessons-'));
let runs = 0;
function runApp(stateJson, frames, later = []) {
  const f = (n) => path.join(tmp, `${n}.json`);
  for (const n of ['s', 'p', 'i']) fs.rmSync(f(n), { force: true });
  const then = later.flatMap((x) => ['--then', JSON.stringify(x)]);
  const r = spawnSync(bin, ['--frames', String(frames), '--state', JSON.stringify(stateJson), ...then, '--dump-state', f('s'),
    '--dump-panels', f('p'), '--dump-items', f('i')], { encoding: 'utf8', timeout: 120000 });
  runs++;
  if (r.status !== 0) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim() };
  const read = (n) => JSON.parse(fs.readFileSync(f(n), 'utf8'));
  return { state: read('s'), panels: read('p'), items: read('i') };
}

// A copy of b merged into a (objects recursively; arrays and values replaced): the step's state followed
// by a task's solution, as two setState calls in a row would leave it.
function merge(a, b) {
  if (b === null || typeof b !== 'object' || Array.isArray(b) || a === null || typeof a !== 'object' || Array.isArray(a)) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
  return out;
}

// What the runtime does with "panels" in the lessons workspace, said as setState (the lab's and the blocks
// workspace's panels stay as they are).
function withPanels(step) {
  const s = JSON.parse(JSON.stringify(step.state ?? {}));
  if (!Array.isArray(step.panels) || s.workspace === 'digit-lab' || s.workspace === 'blocks') return s;
  for (const [id, key] of Object.entries(LESSON_PANELS)) {
    s[key] = s[key] ?? {};
    if (s[key].visible === undefined) s[key].visible = step.panels.includes(id);
  }
  return s;
}

const framesFor = (s) => (s.workspace === 'digit-lab' ? 90 : 8);

// [SECTION] static checks ------------------------------------------------------------------------------

function textKeys(step) {
  const keys = [['text', step.text]];
  if (step.task) for (const f of ['prompt', 'hint', 'explain']) if (step.task[f] !== undefined) keys.push([`task.${f}`, step.task[f]]);
  return keys;
}

// Numbers of two or more digits written in a step's words: an engine number the student should find
// must not be printed there.
function numbersIn(s) {
  return (s.match(/-?\d[\d,]*(\.\d+)?/g) ?? []).map((x) => Number(x.replace(/,/g, ''))).filter((x) => Math.abs(x) >= 10 || !Number.isInteger(x));
}

// The translations a bundled lesson (or the index) carries: every string in each of the UI's other
// languages, as text, and every number of two or more digits (or with a decimal point) of the English
// kept as written, so no value or formula is lost in translation.
const LANGUAGES = ['es', 'de', 'zh'];
function checkTranslations(file, doc) {
  const strings = doc.strings ?? {};
  for (const code of Object.keys(doc.translations ?? {})) if (!LANGUAGES.includes(code)) fail(file, `translations.${code}: not a language of the UI`);
  for (const code of LANGUAGES) {
    const t = doc.translations?.[code] ?? {};
    for (const [k, en] of Object.entries(strings)) {
      const where = `${file} translations.${code}.${k}`;
      if (typeof t[k] !== 'string' || !t[k].trim()) { fail(where, 'missing'); continue; }
      if (/<[A-Za-z/!?]|&#?[A-Za-z0-9]+;|[\u0000-\u0008\u000b-\u001f\u007f]/.test(t[k])) fail(where, 'holds markup or a control character');
      for (const n of en.match(/\d+\.\d+|\d{2,}/g) ?? []) if (!t[k].includes(n)) fail(where, `the English number ${n} is not in it`);
    }
    for (const k of Object.keys(t)) if (!(k in strings)) fail(`${file} translations.${code}.${k}`, 'translates no string of the file');
  }
}

function checkLessonShape(file, L, seenIds) {
  if (L.format !== 'convscope-lesson/1') fail(file, `format is ${JSON.stringify(L.format)}, not "convscope-lesson/1"`);
  if (!ID.test(L.id ?? '')) fail(file, `id ${JSON.stringify(L.id)} is not [a-z0-9-]{1,40}`);
  if (seenIds.has(L.id)) fail(file, `id ${L.id} is used twice`);
  seenIds.add(L.id);
  const strings = L.strings ?? {};
  const used = new Set();
  const need = (where, key) => {
    used.add(key);
    if (typeof strings[key] !== 'string' || !strings[key].trim()) fail(where, `text key ${JSON.stringify(key)} has no English string`);
    else if (/<[A-Za-z/!?]|&#?[A-Za-z0-9]+;|[\u0000-\u0008\u000b-\u001f\u007f]/.test(strings[key])) fail(where, `string ${key} holds markup or a control character`);
  };
  need(`${file} title`, L.title);
  if (!Array.isArray(L.chapters) || !L.chapters.length) fail(file, 'no chapters');
  const stepIds = new Set();
  for (const ch of L.chapters ?? []) {
    need(`${file} chapter ${ch.id}`, ch.title);
    if (!ID.test(ch.id ?? '')) fail(file, `chapter id ${JSON.stringify(ch.id)}`);
    const n = ch.steps?.length ?? 0;
    if (n < 4 || n > 10) fail(`${file} chapter ${ch.id}`, `${n} steps (the curriculum asks 4-10)`);
    if (!(ch.steps ?? []).some((s) => s.task)) fail(`${file} chapter ${ch.id}`, 'no step has a task');
    for (const step of ch.steps ?? []) {
      const where = `${file} step ${step.id}`;
      if (!ID.test(step.id ?? '') || stepIds.has(step.id)) fail(where, 'step id missing, malformed or repeated');
      stepIds.add(step.id);
      if (typeof step.state !== 'object' || step.state === null || Array.isArray(step.state)) fail(where, 'state is not an object');
      for (const [f, k] of textKeys(step)) need(`${where} ${f}`, k);
      const words = strings[step.text] ?? '';
      const sentences = words.split(/[.!?](\s|$)/).filter((x) => x && x.trim().length > 2).length;
      if (sentences < 1 || sentences > 4) fail(where, `text has ${sentences} sentences (2-3 wanted)`);
      const t = step.task;
      if (!t) continue;
      if (!['do', 'predict', 'pick'].includes(t.kind)) fail(where, `task kind ${JSON.stringify(t.kind)}`);
      const perr = validatePredicate(t.check, t.kind);
      if (perr) fail(where, `check: ${perr}`);
      for (const k of Object.keys(t)) if (!['kind', 'prompt', 'check', 'hint', 'explain', 'solution'].includes(k)) fail(where, `unknown task field ${k}`);
      if (solutions[L.id]?.[step.id] !== undefined && t.kind !== 'do') fail(where, 'a solution for a task that is not a do task');
    }
  }
  for (const k of Object.keys(strings)) if (!used.has(k)) fail(file, `string ${k} is not used by any step`);
  checkTranslations(file, L);
}

// [SECTION] live checks --------------------------------------------------------------------------------

function spotlightShown(where, id, run) {
  const r = run.panels[id] ?? run.items[id];
  if (!r) return fail(where, `spotlight ${JSON.stringify(id)} is neither a panel nor an item of the last frame`);
  if (!(r.width > 2 && r.height > 2)) fail(where, `spotlight ${id} is ${r.width}x${r.height}`);
  if (r.x + r.width < 0 || r.y + r.height < 0 || r.x > 1280 || r.y > 800) fail(where, `spotlight ${id} is off screen: ${JSON.stringify(r)}`);
}

// Opens a step: through the lesson player when the app has one (setState {lesson: {id, step}}, which
// applies the step's state and panels), else by applying the step's state directly. `later` are
// setState partials applied afterwards (--then), as a student's actions or answers.
function openStep(L, step, index, later = []) {
  const first = player ? { lesson: { id: L.id, step: index } } : withPanels(step);
  return runApp(first, framesFor(step.state ?? {}), later);
}

function checkStepLive(file, L, step, index) {
  const where = `${file} step ${step.id}`;
  const run = openStep(L, step, index);
  if (run.error) return fail(where, `state refused: ${run.error}`);
  const st = run.state;
  if (player) {
    const l = st.lesson;
    if (!l || l.id !== L.id) return fail(where, `the player did not open the lesson: ${JSON.stringify(l)}`);
    if (l.step_id !== step.id) return fail(where, `the player shows step ${l.step_id}: the app embeds another copy of the lessons (rebuild it)`);
    if (l.error) fail(where, `the player reports: ${l.error}`);
    if (!run.panels.course) fail(where, 'the lesson panel is not drawn');
  }
  if (st.stepper?.error && !(step.task?.check && JSON.stringify(step.task.check).includes('stepper.error')))
    fail(where, `the stepper shows an error: ${st.stepper.error}`);
  if (step.state?.workspace && st.workspace !== step.state.workspace) fail(where, `workspace is ${st.workspace}`);
  for (const p of step.panels ?? []) {
    if (!LAB_PANELS.includes(p) && !BLOCKS_PANELS.includes(p) && !(p in LESSON_PANELS)) fail(where, `panel ${p} does not exist`);
    else if (!run.panels[p]) fail(where, `panel ${p} is not drawn`);
  }
  if (step.spotlight) spotlightShown(where, step.spotlight, run);
  for (const id of step.lock ?? []) if (!run.items[id]) fail(where, `locked control ${id} is not an item`);
  // The presenter's sub-steps: each partial, applied on top of the step, is accepted.
  let acc = withPanels(step);
  for (const [i, part] of (step.animation ?? []).entries()) {
    acc = merge(acc, part);
    const r2 = runApp(acc, framesFor(acc));
    if (r2.error) fail(where, `animation[${i}] refused: ${r2.error}`);
  }
  const t = step.task;
  if (!t) return;
  if (player) {
    if (!st.lesson.task || st.lesson.task.done !== false) fail(where, `task not open: ${JSON.stringify(st.lesson.task)}`);
    else if (t.kind === 'do' && !st.lesson.task.feedback) fail(where, 'a do task still to do shows no feedback');
  }
  let solved = null;
  const solution = t.solution ?? solutions[L.id]?.[step.id];  // the lesson's own "Show me", else a known one
  if (t.kind === 'do' && solution !== undefined) {
    const r2 = openStep(L, step, index, [solution]);
    if (r2.error) fail(where, `solution refused: ${r2.error}`);
    else solved = r2.state;
  }
  for (const p of pathsOf(t.check)) {
    if (resolvePath(st, p) !== undefined) continue;
    if (solved && resolvePath(solved, p) !== undefined) continue;
    fail(where, `path ${p} is not in state()`);
  }
  // Answers: the right one must be taken, a wrong one refused with feedback (by the player itself when
  // there is one, and by this file's reading of the predicate).
  const answer = (value) => {
    if (!player) return null;
    const r = openStep(L, step, index, [{ lesson: { answer: value } }]);
    if (r.error) { fail(where, `answer ${JSON.stringify(value)} refused: ${r.error}`); return null; }
    return r.state.lesson.task;
  };
  const strings = L.strings;
  if (t.kind === 'do') {
    if (evaluate(t.check, st).ok) fail(where, 'the step\'s own state already satisfies its do task');
    if (solution === undefined) notes.push(`${where}: no solution state (solved by a pointer action only)`);
    else if (solved && !evaluate(t.check, solved).ok) fail(where, `the solution does not satisfy the task: ${evaluate(t.check, solved).why}`);
    else if (solved && player && !solved.lesson?.task?.done) fail(where, `the player does not count the solution as done: ${solved.lesson?.task?.feedback}`);
    return;
  }
  let right, wrong;
  if (t.kind === 'predict') {
    const a = t.check.answer;
    right = a.equals_path !== undefined ? resolvePath(st, a.equals_path) : a.equals;
    if (typeof right !== 'number') return fail(where, `answer path ${a.equals_path} is ${JSON.stringify(right)}, not a number`);
    wrong = right === 0 ? 1 : right * 1.5 + 1;
    for (const [f, k] of textKeys(step))
      if (numbersIn(strings[k] ?? '').some((x) => Math.abs(x - right) < 1e-9)) fail(where, `${f} prints the answer ${right}`);
    if (verbose) console.log(`  ${where}: answer ${right}`);
  } else {
    const cells = resolvePath(st, t.check.answer.same_set_as_path);
    if (!Array.isArray(cells) || !cells.length) return fail(where, `pick path gives ${JSON.stringify(cells)}`);
    right = cells.slice().reverse();
    wrong = cells.slice(1);
    if (verbose) console.log(`  ${where}: ${cells.length} cells`);
  }
  if (!evaluate(t.check, st, right).ok) fail(where, `the engine's own answer ${JSON.stringify(right)} is refused`);
  if (evaluate(t.check, st, wrong).ok) fail(where, `a wrong answer ${JSON.stringify(wrong)} is accepted`);
  // Under Xvfb the pointer may rest on a stepper cell: its hover moves the highlight a pick compares
  // with, while the player compares with the step's own cells. Then only this file's reading is checked.
  if (t.kind === 'pick' && st.stepper?.hover) {
    notes.push(`${where}: the pointer hovers the stepper in this run; the player's pick verdict is not checked`);
    return;
  }
  const w = answer(wrong);
  if (w && (w.done || !w.feedback)) fail(where, `the player took the wrong answer ${JSON.stringify(wrong)}: ${JSON.stringify(w)}`);
  const r = answer(right);
  if (r && !r.done) fail(where, `the player refused the right answer ${JSON.stringify(right)}: ${r.feedback}`);
}

// [SECTION] main ---------------------------------------------------------------------------------------

if (!fs.existsSync(bin)) {
  console.error(`check_lessons: no desktop binary at ${bin} (cmake --build --preset native)`);
  process.exit(2);
}
const index = JSON.parse(fs.readFileSync(path.join(lessonsDir, 'index.json'), 'utf8'));
// Does this app have the lesson player (setState {lesson}) and the bundled lessons? Then steps are opened
// through it, as a student's click or link does; else (an app without the player) their states are applied.
const probe = runApp({ lesson: { id: index.lessons[0].id, step: 0 } }, 4);
const player = !probe.error && probe.state.lesson?.id === index.lessons[0].id && !args.includes('--raw');
console.log(player ? 'steps opened through the lesson player' : `steps applied as plain states (${probe.error || 'no lesson player'})`);
if (index.format !== 'convscope-lessons-index/1') fail('index.json', `format ${JSON.stringify(index.format)}`);
checkTranslations('index.json', index);
const chaptersSeen = new Set();
const seenIds = new Set();
let steps = 0;
for (const entry of index.lessons ?? []) {
  const where = `index.json ${entry.id}`;
  if (typeof index.strings?.[entry.title] !== 'string') fail(where, `title key ${entry.title} has no string in index.json`);
  for (const n of entry.chapter_numbers ?? []) {
    if (chaptersSeen.has(n)) fail(where, `chapter ${n} is listed twice`);
    chaptersSeen.add(n);
  }
  const file = entry.file;
  if (!/^[a-z0-9-]+\.json$/.test(file ?? '') || !fs.existsSync(path.join(lessonsDir, file))) { fail(where, `file ${file} missing`); continue; }
  const L = JSON.parse(fs.readFileSync(path.join(lessonsDir, file), 'utf8'));
  if (L.id !== entry.id) fail(where, `the file's id is ${L.id}`);
  if (L.title !== entry.title) fail(where, `the file's title key is ${L.title}`);
  if (L.strings?.[L.title] !== index.strings?.[entry.title]) fail(where, 'the menu title differs from the file\'s title');
  checkLessonShape(file, L, seenIds);
  if (only && !file.startsWith(only)) continue;
  console.log(`${file}: ${L.chapters.reduce((n, c) => n + c.steps.length, 0)} steps`);
  let stepIndex = 0;
  for (const ch of L.chapters) for (const step of ch.steps) { checkStepLive(file, L, step, stepIndex++); steps++; }
}
for (let n = 1; n <= 11; n++) if (!chaptersSeen.has(n)) fail('index.json', `curriculum chapter ${n} is in no lesson`);
for (const n of notes) console.log(`note: ${n}`);
fs.rmSync(tmp, { recursive: true, force: true });
if (problems.length) {
  for (const p of problems) console.log(`FAIL ${p}`);
  console.log(`check_lessons: ${problems.length} problem(s) in ${steps} steps (${runs} app runs)`);
  process.exit(1);
}
console.log(`check_lessons: ${steps} steps of ${index.lessons.length} lessons pass (${runs} app runs)`);
