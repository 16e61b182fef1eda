// wasm_size_report.mjs — where a wasm page's code goes: function body sizes (and a gzip estimate)
// per library and per object file. Link the page once with --profiling-funcs (keeps function names),
// then: node scripts/wasm_size_report.mjs <page.wasm> <lib.a|obj.o>... [--top N] [--funcs N]
// Each function is attributed to the archive member that defines its (demangled) name, found with
// llvm-nm; names defined nowhere given (emscripten's libc/libc++ unless their archives are passed,
// JS glue helpers) are grouped by name pattern. gzip of each group is compressed on its own, so it is
// an estimate of that group's share of the gzipped code section.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); if (i < 0) return def; const v = +args[i + 1]; args.splice(i, 2); return v; };
const topN = opt('--top', 40), funcsN = opt('--funcs', 0);
const [wasmPath, ...libs] = args;
if (!wasmPath) { console.error('usage: node scripts/wasm_size_report.mjs <page.wasm> <lib.a|obj.o>... [--top N] [--funcs N]'); process.exit(2); }

// --- wasm: imported function count, code bodies, the name section's function names
const buf = fs.readFileSync(wasmPath);
let p = 8;
const leb = () => { let r = 0, s = 0, x; do { x = buf[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
const skipLimits = () => { const f = buf[p++]; leb(); if (f & 1) leb(); };
let nImports = 0;
const bodies = [], names = new Map(), sections = {};
while (p < buf.length) {
  const id = buf[p++], n = leb(), end = p + n;
  sections[id] = (sections[id] || 0) + n;
  if (id === 2) {
    for (let c = leb(); c > 0; c--) {
      for (let k = 0; k < 2; k++) { const l = leb(); p += l; }  // module, field (not p += leb(): p is read first)
      const kind = buf[p++];
      if (kind === 0) { leb(); nImports++; } else if (kind === 1) { p++; skipLimits(); } else if (kind === 2) skipLimits(); else p += 2;
    }
  } else if (id === 10) {
    for (let c = leb(); c > 0; c--) { const size = leb(); bodies.push(buf.subarray(p, p + size)); p += size; }
  } else if (id === 0) {
    const l = leb(), name = buf.subarray(p, p + l).toString(); p += l;
    while (name === 'name' && p < end) {
      const sub = buf[p++], sl = leb(), se = p + sl;
      if (sub === 1) for (let c = leb(); c > 0; c--) { const idx = leb(), ll = leb(); names.set(idx, buf.subarray(p, p + ll).toString()); p += ll; }
      p = se;
    }
  }
  p = end;
}
if (!names.size) { console.error(`${wasmPath}: no function names (link with --profiling-funcs)`); process.exit(1); }

// --- who defines what: "archive:member: addr T name" from llvm-nm -A -C
const owner = new Map();
for (const lib of libs) {
  const out = execFileSync('llvm-nm', ['-A', '-C', '--defined-only', lib], { maxBuffer: 1 << 28 }).toString();
  for (const line of out.split('\n')) {
    const m = /^(.*?): [0-9a-f]+ [TtWw] (.*)$/.exec(line);
    if (!m) continue;
    const member = m[1].includes(':') ? m[1].slice(m[1].lastIndexOf(':') + 1) : path.basename(m[1]);
    if (!owner.has(m[2])) owner.set(m[2], `${path.basename(lib)}:${member}`);
  }
}
const byPattern = [[/^(std::|void std::|bool std::|int std::|unsigned long std::|char\* std::|std::__2::)|^operator (new|delete)|^__cxa|^__cxx/, 'libc++/abi'],
  [/^(dl|em)(malloc|free|realloc|calloc|memalign)|^(malloc|free|realloc|calloc|sbrk|posix_memalign|aligned_alloc)$/, 'libc:malloc'],
  [/^(__floatscan|__intscan|strto|vfprintf|vsn?printf|fmt_fp|printf_core|sn?printf|__shgetc|__shlim|sscanf|vsscanf|vfscanf|frexp|wcrtomb|pop_arg|fmt_|out|pad|getint)/, 'libc:stdio/scan/printf'],
  [/^(mem|str|__mem|__str|wcs|wmem)/, 'libc:string'],
  [/^(exp|log|pow|sin|cos|tan|sqrt|floor|ceil|fmod|atan|acos|asin|round|trunc|scalbn|__(sin|cos|tan|rem_pio2|expo)|expf|logf|powf|sinf|cosf)/, 'libc:math'],
  [/^(__syscall|fd_|__wasi|__stdio|__towrite|__toread|__lock|__unlock|fwrite|fputs|fflush|__ofl|fclose|fopen|fread|fseek|ftell|__fwrite|__lockfile|__errno)/, 'libc:stdio/files'],
  [/^(emscripten_|_emscripten|stackSave|stackRestore|stackAlloc|dynCall|legalstub|__wasm|__set_stack|__get_stack|__em_)/, 'emscripten runtime'],
  [/^(gl[A-Z]|emscripten_gl)/, 'GL glue']];
// Header-only code is instantiated in whichever object uses it: named by its library instead.
const headerOnly = [[/nlohmann::/, 'nlohmann json (header):'], [/^stbi|stbi__/, 'stb_image (header):'],
  [/^stbtt|stbtt__/, 'stb_truetype (in ImGui):'],
  [/^(\S+ )?std::__2::|^std::/, 'libc++ templates (header):']];
const groupOf = (name) => {
  for (const [re, g] of headerOnly) if (re.test(name)) return g + (owner.get(name) || '?').replace(/^.*:/, '');
  if (owner.has(name)) return owner.get(name);
  for (const [re, g] of byPattern) if (re.test(name)) return g;
  return 'other (unattributed)';
};
const libOf = (g) => g.includes(':') ? g.slice(0, g.indexOf(':')) : g;

const groups = new Map(), libsAgg = new Map();
const funcs = bodies.map((body, i) => ({ name: names.get(i + nImports) || `f${i + nImports}`, body }));
for (const f of funcs) {
  const g = groupOf(f.name);
  for (const [map, key] of [[groups, g], [libsAgg, libOf(g)]]) {
    if (!map.has(key)) map.set(key, { raw: 0, parts: [], n: 0 });
    const e = map.get(key); e.raw += f.body.length; e.parts.push(f.body); e.n++;
  }
}
const gz = (parts) => zlib.gzipSync(Buffer.concat(parts), { level: 9 }).length;
const codeRaw = bodies.reduce((a, b) => a + b.length, 0);
const codeGz = gz(bodies);
const kb = (x) => (x / 1024).toFixed(1).padStart(7);
console.log(`${wasmPath}: ${bodies.length} functions, code ${kb(codeRaw)} KB raw, ${kb(codeGz)} KB gzipped; data ${kb(sections[11] || 0)} KB raw`);
const print = (title, map, n) => {
  console.log(`\n${title} (KB raw, KB gzip alone, functions)`);
  const rows = [...map].map(([k, e]) => ({ k, raw: e.raw, gz: gz(e.parts), n: e.n })).sort((a, b) => b.raw - a.raw);
  for (const r of rows.slice(0, n)) console.log(`${kb(r.raw)} ${kb(r.gz)} ${String(r.n).padStart(5)}  ${r.k}`);
};
print('by library', libsAgg, 1000);
print(`by object file (top ${topN})`, groups, topN);
if (funcsN) {
  console.log(`\nlargest functions (bytes)`);
  for (const f of [...funcs].sort((a, b) => b.body.length - a.body.length).slice(0, funcsN))
    console.log(`${String(f.body.length).padStart(8)}  ${groupOf(f.name)}  ${f.name.slice(0, 140)}`);
}
