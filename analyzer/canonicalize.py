"""Body canonicalisation (RFC 6376 §3.4.3, §3.4.4) in bounded memory; relaxed header fields.

dkimpy canonicalises a body with whole-body regular expressions, which on a 50 MB
body with a million lines costs about 2 GB: re.sub keeps every match as a separate
object. The same rules are applied here to chunks that end on a line boundary
(both algorithms only ever look inside one line), and the empty lines at the end,
which the rules drop, are held back until something follows them. The output is
byte-for-byte dkimpy's (tests/test_canonicalize.py checks it with hypothesis).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CHUNK = 1 << 20  # bytes of body canonicalised at a time (rounded up to a line end)
_CRLF = b"\r\n"
_TAIL = 4096  # bytes at a body's end searched for its trailing empty lines (whole_body)
# A run of WSP that is not already a single SP (matching lone spaces, the common case,
# would make re.sub five times slower).
_WSP_RUN = re.compile(rb"(?: [\t ]|\t)[\t ]*")
_DOUBLE_SP = re.compile(rb"  ")


def canonical_body(body: bytes, algorithm: str, chunk: int = CHUNK) -> Iterator[bytes]:
    """The canonical body for `simple` or `relaxed`, as a stream of pieces."""
    relaxed = algorithm == "relaxed"
    pending = 0  # CRLFs seen after the last non-empty content, not yet emitted
    content = False
    pos, size = 0, len(body)
    while pos < size:
        found = body.find(_CRLF, pos + max(chunk, 2) - 2)
        cut = size if found < 0 else found + 2
        piece = body[pos:cut]
        pos = cut
        if relaxed:  # §3.4.4: drop WSP at line ends, then reduce WSP runs to one SP
            piece = _strip_line_ends(piece)
            if piece.find(b"\t") >= 0 or piece.find(b"  ") >= 0:  # ten times a regex's speed
                piece = _WSP_RUN.sub(b" ", piece)
        core, crlfs = _split_trailing_crlfs(piece)
        if core:
            yield from _crlfs(pending)
            yield core
            content, pending = True, crlfs
        else:
            pending += crlfs
    # §3.4.3: empty lines at the end are ignored; a body that does not end in CRLF
    # gets one. §3.4.4: ...except that an empty relaxed body stays empty.
    if content or not relaxed:
        yield _CRLF


def whole_body(body: bytes, algorithm: str) -> tuple[bytes | memoryview, bytes] | None:
    """The canonical body for `simple` or `relaxed` as (core, tail), core + tail being it,
    computed on the whole buffer at once: the fast path's (analyzer/verify.py fast_verify).

    Only for bodies of at most CHUNK bytes, where canonical_body would make one piece too:
    the same memory, a few C-speed passes (substring tests, one linear substitution, one
    replace) instead of a split into lines, and no copy at all of a body the rules leave
    as it is (a base64 attachment). None when it cannot judge: a larger body, or one whose
    trailing CR/LF run is too long to look at in a bounded tail; canonical_body does those.
    """
    if len(body) > CHUNK:
        return None
    data = body
    if algorithm == "relaxed":
        data = _relaxed_whole(data)
    # §3.4.3: the empty lines at the end go; the body then ends in exactly one CRLF.
    tail = data[-_TAIL:]
    if len(tail) < len(data) and not tail.rstrip(b"\r\n"):
        return None  # the CR/LF run may go on before the tail: canonical_body counts it
    _, pairs = _split_trailing_crlfs(tail)
    end = len(data) - 2 * pairs
    if end == 0 and algorithm == "relaxed":
        return b"", b""  # §3.4.4: an empty relaxed body stays empty
    core = data if end == len(data) else memoryview(data)[:end]
    return core, _CRLF


def _relaxed_whole(data: bytes) -> bytes:
    """§3.4.4's WSP rules over a whole buffer. Only the span from the first WSP byte to the
    last can change, and finding it is two memchr calls: a base64 attachment, most of a
    large body, has no WSP, and is then neither searched nor rewritten."""
    spaces, tabs = data.find(b" "), data.find(b"\t")
    if spaces < 0 and tabs < 0:
        return data
    lo = min(i for i in (spaces, tabs) if i >= 0)
    hi = max(data.rfind(b" "), data.rfind(b"\t")) + 3  # and the CRLF that may follow it
    span = data[lo:hi]
    # The rules in the other order: reduce WSP runs to one SP first, then drop the one SP
    # left before a CRLF. The same bytes as dropping the runs first (a line end's run
    # becomes one SP, then none), and a plain replace instead of a pattern that would
    # retry at every byte of a long run. The replace makes no new " \r\n": after the
    # reduction no SP follows another WSP. (A literal pattern's search runs at memchr
    # speed, 3x bytes.__contains__ for a two-byte needle.)
    if tabs >= 0 or _DOUBLE_SP.search(span):
        span = _WSP_RUN.sub(b" ", span)
    span = span.replace(b" \r\n", _CRLF)
    return data[:lo] + span + data[hi:]


def relaxed_header(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """RFC 6376 §3.4.2 relaxed header canonicalisation, byte-for-byte dkimpy's: name
    lowercased, value unfolded (every CRLF or bare LF removed), WSP runs reduced to one SP,
    stripped, CRLF-terminated. Without its whole-value regular expressions: 2x faster.
    (find, not `in`: bytes.__contains__ first tries its argument as an integer and formats
    the TypeError it then discards, which costs more than the search of a short value.)"""
    value = value.replace(_CRLF, b"").replace(b"\n", b"")
    if value.find(b"\t") >= 0 or value.find(b"  ") >= 0:
        value = _WSP_RUN.sub(b" ", value)
    return name.lower().rstrip(), value.strip() + _CRLF


def _strip_line_ends(piece: bytes) -> bytes:
    """`piece` without the WSP before each CRLF. Splitting into lines is nine times faster
    than a regular expression, which tries a match at every byte, and stays linear on a
    long run of spaces (a pattern without lookbehind was quadratic; found by the fuzzer)."""
    lines = piece.split(_CRLF)
    last = lines.pop()  # not followed by CRLF: its WSP stays
    lines = [line.rstrip(b"\t ") for line in lines]
    lines.append(last)
    return _CRLF.join(lines)


def _split_trailing_crlfs(piece: bytes) -> tuple[bytes, int]:
    """`piece` without its trailing CRLFs, and how many there were."""
    tail = piece[len(piece.rstrip(b"\r\n")) :]
    if not tail.endswith(b"\n"):
        return piece, 0
    # The tail is only CRs and LFs: its CRLF pairs are the alternating run at its end.
    start = max(tail.rfind(b"\r\r"), tail.rfind(b"\n\n")) + 1
    if tail[start : start + 1] == b"\n":
        start += 1
    pairs = (len(tail) - start) // 2
    return piece[: len(piece) - 2 * pairs], pairs


def _crlfs(count: int) -> Iterator[bytes]:
    while count > 0:
        n = min(count, CHUNK // 2)
        yield _CRLF * n
        count -= n
