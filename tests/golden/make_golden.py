#!/usr/bin/python3
"""make_golden.py — writes PyTorch reference data for ConvScope's conv/pool ops into tests/golden/.

Run with the system Python that has torch 1.13:  /usr/bin/python3 tests/golden/make_golden.py
Each case becomes a few small float32 .npy files named <case>.<role>.npy plus an entry in
manifest.json: {"name", "op", "params", "files": {role: file}}. Roles: input, weight, bias,
output, grad_output, grad_input, grad_weight, grad_bias. Seeds are fixed, so re-running the
script reproduces the same bytes (for the same torch version).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)  # deterministic summation order


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


class Writer:
    def __init__(self):
        self.cases = []
        self.seed = 0

    def rand(self, *shape):
        return torch.randn(*shape, generator=self.gen, dtype=torch.float32)

    def begin(self):
        self.seed += 1
        self.gen = torch.Generator().manual_seed(1000 + self.seed)

    def save(self, name, op, params, tensors):
        files = {}
        for role, t in tensors.items():
            if t is None:
                continue
            fname = f"{name}.{role}.npy"
            np.save(os.path.join(HERE, fname), np.ascontiguousarray(t.detach().numpy().astype("<f4")))
            files[role] = fname
        self.cases.append({"name": name, "op": op, "params": params, "files": files})


w = Writer()


def conv_case(name, N, C, H, W_, OC, k, stride=1, padding=0, dilation=1, groups=1, bias=True):
    w.begin()
    kh, kw = pair(k)
    x = w.rand(N, C, H, W_).requires_grad_()
    wt = w.rand(OC, C // groups, kh, kw).requires_grad_()
    b = w.rand(OC).requires_grad_() if bias else None
    y = F.conv2d(x, wt, b, stride=pair(stride), padding=pair(padding), dilation=pair(dilation), groups=groups)
    gy = w.rand(*y.shape)
    y.backward(gy)
    params = {"stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation), "groups": groups}
    w.save(name, "conv2d", params, {"input": x, "weight": wt, "bias": b, "output": y, "grad_output": gy,
                                    "grad_input": x.grad, "grad_weight": wt.grad,
                                    "grad_bias": b.grad if bias else None})


def convt_case(name, N, Cin, H, W_, Cout, k, stride=1, padding=0, output_padding=0, dilation=1, groups=1, bias=True):
    w.begin()
    kh, kw = pair(k)
    x = w.rand(N, Cin, H, W_).requires_grad_()
    wt = w.rand(Cin, Cout // groups, kh, kw).requires_grad_()
    b = w.rand(Cout).requires_grad_() if bias else None
    y = F.conv_transpose2d(x, wt, b, stride=pair(stride), padding=pair(padding), output_padding=pair(output_padding),
                           groups=groups, dilation=pair(dilation))
    gy = w.rand(*y.shape)
    y.backward(gy)
    params = {"stride": pair(stride), "padding": pair(padding), "output_padding": pair(output_padding),
              "dilation": pair(dilation), "groups": groups}
    w.save(name, "conv_transpose2d", params, {"input": x, "weight": wt, "bias": b, "output": y, "grad_output": gy,
                                              "grad_input": x.grad, "grad_weight": wt.grad,
                                              "grad_bias": b.grad if bias else None})


def maxpool_case(name, N, C, H, W_, k, stride=None, padding=0, dilation=1, ceil_mode=False, shift=0.0):
    w.begin()
    x = (w.rand(N, C, H, W_) + shift).requires_grad_()  # continuous values: no ties in a window
    y = F.max_pool2d(x, pair(k), stride=pair(stride) if stride is not None else None, padding=pair(padding),
                     dilation=pair(dilation), ceil_mode=ceil_mode)
    gy = w.rand(*y.shape)
    y.backward(gy)
    params = {"kernel": pair(k), "stride": pair(stride) if stride is not None else [0, 0], "padding": pair(padding),
              "dilation": pair(dilation), "ceil_mode": ceil_mode}
    w.save(name, "max_pool2d", params, {"input": x, "output": y, "grad_output": gy, "grad_input": x.grad})


def avgpool_case(name, N, C, H, W_, k, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
    w.begin()
    x = w.rand(N, C, H, W_).requires_grad_()
    y = F.avg_pool2d(x, pair(k), stride=pair(stride) if stride is not None else None, padding=pair(padding),
                     ceil_mode=ceil_mode, count_include_pad=count_include_pad, divisor_override=divisor_override)
    gy = w.rand(*y.shape)
    y.backward(gy)
    params = {"kernel": pair(k), "stride": pair(stride) if stride is not None else [0, 0], "padding": pair(padding),
              "ceil_mode": ceil_mode, "count_include_pad": count_include_pad,
              "divisor_override": divisor_override if divisor_override is not None else 0}
    w.save(name, "avg_pool2d", params, {"input": x, "output": y, "grad_output": gy, "grad_input": x.grad})


def adaptive_case(name, N, C, H, W_, out):
    w.begin()
    x = w.rand(N, C, H, W_).requires_grad_()
    y = F.adaptive_avg_pool2d(x, pair(out))
    gy = w.rand(*y.shape)
    y.backward(gy)
    w.save(name, "adaptive_avg_pool2d", {"output_size": pair(out)},
           {"input": x, "output": y, "grad_output": gy, "grad_input": x.grad})


def unfold_case(name, N, C, H, W_, k, stride=1, padding=0, dilation=1):
    w.begin()
    x = w.rand(N, C, H, W_)
    y = F.unfold(x, pair(k), dilation=pair(dilation), padding=pair(padding), stride=pair(stride))
    w.save(name, "im2col", {"kernel": pair(k), "stride": pair(stride), "padding": pair(padding),
                            "dilation": pair(dilation)}, {"input": x, "output": y})


# [conv2d] every case also runs through each algorithm that supports it (winograd: 3x3/s1/d1).
conv_case("conv_basic", 1, 3, 5, 5, 4, 3, padding=1)
conv_case("conv_odd_stride2", 2, 3, 7, 9, 5, 3, stride=2, padding=1)
conv_case("conv_stride_gt_kernel", 1, 2, 9, 8, 3, 2, stride=3)
conv_case("conv_dilation", 2, 3, 10, 9, 4, 3, padding=2, dilation=2)
conv_case("conv_groups", 2, 6, 7, 7, 4, 3, padding=1, groups=2)
conv_case("conv_depthwise", 2, 4, 8, 7, 8, 3, padding=1, groups=4)
conv_case("conv_nonsquare", 1, 3, 6, 11, 2, (2, 5), stride=(1, 2), padding=(0, 2), dilation=(2, 1))
conv_case("conv_pointwise", 3, 5, 4, 6, 7, 1)
conv_case("conv_1x1_stride2", 1, 3, 5, 5, 2, 1, stride=2)
conv_case("conv_nobias_odd", 2, 3, 7, 5, 4, 3, bias=False)
conv_case("conv_wino_pad_groups", 1, 4, 5, 7, 6, 3, padding=(2, 1), groups=2)
conv_case("conv_kernel_equals_input", 1, 2, 3, 3, 3, 3)
conv_case("conv_big_padding", 2, 2, 4, 4, 3, 3, padding=3)
conv_case("conv_wino_multi_tile", 2, 8, 12, 13, 6, 3, padding=1)

# [conv_transpose2d]
convt_case("convt_basic", 1, 3, 4, 4, 2, 3)
convt_case("convt_stride2_outpad", 2, 4, 3, 5, 3, 3, stride=2, padding=1, output_padding=1)
convt_case("convt_groups_dilation", 1, 4, 4, 3, 6, 3, stride=2, padding=1, output_padding=1, dilation=2, groups=2)
convt_case("convt_nonsquare", 2, 2, 3, 4, 3, (2, 3), stride=(2, 1), padding=(0, 1), output_padding=(1, 0))
convt_case("convt_outpad_lt_dilation", 1, 2, 4, 4, 2, 3, stride=1, output_padding=1, dilation=2, bias=False)
convt_case("convt_depthwise", 1, 3, 4, 5, 3, 4, stride=2, padding=1, groups=3)

# [max_pool2d]
maxpool_case("maxpool_k2", 2, 3, 6, 7, 2)
maxpool_case("maxpool_k3s2p1", 1, 2, 7, 7, 3, stride=2, padding=1)
maxpool_case("maxpool_ceil", 1, 2, 8, 8, 3, stride=2, padding=1, ceil_mode=True)
maxpool_case("maxpool_ceil_odd", 2, 2, 5, 5, 2, stride=2, ceil_mode=True)
maxpool_case("maxpool_dilation", 1, 3, 7, 8, 3, stride=1, padding=1, dilation=2)
maxpool_case("maxpool_nonsquare", 1, 2, 6, 9, (2, 3), stride=(1, 2), padding=(1, 1), ceil_mode=True)
maxpool_case("maxpool_negative_pad", 1, 2, 5, 5, 3, stride=2, padding=1, shift=-10.0)

# [avg_pool2d]
avgpool_case("avgpool_k2", 2, 3, 6, 6, 2)
avgpool_case("avgpool_pad_include", 1, 2, 7, 7, 3, stride=2, padding=1)
avgpool_case("avgpool_pad_exclude", 1, 2, 7, 7, 3, stride=2, padding=1, count_include_pad=False)
avgpool_case("avgpool_ceil_include", 1, 2, 8, 8, 3, stride=2, padding=1, ceil_mode=True)
avgpool_case("avgpool_ceil_exclude", 1, 2, 8, 8, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
avgpool_case("avgpool_ceil_nopad", 1, 2, 5, 5, 2, stride=2, ceil_mode=True)
avgpool_case("avgpool_divisor", 1, 2, 5, 6, 2, stride=1, divisor_override=3)
avgpool_case("avgpool_nonsquare", 2, 2, 6, 5, (3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True)

# [adaptive_avg_pool2d] (global average pool = output 1x1)
adaptive_case("adaptive_7x5_to_3x2", 2, 3, 7, 5, (3, 2))
adaptive_case("adaptive_identity", 1, 2, 5, 5, 5)
adaptive_case("adaptive_6x9_to_4x4", 1, 2, 6, 9, 4)
adaptive_case("adaptive_global", 2, 4, 5, 6, 1)

# [im2col] = torch.nn.functional.unfold
unfold_case("unfold_k3p1", 2, 3, 5, 6, 3, padding=1)
unfold_case("unfold_nonsquare", 1, 2, 7, 6, (2, 3), stride=(2, 1), padding=(1, 0), dilation=(1, 2))

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump({"generator": "tests/golden/make_golden.py", "torch": torch.__version__, "cases": w.cases}, f, indent=1)
print(f"wrote {len(w.cases)} cases to {HERE}")
