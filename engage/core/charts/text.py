"""Words on the canvas: rough advance widths, wrapping and shortening to fit, placed lines.

Text is never measured in a browser, so every width here is an estimate that errs wide; the
layouts use it to leave room for labels and to decide what fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FONT_SIZE = 16


LINE_HEIGHT = 19


BASELINE = 5.5  # from the middle of a line of text down to its baseline


# Advance widths in ems, generous enough for the common system fonts (text is never measured).
NARROW, WIDE = set(" .,:;'!|()ijlftI"), set("%mwMW@…")


@dataclass(frozen=True)
class Text:
    """Words to draw: the anchor's x, and each line's baseline y and words."""

    x: float
    lines: tuple[tuple[float, str], ...]
    anchor: str = "middle"


def _text(x: float, baseline: float, lines: Sequence[str], anchor: str = "middle") -> Text:
    """Lines of text anchored at x, the first on `baseline` and the rest below it."""
    baselines = (round(baseline + n * LINE_HEIGHT, 1) for n in range(len(lines)))
    return Text(round(x, 1), tuple(zip(baselines, lines, strict=False)), anchor)


def _width(text: str) -> float:
    """Roughly how wide `text` is drawn, erring wide."""
    ems = sum(
        0.35 if c in NARROW else 0.95 if c in WIDE else 0.72 if c.isupper() else 0.62 for c in text
    )
    return ems * FONT_SIZE


def _wrap(text: str, width: float, max_lines: int) -> tuple[list[str], bool]:
    """Words in lines no wider than `width`, at most `max_lines`; True if any were cut short."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}") <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    cut = len(lines) > max_lines or any(_width(line) > width for line in lines)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [_shorten(line, width) for line in lines], cut


def _shorten(line: str, width: float) -> str:
    """The line, or as much of it as fits with an ellipsis after it."""
    if _width(line) <= width:
        return line
    while len(line) > 1 and _width(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"
