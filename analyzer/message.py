"""Raw bytes -> ParsedMessage.

The header fields are split from the original bytes and kept verbatim: DKIM
verifies bytes, so nothing here re-serialises a field (RFC 6376 §3.4).
"""

from __future__ import annotations

import re
from email.errors import MessageError
from email.header import decode_header, make_header
from email.utils import getaddresses
from itertools import chain, starmap
from typing import Any

from analyzer.errors import NotAMessageError
from analyzer.model import HeaderField, LineEndings, ParsedMessage

# Larger inputs are refused, not analysed: cost is linear (README "Limits"), but memory is
# about three times the message. Receivers cap messages lower (Gmail: 50 MB).
MAX_MESSAGE_BYTES = 100 * 2**20
# RFC 5322 §2.2 field name: printable ASCII except colon; obsolete syntax allows WSP before ":".
_FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
# A whole field as split_header_fields' fast path reads it: its name (with any WSP before
# the colon, as the careful loop keeps it), then the value, its CRLF-ended continuation
# lines included. [^\r\n]* stops at a bare CR or LF, so the match fails there.
_WHOLE_FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]+[ \t]*):([^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)")
_MBOX_FROM = b"From "
_MAX_GROUPS = 100
_MAX_ENCODED_WORDS = 200
_MAX_DECODED = 16384  # characters of a display field decoded from RFC 2047
# RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
# What email.header raises on a malformed encoded word: CharsetError for a non-ASCII charset
# name (=?é?q?x?=), HeaderParseError for base64 of length 1 mod 4 (both MessageError),
# LookupError for an unknown charset, UnicodeError and ValueError for bad text.
DECODE_ERRORS = (MessageError, ValueError, LookupError, UnicodeError, TypeError)
# One mailbox written plainly (RFC 5322 §3.4): `addr`, `<addr>` or `Name <addr>` with an
# atom or a simple quoted string (no comma, quote or backslash) for each word of the name,
# addr a dot-atom "@" a host name. What getaddresses reads from it is addr itself.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_WORD = rf"(?:{_ATOM}|\"[^\"\\\r\n,]*\")"
_PLAIN_ADDRESS = re.compile(rf"(?:{_WORD}(?:[ \t]+{_WORD})*[ \t]*)?<({_ADDR_SPEC})>|({_ADDR_SPEC})")
_ADDRESS = re.compile(r"(?<![^\s<>()\[\]\",;:@])[^\s<>()\[\]\",;:@]++@[^\s<>()\[\]\",;:@]++")


def to_crlf(raw: bytes) -> tuple[bytes, LineEndings]:
    """Read bare-LF text as a receiver saw it on the wire (CRLF), and say what it was."""
    if b"\r" not in raw:  # one memchr pass: no CR, so every LF is a bare one
        if b"\n" not in raw:
            return raw, LineEndings.CRLF
        return raw.replace(b"\n", b"\r\n"), LineEndings.LF
    return _counted_crlf(raw)


def _counted_crlf(raw: bytes) -> tuple[bytes, LineEndings]:
    """to_crlf of any bytes, decided by counting CRLF and LF."""
    crlf = raw.count(b"\r\n")
    bare = raw.count(b"\n") - crlf
    if not bare:
        return raw, LineEndings.CRLF
    # Counting and str.replace stay linear on a 50 MB file; a regex substitution does not.
    converted = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return converted, LineEndings.LF if not crlf else LineEndings.MIXED


def split_header_fields(block: bytes) -> tuple[list[HeaderField], int]:
    """Split a CRLF header section into fields; return them and where the body starts.

    The body starts after the first empty line. A line that is neither a field nor a
    continuation ends the header section there, as MTAs treat it (no empty line: -1).
    """
    # Fast path: a header section that is plainly well-formed (it starts with a field, ends
    # with an empty line, and every line up to it is a field or a continuation, with no bare
    # CR or LF) is split with one regex findall. Anything else is the careful loop's.
    end = block.find(b"\r\n\r\n")
    if end > 0:
        stop = end + 2
        found = _WHOLE_FIELD.findall(block, 0, stop)
        # findall skips what is no field: the fields tile the section exactly when their
        # lengths (name, ":", value) add up to it, and are then what a match loop would find.
        if len(b"".join(chain.from_iterable(found))) + len(found) == stop:
            return list(starmap(HeaderField, found)), stop + 2
    return _split_header_fields(block)


def _split_header_fields(block: bytes) -> tuple[list[HeaderField], int]:
    """split_header_fields, line by line: blank lines before the first field, an mbox
    "From " line, a line that is no field, bare CR or LF, no empty line."""
    spans: list[list[Any]] = []  # [name, value start, value end]: sliced once at the end,
    pos = 0  # so a field folded over many lines is not copied once per line
    size = len(block)
    body_start = -1
    while pos < size:
        end = block.find(b"\r\n", pos)
        line_end = size if end < 0 else end + 2
        if not spans and not block[pos : line_end if end < 0 else end].strip(b" \t"):
            # Blank or all-space lines before the first field are no header section: some
            # archives pad files so (a line of spaces before Delivered-To:), and pasted
            # headers often start with an empty line. Skipped, like an mbox "From " line.
            pos = line_end
            continue
        if end == pos:
            body_start = line_end
            break
        if block[pos : pos + 1] in (b" ", b"\t") and spans:
            spans[-1][2] = line_end
        else:
            m = _FIELD.match(block, pos, line_end)
            if m is None:
                if not spans and block.startswith(_MBOX_FROM, pos):
                    pos = line_end  # an mbox "From " envelope line left on an exported file
                    continue
                body_start = pos if spans else -2
                break
            spans.append([block[pos : m.end() - 1], m.end(), line_end])
        pos = line_end
    return [HeaderField(name, block[start:stop]) for name, start, stop in spans], body_start


def parse_message(raw: bytes, *, headers_only: bool = False, crlf: bool = False) -> ParsedMessage:
    """Parse raw message bytes. Raises NotAMessageError when there is no header section.

    `crlf`: the caller knows every line of `raw` ends in CRLF (sources.RawMessage.crlf), so
    the line endings are not counted again (two passes over the message).
    """
    if len(raw) > MAX_MESSAGE_BYTES:
        raise NotAMessageError(too_large(len(raw)))
    if raw.find(b"\x00", 0, 4096) >= 0 and not re.match(rb"[\x21-\x7e]+:", raw):
        raise NotAMessageError("input is binary data, not an email message")
    data, endings = (raw, LineEndings.CRLF) if crlf else to_crlf(raw)
    fields, body_start = split_header_fields(data)
    if body_start == -2 or not fields:
        raise NotAMessageError("input does not start with a header field (Name: value)")
    body = None if headers_only or body_start == -1 else data[body_start:]
    from_addrs = _addresses(fields, "from")
    return ParsedMessage(
        headers=tuple(fields),
        body=body,
        line_endings=endings,
        from_addresses=tuple(from_addrs),
        from_domain=_domain_of(from_addrs[0]) if from_addrs else None,
        subject=_display(fields, "subject"),
        message_id=_display(fields, "message-id"),
    )


def too_large(size: int | None = None) -> str:
    what = f"{size} bytes" if size is not None else "more than that"
    return f"input is larger than the {MAX_MESSAGE_BYTES >> 20} MiB limit ({what}); not analysed"


def field_text(value: bytes) -> str:
    """A header value as text for display: unfolded, RFC 2047 decoded, never raising."""
    text = _unfolded(value)
    # decode_header() rescans to the end for every "=?" without a closing "?=" (32 s for
    # 160 KB): past a sane size or number of encoded words (RFC 2047 §2), show it as it is.
    if len(text) > _MAX_DECODED or text.count("=?") > _MAX_ENCODED_WORDS:
        return text
    if "=?" not in text:
        return text  # no encoded word: decode_header would hand it back unchanged, slowly
    try:
        return _decoded(text)
    except DECODE_ERRORS:
        # One malformed word (a truncating mailer cuts base64 anywhere) must not lose the
        # others, nor stop the analysis: decode word by word, a bad word shown as written.
        return _ENCODED_WORD.sub(lambda m: _word(m.group()), text)


def _unfolded(value: bytes) -> str:
    """Unfolding (RFC 5322 §2.2.3) removes each CRLF before WSP: two str.replace passes do
    what the regex substitution r"\r\n(?=[ \t])" did (neither can make a match for the other)."""
    return value.decode("utf-8", "replace").replace("\r\n ", " ").replace("\r\n\t", "\t").strip()


def _decoded(text: str) -> str:
    return str(make_header(decode_header(text)))


def _word(word: str) -> str:
    try:
        return _decoded(word)
    except DECODE_ERRORS:
        return word


def _display(fields: list[HeaderField], name: str) -> str | None:
    found = [f for f in fields if f.lname == name]
    return field_text(found[0].value) if found else None


def from_domain(fields: list[HeaderField]) -> str | None:
    """The domain of the first From address (RFC 7489 §3.1: the domain DMARC is about)."""
    addresses = _addresses(fields, "from")
    return _domain_of(addresses[0]) if addresses else None


def _addresses(fields: list[HeaderField], name: str) -> list[str]:
    values = [field_text(f.value) for f in fields if f.lname == name]
    plain = [_PLAIN_ADDRESS.fullmatch(v) for v in values]
    if all(plain):  # each value one plainly written address: getaddresses finds just it
        return [m[1] or m[2] for m in plain if m]
    return _parsed_addresses(values)


def _parsed_addresses(values: list[str]) -> list[str]:
    """The addresses of header values, as getaddresses reads them."""
    # getaddresses() recurses once per ":" (group syntax, RFC 5322 §3.4) and hits the
    # recursion limit on a hostile value: then pick the addresses out by pattern.
    if sum(v.count(":") for v in values) > _MAX_GROUPS:
        return _ADDRESS.findall(" ".join(values))
    return [addr for _, addr in getaddresses(values) if "@" in addr]


def _domain_of(address: str) -> str | None:
    domain = address.rpartition("@")[2].strip()
    return a_label(domain) or None


def a_label(domain: str) -> str:
    """The domain in A-labels, lowercase, without a trailing dot (for comparing, not display).

    IDNA 2008 (UTS #46 mapping) when the `idna` package is installed; else the standard
    library's IDNA 2003 codec, label by label. A label neither can encode is kept as it is
    (lowercased): two such names compare equal only when written the same way.
    """
    domain = domain.lower().rstrip(".")
    if domain.isascii():
        return domain
    try:
        import idna  # type: ignore[import-not-found,unused-ignore]  # optional: IDNA 2008

        encoded: bytes = idna.encode(domain, uts46=True)
        return encoded.decode("ascii")
    except ImportError:
        pass
    except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
        pass
    labels = []
    for label in domain.split("."):
        try:
            labels.append(label.encode("idna").decode("ascii") if not label.isascii() else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


_HOSTNAME = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?:\.(?!-)[a-z0-9_-]{1,63})*")


def dns_name(value: str) -> str | None:
    """A domain name (or selector) given by a user, as DNS spells it: IDN labels become
    A-labels (RFC 5890), lowercase, no trailing dot. None when it is not a host name
    (empty label, a label over 63 or a name over 253 characters, other characters)."""
    name = a_label(value.strip())
    if len(name) > 253 or not _HOSTNAME.fullmatch(name):
        return None
    return name
