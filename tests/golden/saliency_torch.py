#!/usr/bin/python3
# saliency_torch.py — PyTorch's input gradient and Grad-CAM for DigitNet with the shipped weights
# (assets/digitnet.safetensors), the fixture for tests/engine/test_saliency.cpp:
#   for the first fixed input of digitnet/inputs.npy and two classes (the predicted one and another),
#   writes digitnet/saliency_<cls>.{input_grad,cam,cam_up}.npy, digitnet/saliency.json, and the input as
#   saliency_input.npy and saliency_input.png (8-bit grey, for `convscope saliency --mnist`).
#   input_grad = d logit_cls / d x                                         (1, 1, 28, 28)
#   cam        = relu(sum_k mean_ij(d logit_cls / d head[k]) * head[k])    (7, 7), head = ConvBNAct output
#   cam_up     = F.interpolate(cam, (28, 28), mode="bilinear", align_corners=False)
# Run with Debian's /usr/bin/python3 (python3-torch 1.13) after digitnet_torch.py make.
import json, os, struct, sys, zlib

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digitnet_torch import DigitNet, OUT, ROOT, load_into, read_safetensors  # noqa: E402


def write_png_grey(path, a):  # 8-bit greyscale PNG, no dependencies beyond zlib
    raw = b"".join(b"\x00" + a[i].tobytes() for i in range(a.shape[0]))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    head = struct.pack(">IIBBBBB", a.shape[1], a.shape[0], 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "assets", "digitnet.safetensors")
    tensors, meta = read_safetensors(path)
    assert meta.get("architecture") == "DigitNet-v1", meta
    model = DigitNet()
    load_into(model, tensors)
    model.eval()
    x0 = torch.from_numpy(np.load(os.path.join(OUT, "inputs.npy")))[:1].clone()
    # Quantised to bytes (an MNIST digit already is) so the PNG for `convscope saliency --mnist` is the same input.
    x0 = torch.round(x0 * 255) / 255
    saved = {}
    model.head.register_forward_hook(lambda m, i, o: saved.__setitem__("head", o))
    with torch.no_grad():
        pred = int(model(x0).argmax(1))
    classes = [pred, (pred + 3) % 10]
    cases = []
    for cls in classes:
        x = x0.clone().requires_grad_(True)
        logits = model(x)
        head = saved["head"]
        head.retain_grad()
        logits[0, cls].backward()
        alpha = head.grad.mean((2, 3), keepdim=True)
        cam = F.relu((alpha * head).sum(1, keepdim=True))
        cam_up = F.interpolate(cam, size=(28, 28), mode="bilinear", align_corners=False)
        base = f"saliency_{cls}"
        np.save(os.path.join(OUT, base + ".input_grad.npy"), x.grad.numpy().astype("<f4"))
        np.save(os.path.join(OUT, base + ".cam.npy"), cam[0, 0].detach().numpy().astype("<f4"))
        np.save(os.path.join(OUT, base + ".cam_up.npy"), cam_up[0, 0].detach().numpy().astype("<f4"))
        cases.append({"class": cls, "files": base})
        print(f"class {cls}: logit {logits[0, cls].item():.4f}, |grad|max {x.grad.abs().max().item():.4g}, "
              f"cam max {cam.max().item():.4g}")
    np.save(os.path.join(OUT, "saliency_input.npy"), x0.numpy().astype("<f4"))
    write_png_grey(os.path.join(OUT, "saliency_input.png"), np.round(x0[0, 0].numpy() * 255).astype(np.uint8))
    with open(os.path.join(OUT, "saliency.json"), "w") as f:
        json.dump({"weights": "assets/digitnet.safetensors", "input": "saliency_input.npy", "cam_layer": "head",
                   "predicted": pred, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
