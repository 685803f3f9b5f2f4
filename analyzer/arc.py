"""ARC (RFC 8617): validate the chain (§5.2) and read what each hop recorded.

The project's own pieces do the work, so ARC has DKIM's bounds: sets are parsed by
arcsets.py (the tag-list parser of signatures.py), canonicalisation is canonicalize.py's
(streaming body, linear header fields), header selection is verify.py's indexed one, and
keys go through keys.fetch_key and verify.py's size and exponent checks before any
arithmetic (RSA in OpenSSL, Ed25519 in libsodium). Every DNS answer is kept as evidence; a
SERVFAIL or timeout makes the result temporary, a missing key is said to be missing. Times
(t=, x=) are judged against the injected clock.

The work is linear in the message: each ARC-Seal's hash is the running hash of the sets
below it plus its own set (one pass over the ARC fields in all), each key is fetched once,
and the body is canonicalised once per distinct c=/l= of the ARC-Message-Signatures checked.
"""

from __future__ import annotations

import hashlib
import operator
import re
from dataclasses import dataclass, field
from typing import Any

from analyzer import arcsets, canonicalize, verify
from analyzer.arcsets import FIELDS as ARC_FIELD_KINDS
from analyzer.arcsets import RawSet
from analyzer.dns import Resolver
from analyzer.keys import fetch_key
from analyzer.model import (
    ArcChain,
    ArcCv,
    ArcField,
    ArcReason,
    ArcSet,
    DkimSignature,
    DnsAnswer,
    DnsStatus,
    KeyEvidence,
    KeyProblem,
    KeyRecord,
    ParsedMessage,
    Probe,
    Reason,
)
from analyzer.probes import probe_key

ARC_FIELDS = frozenset(ARC_FIELD_KINDS)
_LNAME = operator.attrgetter("lname")  # (a header field's lowercase name, read in C)
_NO_CHAIN = ArcChain(ArcCv.NONE)  # (a frozen value: the one of every message without ARC)
# Older ARC-Message-Signatures are information only (§5.2 step 5 is optional): they are
# checked when that costs no DNS lookup of its own and little work (bytes hashed below).
OLDER_AMS_BUDGET = 8 << 20
MAX_BODY_HASHES = 4
MIN_BITS = verify.MIN_RSA_BITS  # distinct (c=, l=) body hashes per chain
_HEADER_D = re.compile(r"\bheader\.d\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)
_HEADER_I = re.compile(r"\bheader\.i\s*=\s*\"?[^\s;@\"]*@([^\s;\"]+)", re.IGNORECASE)
_TEMPORARY = {
    DnsStatus.SERVFAIL: Reason.DNS_SERVFAIL,
    DnsStatus.TIMEOUT: Reason.DNS_TIMEOUT,
}
_KEY_UNUSABLE = frozenset({
    Reason.KEY_REVOKED, Reason.KEY_SYNTAX, Reason.KEY_TOO_SHORT, Reason.KEY_TOO_LONG,
    Reason.KEY_TYPE_MISMATCH, Reason.KEY_HASH_NOT_ALLOWED, Reason.KEY_SERVICE_MISMATCH,
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Check:
    """What became of one ARC signature: valid, or the reason (DKIM's codes) and words."""

    valid: bool
    reason: Reason | None = None
    detail: str = ""

    @property
    def temporary(self) -> bool:
        return self.reason in (Reason.DNS_SERVFAIL, Reason.DNS_TIMEOUT, Reason.DNS_ERROR)


@dataclass
class _Work:
    """Per-message state: keys fetched once each, body hashes computed once each."""

    resolver: Resolver
    msg: ParsedMessage
    now: int
    keys: dict[tuple[str, str], KeyEvidence] = field(default_factory=dict)
    answers: list[DnsAnswer] = field(default_factory=list)
    bodies: dict[tuple[str, str, int | None], tuple[bytes | None, int]] = field(
        default_factory=dict
    )

    def key(self, sig: DkimSignature) -> KeyEvidence:
        wanted = (sig.selector, sig.domain)
        if wanted not in self.keys:
            evidence = fetch_key(self.resolver, sig.selector, sig.domain)
            self.keys[wanted] = evidence
            self.answers.append(evidence.answer)
        return self.keys[wanted]

    def body(self, sig: DkimSignature) -> tuple[bytes | None, int]:
        group = (sig.algorithm, sig.body_canon, sig.length)
        if group not in self.bodies:
            assert self.msg.body is not None
            self.bodies[group] = verify.body_digest(*group, self.msg.body)
        return self.bodies[group]


def check_arc(msg: ParsedMessage, resolver: Resolver, now: int) -> ArcChain:
    """The chain's validation status (RFC 8617 §5.2) and its sets, oldest first.

    A message without ARC header fields costs nothing: cv=none, no lookups.
    """
    if ARC_FIELDS.isdisjoint(map(_LNAME, msg.headers)):
        return _NO_CHAIN
    if msg.body is None:  # every ARC-Message-Signature covers the body (RFC 8617 §4.1.2)
        return ArcChain(ArcCv.NONE, detail="not verified: only headers were given")

    # Steps 1-3: collect the sets and check the chain's structure; no DNS, no arithmetic.
    collected = arcsets.collect(msg.headers)
    if collected.problem is not None:
        p = collected.problem
        sets = tuple(_set(s, None, None) for s in collected.sets)
        return ArcChain(ArcCv.FAIL, sets, p.detail, reason=p.reason,
                        failed_instance=p.instance, failed_field=p.field)  # fmt: skip

    work = _Work(resolver, msg, now)
    raw_sets = collected.sets
    newest = raw_sets[-1]
    # Step 4: the newest ARC-Message-Signature (body and headers).
    newest_ams = _message_signature(work, newest.message_signature)
    # Step 6: every ARC-Seal, newest first (each key fetched once, hashes in one pass).
    seal_hashes = _seal_hashes(raw_sets)
    seals = {s.instance: _verify(work, s.seal, seal_hashes[s.instance]) for s in reversed(raw_sets)}
    # Step 5 (optional, information): older ARC-Message-Signatures where cheap.
    older: dict[int, _Check | None] = {newest.instance: newest_ams}
    budget = OLDER_AMS_BUDGET
    header_bytes = sum(len(h.name) + len(h.value) for h in msg.headers)
    for s in raw_sets[:-1]:
        ams = s.message_signature
        cheap = (ams.selector, ams.domain) in work.keys and header_bytes <= budget
        body_known = (ams.algorithm, ams.body_canon, ams.length) in work.bodies
        if cheap and (body_known or len(work.bodies) < MAX_BODY_HASHES):
            budget -= header_bytes
            older[s.instance] = _message_signature(work, ams)
        else:
            older[s.instance] = None

    # The verdict: the first failure in §5.2 order; temporary only when every failure is.
    order = [(newest.instance, ArcField.MESSAGE_SIGNATURE, newest_ams)] + [
        (i, ArcField.SEAL, seals[i]) for i in sorted(seals, reverse=True)
    ]
    failures = [(i, f, c) for i, f, c in order if not c.valid]
    sets = tuple(_set(s, seals[s.instance], older[s.instance]) for s in raw_sets)
    answers = tuple(work.answers)
    if not failures:
        return ArcChain(ArcCv.PASS, sets, None, dns=answers)
    permanent = [x for x in failures if not x[2].temporary]
    instance, part, check = (permanent or failures)[0]
    reason = _chain_reason(part, check)
    probes: tuple[Probe, ...] = ()
    if reason is ArcReason.KEY_NOT_FOUND:
        # As for a DKIM key (probes.py), and with the same probes, so scan's prefetch (which
        # makes them for every key name) has asked them already: before saying "the key is
        # not in DNS", whether the sealer's domain resolves at all (an offline or captive
        # resolver denies it too).
        s = next(x for x in raw_sets if x.instance == instance)
        signer = s.seal if part is ArcField.SEAL else s.message_signature
        key = next((a for a in answers if a.name.rstrip(".").lower() == signer.key_name), None)
        if key is not None:
            probes = probe_key(resolver, signer.selector, signer.domain, key)
    return ArcChain(
        ArcCv.FAIL, sets, check.detail, not permanent, answers, reason, instance, part, probes
    )


def _chain_reason(part: ArcField, check: _Check) -> ArcReason:
    if check.temporary:
        return ArcReason.DNS_TEMPORARY
    if check.reason is Reason.KEY_NOT_FOUND:
        return ArcReason.KEY_NOT_FOUND
    if check.reason in _KEY_UNUSABLE:
        return ArcReason.KEY_UNUSABLE
    if part is ArcField.SEAL:
        return ArcReason.SEAL_FAILED
    return ArcReason.MESSAGE_SIGNATURE_FAILED


def _seal_hashes(sets: tuple[RawSet, ...]) -> dict[int, Any]:
    """The hash each ARC-Seal signs (RFC 8617 §5.1.1): the sets 1..i in increasing instance
    order, each as ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal, relaxed
    (RFC 6376 §3.4.2), the last ARC-Seal with b= empty and no trailing CRLF. One running
    hash of the complete sets below, copied for each seal: linear, not quadratic."""
    below = hashlib.sha256()  # both ARC algorithms hash with SHA-256
    out = {}
    for s in sets:
        fields = [canonicalize.relaxed_header(h.name, h.value)
                  for h in (s.results, s.message_signature.header)]  # fmt: skip
        seal = s.seal.header
        b = s.seal.tag("b")
        assert b is not None
        unsigned = canonicalize.relaxed_header(
            seal.name, seal.value[: b.start] + seal.value[b.end :]
        )
        hasher = below.copy()
        for name, value in fields:
            hasher.update(name + b":" + value)
        hasher.update(unsigned[0] + b":" + unsigned[1].removesuffix(b"\r\n"))
        out[s.instance] = hasher
        for name, value in [*fields, canonicalize.relaxed_header(seal.name, seal.value)]:
            below.update(name + b":" + value)
    return out


def _message_signature(work: _Work, sig: DkimSignature) -> _Check:
    """An ARC-Message-Signature: body hash (streaming, cached), then the header signature."""
    digest, total = work.body(sig)
    if digest is None:
        return _Check(False, Reason.BODY_HASH_MISMATCH, f"{_who(sig)}: l={sig.length} is longer "
                      f"than the canonicalised body ({total} bytes)")  # fmt: skip
    if digest != sig.body_hash:
        return _Check(False, Reason.BODY_HASH_MISMATCH,
                      f"{_who(sig)}: the body hash (bh=) does not match the body")  # fmt: skip
    return _verify(work, sig, verify.header_hash(sig, work.msg))


def _verify(work: _Work, sig: DkimSignature, hasher: Any) -> _Check:
    """The key checks and arithmetic of DKIM (verify.py), and the injected clock."""
    if sig.expiration is not None and sig.expiration < work.now:
        return _Check(False, Reason.SIGNATURE_EXPIRED,
                      f"{_who(sig)}: x={sig.expiration} is before the verification time {work.now}")  # fmt: skip
    if sig.timestamp is not None and sig.timestamp > work.now + verify.FUTURE_SLOP:
        return _Check(False, Reason.SIGNATURE_FUTURE,
                      f"{_who(sig)}: t={sig.timestamp} is after the verification time {work.now}")  # fmt: skip
    evidence = work.key(sig)
    answer = evidence.answer
    if answer.status.temporary:
        reason = _TEMPORARY.get(answer.status, Reason.DNS_ERROR)
        server = f" from {answer.server}" if answer.server else ""
        return _Check(
            False, reason, f"{_who(sig)}: {answer.status.value} for {answer.name}{server}"
        )
    if not evidence.keys:
        what = "no such name (NXDOMAIN)" if answer.status is DnsStatus.NXDOMAIN else "no TXT record"
        return _Check(False, Reason.KEY_NOT_FOUND, f"{_who(sig)}: {answer.name}: {what}")
    # RFC 6376 §6.1.2 lets a verifier try each record; the first that verifies wins.
    problem: KeyProblem | None = None
    tried = False
    for record in evidence.keys:
        loaded = record if isinstance(record, KeyProblem) else _usable(sig, record)
        if isinstance(loaded, KeyProblem):
            problem = problem or loaded
            continue
        if verify.signature_valid(sig, hasher, loaded):
            return _Check(True)
        tried = True
    if tried or problem is None:
        return _Check(False, Reason.SIGNATURE_MISMATCH,
                      f"{_who(sig)}: the signature (b=) does not verify with the key at {sig.key_name}")  # fmt: skip
    return _Check(False, problem.reason, f"{_who(sig)}: {problem.detail}")


def _usable(sig: DkimSignature, record: KeyRecord) -> verify.PublicKey | KeyProblem:
    problem = verify.key_problem(sig, record)
    loaded = problem or verify.load_public_key(record)
    # For DKIM a short key is a policy verdict on intact arithmetic; an ARC chain simply
    # fails (RFC 8301 §3.2; ValiMail as_fields_b_512).
    if isinstance(loaded, verify.PublicKey) and loaded.key_type == "rsa" and loaded.bits < MIN_BITS:
        bits = f"{loaded.bits}-bit RSA key is below {MIN_BITS} bits (RFC 8301 §3.2)"
        return KeyProblem(Reason.KEY_TOO_SHORT, bits, record.raw)
    return loaded


def _who(sig: DkimSignature) -> str:
    kind = "ARC-Seal" if sig.header.lname == "arc-seal" else "ARC-Message-Signature"
    instance = next((t.value.decode("ascii", "replace") for t in sig.tags if t.name == "i"), "?")
    return f"{kind} i={instance} (d={sig.domain}, s={sig.selector})"


def _set(s: RawSet, seal: _Check | None, ams: _Check | None) -> ArcSet:
    results = " ".join(s.results.value.decode("utf-8", "replace").split())
    return ArcSet(
        instance=s.instance,
        domain=s.seal.domain,
        selector=s.seal.selector,
        seal_valid=seal.valid if seal else None,
        message_signature_valid=ams.valid if ams else None,
        chain_status=s.chain_status,
        authentication_results=results,
        dkim_pass_domains=dkim_domains(results, "pass"),
        dkim_fail_domains=dkim_domains(results, "fail"),
        seal_reason=seal.reason if seal else None,
        message_signature_reason=ams.reason if ams else None,
        message_signature_domain=s.message_signature.domain,
        message_signature_selector=s.message_signature.selector,
    )


def dkim_domains(results: str, result: str) -> tuple[str, ...]:
    """The domains (header.d=, else header.i='s domain) of each dkim=<result> in an
    Authentication-Results value (RFC 8601 §2.2: resinfo separated by ";")."""
    found = []
    wanted = re.compile(rf"^\s*dkim\s*=\s*{result}\b", re.IGNORECASE)
    for resinfo in results.split(";"):
        if not wanted.match(resinfo):
            continue
        m = _HEADER_D.search(resinfo) or _HEADER_I.search(resinfo)
        if m:
            found.append(m.group(1).lower().rstrip("."))
    return tuple(found)
