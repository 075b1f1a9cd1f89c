"""Pictures for the demo news, drawn with Pillow when the demo is loaded: a cover banner with a
line of text, and a bar chart of a few figures. Nothing is read from outside the repository.

Text is drawn with a system font that has the Vietnamese letters (DejaVu Sans, Liberation Sans…);
where none is installed, Pillow's own font is used and the text is written without accents, so a
picture never shows empty boxes in place of letters.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from app import vntext

# Tried in order by name (Pillow looks in the system font folders) and by Debian path.
FONT_CANDIDATES = {
    "bold": ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "NotoSans-Bold.ttf",
             "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
             "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"],
    "regular": ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf",
                "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"],
}
VIETNAMESE_PROBE = "ệữđỳ"

# One colour pair (background, accent) per reform field position 1–7.
PALETTE = {
    1: ((23, 63, 115), (242, 183, 5)),
    2: ((94, 45, 121), (247, 201, 72)),
    3: ((13, 110, 110), (255, 214, 102)),
    4: ((120, 47, 40), (250, 200, 120)),
    5: ((38, 84, 52), (233, 216, 120)),
    6: ((70, 70, 90), (140, 210, 240)),
    7: ((20, 90, 160), (120, 220, 200)),
}
WHITE = (255, 255, 255)


@dataclass
class Bar:
    label: str
    shown: str     # the value as the article writes it (``99,22``)
    value: float


def _draws_vietnamese(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> bool:
    """True when ``font`` has glyphs of its own for Vietnamese letters (not the missing-glyph box)."""
    def drawn(ch: str) -> bytes:
        canvas = Image.new("L", (64, 64))
        ImageDraw.Draw(canvas).text((4, 4), ch, font=font, fill=255)
        return canvas.tobytes()

    try:
        missing = drawn("\uffff")
        return all(drawn(ch) != missing for ch in VIETNAMESE_PROBE)
    except UnicodeEncodeError:  # a bitmap font (Pillow built without FreeType): Latin-1 only
        return False


@lru_cache(maxsize=16)
def _font(size: int, weight: str = "regular") -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """Return a font of ``size`` px and whether it draws Vietnamese letters."""
    for candidate in FONT_CANDIDATES[weight]:
        try:
            font = ImageFont.truetype(candidate, size)
        except OSError:
            continue
        if _draws_vietnamese(font):
            return font, True
    font = ImageFont.load_default(size)
    return font, _draws_vietnamese(font)


def _shown(text: str, font, vietnamese: bool) -> str:
    """``text`` as ``font`` can draw it: unchanged, without accents, or in Latin-1 for a bitmap font."""
    if vietnamese:
        return text
    folded = vntext.fold(text)
    if isinstance(font, ImageFont.FreeTypeFont):
        return folded
    return folded.encode("latin-1", "replace").decode("latin-1")


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, fill, weight="regular") -> int:
    """Draw one line of text; return its width in pixels."""
    font, vietnamese = _font(size, weight)
    shown = _shown(text, font, vietnamese)
    draw.text(xy, shown, font=font, fill=fill)
    return int(draw.textlength(shown, font=font))


def _wrap(draw: ImageDraw.ImageDraw, text: str, size: int, width: int, weight="regular") -> list[str]:
    """Split ``text`` into lines no wider than ``width`` pixels."""
    font, vietnamese = _font(size, weight)
    lines: list[str] = []
    for word in _shown(text, font, vietnamese).split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def banner(text: str, field_position: int = 1, kicker: str = "CẢI CÁCH HÀNH CHÍNH") -> bytes:
    """Return a 1200×630 PNG cover: the field's colours, a few shapes, ``kicker`` and ``text``
    (wrapped to at most four lines)."""
    background, accent = PALETTE.get(field_position, PALETTE[1])
    image = Image.new("RGB", (1200, 630), background)
    draw = ImageDraw.Draw(image)
    # Soft circles on the right and a band at the bottom: a recognisable house style.
    for i, radius in enumerate((330, 250, 170)):
        shade = tuple(min(255, c + 18 * (i + 1)) for c in background)
        draw.ellipse((1050 - radius, 200 - radius, 1050 + radius, 200 + radius), fill=shade)
    draw.rectangle((0, 560, 1200, 630), fill=accent)
    for i in range(7):  # one mark per reform field, the article's own field filled
        x = 80 + i * 46
        box = (x, 585, x + 30, 605)
        draw.rectangle(box, fill=background if i + 1 == field_position else None, outline=background, width=3)
    _text(draw, (80, 90), kicker, 30, accent, "bold")
    y = 160
    for line in _wrap(draw, text, 58, 900, "bold")[:4]:
        _text(draw, (80, y), line, 58, WHITE, "bold")
        y += 78
    return _png(image)


def bar_chart(title: str, bars: list[Bar], unit: str = "", field_position: int = 1) -> bytes:
    """Return a PNG bar chart: ``title`` on top, one horizontal bar per item with its label and
    its value as written (``unit`` after it), bars scaled to the largest value."""
    background, accent = PALETTE.get(field_position, PALETTE[1])
    suffix = unit if not unit or unit.startswith("%") else f" {unit}"
    height = 170 + 110 * len(bars)
    image = Image.new("RGB", (1200, height), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1200, 12), fill=background)
    y = 40
    for line in _wrap(draw, title, 36, 1080, "bold")[:2]:
        _text(draw, (60, y), line, 36, background, "bold")
        y += 46
    top = max(y + 20, 140)
    largest = max((bar.value for bar in bars), default=1) or 1
    colours = [background, accent, (150, 150, 150), (90, 160, 90)]
    for i, bar in enumerate(bars):
        row = top + i * 110
        _text(draw, (60, row), bar.label, 28, (40, 40, 40))
        length = max(6, int(760 * bar.value / largest))
        draw.rectangle((60, row + 40, 60 + length, row + 90), fill=colours[i % len(colours)])
        _text(draw, (60 + length + 20, row + 46), f"{bar.shown}{suffix}", 32, (40, 40, 40), "bold")
    draw.line((60, top - 10, 60, top + 110 * len(bars) - 10), fill=(120, 120, 120), width=2)
    return _png(image)
