"""Text that fits a terminal: wrapping and tables measured in columns, not characters.

East Asian wide characters take two columns (wcwidth), and a line of them may break
between any two; ANSI colour codes take none. Nothing here is longer than `width`
unless the width is too small to hold the indent and one character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tabulate import tabulate
from wcwidth import wcswidth, wcwidth

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Breakable units: a run of spaces, one wide character, or a run of anything else.
_TOKENS = re.compile(r"\s+|[^\s]")

MIN_WIDTH = 40  # narrower than this, text is wrapped as if it were this wide


def columns(text: str) -> int:
    """The columns `text` takes on a terminal (colour codes take none)."""
    plain = _ANSI.sub("", text)
    n = wcswidth(plain)
    return n if n >= 0 else sum(max(wcwidth(c), 0) for c in plain)


# No line starts with a closing mark nor ends with an opening one (kinsoku).
_CLOSING = frozenset("，。、：；！？）」』》〉】,.;:!?)")
_OPENING = frozenset("（「『《〈【")


def _units(text: str) -> list[str]:
    """Spaces, wide characters one by one, and runs of narrow ones (words); punctuation
    stays with the character it belongs to."""
    out: list[str] = []
    opening = ""
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok in _OPENING:
            opening += tok
            continue
        if opening:
            tok, opening = opening + tok, ""
            out.append(tok)
        elif (tok in _CLOSING and out and not out[-1].isspace()) or (
            not tok.isspace() and wcwidth(tok) != 2 and out and _narrow_word(out[-1])
        ):
            out[-1] += tok
        else:
            out.append(tok)
    if opening:
        out.append(opening)
    return out


def _narrow_word(tok: str) -> bool:
    return not tok.isspace() and wcwidth(tok[-1]) != 2


def wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """`text` in lines of at most `width` columns: the first after `first`, the others
    after `rest` (default: as many spaces as `first` is wide). A word longer than a line
    (a DNS name, a base64 key) is cut where the line ends."""
    width = max(width, MIN_WIDTH)
    rest = " " * columns(first) if rest is None else rest
    lines: list[str] = []
    line, used, fresh, space = first, columns(first), True, False
    for unit in _units(text):
        if unit.isspace():
            space = not fresh
            continue
        sep = " " if space else ""
        need = columns(unit)
        if used + len(sep) + need > width and not fresh:
            lines.append(line.rstrip())
            line, used, fresh, sep = rest, columns(rest), True, ""
        while used + len(sep) + need > width:  # longer than a whole line: cut it
            room = width - used - len(sep)
            cut, taken = "", 0
            for c in unit:
                if taken + max(wcwidth(c), 0) > room:
                    break
                cut, taken = cut + c, taken + max(wcwidth(c), 0)
            if not cut:
                break
            lines.append(line + sep + cut)
            unit = unit[len(cut) :]
            need = columns(unit)
            line, used, sep = rest, columns(rest), ""
        line += sep + unit
        used += len(sep) + need
        fresh, space = False, False
    lines.append(line.rstrip() if not fresh else line.rstrip() or line)
    return lines


def wrap_all(lines: Sequence[str], width: int) -> list[str]:
    """Lines that may be too long, each wrapped under its own indent."""
    out: list[str] = []
    for line in lines:
        if columns(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        out += wrap(body, width, indent, indent + "  ")
    return out


def table(rows: Sequence[Sequence[object]], headers: Sequence[str], width: int) -> str:
    """A table when it fits in `width`; else each row folded into `header value` pairs."""
    text: str = tabulate(rows, headers=list(headers), tablefmt="simple", intfmt=",")
    if max((columns(line) for line in text.splitlines()), default=0) <= width:
        return text
    out: list[str] = []
    for row in rows:
        cells = [
            f"{h}{c}" if h.endswith("=") else f"{h} {c}"
            for h, c in zip(headers, row, strict=False)
            if str(c) not in ("", "-")
        ]
        first = f"{row[0]}  " if row else ""
        if columns(first) > width // 2:  # a long first cell (a DNS name): a line of its own
            out += wrap(str(row[0]), width, "", "  ")
            first = "    "
        out += wrap(", ".join(cells[1:]), width, first, "    ")
    return "\n".join(out)
