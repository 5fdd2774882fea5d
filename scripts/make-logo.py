"""Draws the CKS seal-like logo (a neutral design made for this project: not the national
emblem, not any real seal) and the module icon, with Pillow and the DejaVu font of the set-up.

usage: .venv/bin/python scripts/make-logo.py
writes addons/cks_subscriber/static/img/cks_logo.png (512 px, transparent) and
       addons/cks_subscriber/static/description/icon.png (256 px, the application icon).
Run it again only to change the design; the images are committed.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "addons" / "cks_subscriber" / "static"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
RED = (185, 28, 36, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn at 4x, then reduced: smooth edges


def star(draw, cx, cy, outer, fill, points=5):
    inner = outer * 0.382
    vertices = []
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / points
        vertices.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(vertices, fill=fill)


def key(draw, cx, cy, length, colour):
    """A key lying horizontally, centred on (cx, cy): bow on the left, two bits on the right."""
    bow = length * 0.17
    thick = length * 0.075
    left = cx - length / 2
    bow_cx = left + bow
    draw.ellipse((bow_cx - bow, cy - bow, bow_cx + bow, cy + bow), outline=colour, width=round(thick * 1.1))
    right = cx + length / 2
    draw.rectangle((bow_cx + bow - thick / 2, cy - thick / 2, right, cy + thick / 2), fill=colour)
    for x, depth in ((right - thick * 1.1, 2.4), (right - thick * 3.0, 1.7)):
        draw.rectangle((x, cy, x + thick * 1.1, cy + thick * depth), fill=colour)


def arc_text(image, text, cx, cy, radius, size, colour, top):
    """Writes text along a circle, centred on the top (reading clockwise) or the bottom."""
    font = ImageFont.truetype(FONT, size)
    tracking = size * 0.12
    widths = [font.getlength(ch) + tracking for ch in text]
    total = sum(widths) / radius  # radians
    angle = -math.pi / 2 - total / 2 if top else math.pi / 2 + total / 2
    for ch, width in zip(text, widths, strict=True):
        step = width / radius
        middle = angle + step / 2 if top else angle - step / 2
        angle = angle + step if top else angle - step
        if ch == " ":
            continue
        box = round(size * 1.6)
        glyph = Image.new("RGBA", (box, box), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((box / 2, box / 2), ch, font=font, fill=colour, anchor="mm")
        turn = math.degrees(middle) + 90 if top else math.degrees(middle) - 90
        glyph = glyph.rotate(-turn, resample=Image.BICUBIC)
        x = cx + radius * math.cos(middle) - box / 2
        y = cy + radius * math.sin(middle) - box / 2
        image.alpha_composite(glyph, (round(x), round(y)))


def seal(size, colour, background=(0, 0, 0, 0)):
    big = size * SCALE
    image = Image.new("RGBA", (big, big), background)
    draw = ImageDraw.Draw(image)
    c = big / 2
    r_out = big * 0.48
    ring = big * 0.028
    draw.ellipse((c - r_out, c - r_out, c + r_out, c + r_out), outline=colour, width=round(ring))
    r_in = big * 0.335
    draw.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=colour, width=round(ring * 0.45))
    r_text = (r_out - ring + r_in) / 2
    text_size = round(big * 0.082)
    arc_text(image, "CHỮ KÝ SỐ", c, c, r_text, text_size, colour, top=True)
    arc_text(image, "HÀ TĨNH", c, c, r_text, text_size, colour, top=False)
    for side in (-1, 1):  # small stars between the two texts
        star(draw, c + side * r_text, c, big * 0.028, colour)
    star(draw, c, c - big * 0.085, big * 0.125, colour)
    key(draw, c, c + big * 0.15, big * 0.38, colour)
    return image.resize((size, size), Image.LANCZOS)


def icon(size):
    """The application icon: the seal in white on a red rounded square, like Odoo's app icons."""
    big = size * SCALE
    square = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    ImageDraw.Draw(square).rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.12, fill=RED)
    square = square.resize((size, size), Image.LANCZOS)
    mark = seal(round(size * 0.86), WHITE)
    offset = (size - mark.width) // 2
    square.alpha_composite(mark, (offset, offset))
    return square


def main():
    (MODULE / "img").mkdir(exist_ok=True)
    seal(512, RED).save(MODULE / "img" / "cks_logo.png", optimize=True)
    icon(256).save(MODULE / "description" / "icon.png", optimize=True)
    print(MODULE / "img" / "cks_logo.png")
    print(MODULE / "description" / "icon.png")


if __name__ == "__main__":
    main()
