#!/usr/bin/python3
"""torch_peer.py: the PyTorch peer of bench/side_by_side.sh (Debian python3-torch, CPU).

  torch_peer.py --case L4 --threads 1 [--time 1]   time one case, print one JSON line
  torch_peer.py --export DIR                       write DIR/<case>.onnx and DIR/M1_ref.json

The ONNX files are what the ONNX Runtime peers run, exported from the same modules this script
times; M1_ref.json holds M1's weights, an input and torch's output, so every other engine loads the
same M1 and reports how far its output is from torch's.
"""
import argparse, json, os, statistics, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = json.load(open(os.path.join(HERE, "cases.json")))
CONV = {c["id"]: c for c in CASES["conv"]}
TIMING = CASES["timing"]


def time_calls(fn, min_s):
    """Median, minimum (ms) and count of single timed calls after warm-up (cases.json timing)."""
    t0, n = time.perf_counter(), 0
    while n < TIMING["warmup_runs"] or time.perf_counter() - t0 < TIMING["warmup_s"]:
        fn()
        n += 1
    times, t0 = [], time.perf_counter()
    while len(times) < TIMING["min_runs"] or (time.perf_counter() - t0 < min_s and len(times) < TIMING["max_runs"]):
        s = time.perf_counter()
        fn()
        times.append(time.perf_counter() - s)
    return statistics.median(times) * 1e3, min(times) * 1e3, len(times)


class SqueezeExcite(nn.Module):
    """Global average pool -> linear -> ReLU -> linear -> sigmoid -> channel scale."""

    def __init__(self, channels, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(channels, hidden), nn.Linear(hidden, channels)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1).flatten(1)
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s[:, :, None, None]


class M1(nn.Module):
    """The small MNIST CNN of cases M1 and T1; parameter names are the ones `convscope bench --m1-ref` reads."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.se1 = SqueezeExcite(32, 8)
        self.dw = nn.Conv2d(32, 32, 3, padding=1, groups=32)
        self.pw = nn.Conv2d(32, 64, 1)
        self.se2 = SqueezeExcite(64, 16)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(self.se1(F.relu(self.c2(x))), 2)
        x = self.se2(F.relu(self.pw(self.dw(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def make_m1():
    torch.manual_seed(0)  # the same weights here and in the exported files
    return M1()


def conv_module(c):
    return nn.Conv2d(c["Cin"], c["Cout"], c["K"], stride=c["stride"], padding=c["pad"], groups=c["groups"])


def conv_input(c):
    return torch.randn(c["N"], c["Cin"], c["H"], c["W"])


def bench_conv(c, min_s):
    m = conv_module(c).eval()
    x = conv_input(c)
    with torch.inference_mode():
        return time_calls(lambda: F.conv2d(x, m.weight, m.bias, m.stride, m.padding, 1, m.groups), min_s), ""


def bench_conv_backward(c, min_s):
    """Input and weight gradients of one convolution (aten::convolution_backward, no bias gradient)."""
    m = conv_module(c)
    x, w = conv_input(c), m.weight.detach()
    dy = torch.randn_like(F.conv2d(x, w, None, m.stride, m.padding, 1, m.groups))
    call = lambda: torch.ops.aten.convolution_backward(
        dy, x, w, None, list(m.stride), list(m.padding), [1, 1], False, [0, 0], m.groups, [True, True, False])
    return time_calls(call, min_s), ""


def bench_m1_forward(batch, min_s):
    model = make_m1().eval()
    x = torch.randn(batch, 1, 28, 28)
    with torch.inference_mode():
        return time_calls(lambda: model(x), min_s), ""


def bench_m1_sgd_step(min_s, batch=64):
    model = make_m1().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    t = time_calls(step, min_s)
    return t, f"{batch / (t[0] / 1e3):.0f} img/s"


def export(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    for c in CASES["conv"]:
        torch.onnx.export(conv_module(c).eval(), conv_input(c), os.path.join(out_dir, f"{c['id']}.onnx"),
                          input_names=["x"], output_names=["y"], opset_version=13)
    model = make_m1().eval()
    for m in CASES["model"]:
        torch.onnx.export(model, torch.randn(m["N"], 1, 28, 28), os.path.join(out_dir, f"{m['id']}.onnx"),
                          input_names=["x"], output_names=["y"], opset_version=13)
    x = torch.randn(1, 1, 28, 28)
    with torch.no_grad():
        y = model(x)
    flat = lambda t: {"shape": list(t.shape), "data": t.flatten().tolist()}
    ref = {"weights": {k: flat(v) for k, v in model.state_dict().items()}, "x": flat(x), "y": flat(y)}
    with open(os.path.join(out_dir, "M1_ref.json"), "w") as f:
        json.dump(ref, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time", type=float, default=1.0, help="seconds of timed calls (at least 20 calls)")
    ap.add_argument("--export", metavar="DIR")
    a = ap.parse_args()
    if a.export:
        return export(a.export)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower()})
    print(json.dumps({"meta": {"peer": "torch", "version": torch.__version__, "blas": blas,
                               "mkldnn": torch.backends.mkldnn.is_available()}}), flush=True)
    if a.case in CONV:
        res = bench_conv(CONV[a.case], a.time)
    elif a.case == "L9":
        res = bench_conv_backward(CONV["L3"], a.time)
    elif a.case in ("M1-b1", "M1-b64"):
        res = bench_m1_forward(int(a.case[4:]), a.time)
    elif a.case == "T1":
        res = bench_m1_sgd_step(a.time)
    else:
        sys.exit(f"torch_peer.py: unknown case '{a.case}' (cases.json: {', '.join(CASES['order'])})")
    (median, low, runs), note = res
    line = dict(case=a.case, peer="torch", threads=a.threads, median_ms=round(median, 5), min_ms=round(low, 5),
                runs=runs, isa="native")
    if note:
        line["note"] = note
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
