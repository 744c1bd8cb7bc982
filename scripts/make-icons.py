#!/usr/bin/env python3
"""Draws the app icons into public/icons/ (run by hand at dev time; the PNGs are committed).

The motif: a large gold star under an arc of four small gold stars (四争) on Chinese red,
the large star standing for the pioneer image the campaign shows (一树).
Pure standard library (zlib + struct), so it runs on any machine with python3.

    python3 scripts/make-icons.py
"""

import math
import os
import struct
import zlib

RED = (183, 28, 28)
GOLD = (255, 214, 0)
SUPERSAMPLE = 4


def star(cx, cy, outer, rotation=-math.pi / 2):
    """The ten vertices of a five-pointed star centred on (cx, cy)."""
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = rotation + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def inside(polygon, x, y):
    """Even-odd rule point-in-polygon test."""
    result = False
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            result = not result
        j = i
    return result


def inside_rounded_square(size, radius, x, y):
    if radius == 0:
        return 0 <= x < size and 0 <= y < size
    cx = min(max(x, radius), size - radius)
    cy = min(max(y, radius), size - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def shapes(size, safe):
    """Stars in unit coordinates scaled into the central `safe` fraction of the icon."""
    margin = size * (1 - safe) / 2
    span = size * safe

    def scale(u, v):
        return margin + u * span, margin + v * span

    big_cx, big_cy = scale(0.5, 0.6)
    polygons = [star(big_cx, big_cy, span * 0.34)]
    # Four small stars on an arc above the large one, each pointing at its centre.
    for k in range(4):
        angle = math.radians(-140 + k * (100 / 3))
        sx = 0.5 + 0.42 * math.cos(angle)
        sy = 0.6 + 0.42 * math.sin(angle)
        cx, cy = scale(sx, sy)
        towards = math.atan2(big_cy - cy, big_cx - cx)
        polygons.append(star(cx, cy, span * 0.075, rotation=towards))
    return polygons


def render(size, safe, corner):
    polygons = shapes(size, safe)
    boxes = [
        (min(p[0] for p in poly), max(p[0] for p in poly), min(p[1] for p in poly), max(p[1] for p in poly))
        for poly in polygons
    ]
    rows = []
    step = 1 / SUPERSAMPLE
    for py in range(size):
        row = bytearray([0])  # PNG filter type: none
        for px in range(size):
            red = gold = background = 0
            for sy in range(SUPERSAMPLE):
                y = py + (sy + 0.5) * step
                for sx in range(SUPERSAMPLE):
                    x = px + (sx + 0.5) * step
                    if not inside_rounded_square(size, corner, x, y):
                        background += 1
                        continue
                    hit = any(
                        b[0] <= x <= b[1] and b[2] <= y <= b[3] and inside(poly, x, y)
                        for poly, b in zip(polygons, boxes)
                    )
                    if hit:
                        gold += 1
                    else:
                        red += 1
            total = SUPERSAMPLE * SUPERSAMPLE
            covered = red + gold
            if covered == 0:
                row += bytes((0, 0, 0, 0))
                continue
            colour = [(RED[c] * red + GOLD[c] * gold) // covered for c in range(3)]
            row += bytes((*colour, round(255 * covered / total)))
        rows.append(bytes(row))
    return rows


def write_png(path, size, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    data = zlib.compress(b"".join(rows), 9)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "public", "icons")
    os.makedirs(root, exist_ok=True)
    # "any" icons: rounded red tile, stars fill most of it.
    for size in (192, 512):
        write_png(os.path.join(root, f"icon-{size}.png"), size, render(size, safe=0.86, corner=size * 0.18))
    # Maskable icons: full-bleed red, stars inside the 80 % safe zone the platforms keep.
    for size in (192, 512):
        write_png(os.path.join(root, f"maskable-{size}.png"), size, render(size, safe=0.66, corner=0))


if __name__ == "__main__":
    main()
