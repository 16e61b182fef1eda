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

// [SECTION] running the app ---------------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-lessons-'));
let runs = 0;
function runApp(stateJson, frames) {
  const f = (n) => path.join(tmp, `${n}.json`);
  for (const n of ['s', 'p', 'i']) fs.rmSync(f(n), { force: true });
  const r = spawnSync(bin, ['--frames', String(frames), '--state', JSON.stringify(stateJson), '--dump-state', f('s'),
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

// What the runtime does with "panels" in the lessons workspace, said as setState (the lab's panels stay as they are).
function withPanels(step) {
  const s = JSON.parse(JSON.stringify(step.state ?? {}));
  if (!Array.isArray(step.panels) || s.workspace === 'digit-lab') return s;
  for (const [id, key] of Object.entries(LESSON_PANELS)) {
    s[key] = s[key] ?? {};
    if (s[key].visible === undefined) s[key].visible = step.panels.includes(id);
  }
  return s;
}

const framesFor = (s) => (s.workspace === 'digit-lab' ? 90 : 4);

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
      for (const k of Object.keys(t)) if (!['kind', 'prompt', 'check', 'hint', 'explain'].includes(k)) fail(where, `unknown task field ${k}`);
      if (solutions[L.id]?.[step.id] !== undefined && t.kind !== 'do') fail(where, 'a solution for a task that is not a do task');
    }
  }
  for (const k of Object.keys(strings)) if (!used.has(k)) fail(file, `string ${k} is not used by any step`);
}

// [SECTION] live checks --------------------------------------------------------------------------------

function spotlightShown(where, id, run) {
  const r = run.panels[id] ?? run.items[id];
  if (!r) return fail(where, `spotlight ${JSON.stringify(id)} is neither a panel nor an item of the last frame`);
  if (!(r.width > 2 && r.height > 2)) fail(where, `spotlight ${id} is ${r.width}x${r.height}`);
  if (r.x + r.width < 0 || r.y + r.height < 0 || r.x > 1280 || r.y > 800) fail(where, `spotlight ${id} is off screen: ${JSON.stringify(r)}`);
}

function checkStepLive(file, L, step) {
  const where = `${file} step ${step.id}`;
  const applied = withPanels(step);
  const run = runApp(applied, framesFor(applied));
  if (run.error) return fail(where, `state refused: ${run.error}`);
  const st = run.state;
  if (st.stepper?.error && !(step.task?.check && JSON.stringify(step.task.check).includes('stepper.error')))
    fail(where, `the stepper shows an error: ${st.stepper.error}`);
  if (applied.workspace && st.workspace !== applied.workspace) fail(where, `workspace is ${st.workspace}`);
  if (Array.isArray(step.panels)) {
    for (const p of step.panels) {
      if (!LAB_PANELS.includes(p) && !(p in LESSON_PANELS)) fail(where, `panel ${p} does not exist`);
      else if (!run.panels[p]) fail(where, `panel ${p} is not drawn`);
    }
  }
  if (step.spotlight) spotlightShown(where, step.spotlight, run);
  for (const id of step.lock ?? []) if (!run.items[id]) fail(where, `locked control ${id} is not an item`);
  // The presenter's sub-steps: each partial, applied on top of the step, is accepted.
  let acc = applied;
  for (const [i, part] of (step.animation ?? []).entries()) {
    acc = merge(acc, part);
    const r = runApp(acc, framesFor(acc));
    if (r.error) fail(where, `animation[${i}] refused: ${r.error}`);
  }
  const t = step.task;
  if (!t) return;
  let solved = null;
  const solution = solutions[L.id]?.[step.id];
  if (t.kind === 'do' && solution !== undefined) {
    const s2 = merge(applied, solution);
    const r2 = runApp(s2, framesFor(s2));
    if (r2.error) fail(where, `solution refused: ${r2.error}`);
    else solved = r2.state;
  }
  for (const p of pathsOf(t.check)) {
    if (resolvePath(st, p) !== undefined) continue;
    if (solved && resolvePath(solved, p) !== undefined) continue;
    fail(where, `path ${p} is not in state()`);
  }
  const strings = L.strings;
  if (t.kind === 'do') {
    if (evaluate(t.check, st).ok) fail(where, 'the step\'s own state already satisfies its do task');
    if (solution === undefined) notes.push(`${where}: no solution state (solved by a pointer action only)`);
    else if (solved && !evaluate(t.check, solved).ok) fail(where, `the solution does not satisfy the task: ${evaluate(t.check, solved).why}`);
  } else if (t.kind === 'predict') {
    const a = t.check.answer;
    const truth = a.equals_path !== undefined ? resolvePath(st, a.equals_path) : a.equals;
    if (typeof truth !== 'number') return fail(where, `answer path ${a.equals_path} is ${JSON.stringify(truth)}, not a number`);
    if (!evaluate(t.check, st, truth).ok) fail(where, `the engine's own value ${truth} is refused`);
    const wrong = truth === 0 ? 1 : truth * 1.5 + 1;
    if (evaluate(t.check, st, wrong).ok) fail(where, `a wrong answer ${wrong} is accepted`);
    for (const [f, k] of textKeys(step))
      if (numbersIn(strings[k] ?? '').some((x) => Math.abs(x - truth) < 1e-9)) fail(where, `${f} prints the answer ${truth}`);
    if (verbose) console.log(`  ${where}: answer ${truth}`);
  } else if (t.kind === 'pick') {
    const cells = resolvePath(st, t.check.answer.same_set_as_path);
    if (!Array.isArray(cells) || !cells.length) return fail(where, `pick path gives ${JSON.stringify(cells)}`);
    if (!evaluate(t.check, st, cells.slice().reverse()).ok) fail(where, 'the engine\'s own cells are refused');
    if (evaluate(t.check, st, cells.slice(1)).ok) fail(where, 'a set missing one cell is accepted');
    if (verbose) console.log(`  ${where}: ${cells.length} cells`);
  }
}

// [SECTION] main ---------------------------------------------------------------------------------------

if (!fs.existsSync(bin)) {
  console.error(`check_lessons: no desktop binary at ${bin} (cmake --build --preset native)`);
  process.exit(2);
}
const index = JSON.parse(fs.readFileSync(path.join(lessonsDir, 'index.json'), 'utf8'));
if (index.format !== 'convscope-lessons-index/1') fail('index.json', `format ${JSON.stringify(index.format)}`);
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
  for (const ch of L.chapters) for (const step of ch.steps) { checkStepLive(file, L, step); steps++; }
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
