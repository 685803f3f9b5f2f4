"""What changed after signing, proven by recomputation (RFC 6376 §3.7).

For a failing signature, plausible originals are rebuilt from the received
message and checked: a body change is claimed only when the re-computed body
hash equals bh=, a header change only when the header signature verifies
again with the key. When nothing verifies, only facts are given.

Forensics run only for signatures that failed (zero cost for a passing
message), each within a fixed, counted budget (attempts, bytes hashed and the
set-up work before the first attempt: lines split and scanned, MIME delimiters,
h= names), so the result never depends on how fast the machine is, and what was
not searched is said.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.header import decode_header
from enum import StrEnum
from itertools import combinations
from typing import Any

from analyzer.diagnose import fields_for, finding
from analyzer.message import DECODE_ERRORS
from analyzer.model import (
    ArcChain,
    ArcCv,
    ArcField,
    ArcReason,
    DkimSignature,
    Evidence,
    Finding,
    HeaderField,
    ParsedMessage,
    Reason,
    Result,
    Severity,
    SignatureVerdict,
    Value,
)
from analyzer.probes import domain_missing
from analyzer.verify import (
    PublicKey,
    canonical_body,
    load_public_key,
    new_hash,
    signature_matches,
)


@dataclass(frozen=True, slots=True)
class Budget:
    """The most one signature's forensics may cost: counted, never timed."""

    attempts: int = 20_000  # body digests compared (each costs a hash copy + the bytes it adds)
    hashed_bytes: int = 32 << 20
    max_lines: int = 50_000  # canonical body lines kept as hash states
    window: int = 120  # lines an added block may span next to a MIME boundary or part start
    pair_window: int = 12  # lines each of two added blocks may span (a disclaimer in two parts)
    header_attempts: int = 300
    # Set-up, counted like the attempts: a hostile message must not cost more before the
    # first attempt than the attempts themselves (a count() per h= name: 99 s; a scan per
    # MIME delimiter: 31 s; a candidate list per nesting level: 556 MB).
    steps: int = 2_000_000  # body lines scanned, plus h= names and header fields per verification
    max_delimiters: int = 1_000  # MIME delimiter and </body> lines where an added block may end
    max_boundaries: int = 100  # distinct MIME boundaries: nesting (Postfix mime_nesting_limit)


class _Meter:
    """What is left of a Budget; spend() and work() say no once it is used up, and what
    was left unsearched is noted (the finding's evidence says it)."""

    def __init__(self, budget: Budget, attempts: int | None = None) -> None:
        self.attempts = budget.attempts if attempts is None else attempts
        self.bytes = budget.hashed_bytes
        self.steps = budget.steps
        self.short = False  # set once a spend was refused
        self.notes: list[str] = []  # what was not searched, and why

    def spend(self, nbytes: int = 0) -> bool:
        """One attempt hashing (or verifying over) `nbytes`."""
        if self.attempts <= 0 or self.bytes < nbytes:
            self.short = True
            return False
        self.attempts -= 1
        self.bytes -= nbytes
        return True

    def work(self, steps: int) -> bool:
        """Set-up work: `steps` lines, names or fields examined."""
        if self.steps < steps:
            self.short = True
            return False
        self.steps -= steps
        return True

    def give_up(self, note: str) -> None:
        self.short = True
        self.notes.append(note)

    def unsearched(self) -> tuple[str, ...]:
        """Empty when every candidate was tried."""
        if not self.short:
            return ()
        return (*self.notes, "the search stopped at its budget: not every candidate was tried")


@dataclass(frozen=True, slots=True)
class BodyChange:
    """A proven body change: the received body with it undone hashes to bh=."""

    code: str  # body_appended | body_prepended | body_truncated | body_line_endings | ...
    lines: int  # lines added or touched
    size: int  # bytes added or touched (canonical)
    sample: str  # the first added or touched line, escaped
    evidence: tuple[str, ...] = ()


class ChangeKind(StrEnum):
    """How a signed header field changed (the `change=` evidence of header_modified)."""

    SUBJECT_TAG = "subject_tag"
    FROM_REWRITTEN = "from_rewritten"
    REENCODED = "reencoded"
    REFOLDED = "refolded"
    RESPACED = "respaced"
    NAME_CASE = "name_case"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class HeaderChange:
    """A proven header change: with `original` in place the header signature verifies."""

    kind: ChangeKind
    name: str
    received: str
    original: str


DEFAULT_BUDGET = Budget()
# Signed header fields that relays, lists and gateways are known to rewrite.
COMMONLY_REWRITTEN = (
    "subject", "from", "reply-to", "sender", "to", "cc", "content-type",
    "content-transfer-encoding", "list-id", "list-unsubscribe", "list-post", "list-help",
    "list-archive", "list-subscribe", "list-owner", "precedence",
)  # fmt: skip
_SUBJECT_TAGS = (
    re.compile(rb"^(\s*(?:(?:re|fwd?|aw|sv|tr)\s*:\s*)*)\[[^\]\r\n]{1,64}\][ \t]?", re.IGNORECASE),
    re.compile(rb"^(\s*)\*{2,3}[^*\r\n]{1,40}\*{2,3}[ \t]?"),  # ***SPAM***
    re.compile(rb"^(\s*)\(?(?:EXTERNAL|EXT|SUSPICIOUS|SPAM)\)?:?[ \t]", re.IGNORECASE),
)
_TAG_AFTER = re.compile(rb"[ \t]\[[^\]\r\n]{1,64}\](\r\n)$")
_FROM_SOURCES = ("x-original-from", "reply-to", "x-original-sender", "original-from", "cc")
_VIA = re.compile(rb"^\s*\"?'?(.*?)'?\"?\s+via\s+", re.IGNORECASE)
_ADDR = re.compile(rb"<([^<>\s]+@[^<>\s]+)>|([^\s<>\",]+@[^\s<>\",]+)")
# Both are matched on lower-cased text (a case-insensitive regex is several times slower on a
# large body); a boundary's own spelling is then read from the original at the same offsets.
_BOUNDARY = re.compile(rb"boundary\s*=\s*\"?([^\";\r\n]+)\"?")
_HTML_END = re.compile(rb"\s*</body\s*>", re.IGNORECASE)
_EIGHT_BIT = re.compile(rb"[\x80-\xff]")
_CTE = re.compile(rb"(?m)^content-transfer-encoding:[ \t]*([\w-]+)")
_NAME_CASE = {
    "from": b"From", "to": b"To", "cc": b"Cc", "subject": b"Subject", "date": b"Date",
    "message-id": b"Message-ID", "mime-version": b"MIME-Version", "reply-to": b"Reply-To",
    "content-type": b"Content-Type", "content-transfer-encoding": b"Content-Transfer-Encoding",
}  # fmt: skip


def escape(line: bytes, limit: int = 100) -> str:
    """One line for display: CRLF dropped, control characters escaped, cut at `limit`."""
    text = line.rstrip(b"\r\n").decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- body ---------------------------------------------------------------------------------


def _lines(canon: bytes) -> list[bytes]:
    """Canonical body lines, CRLF kept (only CRLF ends a line: RFC 6376 §3.4.3)."""
    pieces = canon.split(b"\r\n")
    return [p + b"\r\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


_QUOTED_FROM = re.compile(rb">+From ")  # matched on every line: compiled once


def _whole_body_variants(
    sig: DkimSignature, msg: ParsedMessage, body: bytes
) -> Iterator[tuple[str, bytes, list[bytes]]]:
    """(code, candidate original body, the received lines it touches), cheapest first."""
    lines = body.split(b"\r\n")
    # A signer that hashed bare-LF text (a Unix-format file) before its MTA converted to CRLF.
    if b"\r\n" in body:
        yield "body_line_endings", body.replace(b"\r\n", b"\n"), lines[:-1]
    # mbox storage quotes "From " at the start of a line (mboxo/mboxrd) or a reader unquotes it.
    quoted = [ln for ln in lines if _QUOTED_FROM.match(ln)]
    if quoted:
        yield "mbox_from_quoting", re.sub(rb"(?m)^>(>*From )", rb"\1", body), quoted
    unquoted = [ln for ln in lines if ln.startswith(b"From ")]
    if unquoted:
        yield "mbox_from_quoting", re.sub(rb"(?m)^From ", b">From ", body), unquoted
    if sig.body_canon != "simple":
        return  # relaxed ignores trailing whitespace (§3.4.4): nothing to undo
    # Whitespace added at line ends. Stripped line by line: a regex `[ \t]+(?=\r\n)` is
    # quadratic on a long run of spaces with no line end after it (found by the fuzzer:
    # 15 s for 0.5 MB).
    ends = lines[:-1]  # the piece after the last CRLF ends no line
    trailing = [ln for ln in ends if ln.rstrip(b" \t") != ln]
    if trailing:
        stripped = b"\r\n".join([ln.rstrip(b" \t") for ln in ends] + lines[-1:])
        yield "body_whitespace", stripped, trailing
    ctype = b"".join(h.value for h in msg.fields("content-type")).lower()
    if b"format=flowed" in ctype:  # RFC 3676 soft breaks (a trailing space) stripped by a relay
        flowed = _reflow(lines)
        if flowed != lines:
            touched = [a for a, b in zip(lines, flowed, strict=True) if a != b]
            yield "body_whitespace", b"\r\n".join(flowed), touched


def _reflow(lines: list[bytes]) -> list[bytes]:
    """Put back RFC 3676 §4.2 soft line breaks: a space at the end of every line of a paragraph
    but its last (signature separator and quoted lines excepted)."""
    out = list(lines)
    for i, line in enumerate(lines[:-1]):
        nxt = lines[i + 1]
        # a line long enough to have been wrapped, followed by more of its paragraph
        soft = len(line) >= 40 and nxt and not line.endswith(b" ") and nxt != b"-- "
        if soft and not line.startswith(b">") and not nxt.startswith(b">"):
            out[i] = line + b" "
    return out


def body_change(
    sig: DkimSignature, msg: ParsedMessage, budget: Budget = DEFAULT_BUDGET
) -> tuple[BodyChange | None, bool]:
    """(the change that explains a body hash mismatch or None, whether every candidate was
    tried): None with True means nothing reproduces bh=; with False, the budget ran out."""
    change, unsearched = body_search(sig, msg, budget)
    return change, not unsearched


def body_search(
    sig: DkimSignature, msg: ParsedMessage, budget: Budget = DEFAULT_BUDGET
) -> tuple[BodyChange | None, tuple[str, ...]]:
    """(the change that explains a body hash mismatch or None, what was not searched and why:
    empty when every candidate was tried)."""
    body = msg.body
    if body is None:
        return None, ()
    meter = _Meter(budget)
    if len(body) > budget.hashed_bytes:  # one candidate alone would spend the whole budget
        meter.give_up(
            f"not searched: over budget (a body of {len(body)} bytes, "
            f"more than the {budget.hashed_bytes} that may be hashed)"
        )
        return None, meter.unsearched()
    return _body_change(sig, msg, body, meter, budget), meter.unsearched()


def _body_change(
    sig: DkimSignature, msg: ParsedMessage, body: bytes, meter: _Meter, budget: Budget
) -> BodyChange | None:
    canon = canonical_body(sig, body)
    if sig.length is not None and sig.length > len(canon):
        # Proven by length: the body is shorter than the part the signer hashed.
        return BodyChange(
            "body_truncated", 0, sig.length - len(canon), "", (f"l={sig.length}, canonical body {len(canon)} bytes",)
        )  # fmt: skip
    for code, variant, touched in _whole_body_variants(sig, msg, body):
        candidate = canonical_body(sig, variant)
        if sig.length is not None:
            candidate = candidate[: sig.length]
        if not meter.spend(len(candidate)):
            return None
        hasher = new_hash(sig)
        hasher.update(candidate)
        if hasher.digest() == sig.body_hash:
            evidence: tuple[str, ...] = ()
            if code == "body_line_endings":
                evidence = (
                    f"{len(touched)} lines end in CRLF here, in bare LF in what was signed",
                )
            if code == "mbox_from_quoting":  # which way: storage quoted, or a reader unquoted
                added = touched[0][:1] == b">"
                way = "added" if added else "removed"
                lines = "line" if len(touched) == 1 else "lines"
                evidence = (f'">From " quoting {way} on {len(touched)} {lines}',)
            sample = "" if code == "body_line_endings" else escape(touched[0])
            return BodyChange(code, len(touched), sum(len(t) for t in touched), sample, evidence)
    if sig.length is not None:
        return None  # the block search below assumes the whole body is hashed
    return _block_search(sig, msg, canon, meter, budget)


def _block_search(
    sig: DkimSignature, msg: ParsedMessage, canon: bytes, meter: _Meter, budget: Budget
) -> BodyChange | None:
    """Find one block of lines whose removal reproduces bh=: added at the end of the body or of
    a MIME part (a footer, a banner), or at the start of either (a warning banner).

    One running hash over the canonical lines, copied at each line boundary, gives the hash
    state of every prefix; a candidate is a prefix state plus the (short) rest after the block.
    """
    # Set-up, charged before it is done: split once, scan each line a bounded number of times.
    n = canon.count(b"\r\n") + int(bool(canon) and not canon.endswith(b"\r\n"))
    if n > budget.max_lines:
        meter.give_up(
            f"block search not run: over budget ({n} canonical body lines, "
            f"more than {budget.max_lines})"
        )
        return None
    if not meter.work(4 * n) or not meter.spend(len(canon)):  # split, prefixes, MIME, ends
        return None
    lines = _lines(canon)
    running = new_hash(sig)
    states = [running.copy()]
    offsets = [0]
    for line in lines:
        running.update(line)
        states.append(running.copy())
        offsets.append(offsets[-1] + len(line))
    view = memoryview(canon)

    def removal_matches(i: int, j: int) -> bool | None:
        """Does the body without lines[i:j] hash to bh=? None: budget spent."""
        rest = view[offsets[j] :]
        if not meter.spend(len(rest)):
            return None
        hasher = states[i].copy()
        hasher.update(rest)
        return bool(hasher.digest() == sig.body_hash)

    delimiters, part_starts = _mime_points(msg, canon, lines, meter, budget)
    # Where an added block may end: a MIME delimiter, or the empty line before one (text added
    # to the end of a part's content), or the end of an HTML document (banners and
    # disclaimers go just before </body>).
    ends = sorted(
        {*delimiters, *(d - 1 for d in delimiters if d and lines[d - 1] == b"\r\n")}
        | {k for k, ln in enumerate(lines) if _HTML_END.match(ln)}
    )
    if len(ends) > budget.max_delimiters:
        meter.give_up(
            f"MIME parts and HTML ends not searched: over budget ({len(ends)} places where "
            f"an added block may end, more than {budget.max_delimiters})"
        )
        ends, part_starts = [], []

    def candidates() -> Iterator[tuple[str, int, int]]:
        """Generated as they are tried: their number is bounded by the attempts, never
        held in a list (a window per nesting level was 556 MB)."""
        # The canonical form drops trailing empty lines (§3.4.3, §3.4.4): a prefix ending
        # in one is the same candidate as a shorter one.
        for k in range(n - 1, 0, -1):
            if lines[k - 1] != b"\r\n":
                yield "body_appended", k, n
        for j in ends:
            for i in range(j - 1, max(j - budget.window, 0) - 1, -1):
                yield "body_appended", i, j
        for i in [0, *part_starts]:
            for j in range(i + 1, min(i + budget.window, n - 1) + 1):
                yield "body_prepended", i, j

    for code, i, j in candidates():
        matched = removal_matches(i, j)
        if matched is None:
            return None
        if matched:
            return _block_change(code, lines, i, j, n, delimiters)
    return _two_blocks(sig, lines, states, offsets, view, [*ends, n], meter, budget)


def _two_blocks(
    sig: DkimSignature,
    lines: list[bytes],
    states: list[Any],
    offsets: list[int],
    view: memoryview,
    ends: list[int],
    meter: _Meter,
    budget: Budget,
) -> BodyChange | None:
    """The same text added at the end of two parts (a disclaimer in the text and the HTML
    alternative): two short blocks, each ending at a place where blocks end."""
    n = len(lines)
    w = budget.pair_window
    for j1, j2 in combinations(ends, 2):
        for i1 in range(j1 - 1, max(j1 - w, 0) - 1, -1):
            for i2 in range(j2 - 1, max(j2 - w, j1) - 1, -1):
                between, rest = view[offsets[j1] : offsets[i2]], view[offsets[j2] :]
                if not meter.spend(len(between) + len(rest)):
                    return None
                hasher = states[i1].copy()
                hasher.update(between)
                hasher.update(rest)
                if hasher.digest() == sig.body_hash:
                    first, second = lines[i1:j1], lines[i2:j2]
                    added = first + second
                    sample = next((ln for ln in added if ln.strip()), added[0])
                    return BodyChange(
                        "body_appended", len(added), sum(map(len, added)), escape(sample),
                        (f"two blocks: canonical body lines {i1 + 1}-{j1} and {i2 + 1}-{j2} of {n}",
                         f"first line of the second block: {escape(next((ln for ln in second if ln.strip()), second[0]))!r}"),
                    )  # fmt: skip
    return None


def _block_change(
    code: str, lines: list[bytes], i: int, j: int, n: int, delimiters: list[int]
) -> BodyChange:
    block = lines[i:j]
    first = next((ln for ln in block if ln.strip()), block[0])
    where = f"canonical body lines {i + 1}-{j} of {n}"
    if i in delimiters and b"\r\n" in block:  # a whole MIME part was added: show its text
        content = block[block.index(b"\r\n") + 1 :]
        first = next((ln for ln in content if ln.strip()), first)
        where += ", a new MIME part"
    if j < n and j in delimiters:
        where += f", just before the MIME delimiter {escape(lines[j])!r}"
    elif code == "body_prepended" and i > 0:
        where += ", at the start of a MIME part"
    return BodyChange(code, len(block), sum(len(b) for b in block), escape(first), (where,))


def _mime_points(
    msg: ParsedMessage, canon: bytes, lines: list[bytes], meter: _Meter, budget: Budget
) -> tuple[list[int], list[int]]:
    """Line indexes of MIME delimiter lines (RFC 2046 §5.1.1), and of the first body line of
    each part (after the part's header fields). Linear: one pass for the boundaries, one
    over the lines, one backwards for the next empty line. Past max_boundaries distinct
    boundaries (the nesting depth) or max_delimiters delimiter lines, no MIME point is used
    and the meter says so."""
    declared = b"".join(h.value for h in msg.fields("content-type"))
    boundaries: set[bytes] = set()
    for text in (declared, canon):
        for m in _BOUNDARY.finditer(text.lower()):
            boundaries.add(text[m.start(1) : m.end(1)])
            if len(boundaries) > budget.max_boundaries:
                meter.give_up(
                    f"MIME parts not searched: over budget (more than {budget.max_boundaries} "
                    "MIME boundaries, i.e. nesting levels)"
                )
                return [], []
    if not boundaries:
        return [], []
    marks = {b"--" + b for b in boundaries} | {b"--" + b + b"--" for b in boundaries}
    delimiters = [k for k, ln in enumerate(lines) if ln[:2] == b"--" and ln.rstrip() in marks]
    if len(delimiters) > budget.max_delimiters:
        meter.give_up(
            f"MIME parts not searched: over budget ({len(delimiters)} MIME delimiter lines, "
            f"more than {budget.max_delimiters})"
        )
        return [], []
    # The empty line that ends each part's header fields: the next one after its delimiter.
    next_blank: list[int | None] = [None] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        next_blank[k] = k if lines[k] == b"\r\n" else next_blank[k + 1]
    starts = []
    for d in delimiters:
        blank = next_blank[d + 1]
        if blank is not None and not lines[d].rstrip().endswith(b"--"):
            starts.append(blank + 1)
    return delimiters, starts


@dataclass(frozen=True, slots=True)
class BodyFacts:
    """What is known when nothing reproduces bh=."""

    canonical_length: int
    length: int | None
    encodings: tuple[str, ...]
    reencoding_signs: tuple[str, ...]  # why re-encoding by a relay is likely (a guess)


def body_facts(sig: DkimSignature, msg: ParsedMessage) -> BodyFacts:
    body = msg.body or b""
    top = b"".join(h.name + b":" + h.value for h in msg.fields("content-transfer-encoding"))
    encodings = tuple(dict.fromkeys(e.decode() for e in _CTE.findall((top + body).lower())))
    signs = [
        "X-MIME-Autoconverted: " + escape(h.value.strip())
        for h in msg.fields("x-mime-autoconverted")
    ]
    if _EIGHT_BIT.search(body) and "8bit" not in encodings and "binary" not in encodings:
        signs.append("8-bit bytes in a body declared 7bit (a relay converted 8BITMIME content)")
    return BodyFacts(
        len(canonical_body(sig, body)), sig.length, encodings or ("7bit",), tuple(signs)
    )


# --- headers ------------------------------------------------------------------------------


def _by_name(headers: tuple[HeaderField, ...]) -> dict[str, list[int]]:
    """Indexes of the fields of each (lower-cased) name, top to bottom: built once."""
    index: dict[str, list[int]] = {}
    for k, h in enumerate(headers):
        index.setdefault(h.lname, []).append(k)
    return index


def _selected(sig: DkimSignature, headers: tuple[HeaderField, ...]) -> list[int]:
    """Indexes of the instances h= picks (RFC 6376 §5.4.2: each name takes its next instance
    from the bottom up). One index by name, one pass over h=: linear (a count() and a scan
    per name cost 99 s for 100,000 names)."""
    unused = _by_name(headers)
    picked = []
    for name in sig.signed_headers:
        left = unused.get(name)
        if left:
            picked.append(left.pop())
    return sorted(picked)


def _value_variants(
    sig: DkimSignature, h: HeaderField, msg: ParsedMessage
) -> Iterator[tuple[ChangeKind, bytes, bytes]]:
    """(kind, name, original value) candidates for one signed header field."""
    value = h.value
    if h.lname == "subject":
        for tag in _SUBJECT_TAGS:
            if tag.match(value):
                yield ChangeKind.SUBJECT_TAG, h.name, tag.sub(rb"\1", value, count=1)
        if _TAG_AFTER.search(value):
            yield ChangeKind.SUBJECT_TAG, h.name, _TAG_AFTER.sub(rb"\1", value)
    if h.lname == "from":
        for source in _FROM_SOURCES:
            for other in msg.fields(source):
                yield ChangeKind.FROM_REWRITTEN, h.name, other.value
                if (via := _VIA.match(value)) and (addr := _ADDR.search(other.value)):
                    who = via.group(1).strip()
                    address = addr.group(1) or addr.group(2)
                    yield ChangeKind.FROM_REWRITTEN, h.name, b" " + who + b" <" + address + b">\r\n"
    if b"=?" in value:
        yield ChangeKind.REENCODED, h.name, _decoded(value)
    if sig.header_canon == "simple":  # relaxed ignores folding, spacing and name case (§3.4.2)
        unfolded = re.sub(rb"\r\n(?=[ \t])", b"", value)
        if unfolded != value:
            yield ChangeKind.REFOLDED, h.name, unfolded
        for respaced in (
            value.lstrip(b" \t"),
            b" " + value.lstrip(b" \t"),
            re.sub(rb"[ \t]+", b" ", value),
        ):
            if respaced != value:
                yield ChangeKind.RESPACED, h.name, respaced
        proper = _NAME_CASE.get(h.lname)
        for name in {proper, h.name.lower(), h.name.title()} - {None, h.name}:
            assert name is not None
            yield ChangeKind.NAME_CASE, name, value


def _decoded(value: bytes) -> bytes:
    """RFC 2047 encoded-words decoded back to raw UTF-8 (what an SMTPUTF8 sender signed)."""
    lead = value[: len(value) - len(value.lstrip(b" \t"))]
    text = value.decode("ascii", "replace").strip()
    out = b""
    try:
        for chunk, charset in decode_header(text):
            raw = chunk if isinstance(chunk, bytes) else chunk.encode()
            out += raw.decode(charset, "replace").encode() if charset else raw
    except DECODE_ERRORS:  # a malformed word (HeaderParseError too) or an unknown charset
        return value
    return lead + out + b"\r\n"


def _variants(sig: DkimSignature, msg: ParsedMessage) -> Iterator[tuple[HeaderChange, _Edit]]:
    headers = msg.headers
    signed = set(sig.signed_headers)

    def show(v: bytes) -> str:
        return escape(b" ".join(v.split()), 200)

    def exact(v: bytes) -> str:  # where folding and spacing are the change, show them escaped
        return escape(v, 200)

    for k in _selected(sig, headers):
        h = headers[k]
        title = h.name.decode("ascii", "replace").strip()
        for kind, name, original in _value_variants(sig, h, msg):
            if kind in (ChangeKind.REFOLDED, ChangeKind.RESPACED, ChangeKind.NAME_CASE):
                before, after = exact(h.name + b":" + h.value), exact(name + b":" + original)
            else:
                before, after = show(h.value), show(original)
            yield HeaderChange(kind, title, before, after), _Edit(k, HeaderField(name, original))
    # An instance added to a signed (or oversigned) field: without it, the signature verifies.
    for k, h in enumerate(headers):
        if h.lname in signed and h.lname != "dkim-signature":
            title = h.name.decode("ascii", "replace").strip()
            yield HeaderChange(ChangeKind.ADDED, title, show(h.value), "(absent)"), _Edit(k, None)
    # A signed field removed, when a relay kept its value under another name.
    by_name = _by_name(headers)
    for gone in sorted(signed - by_name.keys()):
        for prefix in ("x-original-", "original-"):
            for k in by_name.get(prefix + gone, ()):
                h = headers[k]
                restored = HeaderField(_NAME_CASE.get(gone, gone.encode()), h.value)
                change = HeaderChange(ChangeKind.REMOVED, gone, "(absent)", show(h.value))
                yield change, _Edit(k, restored, insert=True)


@dataclass(frozen=True, slots=True)
class _Edit:
    """One change to the header list: replace field k, delete it (None), or insert before it."""

    index: int
    field: HeaderField | None
    insert: bool = False


def _apply(headers: tuple[HeaderField, ...], *edits: _Edit) -> tuple[HeaderField, ...]:
    out = list(headers)
    for e in sorted(edits, key=lambda e: e.index, reverse=True):  # later indexes first
        if e.insert and e.field is not None:
            out.insert(e.index, e.field)
        elif e.field is None:
            del out[e.index]
        else:
            out[e.index] = e.field
    return tuple(out)


def header_changes(
    sig: DkimSignature, msg: ParsedMessage, key: PublicKey, budget: Budget = DEFAULT_BUDGET
) -> tuple[HeaderChange, ...]:
    """The change(s) to signed header fields that explain a b= failure; () when none verifies."""
    return header_search(sig, msg, key, budget)[0]


def header_search(
    sig: DkimSignature, msg: ParsedMessage, key: PublicKey, budget: Budget = DEFAULT_BUDGET
) -> tuple[tuple[HeaderChange, ...], tuple[str, ...]]:
    """(the change(s) that explain a b= failure or (), what was not searched and why).

    Single changes first, then pairs on two different fields (a list that tags the Subject
    and rewrites From, or adds a Reply-To), within budget.header_attempts verifications.
    Each verification selects over h= and the header fields and copies the field list, so
    each is charged that many steps: a hostile h= stops the search early, said honestly.
    """
    meter = _Meter(budget, attempts=budget.header_attempts)
    cost = len(sig.signed_headers) + len(msg.headers)  # one selection or one verification

    def matches(*edits: _Edit) -> bool | None:
        if not meter.work(cost) or not meter.spend():
            return None
        return signature_matches(sig, replace(msg, headers=_apply(msg.headers, *edits)), key)

    if not meter.work(cost):  # the selection _variants makes first
        meter.give_up(
            f"not searched: over budget ({len(sig.signed_headers)} names in h= and "
            f"{len(msg.headers)} header fields)"
        )
        return (), meter.unsearched()
    singles = []
    for change, edit in _variants(sig, msg):
        matched = matches(edit)
        if matched is None:
            return (), meter.unsearched()
        if matched:
            return (change,), ()
        singles.append((change, edit))
    for (a, ea), (b, eb) in combinations(singles, 2):
        if a.name.lower() == b.name.lower() or ea.index == eb.index:
            continue
        matched = matches(ea, eb)
        if matched is None:
            return (), meter.unsearched()
        if matched:
            return (a, b), ()
    return (), meter.unsearched()


# --- findings -----------------------------------------------------------------------------


def forensic_findings(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...]) -> list[Finding]:
    """The diagnose rule: for each failing signature, what changed (or what is known)."""
    out: list[Finding] = []
    # The header search's set-up steps are shared by the message's failing header signatures
    # (16 signatures, each with 20,000 h= names, searched 16 full budgets: 2.2 s); a real
    # message needs a few thousand steps per signature, far below its share.
    searched = sum(v.header_signature_valid is False and v.key is not None for v in verdicts)
    header_budget = DEFAULT_BUDGET  # (a message of passing signatures makes no other)
    if searched > 1:
        header_budget = dataclasses.replace(DEFAULT_BUDGET, steps=DEFAULT_BUDGET.steps // searched)
    for v in verdicts:
        sig = v.signature
        if sig is None or v.result is Result.PASS:
            continue  # passing messages cost nothing
        if v.result is not Result.FAIL:
            # The key could not be used (missing, revoked, DNS failing, ...), so the verdict
            # names that; but bh= needs no key (RFC 6376 §3.7: the body hash is computed over
            # the body alone), and verify() computed it. When it fails, say so, and search the
            # body; the header signature needs the key, so the headers cannot be searched.
            if v.body_hash_valid is False:
                base = fields_for(v, msg)
                out.append(_body_hash_also_fails(v, base))
                out += _body_findings(v, sig, msg, base)
            continue
        base = fields_for(v, msg)
        if v.body_hash_valid is False:
            out += _body_findings(v, sig, msg, base)
        if v.header_signature_valid is False and v.key is not None:
            key = load_public_key(v.key)
            if isinstance(key, PublicKey):
                out += _header_findings(v, sig, msg, key, base, header_budget)
    return out


def _body_hash_also_fails(v: SignatureVerdict, base: dict[str, Value]) -> Finding:
    """bh= fails for a signature whose verdict is about something else: its key (missing,
    revoked, unusable, DNS failing) or its times."""
    why = v.reason.value if v.reason else v.result.value
    f = {**base, "reason": why}
    evidence = [
        f"bh= recomputed over the received body ({v.signature.body_canon if v.signature else '?'} "
        "canonicalization): does not match",
        "header signature (b=): "
        + {True: "verifies", False: "does not verify", None: f"not checked ({why})"}[
            v.header_signature_valid
        ],
    ]
    return finding(
        "body_hash_also_fails", Severity.WARNING, f, index=v.index,
        evidence=evidence,
    )  # fmt: skip


def _body_findings(
    v: SignatureVerdict, sig: DkimSignature, msg: ParsedMessage, base: dict[str, Value]
) -> list[Finding]:
    change, unsearched = body_search(sig, msg)
    if change is not None:
        f = {**base, "lines": change.lines, "bytes": change.size, "first_line": change.sample}
        evidence = (
            [*change.evidence, f"first line: {change.sample!r}"]
            if change.sample
            else change.evidence
        )
        return [finding(change.code, Severity.WARNING, f, index=v.index, evidence=evidence)]
    facts = body_facts(sig, msg)
    evidence = [
        f"canonical body ({sig.body_canon}): {facts.canonical_length} bytes",
        f"l=: {facts.length if facts.length is not None else 'not used'}",
        f"transfer encodings: {', '.join(facts.encodings)}",
    ]
    evidence += unsearched
    out = [finding("body_unexplained", Severity.WARNING, base, index=v.index, evidence=evidence)]
    if facts.reencoding_signs:
        out.append(
            finding("body_likely_reencoded", Severity.WARNING, base, index=v.index,
                    evidence=facts.reencoding_signs)
        )  # fmt: skip
    return out


def _header_findings(
    v: SignatureVerdict,
    sig: DkimSignature,
    msg: ParsedMessage,
    key: PublicKey,
    base: dict[str, Value],
    budget: Budget = DEFAULT_BUDGET,
) -> list[Finding]:
    changes, unsearched = header_search(sig, msg, key, budget)
    out = []
    for c in changes:
        f = {**base, "header": c.name, "received": c.received, "original": c.original}
        # The words: header_modified's, then those of change.<kind> (explain.words).
        out.append(finding("header_modified", Severity.WARNING, f, index=v.index, variant=c.kind,
                           evidence=[f"change={c.kind}", f"received: {c.received}",
                                     f"original: {c.original}"]))  # fmt: skip
    if changes:
        return out
    present = {h.lname for h in msg.headers}
    names = list(dict.fromkeys(sig.signed_headers))
    rewritten = [n for n in names if n in COMMONLY_REWRITTEN and n in present]
    missing = [n for n in names if n not in present]
    f = {**base, "signed": _some(names, ", "), "rewritten": ", ".join(rewritten) or "none"}
    evidence = [
        f"signed (h=): {_some(sig.signed_headers, ':')}",
        f"commonly rewritten in transit: {', '.join(rewritten) or 'none'}",
    ]
    if missing:
        evidence.append(
            f"in h= but not in the message (oversigned, or removed): {_some(missing, ', ')}"
        )
    evidence += unsearched
    return [finding("header_unexplained", Severity.WARNING, f, index=v.index, evidence=evidence)]


def _some(names: list[str] | tuple[str, ...], sep: str, limit: int = 40) -> str:
    """At most `limit` names: a hostile h= of 100,000 names must not fill the report."""
    shown = sep.join(names[:limit])
    return shown if len(names) <= limit else f"{shown}{sep}… ({len(names) - limit} more)"


def arc_findings(
    chain: ArcChain, msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...]
) -> list[Finding]:
    """RFC 8617 §7.2: an intact chain may vouch for a signature that passed before a hop."""
    base: dict[str, Value] = {"from_domain": msg.from_domain}
    if chain.cv is ArcCv.FAIL:
        return [_arc_failure(chain, base)]
    if chain.cv is not ArcCv.PASS:
        return []
    out = []
    for v in verdicts:
        if v.result is not Result.FAIL or not v.domain:
            continue
        vouching = [s for s in chain.sets if v.domain in s.dkim_pass_domains]
        if not vouching and chain.sets and v.domain in chain.sets[0].dkim_fail_domains:
            # Broken before the first intermediary: the lists and forwarders are not to blame.
            first = chain.sets[0]
            f = {**fields_for(v, msg), "sealer": first.domain, "instance": first.instance}
            evidence = [
                f"ARC-Authentication-Results i={first.instance}: {first.authentication_results}"
            ]
            out.append(finding("arc_saw_original_fail", Severity.INFO, f,
                               index=v.index, evidence=evidence))  # fmt: skip
            continue
        if not vouching or v.domain == vouching[0].domain:
            continue
        first = vouching[0]
        later = [s.domain for s in chain.sets if s.instance > first.instance]
        f = {
            **fields_for(v, msg), "sealer": first.domain, "instance": first.instance,
            "later": ", ".join(later) or "none",
        }  # fmt: skip
        evidence = [
            f"ARC-Authentication-Results i={first.instance}: {first.authentication_results}"
        ]
        out.append(finding("arc_attests_original_pass", Severity.INFO, f,
                           index=v.index, evidence=evidence))  # fmt: skip
    return out


# The wording of a failed chain, by the reason of the failed set (RFC 8617 §5.2 order).
_ARC_VARIANT = {
    Reason.BODY_HASH_MISMATCH: "body_changed",
    Reason.SIGNATURE_EXPIRED: "time",
    Reason.SIGNATURE_FUTURE: "time",
}
_ARC_REASON_VARIANT = {
    ArcReason.STRUCTURE: "structure",
    ArcReason.SEALER_REPORTED_FAIL: "sealer_reported_fail",
    ArcReason.SEAL_FAILED: "seal_failed",
    ArcReason.MESSAGE_SIGNATURE_FAILED: "headers_changed",
    ArcReason.KEY_UNUSABLE: "key_unusable",
}


def _arc_failure(chain: ArcChain, base: dict[str, Value]) -> Finding:
    """One finding for a failed chain that names the set, the key and the DNS answers."""
    failed = chain.failed_set
    ams = chain.failed_field is ArcField.MESSAGE_SIGNATURE
    d = (failed.message_signature_domain if ams else failed.domain) if failed else ""
    s = (failed.message_signature_selector if ams else failed.selector) if failed else ""
    key = f"{s}._domainkey.{d}" if failed else ""
    answers = [a for a in chain.dns if a.name.rstrip(".").lower() == key.lower()]
    status = answers[0].status if answers else None
    f = {
        **base,
        "detail": chain.detail or "",
        # The set the reason is about, else every sealer (a malformed chain has no one set).
        "sealer": failed.domain if failed else ", ".join(x.domain for x in chain.sets) or "?",
        "instance": chain.failed_instance or "?",
        "field": chain.failed_field.value if chain.failed_field else "?",
        "d": d or "?",
        "s": s or "?",
        "key": key or "?",
        "status": status.value.upper() if status else "?",  # NXDOMAIN or NODATA
    }
    evidence: list[Evidence] = [chain.detail or "", *answers]
    evidence += [a for a in chain.dns if a not in answers and a.status.value != "ok"]
    if chain.temporary:
        return finding("arc_temporary", Severity.WARNING, f, evidence=evidence)
    if chain.reason is ArcReason.KEY_NOT_FOUND:
        # A key that is gone is the normal case for archived mail: information, no blame,
        # unless the sealer's domain itself does not resolve (then the DNS says nothing).
        missing = domain_missing(chain.probes)
        evidence += [p.answer for p in chain.probes]
        server = next((a.server for a in answers if a.server), None)
        f["server"] = server
        variant = f"domain_{missing}" if missing else None
        severity = Severity.WARNING if missing == "unreliable" else Severity.INFO
        return finding("arc_key_not_found", severity, f, evidence=evidence, variant=variant)
    per_set = (failed.message_signature_reason if ams else failed.seal_reason) if failed else None
    variant = _ARC_VARIANT.get(per_set) if per_set else None
    variant = variant or (_ARC_REASON_VARIANT.get(chain.reason) if chain.reason else None)
    return finding("arc_chain_failed", Severity.WARNING, f, evidence=evidence,
                   variant=variant)  # fmt: skip
