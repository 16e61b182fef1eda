// peer_common.mjs: what the JavaScript peers of bench/side_by_side.sh share: the cases, the timing
// loop (the same rule as torch_peer.py and `convscope bench`), arguments, JSON-line output, and the
// peers' npm packages, which live in the cache folder (PEERS_DIR, default .cache/peers), not in the
// project's node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// A peer that cannot run says why in one line on stderr (side_by_side.py shows it in the table).
const failed = (e) => {
  process.stderr.write(`${basename(process.argv[1])}: ${e?.message ?? e}\n`);
  process.exit(1);
};
process.on('uncaughtException', failed);
process.on('unhandledRejection', failed);
export const PEERS_DIR = resolve(process.env.PEERS_DIR || join(HERE, '..', '.cache', 'peers'));
export const MODELS_DIR = join(PEERS_DIR, 'models');
export const CASES = JSON.parse(readFileSync(join(HERE, 'cases.json'), 'utf8'));
export const CONV = Object.fromEntries(CASES.conv.map((c) => [c.id, c]));
export const MODEL = Object.fromEntries(CASES.model.map((m) => [m.id, m]));

// require() from the cache folder: the packages are CommonJS under node (their "node" entries).
export const requirePeer = createRequire(join(PEERS_DIR, 'package.json'));

// --case L4 --threads 1 --time 1 [--name value for each of `more`] -> {case: 'L4', threads: 1, time: 1, ...}
export function parseArgs(more = {}) {
  const a = { case: '', threads: 1, time: 1, ...more };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) {
    const key = v[i].replace(/^--/, '');
    if (!(key in a) || i + 1 >= v.length) {
      throw new Error(`'${v[i]}' is not an option with a value (${Object.keys(a).map((k) => `--${k}`).join(', ')})`);
    }
    a[key] = typeof a[key] === 'number' ? Number(v[i + 1]) : v[i + 1];
  }
  if (!(a.threads >= 1) || !(a.time >= 0)) throw new Error(`--threads must be >= 1 and --time >= 0, got ${a.threads} and ${a.time}`);
  if (!CONV[a.case] && !MODEL[a.case]) throw new Error(`no case '${a.case}' for this peer (L1-L8, M1-b1, M1-b64)`);
  return a;
}

// Warm-up (at least warmup_runs calls and warmup_s seconds), then single timed calls: at least
// min_runs, continuing until `seconds` have passed or max_runs were made. fn may be async.
export async function timeCalls(fn, seconds) {
  const t = CASES.timing;
  let t0 = performance.now();
  for (let n = 0; n < t.warmup_runs || performance.now() - t0 < t.warmup_s * 1e3; n++) await fn();
  const times = [];
  t0 = performance.now();
  while (times.length < t.min_runs || (performance.now() - t0 < seconds * 1e3 && times.length < t.max_runs)) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
  }
  times.sort((x, y) => x - y);
  const m = times.length >> 1;
  const median = times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
  return { median_ms: +median.toFixed(5), min_ms: +times[0].toFixed(5), runs: times.length };
}

export const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

// Deterministic values in (-1, 1) (xorshift32); timing does not depend on them.
export function noise(n, seed = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    a[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return a;
}

// M1's weights, input and torch's output (torch_peer.py --export).
export const readM1Reference = () => JSON.parse(readFileSync(join(MODELS_DIR, 'M1_ref.json'), 'utf8'));

export const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
