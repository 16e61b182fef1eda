#!/usr/bin/python3
"""op_random.py — random convolution and pooling configurations, `convscope op` against PyTorch.

Each case draws sizes, kernel, stride, padding, dilation, groups (and for pooling ceil_mode,
count_include_pad) at random, including configurations PyTorch refuses. Where PyTorch computes a
result, the CLI must exit 0 and match it (every conv algorithm that applies, the backward pass,
the transposed conv, max/avg pooling, im2col = unfold); where PyTorch raises, the CLI must refuse
with exit 2 and a message, never crash or write an output.

usage: op_random.py <convscope> [cases (default 60)] [seed (default 1)]
Needs numpy and torch (Debian's python3-torch); without them it is a skip (tests/cli/skip.py).
"""
import atexit
import os
import random
import shutil
import subprocess
import sys
import tempfile

from skip import skip

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:
    skip("tests/cli/op_random.py", "numpy/torch not importable by " + sys.executable)

cli = sys.argv[1]
cases = int(sys.argv[2]) if len(sys.argv) > 2 else 60
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = random.Random(seed)
torch.manual_seed(seed)
tmp = tempfile.mkdtemp(prefix="cs_oprand_")
atexit.register(shutil.rmtree, tmp, True)
failures = 0
compared = 0
refusals = 0


def path(name):
    return os.path.join(tmp, name)


def save(name, t):
    p = path(name)
    np.save(p, t.detach().numpy().astype(np.float32))
    return p


def hw(v):
    return f"{v[0]},{v[1]}"


def fail(what, msg):
    global failures
    failures += 1
    print(f"FAIL {what}: {msg}")


def run(what, args, expect_ok):
    """Runs the CLI; returns True when it succeeded as expected."""
    out = path("out.npy")
    if os.path.exists(out):
        os.remove(out)
    try:
        r = subprocess.run([cli, "op"] + args, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        fail(what, "timed out (60 s): " + " ".join(args))
        return False
    if expect_ok and r.returncode != 0:
        fail(what, f"exit {r.returncode} where PyTorch computes a result\n  {' '.join(args)}\n  {r.stderr.strip()}")
        return False
    if not expect_ok:
        global refusals
        if r.returncode != 2 or not r.stderr.strip():
            fail(what, f"PyTorch refuses, CLI gave exit {r.returncode} (want 2 and a message)\n  {' '.join(args)}")
        elif os.path.exists(out):
            fail(what, "refused but wrote an output file")
        else:
            refusals += 1
        return False
    return True


def compare(what, got_path, want, scale):
    """want: the torch result; scale: a bound on the magnitude of the summed terms per element."""
    global compared
    got = np.load(got_path)
    want = want.detach().numpy()
    compared += 1
    if got.shape != want.shape:
        fail(what, f"shape {got.shape} != PyTorch's {want.shape}")
        return
    # float32 sums of k terms: error grows with k and the terms' size; scale carries both.
    tol = 1e-5 + 4e-6 * scale
    # Non-finite values (a max-pool window with no input in it is -inf in PyTorch) must match exactly.
    fin = np.isfinite(want)
    err = np.where(fin, np.abs(np.where(fin, got, 0).astype(np.float64) - np.where(fin, want, 0)), 0.0)
    bad = (err > tol) | (fin != np.isfinite(got)) | (~fin & (got != want))
    if (~fin).any():
        print(f"note {what}: {int((~fin).sum())} non-finite values in PyTorch's result")
    if bad.any():
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        fail(what, f"{int(bad.sum())} of {got.size} differ (tol {tol:g}), max finite {err.max():g}; at {i}: "
                   f"got {got[i]}, PyTorch {want[i]}")


def pair(lo, hi, square=0.6):
    a = rng.randint(lo, hi)
    return [a, a] if rng.random() < square else [a, rng.randint(lo, hi)]


def conv_case(k):
    g = rng.choice([1, 1, 1, 2, 3]) if rng.random() < 0.8 else None
    cpg, ocpg = rng.randint(1, 5), rng.randint(1, 5)
    depthwise = rng.random() < 0.15
    if depthwise:
        g = rng.randint(1, 8)
        cpg, ocpg = 1, rng.choice([1, 1, 2])
    if g is None:
        g = 1
    big = rng.random() < 0.2  # the fast paths (Winograd, direct tiles, threads) need channels and width
    if big:
        cpg, ocpg = rng.randint(8, 40) // g, rng.randint(8, 40) // g
        cpg, ocpg = max(cpg, 1), max(ocpg, 1)
    C, OC = g * cpg, g * ocpg
    N = rng.choice([1, 1, 2, 3])
    H, W = pair(8, 40) if big else pair(1, 17)
    kern = pair(1, 5)
    if rng.random() < 0.3:
        kern = [3, 3]
    stride = pair(1, 3) if rng.random() < 0.5 else [1, 1]
    dil = pair(1, 3) if rng.random() < 0.3 else [1, 1]
    pad = pair(0, 4) if rng.random() < 0.7 else [0, 0]
    bias = rng.random() < 0.7
    x = torch.randn(N, C, H, W)
    w = torch.randn(OC, cpg, kern[0], kern[1])
    b = torch.randn(OC) if bias else None
    what = (f"case {k} conv2d N{N} C{C} OC{OC} {H}x{W} k{hw(kern)} s{hw(stride)} p{hw(pad)} d{hw(dil)} "
            f"g{g} bias={bias}")
    try:
        y = F.conv2d(x, w, b, stride, pad, dil, g)
        ok = y.numel() > 0
    except RuntimeError:
        ok = False
    common = ["--input", save("x.npy", x), "--weight", save("w.npy", w), "--stride", hw(stride), "--padding",
              hw(pad), "--dilation", hw(dil), "--groups", str(g)] + (["--bias", save("b.npy", b)] if bias else [])
    scale = cpg * kern[0] * kern[1] * 3.0
    wino = kern == [3, 3] and stride == [1, 1] and dil == [1, 1]
    for algo in ["reference", "im2col", "auto"] + (["winograd"] if wino else []):
        if run(f"{what} [{algo}]", ["conv2d"] + common + ["--algo", algo, "--output", path("out.npy")], ok):
            compare(f"{what} [{algo}]", path("out.npy"), y, scale * (2.5 if algo == "winograd" else 1))
    if not ok:
        return
    # backward: PyTorch's autograd against conv2d-backward
    xr, wr = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    br = b.clone().requires_grad_(True) if bias else None
    gy = torch.randn_like(y)
    F.conv2d(xr, wr, br, stride, pad, dil, g).backward(gy)
    args = ["conv2d-backward"] + common + ["--grad-output", save("gy.npy", gy), "--grad-input", path("gx.npy"),
                                           "--grad-weight", path("gw.npy")]
    if bias:
        args += ["--grad-bias", path("gb.npy")]
    if run(f"{what} backward", args, True):
        compare(f"{what} grad_input", path("gx.npy"), xr.grad, ocpg * kern[0] * kern[1] * 3.0)
        compare(f"{what} grad_weight", path("gw.npy"), wr.grad, N * y.shape[2] * y.shape[3] * 3.0)
        if bias:
            compare(f"{what} grad_bias", path("gb.npy"), br.grad, N * y.shape[2] * y.shape[3] * 3.0)


def transpose_case(k):
    g = rng.choice([1, 1, 2])
    cpg, ocpg = rng.randint(1, 4), rng.randint(1, 4)
    C, OC = g * cpg, g * ocpg
    N = rng.choice([1, 2])
    H, W = pair(1, 9)
    kern = pair(1, 4)
    stride = pair(1, 3)
    dil = pair(1, 2) if rng.random() < 0.3 else [1, 1]
    pad = pair(0, 3)
    opad = [rng.randint(0, 2), rng.randint(0, 2)]
    bias = rng.random() < 0.6
    x = torch.randn(N, C, H, W)
    w = torch.randn(C, ocpg, kern[0], kern[1])
    b = torch.randn(OC) if bias else None
    what = (f"case {k} conv-transpose2d N{N} C{C} OC{OC} {H}x{W} k{hw(kern)} s{hw(stride)} p{hw(pad)} "
            f"op{hw(opad)} d{hw(dil)} g{g}")
    try:
        y = F.conv_transpose2d(x, w, b, stride, pad, opad, g, dil)
        ok = y.numel() > 0
    except RuntimeError:
        ok = False
    args = ["conv-transpose2d", "--input", save("x.npy", x), "--weight", save("w.npy", w), "--stride", hw(stride),
            "--padding", hw(pad), "--output-padding", hw(opad), "--dilation", hw(dil), "--groups", str(g),
            "--output", path("out.npy")] + (["--bias", save("b.npy", b)] if bias else [])
    if run(what, args, ok):
        compare(what, path("out.npy"), y, cpg * kern[0] * kern[1] * 3.0)


def pool_case(k):
    N, C = rng.choice([1, 2]), rng.randint(1, 4)
    H, W = pair(1, 15)
    kern = pair(1, 5)
    stride = pair(1, 4) if rng.random() < 0.7 else None
    pad = pair(0, 3) if rng.random() < 0.6 else [0, 0]
    ceil = rng.random() < 0.4
    x = torch.randn(N, C, H, W)
    xp = save("x.npy", x)
    st = ["--stride", hw(stride)] if stride else []
    ce = ["--ceil-mode"] if ceil else []
    if rng.random() < 0.5:
        dil = pair(1, 3) if rng.random() < 0.4 else [1, 1]
        what = f"case {k} max-pool2d N{N} C{C} {H}x{W} k{hw(kern)} s{stride} p{hw(pad)} d{hw(dil)} ceil={ceil}"
        try:
            y = F.max_pool2d(x, kern, stride if stride else kern, pad, dil, ceil)
            ok = y.numel() > 0
        except RuntimeError:
            ok = False
        if run(what, ["max-pool2d", "--input", xp, "--kernel", hw(kern), "--padding", hw(pad), "--dilation", hw(dil),
                      "--output", path("out.npy")] + st + ce, ok):
            compare(what, path("out.npy"), y, 0)
    else:
        cip = rng.random() < 0.5
        what = f"case {k} avg-pool2d N{N} C{C} {H}x{W} k{hw(kern)} s{stride} p{hw(pad)} ceil={ceil} cip={cip}"
        try:
            y = F.avg_pool2d(x, kern, stride if stride else kern, pad, ceil, cip)
            ok = y.numel() > 0
        except RuntimeError:
            ok = False
        if run(what, ["avg-pool2d", "--input", xp, "--kernel", hw(kern), "--padding", hw(pad),
                      "--output", path("out.npy")] + st + ce + ([] if cip else ["--no-count-include-pad"]), ok):
            compare(what, path("out.npy"), y, kern[0] * kern[1])


def im2col_case(k):
    N, C = rng.choice([1, 2]), rng.randint(1, 3)
    H, W = pair(1, 12)
    kern, stride, pad = pair(1, 4), pair(1, 3), pair(0, 3)
    dil = pair(1, 3) if rng.random() < 0.4 else [1, 1]
    x = torch.randn(N, C, H, W)
    what = f"case {k} im2col N{N} C{C} {H}x{W} k{hw(kern)} s{hw(stride)} p{hw(pad)} d{hw(dil)}"
    try:
        y = F.unfold(x, kern, dil, pad, stride)
        ok = y.numel() > 0
    except RuntimeError:
        ok = False
    if run(what, ["im2col", "--input", save("x.npy", x), "--kernel", hw(kern), "--stride", hw(stride), "--padding",
                  hw(pad), "--dilation", hw(dil), "--output", path("out.npy")], ok):
        compare(what, path("out.npy"), y, 0)


kinds = [conv_case, conv_case, conv_case, transpose_case, pool_case, pool_case, im2col_case]
for k in range(cases):
    rng.choice(kinds)(k)
print(f"op_random (seed {seed}): {cases} cases, {compared} outputs compared, {refusals} refusals checked, "
      f"{failures} failures")
sys.exit(1 if failures else 0)
