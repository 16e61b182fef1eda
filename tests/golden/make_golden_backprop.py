#!/usr/bin/python3
"""make_golden_backprop.py — PyTorch autograd reference for the kernel stepper's backward direction.

Run with the system Python that has torch 1.13:  /usr/bin/python3 tests/golden/make_golden_backprop.py
Writes tests/golden/backprop_stepper.json: random stepper configurations (input 3..9, kernel 1..4,
stride 1..3, padding 0..2, dilation 1..2, channels 1..3, groups dividing them) with random integer
inputs, weights, bias and dL/dY, as Conv2d, MaxPool2d and AvgPool2d (count_include_pad both ways,
ceil_mode both ways), and what loss.backward() gives: grad_input, grad_weight, grad_bias.
tests/app/test_backward_stepper_model.cpp feeds each case to the stepper's model and compares within 1e-4.
Integers keep every product exact, so the comparison tests the index maths, not rounding.
"""
import json
import os
import random

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)
rng = random.Random(20)


def ints(shape, lo, hi):
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([float(rng.randint(lo, hi)) for _ in range(n)], dtype=torch.float32).reshape(shape)


def out_size(i, k, s, p, d):
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def conv_case():
    while True:
        C = rng.randint(1, 3)
        groups = rng.choice([g for g in (1, 2, 3) if C % g == 0])
        OC = groups * rng.randint(1, 4 // groups) if groups < 4 else groups
        H, W = rng.randint(3, 9), rng.randint(3, 9)
        KH, KW = rng.randint(1, 4), rng.randint(1, 4)
        s = [rng.randint(1, 3), rng.randint(1, 3)]
        p = [rng.randint(0, 2), rng.randint(0, 2)]
        d = [rng.randint(1, 2), rng.randint(1, 2)]
        if out_size(H, KH, s[0], p[0], d[0]) >= 1 and out_size(W, KW, s[1], p[1], d[1]) >= 1:
            break
    x = ints((1, C, H, W), -3, 3).requires_grad_()
    w = ints((OC, C // groups, KH, KW), -2, 2).requires_grad_()
    bias = float(rng.randint(-2, 2))
    b = torch.full((OC,), bias).requires_grad_()
    y = F.conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=groups)
    gy = ints(tuple(y.shape), -2, 2)
    y.backward(gy)
    return {"mode": "standard" if groups == 1 else "grouped", "input": [H, W], "channels": C, "kernel": [KH, KW],
            "stride": s, "padding": p, "dilation": d, "groups": groups, "out_channels": OC, "bias": bias,
            "ceil_mode": False, "count_include_pad": True,
            "x": x.detach().flatten().tolist(), "w": w.detach().flatten().tolist(), "y": y.detach().flatten().tolist(),
            "grad_output": gy.flatten().tolist(), "grad_input": x.grad.flatten().tolist(),
            "grad_weight": w.grad.flatten().tolist(), "grad_bias": b.grad.flatten().tolist()}


def pool_case(mode):
    while True:
        C = rng.randint(1, 3)
        H, W = rng.randint(3, 9), rng.randint(3, 9)
        KH, KW = rng.randint(1, 4), rng.randint(1, 4)
        s = [rng.randint(1, 3), rng.randint(1, 3)]
        p = [rng.randint(0, min(2, KH // 2)), rng.randint(0, min(2, KW // 2))]  # PyTorch: pad <= kernel/2
        d = [rng.randint(1, 2), rng.randint(1, 2)] if mode == "maxpool" else [1, 1]
        ceil = rng.random() < 0.5
        include = rng.random() < 0.5
        x = ints((1, C, H, W), 0, 5).requires_grad_()  # few values: ties in the max windows on purpose
        try:
            if mode == "maxpool":
                y = F.max_pool2d(x, (KH, KW), s, p, d, ceil_mode=ceil)
            else:
                y = F.avg_pool2d(x, (KH, KW), s, p, ceil_mode=ceil, count_include_pad=include)
        except RuntimeError:
            continue
        if y.numel() > 0:
            break
    gy = ints(tuple(y.shape), -2, 2)
    y.backward(gy)
    return {"mode": mode, "input": [H, W], "channels": C, "kernel": [KH, KW], "stride": s, "padding": p,
            "dilation": d, "groups": C, "out_channels": C, "bias": 0.0, "ceil_mode": ceil, "count_include_pad": include,
            "x": x.detach().flatten().tolist(), "w": [], "y": y.detach().flatten().tolist(),
            "grad_output": gy.flatten().tolist(), "grad_input": x.grad.flatten().tolist(),
            "grad_weight": [], "grad_bias": []}


cases = [conv_case() for _ in range(80)] + [pool_case("maxpool") for _ in range(30)] + \
        [pool_case("avgpool") for _ in range(30)]


def compact(v):
    """Integral floats as integers: the fixture stays small and readable."""
    if isinstance(v, list):
        return [compact(e) for e in v]
    if isinstance(v, dict):
        return {k: compact(e) for k, e in v.items()}
    if isinstance(v, float) and v == int(v):
        return int(v)
    return v


cases = compact(cases)
with open(os.path.join(HERE, "backprop_stepper.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases")
