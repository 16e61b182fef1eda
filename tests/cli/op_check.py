#!/usr/bin/python3
"""op_check.py — runs `convscope op ...` on every golden case of some ops (tests/golden/manifest.json)
and compares the written .npy files with PyTorch's, printing the first mismatches with indices.

usage: op_check.py <convscope> <source-dir> <group>   group: conv | pool | im2col
Exit 0 = all match. Without numpy the CLI still runs (exit codes checked), then the comparison is
a skip (tests/cli/skip.py).
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

from skip import skip

try:
    import numpy as np
except ImportError:  # the comparison needs numpy; running the CLI does not
    np = None

cli, src, group = sys.argv[1], sys.argv[2], sys.argv[3]
gold = os.path.join(src, "tests", "golden")
manifest = json.load(open(os.path.join(gold, "manifest.json")))
tmp = tempfile.mkdtemp(prefix="cs_op_")
atexit.register(shutil.rmtree, tmp, True)
failures = 0
checked = 0


def hw(v):
    return f"{v[0]},{v[1]}"


def run(args):
    r = subprocess.run([cli, "op"] + args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"exit {r.returncode}: {' '.join(args)}\n{r.stderr}")


def compare(name, got_path, want_path, atol=1e-4, rtol=1e-4):
    global failures, checked
    if np is None:
        return
    got, want = np.load(got_path), np.load(want_path)
    checked += 1
    if got.shape != want.shape:
        print(f"FAIL {name}: shape {got.shape} != expected {want.shape}")
        failures += 1
        return
    bad = ~np.isclose(got, want, atol=atol, rtol=rtol)
    if bad.any():
        failures += 1
        idx = np.argwhere(bad)[:5]
        print(f"FAIL {name}: {int(bad.sum())} of {got.size} differ, max abs error {np.abs(got - want).max():g}")
        for i in idx:
            print(f"  at {tuple(int(k) for k in i)}: got {got[tuple(i)]}, expected {want[tuple(i)]}")


for case in manifest["cases"]:
    name, op, prm, files = case["name"], case["op"], case["params"], case["files"]
    f = {k: os.path.join(gold, v) for k, v in files.items()}
    out = lambda role: os.path.join(tmp, f"{name}.{role}.npy")  # noqa: E731
    try:
        if group == "conv" and op == "conv2d":
            common = ["--input", f["input"], "--weight", f["weight"], "--stride", hw(prm["stride"]),
                      "--padding", hw(prm["padding"]), "--dilation", hw(prm["dilation"]), "--groups",
                      str(prm["groups"])]
            # Winograd only where it applies (3x3, stride 1, dilation 1); op_errors.sh checks the refusal.
            wino_ok = (np is not None and np.load(f["weight"]).shape[2:] == (3, 3) and prm["stride"] == [1, 1]
                       and prm["dilation"] == [1, 1])
            for algo in ["reference", "im2col", "auto"] + (["winograd"] if wino_ok else []):
                bias = ["--bias", f["bias"]] if "bias" in f else []
                run(["conv2d"] + common + bias + ["--algo", algo, "--output", out("y")])
                compare(f"{name} conv2d [{algo}]", out("y"), f["output"])
            gb = ["--grad-bias", out("gb")] if "grad_bias" in f else []
            run(["conv2d-backward"] + common + ["--grad-output", f["grad_output"], "--grad-input", out("gx"),
                                                "--grad-weight", out("gw")] + gb)
            compare(f"{name} grad_input", out("gx"), f["grad_input"])
            compare(f"{name} grad_weight", out("gw"), f["grad_weight"])
            if gb:
                compare(f"{name} grad_bias", out("gb"), f["grad_bias"])
        elif group == "conv" and op == "conv_transpose2d":
            bias = ["--bias", f["bias"]] if "bias" in f else []
            run(["conv-transpose2d", "--input", f["input"], "--weight", f["weight"], "--stride", hw(prm["stride"]),
                 "--padding", hw(prm["padding"]), "--output-padding", hw(prm["output_padding"]),
                 "--dilation", hw(prm["dilation"]), "--groups", str(prm["groups"]), "--output", out("y")] + bias)
            compare(f"{name} conv-transpose2d", out("y"), f["output"])
        elif group == "pool" and op == "max_pool2d":
            stride = ["--stride", hw(prm["stride"])] if prm["stride"] != [0, 0] else []
            ceil = ["--ceil-mode"] if prm["ceil_mode"] else []
            run(["max-pool2d", "--input", f["input"], "--kernel", hw(prm["kernel"]), "--padding", hw(prm["padding"]),
                 "--dilation", hw(prm["dilation"]), "--output", out("y")] + stride + ceil)
            compare(f"{name} max-pool2d", out("y"), f["output"], 0, 0)
        elif group == "pool" and op == "avg_pool2d" and prm["divisor_override"] == 0:  # not a CLI option
            stride = ["--stride", hw(prm["stride"])] if prm["stride"] != [0, 0] else []
            ceil = ["--ceil-mode"] if prm["ceil_mode"] else []
            cip = [] if prm["count_include_pad"] else ["--no-count-include-pad"]
            run(["avg-pool2d", "--input", f["input"], "--kernel", hw(prm["kernel"]), "--padding", hw(prm["padding"]),
                 "--output", out("y")] + stride + ceil + cip)
            compare(f"{name} avg-pool2d", out("y"), f["output"], 1e-5, 1e-5)
        elif group == "im2col" and op == "im2col":
            run(["im2col", "--input", f["input"], "--kernel", hw(prm["kernel"]), "--stride", hw(prm["stride"]),
                 "--padding", hw(prm["padding"]), "--dilation", hw(prm["dilation"]), "--output", out("y")])
            compare(f"{name} im2col", out("y"), f["output"], 0, 0)
    except RuntimeError as e:
        print(f"FAIL {name}: {e}")
        failures += 1

if np is None and not failures:
    skip(f"tests/cli/op_check.py {group}", "numpy not importable by " + sys.executable +
         ": ran the CLI on every case but compared no outputs")
if np is not None and checked == 0:
    print(f"FAIL: no outputs compared for group '{group}'")
    failures += 1
print(f"{group}: {checked} outputs compared, {failures} failures")
sys.exit(1 if failures else 0)
