"""DKIM-Signature tag lists: parse (RFC 6376 §3.2) and check (§3.5, §6.1.1).

A signature that fails a check becomes a MalformedSignature naming the tag to
blame; nothing here raises for bad input.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable

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
_B64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}\Z")
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


# One tag-spec of the common, plainly well-formed kind (RFC 6376 §3.2): FWS, a tag name, FWS,
# "=", FWS, then the value up to the next ";" (trailing FWS stripped in Python: a regex that
# stripped it would backtrack over every run of spaces). Anything else is the careful parser's.
_TAG_SPEC = re.compile(rb"[ \t\r\n]*([A-Za-z][A-Za-z0-9_]*)[ \t\r\n]*=([ \t\r\n]*)([^;]*);?")


def parse_tag_list(value: bytes) -> tuple[Tag, ...]:
    """Split `a=1; b=2` into Tags with byte spans into `value`. Raises TagListError."""
    # Fast path: one regex match per tag, while every spec is a plain tag=value; the first
    # that is not (an empty spec, a bad name, a tag twice) goes to the careful parser,
    # which finds the same tags and words the error.
    tags: list[Tag] = []
    pos, size = 0, len(value)
    match = _TAG_SPEC.match
    while pos < size:
        m = match(value, pos)
        if m is None:
            if tags and not value[pos:].strip(_FWS):
                break  # a trailing ";" (then FWS) is allowed
            return _parse_tag_list(value)
        start = m.end(2)
        stripped = m[3].rstrip(_FWS)
        tags.append(Tag(m[1].decode("ascii"), stripped, start, start + len(stripped)))
        pos = m.end()  # past the ";" (without one, the value ran to the end)
    if not tags or len({t.name for t in tags}) != len(tags):
        return _parse_tag_list(value)
    return tuple(tags)


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
    if not _B64.match(compact) or len(compact) % 4:
        return None
    try:  # what b64decode(validate=True) calls, without its Python layers
        return binascii.a2b_base64(compact, strict_mode=True)
    except binascii.Error:
        return None
