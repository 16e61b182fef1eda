// predicates.mjs — the lesson format's task predicates (a path into state(), a comparison, all/any/not,
// answers compared with an engine path), written independently of the app's runtime so the content checker
// can tell whether a state or an answer satisfies a step's task. In: predicate JSON, a state() object and
// the student's answer; out: {ok, why}.

// "stepper.output_values[5]", "im2col.overlap[2][2]" -> the value, or undefined when any part is missing.
export function resolvePath(obj, p) {
  if (typeof p !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*)*$/.test(p)) return undefined;
  let cur = obj;
  for (const part of p.split('.')) {
    const m = part.match(/^([A-Za-z0-9_]+)((\[\d+\])*)$/);
    if (cur === null || typeof cur !== 'object' || !(m[1] in cur)) return undefined;
    cur = cur[m[1]];
    for (const idx of m[2].match(/\d+/g) ?? []) {
      if (!Array.isArray(cur) || Number(idx) >= cur.length) return undefined;
      cur = cur[Number(idx)];
    }
  }
  return cur;
}

const close = (a, b, tol) => (tol !== undefined ? Math.abs(a - b) <= tol : Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)));

export function deepEqual(a, b, tol) {
  if (typeof a === 'number' && typeof b === 'number') return close(a, b, tol);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i], tol));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k], tol));
  }
  return a === b;
}

const cellKey = (c) => (Array.isArray(c) && c.length === 2 ? `${c[0]},${c[1]}` : JSON.stringify(c));
const sameSet = (a, b) => Array.isArray(a) && Array.isArray(b) &&
  (() => { const x = new Set(a.map(cellKey)), y = new Set(b.map(cellKey)); return x.size === y.size && [...x].every((k) => y.has(k)); })();

export function evaluate(pred, state, answer) {
  const show = (v) => JSON.stringify(v);
  if (pred.all) {
    for (const p of pred.all) { const r = evaluate(p, state, answer); if (!r.ok) return r; }
    return { ok: true };
  }
  if (pred.any) {
    const rs = pred.any.map((p) => evaluate(p, state, answer));
    return rs.some((r) => r.ok) ? { ok: true } : { ok: false, why: rs.map((r) => r.why).join(' / ') };
  }
  if (pred.not) return evaluate(pred.not, state, answer).ok ? { ok: false, why: `not(${show(pred.not)})` } : { ok: true };
  if (pred.answer) {
    const a = pred.answer;
    if (answer === undefined) return { ok: false, why: 'no answer' };
    if ('same_set_as_path' in a) {
      const want = resolvePath(state, a.same_set_as_path);
      return sameSet(answer, want) ? { ok: true } : { ok: false, why: `cells ${show(answer)} vs ${show(want)}` };
    }
    const want = 'equals_path' in a ? resolvePath(state, a.equals_path) : a.equals;
    return deepEqual(answer, want, a.tol) ? { ok: true } : { ok: false, why: `answer ${show(answer)} vs ${show(want)}` };
  }
  const v = resolvePath(state, pred.path);
  if (v === undefined) return { ok: false, why: `${pred.path} missing` };
  if ('equals' in pred) return deepEqual(v, pred.equals, pred.tol) ? { ok: true } : { ok: false, why: `${pred.path} = ${show(v)}, want ${show(pred.equals)}` };
  if ('equals_path' in pred) {
    const w = resolvePath(state, pred.equals_path);
    const f = pred.factor ?? 1;
    const ok = typeof v === 'number' && typeof w === 'number' ? close(v, f * w, pred.tol) : f === 1 && deepEqual(v, w, pred.tol);
    return ok ? { ok: true } : { ok: false, why: `${pred.path} = ${show(v)}, want ${f} x ${pred.equals_path} = ${show(w)}` };
  }
  if ('in' in pred) return pred.in.some((x) => deepEqual(v, x, pred.tol)) ? { ok: true } : { ok: false, why: `${pred.path} = ${show(v)} not in ${show(pred.in)}` };
  if ('op' in pred) {
    const n = pred.value;
    const ok = typeof v === 'number' && ({ '<': v < n, '<=': v <= n, '>': v > n, '>=': v >= n, '!=': v !== n })[pred.op];
    return ok ? { ok: true } : { ok: false, why: `${pred.path} = ${show(v)}, want ${pred.op} ${n}` };
  }
  return { ok: false, why: `unknown predicate ${show(pred)}` };
}

// Every state() path a predicate reads.
export function pathsOf(pred) {
  if (!pred || typeof pred !== 'object') return [];
  if (pred.all || pred.any) return (pred.all ?? pred.any).flatMap(pathsOf);
  if (pred.not) return pathsOf(pred.not);
  if (pred.answer) return [pred.answer.equals_path, pred.answer.same_set_as_path].filter((x) => x !== undefined);
  return [pred.path, pred.equals_path].filter((x) => x !== undefined);
}

// The format's rules: one form per object, ops from the list, predict answers compared with the engine
// (equals only for answers that are not engine numbers), pick answers as a set of cells.
export function validatePredicate(pred, kind, top = true) {
  if (!pred || typeof pred !== 'object' || Array.isArray(pred)) return 'not an object';
  if (pred.all || pred.any) {
    const list = pred.all ?? pred.any;
    if (!Array.isArray(list) || !list.length) return 'all/any needs a non-empty list';
    for (const p of list) { const e = validatePredicate(p, kind, false); if (e) return e; }
    return '';
  }
  if (pred.not) return validatePredicate(pred.not, kind, false);
  if (pred.answer) {
    if (kind === 'do') return 'a do task checks the state, not an answer';
    const a = pred.answer;
    if (kind === 'pick' && !('same_set_as_path' in a)) return 'a pick task compares with same_set_as_path';
    if (kind === 'predict' && !('equals_path' in a) && !('equals' in a)) return 'a predict answer needs equals_path';
    if (kind === 'predict' && 'equals' in a && typeof a.equals === 'number' && !Number.isInteger(a.equals))
      return 'an engine number must come from equals_path, not the file';
    return '';
  }
  if (top && kind !== 'do') return `a ${kind} task checks an answer`;
  if (typeof pred.path !== 'string') return 'no path';
  const forms = ['equals', 'equals_path', 'in', 'op'].filter((k) => k in pred);
  if (forms.length !== 1) return `one of equals / equals_path / in / op, got ${forms.join(', ') || 'none'}`;
  if ('op' in pred && (!['<', '<=', '>', '>=', '!='].includes(pred.op) || typeof pred.value !== 'number')) return `op ${pred.op} needs a number value`;
  if ('in' in pred && !Array.isArray(pred.in)) return '"in" needs a list';
  return '';
}
