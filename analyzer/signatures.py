"""DKIM-Signature tag lists: parse (RFC 6376 §3.2) and check (§3.5, §6.1.1).

A signature that fails a check becomes a MalformedSignature naming the tag to
blame; nothing here raises for bad input.
"""

from __future__ import annotations

import binascii
import functools
import re
from collections.abc import Iterable
from typing import Literal

from analyzer.message import a_label
from analyzer.model import DkimSignature, HeaderField, MalformedSignature, Reason, Tag

ALGORITHMS = ("rsa-sha256", "rsa-sha1", "ed25519-sha256")
CANONICALIZATIONS = ("simple", "relaxed")
# c= as it may be written, lowercased -> (header, body); c=relaxed means relaxed/simple (§3.5).
_CANON = {c: (c, "simple") for c in CANONICALIZATIONS} | {
    f"{h}/{b}": (h, b) for h in CANONICALIZATIONS for b in CANONICALIZATIONS
}
# Bytes that are neither whitespace nor outside ASCII: h= written so needs no per-name strip.
_PRINTABLE = re.compile(rb"[!-~]*")
_TAG_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9_]*\Z")
# FWS as tag lists may hold it (RFC 6376 §2.8, §3.2): removed with bytes.translate, one C pass.
_FWS = b" \t\r\n"
_DIGITS = re.compile(rb"[0-9]{1,76}\Z")  # RFC 6376 §3.5: l=, t=, x= are at most 76 digits
_QP_OCTET = re.compile(rb"=([0-9A-Fa-f]{2})")
# A DNS label as d= and s= may spell it (RFC 6376 §3.5: domain-name and sub-domain syntax,
# RFC 5321 §4.1.2); "_" is tolerated, as some signers use it in selectors and DNS carries it.
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\Z")
# A whole lowercase ASCII name of such labels, each at most MAX_LABEL long: dns_name's fast path.
_ASCII_NAME = re.compile(
    r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\Z"
)
MAX_LABEL = 63  # RFC 1035 §2.3.4
MAX_NAME = 253  # RFC 1035 §2.3.4: 255 octets on the wire, 253 characters as text


class TagListError(ValueError):
    """A tag list that RFC 6376 §3.2 rejects as a whole."""

    def __init__(self, detail: str, tag: str | None = None) -> None:
        super().__init__(detail)
        self.tag = tag


# The head of a tag-spec of the common, plainly well-formed kind (RFC 6376 §3.2): FWS, a tag
# name, FWS, "=", FWS. What follows, up to the next ";", is the value (trailing FWS stripped).
_TAG_HEAD = re.compile(rb"[ \t\r\n]*([A-Za-z][A-Za-z0-9_]*)[ \t\r\n]*=[ \t\r\n]*")


def parse_tag_list(value: bytes) -> tuple[Tag, ...]:
    """Split `a=1; b=2` into Tags with byte spans into `value`. Raises TagListError."""
    # Fast path: the specs split at ";" in one C pass, each read as a plain tag=value; the
    # first that is not (an empty spec, a bad name, a tag twice) goes to the careful parser,
    # which finds the same tags and words the error. A Tag is wholly given by its spec's
    # bytes and where they start, and is frozen: the same spec at the same place (v=1, a=,
    # c=, d=, s=, h= of one signer, message after message) is the same Tag, made once.
    tags: list[Tag] = []
    pos = 0
    held = _HELD_TAGS
    for spec in value.split(b";"):
        tag = held.get((pos, spec))
        if tag is None:
            tag = _plain_tag(spec, pos)
            if tag is None:
                if tags and pos + len(spec) == len(value) and not spec.strip(_FWS):
                    break  # a trailing ";" (then FWS) is allowed
                return _parse_tag_list(value)
            if len(spec) <= _HELD_SPEC and tag.name not in _VARYING:
                if len(held) >= _HELD_TAG_COUNT:
                    held.clear()  # bounded: entries, each at most _HELD_SPEC bytes
                held[pos, spec] = tag
        tags.append(tag)
        pos += len(spec) + 1  # past the ";"
    if len({t.name for t in tags}) != len(tags):
        return _parse_tag_list(value)
    return tuple(tags)


# Tags parse_tag_list has made, by (where the spec starts, the spec's bytes): bounded in
# entries and in the bytes of each, emptied when full. Tags that differ in every message
# (b=, bh=, t=, x=: signature, body hash, times) are not held, so they do not crowd out
# the ones that recur.
_HELD_TAGS: dict[tuple[int, bytes], Tag] = {}
_HELD_TAG_COUNT = 1024
_HELD_SPEC = 256
_VARYING = frozenset(("b", "bh", "t", "x"))


def _plain_tag(spec: bytes, pos: int) -> Tag | None:
    """The Tag of a plain `name=value` spec starting at `pos`, else None. The careful
    parser reads it the same: the name between FWS before the first "=", the value after
    it without leading or trailing FWS."""
    m = _TAG_HEAD.match(spec)
    if m is None:
        return None
    start = m.end()
    stripped = spec[start:].rstrip(_FWS)
    return Tag(m[1].decode("ascii"), stripped, pos + start, pos + start + len(stripped))


def _parse_tag_list(value: bytes) -> tuple[Tag, ...]:
    """parse_tag_list, the careful way: every spec checked in turn, errors worded."""
    tags: list[Tag] = []
    seen: set[str] = set()
    pos = 0
    specs = value.split(b";")
    for n, spec in enumerate(specs):
        start, pos = pos, pos + len(spec) + 1
        if not spec.strip(b" \t\r\n"):
            if n == len(specs) - 1 and n > 0:
                break  # a trailing ";" is allowed
            raise TagListError("empty tag (two semicolons in a row)")
        name_raw, eq, tag_value = spec.partition(b"=")
        name = name_raw.strip(b" \t\r\n")
        if not eq or not _TAG_NAME.match(name):
            shown = name.decode("ascii", "replace")[:40]
            raise TagListError(f"'{shown}' is not a tag=value pair", shown or None)
        tname = name.decode("ascii")
        if tname in seen:
            raise TagListError(f"tag {tname}= appears twice", tname)
        seen.add(tname)
        vstart = start + len(name_raw) + 1
        stripped = tag_value.strip(b" \t\r\n")
        lead = len(tag_value) - len(tag_value.lstrip(b" \t\r\n"))
        tags.append(Tag(tname, stripped, vstart + lead, vstart + lead + len(stripped)))
    return tuple(tags)


def extract(headers: Iterable[HeaderField]) -> list[DkimSignature | MalformedSignature]:
    """Every DKIM-Signature field in header order, topmost first, parsed and checked."""
    sig_fields = [h for h in headers if h.lname == "dkim-signature"]
    return [parse_signature(i, h) for i, h in enumerate(sig_fields)]


def parse_signature(index: int, header: HeaderField) -> DkimSignature | MalformedSignature:
    try:
        tags = parse_tag_list(header.value)
    except TagListError as e:
        return MalformedSignature(
            index, header, Reason.SIGNATURE_SYNTAX, str(e), e.tag, None, None, None
        )
    values = {t.name: t.value for t in tags}
    if len(header.value) <= _HELD_VALUE:
        signature = _well_formed(index, header, tags, values)
        if signature is not None:
            return signature
    return _checked(index, header, tags, values)


def _well_formed(
    index: int, header: HeaderField, tags: tuple[Tag, ...], values: dict[str, bytes]
) -> DkimSignature | None:
    """parse_signature of a signature that passes every check, else None (then _checked
    finds the first check it fails, in RFC 6376 §6.1.1's order, and words it). The checks
    of the tags that recur from message to message with their signer (v a c d s h q i l)
    are made once per set of values, by _recurring; the rest here, as _checked makes them.
    A signature that passes them all is what _checked makes of it: its checks only decide
    which failure is reported, and the values it keeps are made the same way."""
    get = values.get
    recurring = _recurring(
        get("v"), get("a"), get("c"), get("d"), get("s"), get("h"), get("q"), get("i"), get("l")
    )
    raw_bh, raw_b = get("bh"), get("b")
    if recurring is None or not raw_bh or raw_b is None:
        return None
    body_hash = b64_value(raw_bh)
    signature = b64_value(raw_b)
    if body_hash is None or not signature:
        return None
    t, x = _number(get("t")), _number(get("x"))
    if t is False or x is False or (t is not None and x is not None and x < t):
        return None
    algorithm, canon, signed, domain, selector, identity, length = recurring
    return DkimSignature(
        index=index,
        header=header,
        tags=tags,
        version="1",
        algorithm=algorithm,
        domain=domain,
        selector=selector,
        signed_headers=signed,
        body_hash=body_hash,
        signature=signature,
        header_canon=canon[0],
        body_canon=canon[1],
        identity=identity,
        length=length,
        timestamp=t,
        expiration=x,
    )


# Signature values longer than this are checked the careful way only, so that what
# _recurring holds (at most 256 sets of a value's tags) stays under 1 MiB.
_HELD_VALUE = 4096
_Recurring = tuple[str, tuple[str, str], tuple[str, ...], str, str, str | None, int | None]


@functools.lru_cache(maxsize=256)
def _recurring(
    v: bytes | None,
    a: bytes | None,
    c: bytes | None,
    d: bytes | None,
    s: bytes | None,
    h: bytes | None,
    q: bytes | None,
    i: bytes | None,
    l: bytes | None,  # noqa: E741  (the tag's name)
) -> _Recurring | None:
    """(algorithm, canonicalization, signed names, domain, selector, identity, l=) of a
    signature with these tags when _checked finds nothing wrong with them, else None."""
    if v != b"1" or not a or not d or not h or not s:
        return None
    algorithm = _text(a)
    canon = _CANON.get(_text(c if c is not None else b"simple/simple").lower())
    if algorithm not in ALGORITHMS or canon is None:
        return None
    signed = signed_names(h)
    if "from" not in signed:
        return None
    if q is not None and "dns/txt" not in _text(q.translate(None, _FWS)).lower().split(":"):
        return None
    length = _number(l)
    domain, problem = dns_name(d.translate(None, _FWS))
    selector, s_problem = dns_name(s.translate(None, _FWS))
    if length is False or problem is not None or s_problem is not None:
        return None
    if len(f"{selector}._domainkey.{domain}") > MAX_NAME:
        return None
    identity = _text(_qp_decode(i)) if i is not None else None
    if identity is not None:
        idomain = identity.rpartition("@")[2].lower().rstrip(".")
        if "@" not in identity or not (idomain == domain or idomain.endswith("." + domain)):
            return None
    return algorithm, canon, signed, domain, selector, identity, length


def _number(value: bytes | None) -> int | Literal[False] | None:
    """l=, t= or x= as _checked reads it: None when absent, False when not a number."""
    if value is None:
        return None
    raw = value.translate(None, _FWS)
    return int(raw) if _DIGITS.match(raw) else False


def _checked(
    index: int, header: HeaderField, tags: tuple[Tag, ...], values: dict[str, bytes]
) -> DkimSignature | MalformedSignature:
    """parse_signature, every check in RFC 6376 §6.1.1's order, the first failure worded."""
    domain = _text(values.get("d"))
    selector = _text(values.get("s"))
    algorithm = _text(values.get("a"))

    def bad(reason: Reason, tag: str | None, detail: str) -> MalformedSignature:
        return MalformedSignature(
            index, header, reason, detail, tag, domain or None, selector or None, algorithm
        )

    # RFC 6376 §6.1.1, in its order: version, required tags, then each tag's syntax.
    if "v" not in values:
        return bad(Reason.SIGNATURE_SYNTAX, "v", "the required v= tag is missing")
    if values["v"] != b"1":
        return bad(Reason.SIGNATURE_SYNTAX, "v", f"unsupported version v={_text(values['v'])}")
    for required in ("a", "b", "bh", "d", "h", "s"):
        if required not in values or (required != "b" and not values[required]):
            return bad(
                Reason.SIGNATURE_SYNTAX, required, f"the required {required}= tag is missing"
            )
    if algorithm not in ALGORITHMS:
        return bad(Reason.SIGNATURE_SYNTAX, "a", f"unknown signing algorithm a={algorithm}")
    canon = _CANON.get(_text(values.get("c", b"simple/simple")).lower())
    if canon is None:
        return bad(Reason.SIGNATURE_SYNTAX, "c", f"unknown canonicalization c={_text(values['c'])}")
    body_hash = b64_value(values["bh"])
    if body_hash is None:
        return bad(Reason.SIGNATURE_SYNTAX, "bh", "bh= is not valid base64")
    signature = b64_value(values["b"])
    if not signature:
        return bad(Reason.SIGNATURE_SYNTAX, "b", "b= is empty or not valid base64")
    signed = signed_names(values["h"])
    if "from" not in signed:
        return bad(Reason.FROM_NOT_SIGNED, "h", "h= does not include the From field")
    if "q" in values and "dns/txt" not in _text(values["q"].translate(None, _FWS)).lower().split(
        ":"
    ):
        return bad(Reason.SIGNATURE_SYNTAX, "q", f"unsupported query method q={_text(values['q'])}")
    numbers: dict[str, int | None] = {}
    for name in ("l", "t", "x"):
        raw = values[name].translate(None, _FWS) if name in values else None
        if raw is not None and not _DIGITS.match(raw):
            return bad(Reason.SIGNATURE_SYNTAX, name, f"{name}= is not a decimal number")
        numbers[name] = int(raw) if raw is not None else None
    t, x = numbers["t"], numbers["x"]
    if t is not None and x is not None and x < t:
        return bad(Reason.SIGNATURE_SYNTAX, "x", "x= (expiry) is earlier than t= (signing time)")
    domain = domain.lower().rstrip(".")
    # d= and s= become a DNS name (s._domainkey.d): check them as such before any query,
    # so an 8-bit or over-long name is the signature's permanent syntax problem, not a
    # DNS failure. RFC 8616 §4 allows U-labels; DNS is asked with A-labels (RFC 5890).
    for tag, label_of in (("d", "domain"), ("s", "selector")):
        raw_value = values[tag].translate(None, _FWS)
        name, problem = dns_name(raw_value)
        if problem is not None:
            return bad(Reason.SIGNATURE_SYNTAX, tag, f"{tag}= is not a valid {label_of}: {problem}")
        if tag == "d":
            domain = name
        else:
            selector = name
    key = f"{selector}._domainkey.{domain}"
    if len(key) > MAX_NAME:
        return bad(
            Reason.SIGNATURE_SYNTAX,
            "s",
            f"the key name s=._domainkey.d= is {len(key)} characters long (DNS allows {MAX_NAME})",
        )
    # RFC 6376 §3.5: i= is dkim-quoted-printable (§2.11), so "=40" is "@" and "=2E" is ".".
    identity = _text(_qp_decode(values["i"])) if "i" in values else None
    if identity is not None:
        idomain = identity.rpartition("@")[2].lower().rstrip(".")
        if "@" not in identity or not (idomain == domain or idomain.endswith("." + domain)):
            return bad(Reason.IDENTITY_MISMATCH, "i", f"i={identity} is not within d={domain}")
    return DkimSignature(
        index=index,
        header=header,
        tags=tags,
        version="1",
        algorithm=algorithm,
        domain=domain,
        selector=selector,
        signed_headers=signed,
        body_hash=body_hash,
        signature=signature,
        header_canon=canon[0],
        body_canon=canon[1],
        identity=identity,
        length=numbers["l"],
        timestamp=t,
        expiration=x,
    )


def dns_name(value: bytes) -> tuple[str, str | None]:
    """(the name in A-labels, lower case, None) or (_, what is wrong with it).

    U-labels (UTF-8) are converted to A-labels, as RFC 8616 §4 has verifiers do;
    A-labels (xn--...) are kept as they are.
    """
    if value.isascii():  # the common case: an ASCII host name, plainly valid
        text = value.decode("ascii").lower().rstrip(".")
        if len(text) <= MAX_NAME and _ASCII_NAME.match(text):
            return text, None
    return _dns_name(value)


def _dns_name(value: bytes) -> tuple[str, str | None]:
    """dns_name, every check in turn, with what is wrong worded."""
    try:
        text = value.decode("utf-8").lower().rstrip(".")
    except UnicodeDecodeError:
        return "", "it holds bytes that are not UTF-8"
    if not text:
        return "", "it is empty"
    text = a_label(text)  # the one A-label conversion (message.py), as for the From domain
    if not text.isascii():
        return "", "it holds characters that are not a valid internationalized domain name"
    if len(text) > MAX_NAME:
        return "", f"it is {len(text)} characters long (DNS allows {MAX_NAME})"
    for label in text.split("."):
        if len(label) > MAX_LABEL:
            return "", f"a label is {len(label)} characters long (DNS allows {MAX_LABEL})"
        if not _LABEL.match(label):
            shown = (
                "an empty label" if not label else "a label with characters DNS names do not use"
            )
            return "", f"it has {shown}"
    return text, None


def signed_names(value: bytes) -> tuple[str, ...]:
    """The field names of h= (RFC 6376 §3.5), lowercased, empty names left out."""
    names = value.translate(None, _FWS)
    if _PRINTABLE.fullmatch(names):  # plain ASCII: no other whitespace, one lower() for all
        return tuple(filter(None, names.lower().decode("ascii").split(":")))
    return tuple(h.strip().lower() for h in _text(names).split(":") if h.strip())


def _text(value: bytes | None) -> str:
    return "" if value is None else value.decode("utf-8", "replace")


def _qp_decode(value: bytes) -> bytes:
    """dkim-quoted-printable (RFC 6376 §2.11): =XX hex octets; whitespace is ignored."""
    return _QP_OCTET.sub(lambda m: bytes([int(m[1], 16)]), value.translate(None, _FWS))


def b64_value(value: bytes) -> bytes | None:
    """A base64 tag value (RFC 6376 §2.4: FWS ignored), or None when it is not valid base64."""
    compact = value.translate(None, _FWS)
    # a2b_base64's strict mode refuses every byte outside the alphabet and "=", data after
    # padding, and a length that is no multiple of 4. Where Python 3.11 and 3.12 let more
    # through (a "=" where no quad is open is skipped), a length that is a multiple of 4
    # ends in "===": refused here. So no regex pass over the value.
    if len(compact) % 4 or compact.endswith(b"==="):
        return None
    try:  # what b64decode(validate=True) calls, without its Python layers
        return binascii.a2b_base64(compact, strict_mode=True)
    except binascii.Error:
        return None
