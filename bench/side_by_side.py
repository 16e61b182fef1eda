#!/usr/bin/python3
"""side_by_side.py: times ConvScope and its peers on the same cases, one process at a time on a
quiet machine, and prints one table. Run through bench/side_by_side.sh, which installs the peers,
exports the models and builds ConvScope first; its header lists the settings.

Each figure is one process timing one (engine, case, threads): before it starts, the machine must
have a 1-minute load average below --quiet-load and be idle for a second (nothing else running
now), waiting at most --quiet-wait seconds a figure and --quiet-budget in all; the load average at
its start is printed beside the figure, with a '!' when the wait ran out or other processes used
more than --quiet-busy % of the CPUs while it ran (such a figure is taken again, up to --retries
times, unless the wait ran out, and its least disturbed attempt kept). With --repeat N every figure
is taken N times and its lowest median kept; Ctrl+C prints the table of what was measured.
Standard library only (the peers' Python is Debian's /usr/bin/python3).
"""
import argparse, datetime, json, os, platform, resource, shlex, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASES = json.load(open(os.path.join(HERE, "cases.json")))
CONV_IDS = [c["id"] for c in CASES["conv"]]
M1_IDS = [m["id"] for m in CASES["model"]]
PEERS = ["torch", "ort-node", "ort-web", "tfjs"]
NATIVE_PEERS, WASM_PEERS = ("torch", "ort-node"), ("ort-web-wasm", "tfjs-wasm")
PEER_COLUMN = {"ort-web": "ort-web-wasm", "tfjs": "tfjs-wasm"}  # engine name -> the column it fills


def log(msg):
    print(f"[side_by_side {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# [SECTION] the machine ---------------------------------------------------------------------------

def cpu_jiffies():
    """(busy, total) jiffies over all CPUs since boot (/proc/stat)."""
    v = list(map(int, open("/proc/stat").readline().split()[1:9]))
    return sum(v) - v[3] - v[4], sum(v)


def busy_pct(seconds=1.0):
    b0, t0 = cpu_jiffies()
    time.sleep(seconds)
    b1, t1 = cpu_jiffies()
    return 100.0 * (b1 - b0) / max(1, t1 - t0)


def load1():
    return float(open("/proc/loadavg").read().split()[0])


def wait_for_quiet(a, label):
    """Waits until load1 < quiet_load and the CPUs are idle, at most quiet_wait s and what is left of
    the run's quiet_budget (a machine that never quiets down must not hold the run for hours);
    returns (load1, waited s, timed out)."""
    t0 = time.time()
    limit = min(a.quiet_wait, a.quiet_budget_left)
    while True:
        load, busy = load1(), busy_pct()
        waited = time.time() - t0
        if load < a.quiet_load and busy < a.quiet_busy:
            a.quiet_budget_left -= waited
            return load, waited, False
        if waited > limit:
            a.quiet_budget_left -= waited
            log(f"{label}: still busy after {waited:.0f} s (load {load:.2f}, {busy:.0f}% CPU): measuring anyway")
            return load, waited, True
        time.sleep(3)


def machine():
    def sh(cmd):
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        return r.stdout.strip()
    flags = set()
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    simd = sorted(f for f in flags if f.startswith(("avx", "amx", "fma", "sse4", "f16c")))
    return {"cpu": sh("lscpu | sed -n 's/^Model name: *//p'"), "cpus": os.cpu_count(),
            "family_model": sh("lscpu | sed -n 's/^CPU family: *//p; s/^Model: *//p' | paste -sd/"),
            "simd_flags": simd, "os": sh(". /etc/os-release && echo \"$PRETTY_NAME\""),
            "kernel": platform.release(), "node": sh("node --version")}


# [SECTION] engines: one command per (engine, case, threads) ---------------------------------------

def engine_columns(a):
    cols = [e for e in PEERS if e in a.engines]
    if "convscope-native" in a.engines:
        cols += [f"convscope-native[{f}]" for f in a.families]
    if "convscope-wasm" in a.engines:
        cols.append("convscope-wasm")
    return cols


def command(a, engine, case, threads):
    """(argv, extra environment) for one figure, or None where the engine has no such case/threads."""
    t, s = str(threads), str(a.time)
    m1_ref = os.path.join(a.peers_dir, "models", "M1_ref.json")
    node_peer_case = case in CONV_IDS or case in M1_IDS  # the ONNX / tfjs peers: forward cases only
    if engine == "torch":
        env = {"OMP_NUM_THREADS": t}
        # Debian's torch links the reference BLAS, which its non-oneDNN convolutions (batch-1 small and
        # single-thread 1x1) use, 4-15x slower than with OpenBLAS: the peer gets OpenBLAS, as a user would.
        if os.path.isdir(a.openblas):
            env["LD_LIBRARY_PATH"] = a.openblas
        return ["/usr/bin/python3", os.path.join(HERE, "torch_peer.py"), "--case", case, "--threads", t, "--time", s], env
    if engine in ("ort-node", "ort-web"):
        if not node_peer_case:
            return None
        return ["node", os.path.join(HERE, "ort_peer.mjs"), "--backend", engine[4:], "--case", case,
                "--threads", t, "--time", s], {"PEERS_DIR": a.peers_dir}
    if engine == "tfjs":
        if not node_peer_case or threads != 1:
            return None
        return ["node", os.path.join(HERE, "tfjs_peer.mjs"), "--case", case, "--time", s], {"PEERS_DIR": a.peers_dir}
    # ConvScope with --algos auto: the routing every caller of the engine gets, as the peers run
    # their own defaults (bench's best-of-all-algorithms row would pick per case after the fact).
    if engine.startswith("convscope-native["):
        family = engine[len("convscope-native["):-1]
        return [a.native, "bench", "--json", "--algos", "auto", "--threads", t, "--cases", case, "--time", s,
                "--m1-ref", m1_ref], {"CS_CPU": family}
    if engine == "convscope-wasm":
        if threads != 1:
            return None  # the wasm build is single-threaded (as in the page)
        return ["node", "--no-experimental-fetch", a.wasm, "--json", "--algos", "auto", "--cases", case,
                "--time", s, "--m1-ref", m1_ref], {}
    raise ValueError(engine)


def run_once(argv, env, timeout):
    """Runs one figure's process; returns (stdout, stderr, exit code, foreign CPU %)."""
    ncpu, hz = os.cpu_count(), os.sysconf("SC_CLK_TCK")
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b0, _ = cpu_jiffies()
    w0 = time.time()
    try:
        p = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out, err, rc = e.stdout or "", f"timed out after {timeout} s", -1
        out = out.decode() if isinstance(out, bytes) else out
    except OSError as e:
        out, err, rc = "", str(e), -1
    wall = max(1e-3, time.time() - w0)
    b1, _ = cpu_jiffies()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    foreign = max(0.0, (b1 - b0) / hz - own) / (wall * ncpu) * 100
    return out, err, rc, foreign


def json_lines(text):
    """The JSON objects among a process's output lines (anything else it prints is skipped)."""
    found = []
    for line in text.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            found.append(obj)
    return found


def measure(a, engine, case, threads, argv, env):
    """One figure, on a quiet machine, re-run while disturbed; returns its record."""
    label = f"{case} {engine}/{threads}"
    best = None
    for attempt in range(1 + a.retries):
        load, waited, timed_out = wait_for_quiet(a, label)
        out, err, rc, foreign = run_once(argv, env, a.step_timeout)
        shown_env = [f"{k}={v}" for k, v in env.items() if k != "PEERS_DIR"]
        rec = {"case": case, "engine": engine, "threads": threads, "load1": round(load, 2),
               "waited_s": round(waited, 1), "quiet_wait_ran_out": timed_out, "foreign_cpu_pct": round(foreign, 1),
               "attempt": attempt + 1, "at": datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S"),
               "command": shlex.join(shown_env + argv)}
        lines = json_lines(out)
        rec["meta"] = [l["meta"] for l in lines if "meta" in l]
        rows = [l for l in lines if l.get("case") == case and "meta" not in l]
        if rc != 0 or not rows or "median_ms" not in rows[0]:
            said = [l.strip() for l in err.splitlines() if l.strip()]
            sentence = next((l for l in reversed(said) if ": " in l), said[-1] if said else f"exit {rc}")
            why = (rows[0].get("error") if rows else None) or sentence
            rec["error"] = f"{why[:300]} (exit {rc})"
        else:
            rec.update({k: rows[0][k] for k in ("median_ms", "min_ms", "runs", "note") if k in rows[0]})
        asked = env.get("CS_CPU", "auto")
        ran = next((m["cpu_family"] for m in rec["meta"] if "cpu_family" in m), None)
        if asked != "auto" and ran is not None and ran != asked and "error" not in rec:
            rec["error"] = f"CS_CPU={asked} asked, the engine ran the {ran} family"
        rec["disturbed"] = timed_out or foreign > a.quiet_busy
        if best is None or (rec["disturbed"], rec["foreign_cpu_pct"]) < (best["disturbed"], best["foreign_cpu_pct"]):
            best = rec
        # No retry when the wait for quiet ran out: the machine is busy for longer than a figure.
        if not rec["disturbed"] or timed_out or "error" in rec or attempt == a.retries:
            break
        log(f"{label}: other processes used {foreign:.0f}% of the CPUs; again")
    shown = f"{best['median_ms']:.4g} ms" if "median_ms" in best else "ERROR " + best["error"]
    log(f"{label}: {shown} (load {best['load1']:.2f}, others {best['foreign_cpu_pct']:.0f}% CPU)")
    return best


# [SECTION] the table ----------------------------------------------------------------------------

def kind(column):
    return "wasm" if "wasm" in column else "native"


def best_peer(grid, case, threads, which):
    peers = NATIVE_PEERS if which == "native" else WASM_PEERS
    found = [(grid[(case, p, threads)]["median_ms"], p) for p in peers
             if "median_ms" in grid.get((case, p, threads), {})]
    return min(found) if found else None


def table(a, records, columns):
    grid = {}
    for r in records:  # --repeat: keep each figure's lowest median (an error only where nothing ran)
        k = (r["case"], PEER_COLUMN.get(r["engine"], r["engine"]), r["threads"])
        old = grid.get(k)
        if old is None or ("median_ms" in r and ("median_ms" not in old or r["median_ms"] < old["median_ms"])):
            grid[k] = r
    cols = [PEER_COLUMN.get(c, c) for c in columns]
    lines = ["| case | thr | " + " | ".join(cols) + " | best native peer | best wasm peer |",
             "| --- | --- |" + " --- |" * (len(cols) + 2)]
    errors = []
    for threads in a.threads:
        for case in a.cases:
            cells, any_figure = [], False
            best = {w: best_peer(grid, case, threads, w) for w in ("native", "wasm")}
            for col in cols:
                r = grid.get((case, col, threads))
                if r is None:
                    cells.append("-")
                    continue
                any_figure = True
                mark = "!" if r["disturbed"] else ""
                if "error" in r:
                    errors.append(f"{case} {col}/{threads}: {r['error']}")
                    cells.append(f"error ({r['load1']:.2f}{mark})")
                    continue
                b = best[kind(col)]
                ratio = f"{b[0] / r['median_ms']:.2f}x" if b else "-"
                cells.append(f"{r['median_ms']:.4g} ({ratio}, {r['load1']:.2f}{mark})")
            if any_figure:
                names = [f"{b[1]}" if b else "-" for b in (best["native"], best["wasm"])]
                lines.append(f"| {case} | {threads} | " + " | ".join(cells) + f" | {names[0]} | {names[1]} |")
    return lines, errors


def convscope_info(a, families):
    info = {"commit": subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                                     text=True).stdout.strip()}
    for f in families:
        r = subprocess.run([a.native, "--version"], env={**os.environ, "CS_CPU": f}, capture_output=True, text=True)
        info[f] = [l.strip() for l in (r.stdout + r.stderr).splitlines() if l.strip()]
    return info


def convscope_header(cs, versions, columns):
    """ConvScope's commit, and per CS_CPU the family `convscope --version` says it runs."""
    parts, features = [], ""
    for f, lines in cs.items():
        if f == "commit":
            continue
        family = [l for l in lines if "family" in l]
        features = features or next((l for l in lines if l.startswith("cpu features")), "")
        parts.append(f"CS_CPU={f}: {(family or lines or ['(no output)'])[0]}")
    native = [c for c in columns if c.startswith("convscope-native[")]
    unverified = any("cpu_family" not in versions.get(c, {}) for c in native if c in versions)
    return (f"ConvScope {cs['commit']}; " + "; ".join(parts) + (f"; {features}" if features else "")
            + (" (this build does not report its CPU family: CS_CPU may have been ignored)" if unverified else ""))


def main():
    ap = argparse.ArgumentParser(description="ConvScope and its peers side by side (see bench/side_by_side.sh)")
    ap.add_argument("--cases", default=",".join(CASES["order"]))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--engines", default="torch,ort-node,ort-web,tfjs,convscope-native,convscope-wasm")
    ap.add_argument("--families", default="auto", help="ConvScope native CPU families (CS_CPU), e.g. avx2,avx512")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--time", type=float, default=1.0, help="seconds of timed calls per figure (at least 20 calls)")
    ap.add_argument("--quiet-load", type=float, default=os.cpu_count() / 2)
    ap.add_argument("--quiet-busy", type=float, default=10.0)
    ap.add_argument("--quiet-wait", type=float, default=300.0, help="longest wait for quiet before one figure, s")
    ap.add_argument("--quiet-budget", type=float, default=1800.0, help="longest total wait for quiet in the run, s")
    ap.add_argument("--retries", type=int, default=2)
    ap.add_argument("--step-timeout", type=float, default=600.0)
    ap.add_argument("--native", default=os.path.join(ROOT, "build", "native", "convscope"))
    ap.add_argument("--wasm", default=os.path.join(ROOT, "build", "web", "convscope_bench.js"))
    ap.add_argument("--peers-dir", default=os.path.join(ROOT, ".cache", "peers"))
    ap.add_argument("--openblas", default="/usr/lib/x86_64-linux-gnu/openblas-openmp")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench", "side_by_side"))
    ap.add_argument("--command", default="", help="the command line to print in the header")
    a = ap.parse_args()
    split = lambda s: [x for x in s.replace(" ", ",").split(",") if x]
    a.cases, a.engines, a.families = split(a.cases), split(a.engines), split(a.families)
    a.peers_dir, a.native, a.wasm = map(os.path.abspath, (a.peers_dir, a.native, a.wasm))
    if not all(t.isdigit() and 1 <= int(t) <= 64 for t in split(a.threads)) or not split(a.threads):
        sys.exit(f"side_by_side: threads are counts in [1, 64] separated by commas, got '{a.threads}'")
    a.threads = [int(t) for t in split(a.threads)]
    unknown = [c for c in a.cases if c not in CASES["order"]]
    if unknown:
        sys.exit(f"side_by_side: unknown case(s) {', '.join(unknown)}; cases.json has {', '.join(CASES['order'])}")
    known = PEERS + ["convscope-native", "convscope-wasm"]
    if [e for e in a.engines if e not in known]:
        sys.exit(f"side_by_side: unknown engine(s) in '{','.join(a.engines)}'; known: {', '.join(known)}")

    a.quiet_budget_left = a.quiet_budget
    columns = engine_columns(a)
    started = datetime.datetime.now(datetime.timezone.utc)
    log(f"{len(a.cases)} cases x threads {a.threads} x {len(columns)} engines x {a.repeat} round(s); "
        f"quiet = load < {a.quiet_load:g} and < {a.quiet_busy:g}% CPU busy (waiting up to {a.quiet_wait:g} s "
        f"a figure, {a.quiet_budget:g} s in all)")
    records, interrupted = [], False
    try:
        for rnd in range(a.repeat):
            for case in a.cases:
                for threads in a.threads:
                    for col in columns:
                        cmd = command(a, col, case, threads)
                        if cmd is None:
                            continue
                        rec = measure(a, col, case, threads, *cmd)
                        rec["round"] = rnd + 1
                        records.append(rec)
    except KeyboardInterrupt:  # Ctrl+C: the table of what was measured so far
        interrupted = True
    ended = datetime.datetime.now(datetime.timezone.utc)

    m = machine()
    cs = convscope_info(a, [c[len("convscope-native["):-1] for c in columns if c.startswith("convscope-native[")])
    versions = {}
    for r in records:
        for meta in r.get("meta", []):
            name = PEER_COLUMN.get(r["engine"], r["engine"])
            keep = {k: v for k, v in meta.items() if k in ("version", "blas", "gemm_kernel", "compiler", "cpu_family")}
            versions.setdefault(name, keep)
    header = [
        f"ConvScope side by side, {started:%Y-%m-%d %H:%M}-{ended:%H:%M} UTC" + (" (interrupted)" if interrupted else ""),
        f"command: {a.command or shlex.join(sys.argv)}",
        f"CPU: {m['cpu']} (family/model {m['family_model']}), {m['cpus']} CPUs; {m['os']}, Linux {m['kernel']}, node {m['node']}",
        f"instruction sets: {' '.join(m['simd_flags'])}",
        convscope_header(cs, versions, columns),
        "environment of every engine: " + (" ".join(f"{k}={os.environ[k]}" for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
                                                    if k in os.environ) or "as inherited"),
        "engines: " + "; ".join(f"{k} {json.dumps(v, separators=(',', ':'))}" for k, v in versions.items()),
        "",
        "Cell: median ms per call (best native or wasm peer's median / this median, at the same thread count: above 1",
        "is faster than every peer of its kind; 1-minute load average when the figure started, '!' = not quiet).",
        f"Each figure: one process, >= 20 timed calls after warm-up for {a.time:g} s; best of {a.repeat} round(s).",
        "",
    ]
    lines, errors = table(a, records, columns)
    text = "\n".join(header + lines + ([""] + ["errors:"] + errors if errors else [])) + "\n"
    print(text, end="")
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out + ".md", "w") as f:
        f.write(text)
    with open(a.out + ".json", "w") as f:
        json.dump({"started": started.isoformat(timespec="seconds"), "ended": ended.isoformat(timespec="seconds"),
                   "command": a.command, "machine": m, "convscope": cs, "settings": {k: v for k, v in vars(a).items()},
                   "records": records}, f, indent=1)
    log(f"wrote {os.path.relpath(a.out)}.md and .json")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
