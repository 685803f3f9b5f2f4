"""ARC header fields -> ARC sets, with the structure checks of RFC 8617 §5.2 step 3.

Each ARC-Message-Signature and ARC-Seal becomes a DkimSignature value, so verify.py's key
checks and arithmetic serve ARC as they serve DKIM. Everything is parsed from the fields as
received; the instance is read from the tag list (RFC 8617 §4.2.1), never found by searching
for " i=1;" (dkimpy's way, which misses kernel.org's `ARC-Seal:i=1;`). Nothing here raises
for bad input: a malformed chain is a Problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.model import ArcField, ArcReason, DkimSignature, HeaderField, Tag
from analyzer.signatures import TagListError, b64_value, parse_tag_list

MAX_SETS = 50  # RFC 8617 §4.2.1.1: instance values range from 1 to 50
FIELDS = {
    "arc-seal": ArcField.SEAL,
    "arc-message-signature": ArcField.MESSAGE_SIGNATURE,
    "arc-authentication-results": ArcField.AUTHENTICATION_RESULTS,
}
# RFC 8617 §4.2.1: a= as DKIM's; rsa-sha1 is not acceptable (RFC 8301 §3.1), and the ValiMail
# suite (ams_fields_a_sha1, as_fields_a_sha1) fails it. Ed25519 (RFC 8463) as for DKIM.
ALGORITHMS = ("rsa-sha256", "ed25519-sha256")
CHAIN_STATUS = ("none", "pass", "fail")
_WSP = b" \t\r\n"
# RFC 8617 §4.1.1: arc-info = instance [CFWS] ";" authres-payload, the instance first.
_AAR_INSTANCE = re.compile(rb"[ \t\r\n]*i[ \t\r\n]*=[ \t\r\n]*([0-9]{1,3})[ \t\r\n]*;")
_INSTANCE = re.compile(rb"[0-9]{1,3}\Z")  # more digits cannot be 1..50; int() stays cheap
_NUMBER = re.compile(rb"[0-9]{1,76}\Z")  # RFC 6376 §3.5 t=, x=, l=: no FWS inside the digits
_DOMAIN = re.compile(r"(?=.{1,253}\Z)([A-Za-z0-9_-]{1,63}\.)+[A-Za-z0-9_-]{1,63}\Z", re.ASCII)
_SELECTOR = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*\Z", re.ASCII)
_FWS = re.compile(rb"[ \t\r\n]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the chain cannot be validated: the first structural failure found."""

    reason: ArcReason  # STRUCTURE, or SEALER_REPORTED_FAIL
    detail: str
    instance: int | None = None
    field: ArcField | None = None


@dataclass(frozen=True, slots=True)
class RawSet:
    """One complete, well-formed ARC set (RFC 8617 §4.1)."""

    instance: int
    results: HeaderField  # the ARC-Authentication-Results
    message_signature: DkimSignature
    seal: DkimSignature
    chain_status: str  # the seal's cv=


@dataclass(frozen=True, slots=True)
class Collected:
    sets: tuple[RawSet, ...]  # complete sets, oldest first (all of them when problem is None)
    problem: Problem | None


class _Bad(ValueError):
    pass


def collect(headers: tuple[HeaderField, ...]) -> Collected:
    """The ARC sets of a message and, if the chain is malformed, the first problem."""
    fields = [(FIELDS[h.lname], h) for h in headers if h.lname in FIELDS]
    if len(fields) > 3 * MAX_SETS:  # refused before anything is parsed: linear, and small
        return Collected((), Problem(ArcReason.STRUCTURE, f"{len(fields)} ARC header fields; "
                                     f"at most {MAX_SETS} sets of three are allowed (RFC 8617 §4.2.1.1)"))  # fmt: skip
    by_instance: dict[int, dict[ArcField, list[HeaderField | DkimSignature]]] = {}
    problems: list[Problem] = []
    status: dict[int, str] = {}
    for kind, header in fields:
        try:
            instance, parsed, cv = _parse(kind, header)
        except _Bad as e:
            problems.append(Problem(ArcReason.STRUCTURE, f"{kind.value}: {e}", None, kind))
            continue
        if cv is not None:
            status.setdefault(instance, cv)
        by_instance.setdefault(instance, {}).setdefault(kind, []).append(parsed)

    complete = []
    for instance in sorted(by_instance):
        found = by_instance[instance]
        if all(len(found.get(k, ())) == 1 for k in ArcField):
            aar = found[ArcField.AUTHENTICATION_RESULTS][0]
            ams = found[ArcField.MESSAGE_SIGNATURE][0]
            seal = found[ArcField.SEAL][0]
            assert isinstance(aar, HeaderField)
            assert isinstance(ams, DkimSignature) and isinstance(seal, DkimSignature)
            complete.append(RawSet(instance, aar, ams, seal, status[instance]))
    return Collected(tuple(complete), _structure(by_instance, status, problems))


def _structure(
    by_instance: dict[int, dict[ArcField, list[HeaderField | DkimSignature]]],
    status: dict[int, str],
    problems: list[Problem],
) -> Problem | None:
    """RFC 8617 §5.2 steps 2 and 3, in the RFC's order."""
    if not by_instance:
        return problems[0] if problems else None
    newest = max(by_instance)
    # Step 2: the newest seal says the chain had already failed: stop there.
    if status.get(newest) == "fail":
        return Problem(ArcReason.SEALER_REPORTED_FAIL,
                       f"the ARC-Seal i={newest} says cv=fail: the chain was already broken "
                       "when that sealer received the message", newest, ArcField.SEAL)  # fmt: skip
    if problems:
        return problems[0]
    # Step 3: one of each field per set, instances 1..N without gaps, cv= as each set's place says.
    if newest > MAX_SETS:
        return Problem(ArcReason.STRUCTURE,
                       f"instance i={newest} is beyond the {MAX_SETS} sets RFC 8617 §4.2.1.1 allows",
                       newest)  # fmt: skip
    for instance in range(1, newest + 1):
        found = by_instance.get(instance)
        if found is None:
            return Problem(ArcReason.STRUCTURE, f"the chain has no set i={instance} "
                           f"(instances must run from 1 to {newest} without gaps)", instance)  # fmt: skip
        for kind in ArcField:
            count = len(found.get(kind, ()))
            if count != 1:
                what = "no" if count == 0 else f"{count}"
                return Problem(ArcReason.STRUCTURE,
                               f"set i={instance} has {what} {kind.value} field(s); exactly one is required",
                               instance, kind)  # fmt: skip
    for instance in range(1, newest + 1):
        cv = status[instance]
        if cv == "fail":
            return Problem(ArcReason.SEALER_REPORTED_FAIL,
                           f"the ARC-Seal i={instance} says cv=fail", instance, ArcField.SEAL)  # fmt: skip
        want = "none" if instance == 1 else "pass"
        if cv != want:
            return Problem(ArcReason.STRUCTURE,
                           f"the ARC-Seal i={instance} says cv={cv}; the seal of set {instance} "
                           f"must say cv={want} (RFC 8617 §5.2 step 3)", instance, ArcField.SEAL)  # fmt: skip
    return None


def _parse(
    kind: ArcField, header: HeaderField
) -> tuple[int, HeaderField | DkimSignature, str | None]:
    """(instance, the parsed field, the seal's cv= or None). Raises _Bad."""
    if kind is ArcField.AUTHENTICATION_RESULTS:
        m = _AAR_INSTANCE.match(header.value)
        if m is None:
            raise _Bad("the value does not start with the instance tag `i=N;` (RFC 8617 §4.1.1)")
        return _instance(m[1]), header, None
    try:
        tags = parse_tag_list(header.value)
    except TagListError as e:
        raise _Bad(f"not a valid tag list: {e}") from e
    values = {t.name: t.value for t in tags}
    if "i" not in values:
        raise _Bad("the required i= tag is missing")
    instance = _instance(values["i"])
    where = f"i={instance}"
    try:
        sig = _signature(kind, header, tags, values)
    except _Bad as e:
        raise _Bad(f"{where}: {e}") from e
    return (
        instance,
        sig,
        (values["cv"].decode("ascii", "replace") if kind is ArcField.SEAL else None),
    )


def _signature(
    kind: ArcField, header: HeaderField, tags: tuple[Tag, ...], values: dict[str, bytes]
) -> DkimSignature:
    seal = kind is ArcField.SEAL
    # RFC 8617 §4.1.2 (AMS: DKIM's tags without v=) and §4.1.3 (AS: no h=, no bh=, cv= added).
    required = ("a", "b", "cv", "d", "s") if seal else ("a", "b", "bh", "d", "h", "s")
    for name in required:
        if name not in values or (name != "h" and not values[name]):
            raise _Bad(f"the required {name}= tag is missing or empty")
    if seal and "h" in values:
        raise _Bad("an ARC-Seal must not have an h= tag (RFC 8617 §4.1.3)")
    if seal and values["cv"] not in [c.encode() for c in CHAIN_STATUS]:
        raise _Bad(f"cv={_text(values['cv'])} is not none, pass or fail")
    algorithm = _text(values["a"])
    if algorithm not in ALGORITHMS:
        raise _Bad(f"a={algorithm} is not an ARC algorithm ({', '.join(ALGORITHMS)})")
    domain, selector = _text(values["d"]).rstrip("."), _text(values["s"])
    if not _DOMAIN.match(domain):
        raise _Bad(f"d={domain[:80]} is not a domain name")
    if not _SELECTOR.match(selector):
        raise _Bad(f"s={selector[:80]} is not a selector")
    if len(f"{selector}._domainkey.{domain}") > 253:  # RFC 1035 §2.3.4: not a name DNS can ask
        raise _Bad("s=._domainkey.d= is longer than a DNS name can be (253 characters)")
    signature = b64_value(values["b"])
    if not signature:
        raise _Bad("b= is not valid base64")
    numbers: dict[str, int | None] = {}
    for name in ("t", "x", "l"):
        if name in values and not _NUMBER.match(values[name]):
            raise _Bad(f"{name}= is not a decimal number")
        numbers[name] = int(values[name]) if name in values else None
    signed: tuple[str, ...] = ()
    if seal:
        # Relaxed header canonicalization only; c= is not used (RFC 8617 §4.1.3).
        header_canon, body_canon, body_hash = "relaxed", "relaxed", b""
    else:
        # RFC 8617 §4.1.2 inherits DKIM's default c=simple/simple, but dkimpy, mailauth and
        # the ValiMail suite (ams_fields_c_na: pass) read a missing c= as relaxed/relaxed.
        canon = _text(values.get("c", b"relaxed/relaxed")).split("/")
        if len(canon) == 1:
            canon.append("simple")  # RFC 6376 §3.5: c=relaxed means relaxed/simple
        if len(canon) != 2 or any(c not in ("simple", "relaxed") for c in canon):
            raise _Bad(f"c={_text(values['c'])[:40]} is not a canonicalization")
        header_canon, body_canon = canon
        decoded = b64_value(values["bh"])
        if decoded is None:
            raise _Bad("bh= is not valid base64")
        body_hash = decoded
        names = _text(_FWS.sub(b"", values["h"])).lower().split(":")
        signed = tuple(n for n in names if n)
        if "arc-seal" in signed:  # RFC 8617 §4.1.2: the AMS must not sign an ARC-Seal
            raise _Bad("h= signs ARC-Seal, which an ARC-Message-Signature must not")
    return DkimSignature(
        index=0, header=header, tags=tags, version="1", algorithm=algorithm,
        domain=domain.lower(), selector=selector, signed_headers=signed, body_hash=body_hash,
        signature=signature, header_canon=header_canon, body_canon=body_canon, identity=None,
        length=numbers["l"], timestamp=numbers["t"], expiration=numbers["x"],
    )  # fmt: skip


def _instance(raw: bytes) -> int:
    if not _INSTANCE.match(raw) or int(raw) < 1:
        raise _Bad(f"i={_text(raw)[:20]} is not an instance number (1 to {MAX_SETS})")
    return int(raw)


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")
