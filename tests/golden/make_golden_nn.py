#!/usr/bin/python3
"""make_golden_nn.py — PyTorch golden data for the non-convolution ops, layers, blocks and optimizers.

Writes small float32 .npy files under tests/golden/nn/ (fixed seeds; rerun to regenerate):
  act/       ReLU, GELU (exact erf), SiLU, sigmoid, softmax forward + backward; cross-entropy loss + grad
  linear/    nn.Linear forward + input/weight/bias gradients
  bn/        BatchNorm2d train (output, running stats after, grads) and eval (output, grads)
  ln/        ConvNeXt's LayerNorm over channels (permute -> nn.LayerNorm(eps=1e-6) -> permute)
  se/ mbconv/ convnext/   full blocks written as torchvision writes them (same state_dict keys):
             sd.<key>.npy every state_dict entry, keys.txt their order, x, gy (fixed upstream
             gradient), y, gx, grad.<key>.npy, and for BatchNorm in training mode after.<key>.npy
             (buffers after the forward pass); mbconv also eval-mode y_eval / gx_eval.
  opt/<case>/ SGD (momentum, weight decay, Nesterov) and Adam / AdamW: p<k>_init, then per step t
             grad<k>_step<t> (input) and p<k>_step<t> (expected parameter after the step).
Run: /usr/bin/python3 tests/golden/make_golden_nn.py   (needs torch + numpy; tested with torch 1.13)
"""
import os
import shutil

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn")


def save(folder, name, t):
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    a = t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)
    # astype(order="C"), not ascontiguousarray: the latter turns a 0-d scalar into shape (1,)
    np.save(os.path.join(ROOT, folder, name + ".npy"), a.astype(np.float32, order="C"))


def rand(*shape, lo=-1.0, hi=1.0):
    return torch.rand(*shape, dtype=torch.float32) * (hi - lo) + lo


# [SECTION] ops

def make_activations():
    torch.manual_seed(1)
    x = rand(4, 6, lo=-4, hi=4)
    x[0, 0], x[0, 1], x[0, 2] = 30.0, -30.0, 0.5  # saturated sigmoid/softmax regions
    gy = rand(4, 6)
    save("act", "x", x)
    save("act", "gy", gy)
    fns = {"relu": F.relu, "gelu": F.gelu, "silu": F.silu, "sigmoid": torch.sigmoid,
           "softmax": lambda t: F.softmax(t, dim=1)}
    for name, fn in fns.items():
        xx = x.clone().requires_grad_(True)
        y = fn(xx)
        y.backward(gy)
        save("act", name + "_y", y)
        save("act", name + "_gx", xx.grad)
    logits = rand(5, 7, lo=-3, hi=3).requires_grad_(True)
    labels = torch.tensor([0, 6, 3, 3, 1])
    loss = F.cross_entropy(logits, labels)  # mean reduction
    loss.backward()
    save("act", "ce_logits", logits)
    save("act", "ce_labels", labels.float())
    save("act", "ce_loss", loss.reshape(1))
    save("act", "ce_grad", logits.grad)


def make_linear():
    torch.manual_seed(2)
    lin = nn.Linear(6, 3)
    x = rand(4, 6).requires_grad_(True)
    y = lin(x)
    gy = rand(4, 3)
    y.backward(gy)
    for n, t in [("x", x), ("w", lin.weight), ("b", lin.bias), ("y", y), ("gy", gy), ("gx", x.grad),
                 ("gw", lin.weight.grad), ("gb", lin.bias.grad)]:
        save("linear", n, t)


def make_batchnorm():
    torch.manual_seed(3)
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(rand(3, lo=0.5, hi=1.5))
        bn.bias.copy_(rand(3))
        bn.running_mean.copy_(rand(3))
        bn.running_var.copy_(rand(3, lo=0.5, hi=2.0))
    x = rand(4, 3, 5, 5, lo=-1, hi=3)
    gy = rand(4, 3, 5, 5)
    for n, t in [("x", x), ("gy", gy), ("weight", bn.weight), ("bias", bn.bias),
                 ("running_mean", bn.running_mean), ("running_var", bn.running_var)]:
        save("bn", n, t)
    for mode in ("train", "eval"):
        bn.train(mode == "train")
        xx = x.clone().requires_grad_(True)
        bn.weight.grad = None
        bn.bias.grad = None
        rm, rv = bn.running_mean.clone(), bn.running_var.clone()
        y = bn(xx)
        y.backward(gy)
        save("bn", "y_" + mode, y)
        save("bn", "gx_" + mode, xx.grad)
        save("bn", "gw_" + mode, bn.weight.grad)
        save("bn", "gb_" + mode, bn.bias.grad)
        if mode == "train":
            save("bn", "running_mean_after", bn.running_mean)
            save("bn", "running_var_after", bn.running_var)
            with torch.no_grad():  # eval starts from the same statistics as the saved inputs
                bn.running_mean.copy_(rm)
                bn.running_var.copy_(rv)


class Permute(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


def make_layernorm():
    torch.manual_seed(4)
    ln = nn.LayerNorm(6, eps=1e-6)
    with torch.no_grad():
        ln.weight.copy_(rand(6, lo=0.5, hi=1.5))
        ln.bias.copy_(rand(6))
    x = rand(2, 6, 4, 4, lo=-2, hi=2).requires_grad_(True)
    y = ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
    gy = rand(2, 6, 4, 4)
    y.backward(gy)
    for n, t in [("x", x), ("weight", ln.weight), ("bias", ln.bias), ("y", y), ("gy", gy), ("gx", x.grad),
                 ("gw", ln.weight.grad), ("gb", ln.bias.grad)]:
        save("ln", n, t)


# [SECTION] blocks, as torchvision defines them (torchvision itself is not installed here)

class SqueezeExcitation(nn.Module):  # torchvision.ops.SqueezeExcitation
    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, x):
        s = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
        return s * x


def conv_bn_act(inp, out, k, stride, groups, act):  # torchvision Conv2dNormActivation
    layers = [nn.Conv2d(inp, out, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(out)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class MBConv(nn.Module):  # torchvision.models.efficientnet.MBConv without _make_divisible / stochastic depth
    def __init__(self, inp, out, expand_ratio, k, stride):
        super().__init__()
        exp = inp * expand_ratio
        layers = []
        if exp != inp:
            layers.append(conv_bn_act(inp, exp, 1, 1, 1, nn.SiLU))
        layers.append(conv_bn_act(exp, exp, k, stride, exp, nn.SiLU))
        layers.append(SqueezeExcitation(exp, max(1, inp // 4), activation=nn.SiLU))
        layers.append(conv_bn_act(exp, out, 1, 1, 1, None))
        self.block = nn.Sequential(*layers)
        self.use_res_connect = stride == 1 and inp == out

    def forward(self, x):
        r = self.block(x)
        return r + x if self.use_res_connect else r


class CNBlock(nn.Module):  # torchvision.models.convnext.CNBlock without stochastic depth
    def __init__(self, dim, layer_scale):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            nn.LayerNorm(dim, eps=1e-6),
            nn.Linear(dim, 4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(4 * dim, dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)

    def forward(self, x):
        return self.layer_scale * self.block(x) + x


def randomize(module):
    """Non-trivial values for every parameter and buffer (BN defaults of 1/0 would hide bugs)."""
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if name.endswith("num_batches_tracked"):
                t.fill_(3)
            elif name.endswith("running_var"):
                t.copy_(rand(*t.shape, lo=0.5, hi=2.0))
            elif name.endswith("running_mean"):
                t.copy_(rand(*t.shape, lo=-0.5, hi=0.5))
            elif name.endswith("layer_scale"):
                t.copy_(rand(*t.shape, lo=0.3, hi=0.8))
            elif t.dim() == 1 and ("bn" in name or name.split(".")[-2:-1] == ["1"] or "block.2" in name):
                # norm weights around 1, biases around 0
                t.copy_(rand(*t.shape, lo=0.5, hi=1.5) if name.endswith("weight") else rand(*t.shape, lo=-0.3, hi=0.3))
            else:
                fan_in = t[0].numel() if t.dim() > 1 else 4
                b = 1.0 / np.sqrt(fan_in)
                t.copy_(rand(*t.shape, lo=-b, hi=b))


def make_block(folder, module, x_shape, seed, eval_too=False):
    torch.manual_seed(seed)
    randomize(module)
    sd = {k: v.clone() for k, v in module.state_dict().items()}
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    with open(os.path.join(ROOT, folder, "keys.txt"), "w") as f:
        f.write("\n".join(sd.keys()) + "\n")
    for k, v in sd.items():
        save(folder, "sd." + k, v.float())
    x = rand(*x_shape, lo=-2, hi=2)
    module.train()
    xx = x.clone().requires_grad_(True)
    y = module(xx)
    gy = rand(*y.shape)
    y.backward(gy)
    save(folder, "x", x)
    save(folder, "gy", gy)
    save(folder, "y", y)
    save(folder, "gx", xx.grad)
    for k, p in module.named_parameters():
        save(folder, "grad." + k, p.grad)
    for k, b in module.named_buffers():
        save(folder, "after." + k, b.float())
    if eval_too:
        module.load_state_dict(sd)
        module.eval()
        module.zero_grad()
        xx = x.clone().requires_grad_(True)
        y = module(xx)
        y.backward(gy)
        save(folder, "y_eval", y)
        save(folder, "gx_eval", xx.grad)
        for k, p in module.named_parameters():
            save(folder, "grad_eval." + k, p.grad)


# [SECTION] optimizers

def make_optimizers():
    cases = {
        "sgd_momentum_wd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
        "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.001, nesterov=True),
        "sgd_plain": lambda ps: torch.optim.SGD(ps, lr=0.1),
        "adam_wd": lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.01),
        "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1),
    }
    for i, (case, make) in enumerate(cases.items()):
        torch.manual_seed(10 + i)
        params = [nn.Parameter(rand(3, 4)), nn.Parameter(rand(5))]
        folder = "opt/" + case
        for k, p in enumerate(params):
            save(folder, f"p{k}_init", p)
        opt = make(params)
        for t in range(1, 4):
            for k, p in enumerate(params):
                p.grad = rand(*p.shape)
                save(folder, f"grad{k}_step{t}", p.grad)
            opt.step()
            for k, p in enumerate(params):
                save(folder, f"p{k}_step{t}", p)


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    torch.set_default_dtype(torch.float32)
    make_activations()
    make_linear()
    make_batchnorm()
    make_layernorm()
    make_block("se", SqueezeExcitation(8, 3), (2, 8, 5, 5), 20)
    make_block("mbconv", MBConv(4, 4, 4, 3, 1), (2, 4, 6, 6), 21, eval_too=True)
    make_block("mbconv_s2", MBConv(4, 6, 1, 5, 2), (2, 4, 7, 7), 22)
    make_block("convnext", CNBlock(8, 0.5), (2, 8, 6, 6), 23)
    make_optimizers()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print(f"wrote {ROOT}: {total} bytes")


if __name__ == "__main__":
    main()
