"""The one escaping policy of every output: text, CSV, JSON and the error line on stderr.

A value from a message, from DNS or from a file name can hold bytes that act on whoever
reads the output: escape sequences that redraw a terminal (ESC, CSI, OSC), line feeds
that forge a report line, bidirectional overrides and invisible marks that reorder or
hide text (Unicode TR #36 §2.1), and bytes that are not UTF-8 at all (a file name, read
with surrogateescape as Python does for os.fsdecode). Each such character is written
as an escape (README, "Output safety"):

- C0 controls (tab excepted) and DEL: ``\\xNN``;
- a byte that was not valid UTF-8 (U+DC80..U+DCFF from surrogateescape): ``\\xNN``,
  the byte itself, so a file name can be rebuilt;
- C1 controls, bidi and invisible marks, line and paragraph separators, any other
  lone surrogate: ``\\uNNNN``.

C1 controls are ``\\u0080``..``\\u009f`` and undecodable bytes ``\\x80``..``\\xff``, so the two
cannot be confused. A source name (a file path, PATH#K) is written losslessly: its
backslashes are doubled first (`source_text`).
"""

from __future__ import annotations

import re

# LF too (an RFC 2047 word can decode to one and forge a report line); U+061C, U+200B-200F,
# U+2028-202E, U+2060-2069 and U+FEFF are invisible or bidi marks; surrogates are the
# undecodable bytes of a file name (PEP 383) and can be neither printed nor encoded.
UNSAFE = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    r"\ud800-\udfff]"
)
# OWASP "CSV Injection": a cell starting with one of these is read as a formula by
# spreadsheets. "'" is included so that the added quote can always be told apart.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def shown(ch: str) -> str:
    """How one character of UNSAFE is written in text."""
    n = ord(ch)
    if 0xDC80 <= n <= 0xDCFF:
        return f"\\x{n - 0xDC00:02x}"  # the undecodable byte itself (surrogateescape)
    if n < 0x80:
        return f"\\x{n:02x}"
    return f"\\u{n:04x}"


def safe(value: object) -> str:
    """Text with every unsafe character escaped (never raw); the rule of the module docstring."""
    text = str(value)
    return UNSAFE.sub(lambda m: shown(m.group()), text) if UNSAFE.search(text) else text


def source_text(name: str) -> str:
    """A source name (path, possibly with undecodable bytes, or PATH#K) as valid text, losslessly.

    Backslashes are doubled, then `safe` applies: reading ``\\\\`` as a backslash, ``\\xNN``
    as byte NN and ``\\uNNNN`` as that character gives the name back.
    """
    return safe(name.replace("\\", "\\\\"))


def json_text(document: str) -> str:
    """json.dumps(..., ensure_ascii=False) output with every unsafe character as a JSON escape.

    json.dumps already escapes C0 controls inside strings, so a raw LF left in the document
    is indentation and stays. DEL, C1, bidi and invisible marks become ``\\uNNNN`` (a reader
    still decodes the same string); a surrogate cannot be valid UTF-8 or valid JSON text, so
    it is written in the text form (``\\\\xff``: the four characters ``\\xff``).
    """
    if document.isascii() and "\x7f" not in document:
        return document  # the usual case, in two C passes: JSON escaped every C0 already
    try:
        # Deleting whole ASCII bytes from the UTF-8 leaves whole sequences: the few other
        # characters, in three C passes (UNSAFE.search over a whole line of mostly ASCII
        # took ~0.15 ms a scanned message, more than encoding it: the evidence's ellipsis).
        unusual = document.encode("utf-8").translate(None, _PLAIN_ASCII).decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a file name's byte): unsafe, escaped below
        unusual = document
    return UNSAFE.sub(_json_escape, document) if UNSAFE.search(unusual) else document


def _json_escape(m: re.Match[str]) -> str:
    """json_text's escape of one unsafe character."""
    ch = m.group()
    if ch == "\n":
        return ch
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return "\\" + shown(ch)
    return f"\\u{ord(ch):04x}"


# Printable ASCII, tab and LF: the characters json_text never changes (LF is indentation).
_PLAIN_ASCII = bytes([9, 10, *range(0x20, 0x7F)])


def csv_cell(value: object) -> object:
    """A CSV cell: text escaped as `safe`, and a leading ``'`` where a spreadsheet would
    see a formula (OWASP CSV Injection). Numbers and None pass unchanged."""
    if not isinstance(value, str):
        return value
    text = safe(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
