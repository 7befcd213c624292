#!/usr/bin/env python3
"""Draw the pictures of the demo shop: one per product and the company's logo.

The demo products of ``roms_crm`` (``setup/gen_demo.py``) get a flat illustration
each (a coffee pouch, a palm-sugar bottle, a snack bag, a mug...) with a label naming
the product, and Toko Kopi Nusantara gets a logo. The files go to
``roms_crm/static/img/demo/``; ``product_demo.xml`` loads them. Deterministic:
run it again after changing the products, from the repository's top folder, with
Odoo's Python (it needs Pillow)::

    .venv/bin/python setup/gen_demo_images.py
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_demo import ADDON_DIR, COMPANY, PRODUCTS

OUT_DIR = ADDON_DIR / "static" / "img" / "demo"
SIZE = 512
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
INK = "#3b2416"
CREAM = "#fbf5ea"

# per category: (background, body colour, label colour)
COLOURS = {
    "kopi": ("#efe3d3", "#6f4e37", "#f6e7c8"),
    "gula_aren": ("#f4e6cf", "#b5651d", "#fff4dc"),
    "camilan": ("#fdf0d5", "#d9480f", "#fff8e1"),
    "merchandise": ("#e7eef0", "#2f5d62", "#f1f7f6"),
}


def font(size, bold=True):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


def centred_text(draw, box, lines, size, fill=INK):
    """``lines`` centred in ``box``, shrunk until the longest fits."""
    left, top, right, bottom = box
    while size > 10:
        face = font(size)
        widths = [draw.textlength(line, font=face) for line in lines]
        if max(widths) <= right - left - 16:
            break
        size -= 2
    height = size * 1.25 * len(lines)
    y = top + (bottom - top - height) / 2
    for line, width in zip(lines, widths, strict=True):
        draw.text((left + (right - left - width) / 2, y), line, font=face, fill=fill)
        y += size * 1.25


def label_lines(name):
    """The product's name on two or three short lines, the size last."""
    words = name.split(" (")[0].split()
    size = words[-1] if any(ch.isdigit() for ch in words[-1]) else ""
    words = words[:-1] if size else words
    lines, line = [], ""
    for word in words:
        if line and len(line) + len(word) > 11:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines[:3] + ([size] if size else [])


def pouch(draw, body, label, name):
    draw.rounded_rectangle((136, 110, 376, 440), 28, fill=body)
    draw.polygon([(136, 140), (376, 140), (356, 96), (156, 96)], fill=body)
    draw.rectangle((150, 96, 362, 112), fill=INK)
    draw.rounded_rectangle((160, 200, 352, 400), 14, fill=label)
    draw.ellipse((232, 150, 280, 186), fill=label)
    draw.arc((240, 152, 272, 184), 250, 110, fill=body, width=4)
    centred_text(draw, (160, 206, 352, 396), label_lines(name), 34)


def bottle(draw, body, label, name):
    draw.rectangle((228, 70, 284, 120), fill=INK)
    draw.polygon([(228, 120), (284, 120), (330, 180), (182, 180)], fill=body)
    draw.rounded_rectangle((170, 170, 342, 450), 30, fill=body)
    draw.rounded_rectangle((180, 230, 332, 400), 12, fill=label)
    centred_text(draw, (180, 234, 332, 396), label_lines(name), 30)


def block(draw, body, label, name):
    for x, y in ((120, 260), (250, 260), (185, 170)):
        draw.ellipse((x, y, x + 140, y + 110), fill=body)
        draw.ellipse((x + 18, y + 10, x + 122, y + 60), fill="#c97d3a")
    draw.rounded_rectangle((110, 390, 402, 460), 12, fill=label)
    centred_text(draw, (110, 392, 402, 458), [" ".join(label_lines(name))], 26)


def snack_bag(draw, body, label, name):
    draw.polygon(
        [(130, 100), (382, 100), (370, 270), (382, 440), (130, 440), (142, 270)],
        fill=body,
    )
    for y in (100, 440):
        for x in range(130, 382, 18):
            draw.polygon(
                [(x, y), (x + 9, y + (10 if y == 100 else -10)), (x + 18, y)],
                fill="#fff",
            )
    draw.ellipse((156, 170, 356, 370), fill=label)
    centred_text(draw, (166, 200, 346, 340), label_lines(name), 30)


def tumbler(draw, body, label, name):
    draw.rounded_rectangle((196, 70, 316, 110), 10, fill=INK)
    draw.polygon([(186, 110), (326, 110), (306, 450), (206, 450)], fill=body)
    draw.rectangle((200, 230, 312, 330), fill=label)
    centred_text(draw, (200, 232, 312, 328), label_lines(name)[:2], 22)


def mug(draw, body, label, name):
    draw.arc((300, 200, 420, 340), 270, 90, fill=body, width=26)
    draw.rounded_rectangle((120, 160, 340, 420), 26, fill=body)
    draw.ellipse((120, 140, 340, 190), fill="#1f3a3d")
    draw.rounded_rectangle((146, 240, 314, 360), 12, fill=label)
    centred_text(draw, (146, 244, 314, 356), label_lines(name)[:2], 26)


def tote(draw, body, label, name):
    draw.arc((176, 60, 336, 230), 180, 360, fill=INK, width=14)
    draw.rectangle((130, 150, 382, 450), fill="#e9dcc3")
    draw.rounded_rectangle((170, 240, 342, 380), 12, fill=body)
    centred_text(draw, (170, 244, 342, 376), label_lines(name)[:2], 26, fill=CREAM)


def dripper(draw, body, label, name):
    draw.polygon([(126, 150), (386, 150), (290, 350), (222, 350)], fill=body)
    draw.rectangle((170, 350, 342, 380), fill=body)
    draw.rounded_rectangle((196, 380, 316, 450), 14, fill="#8ab6b9")
    draw.rounded_rectangle((176, 190, 336, 280), 10, fill=label)
    centred_text(draw, (176, 192, 336, 278), label_lines(name)[:2], 24)


def grinder(draw, body, label, name):
    draw.line((256, 120, 370, 80), fill=INK, width=12)
    draw.ellipse((356, 64, 392, 100), fill=INK)
    draw.rounded_rectangle((236, 110, 276, 150), 8, fill=INK)
    draw.rounded_rectangle((176, 150, 336, 450), 24, fill=body)
    draw.rounded_rectangle((190, 250, 322, 360), 10, fill=label)
    centred_text(draw, (190, 252, 322, 358), label_lines(name)[:2], 24)


SHAPES = {"Tumbler": tumbler, "Mug": mug, "Tote": tote, "V60": dripper}


def shape_of(product):
    if product.category == "kopi":
        return pouch
    if product.category == "gula_aren":
        return (
            bottle
            if "Cair" in product.name
            else block
            if "Cetak" in product.name
            else pouch
        )
    if product.category == "camilan":
        return snack_bag
    first = product.name.split()[0]
    return SHAPES.get(first, grinder)


def product_picture(product):
    background, body, label = COLOURS[product.category]
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    # a soft shadow: the background a little darker
    shadow = tuple(
        int(c * 0.85) for c in Image.new("RGB", (1, 1), background).getpixel((0, 0))
    )
    draw.ellipse((96, 420, 416, 480), fill=shadow)
    shape_of(product)(draw, body, label, product.name)
    return image


def logo():
    first, rest = (
        COMPANY["name"].split()[0].upper(),
        " ".join(COMPANY["name"].split()[1:]),
    )
    width = (
        205
        + int(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(rest, font=font(64)))
        + 20
    )
    image = Image.new("RGBA", (width, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    # a cup of coffee with its steam
    draw.rounded_rectangle((20, 80, 150, 180), 24, fill="#6f4e37")
    draw.arc((124, 98, 184, 158), 270, 90, fill="#6f4e37", width=14)
    for x in (50, 85, 120):
        draw.arc((x - 12, 20, x + 12, 70), 90, 270, fill="#b5651d", width=6)
    draw.text((205, 38), first, font=font(40), fill="#b5651d")
    draw.text((205, 86), rest, font=font(64), fill=INK)
    return image


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for product in PRODUCTS:
        product_picture(product).save(OUT_DIR / f"{product.key}.png", optimize=True)
    logo().save(OUT_DIR / "company_logo.png", optimize=True)
    print(f"{len(PRODUCTS)} product pictures and the logo in {OUT_DIR}")


if __name__ == "__main__":
    main()
