#!/usr/bin/python3
"""Writes tests/golden/block_costs.json: parameters and multiply-accumulates of the blocks compared
by src/engine/nn/block_costs.h, counted by PyTorch on modules built as torchvision builds them
(MBConv with SE, ConvNeXt's CNBlock with layer scale). MACs: Conv2d and Linear by forward hooks
(output elements x inputs per output), plus the SE's channel scaling (one multiply per element).

Run: /usr/bin/python3 tests/golden/make_block_costs.py   (Debian's python3-torch)
"""
import json
import os

import torch
from torch import nn

QUERIES = [  # channels, height, width, kernel, classes
    (32, 28, 28, 3, 10),
    (16, 14, 14, 7, 10),
    (1, 5, 5, 1, 10),
    (3, 9, 7, 5, 4),
    (64, 8, 8, 3, 100),
    (24, 17, 11, 9, 10),
]


class SE(nn.Module):
    def __init__(self, c, s):
        super().__init__()
        self.fc1 = nn.Conv2d(c, s, 1)
        self.fc2 = nn.Conv2d(s, c, 1)

    def forward(self, x):
        e = torch.sigmoid(self.fc2(nn.functional.silu(self.fc1(x.mean((2, 3), keepdim=True)))))
        self.scaled = x.numel()
        return x * e


def mbconv(c, k):
    e, s = 4 * c, max(1, int(c * 0.25))
    return nn.Sequential(
        nn.Sequential(nn.Conv2d(c, e, 1, bias=False), nn.BatchNorm2d(e), nn.SiLU()),
        nn.Sequential(nn.Conv2d(e, e, k, padding=k // 2, groups=e, bias=False), nn.BatchNorm2d(e), nn.SiLU()),
        SE(e, s),
        nn.Sequential(nn.Conv2d(e, c, 1, bias=False), nn.BatchNorm2d(c)))


class CNBlock(nn.Module):
    def __init__(self, c, k):
        super().__init__()
        self.dw = nn.Conv2d(c, c, k, padding=k // 2, groups=c)
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.pw1 = nn.Linear(c, 4 * c)
        self.pw2 = nn.Linear(4 * c, c)
        self.layer_scale = nn.Parameter(torch.full((c, 1, 1), 1e-6))

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.pw2(nn.functional.gelu(self.pw1(self.norm(y)))).permute(0, 3, 1, 2)
        return x + self.layer_scale * y


def count(module, shape):
    macs = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            macs[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            macs[0] += out.numel() * m.in_features

    hs = [m.register_forward_hook(hook) for m in module.modules()]
    module.eval()
    with torch.no_grad():
        out = module(torch.zeros(shape))
    for h in hs:
        h.remove()
    macs[0] += sum(getattr(m, "scaled", 0) for m in module.modules())
    params = sum(p.numel() for p in module.parameters())
    return {"output": list(out.shape), "params": params, "macs": macs[0]}


def main():
    cases = []
    for c, h, w, k, classes in QUERIES:
        shape = (1, c, h, w)
        blocks = {
            "standard": nn.Conv2d(c, c, k, padding=k // 2, bias=False),
            "separable": nn.Sequential(nn.Conv2d(c, c, k, padding=k // 2, groups=c, bias=False),
                                       nn.Conv2d(c, c, 1, bias=False)),
            "mbconv": mbconv(c, k),
            "convnext": CNBlock(c, k),
            "flatten_head": nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, classes)),
            "gap_head": nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes)),
        }
        cases.append({"query": {"channels": c, "height": h, "width": w, "kernel": k, "classes": classes},
                      "rows": {name: count(m, shape) for name, m in blocks.items()}})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "block_costs.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
