"""grey_png.py — writes an 8-bit greyscale PNG with the standard library only (zlib + struct), for the
CLI tests that make their own images (digitnet_predict.sh, digitnet_photo_sheet.sh)."""
import struct
import zlib


def write_grey_png(path, w, h, rows):
    """rows: h lists of w ints in 0..255."""
    def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes(r) for r in rows)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
