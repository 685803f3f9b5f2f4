"""Signature + key evidence -> SignatureVerdict. The only dkimpy importer.

dkimpy's own verify() hides why a key failed, treats SERVFAIL like NXDOMAIN,
reads the clock itself and stops at the first of bh=/b= to fail. So the key is
fetched and classified before we get here, times are checked against an
injected clock, and dkimpy is used only to read RSA keys from the bytes we
fetched (canonicalisation is ours, analyzer/canonicalize.py). ARC (analyzer/arc.py)
uses the same key checks and signature arithmetic; dkimpy's ARC code is not used. The arithmetic runs
in C: RSA in OpenSSL (cryptography; dkimpy's pure-Python RSA is kept only for keys
OpenSSL refuses), Ed25519 in libsodium (PyNaCl).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.signing
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from dkim.crypto import (
    DigestTooLargeError,
    RSASSA_PKCS1_v1_5_verify,
    UnparsableKeyError,
    parse_public_key,
)

from analyzer import canonicalize
from analyzer.keys import service_allows_email
from analyzer.model import (
    Alignment,
    DkimSignature,
    KeyEvidence,
    KeyProblem,
    KeyRecord,
    ParsedMessage,
    Reason,
    Result,
    SignatureVerdict,
)

MIN_RSA_BITS = 1024  # RFC 8301 §3.2
MAX_RSA_BITS = 8192  # refuse before doing the arithmetic: a bigger key is a denial of service
MAX_RSA_DER = MAX_RSA_BITS // 8 + 256  # DER bytes: modulus, exponent and ASN.1 framing, padded
MAX_RSA_EXPONENT = 2**31 - 1  # as Go's crypto/rsa: a bigger e makes verifying arbitrarily slow
FUTURE_SLOP = 300  # seconds of clock skew tolerated for t= (RFC 6376 §3.5 lets us ignore it)
_HASHES = {"rsa-sha256": "sha256", "rsa-sha1": "sha1", "ed25519-sha256": "sha256"}
# hashlib's constructors by a=, called directly: hashlib.new(name) is a Python layer over them
# (twice the instructions of the hash object it makes).
_NEW_HASH = {
    "rsa-sha256": hashlib.sha256,
    "rsa-sha1": hashlib.sha1,
    "ed25519-sha256": hashlib.sha256,
}
# Made once: stateless, so not rebuilt (with their type checks) for every signature.
_PKCS1 = padding.PKCS1v15()
_PREHASHED = {False: Prehashed(hashes.SHA256()), True: Prehashed(hashes.SHA1())}  # by "is sha1"
_QUIET = logging.getLogger(
    "analyzer.dkimpy"
)  # dkimpy logs every failure at ERROR: keep it off stderr
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


@dataclass(frozen=True, slots=True)
class PublicKey:
    key_type: str
    bits: int
    material: Any  # an OpenSSL RSA key, dkimpy's RSA dict (odd keys), or a nacl VerifyKey


def load_public_key(record: KeyRecord) -> PublicKey | KeyProblem:
    """Decode p= into a key dkimpy/nacl can use; any decoding failure is KEY_SYNTAX."""
    return _load_key(record.key_type, record.public_key, record.raw)


# Parsed once per run: keyed by the record's bytes (the very fields read below), so a key
# fetched again for the next message of a batch, a new KeyRecord each time, hits; bounded,
# since a mailbox may name any number of keys.
@functools.lru_cache(maxsize=256)
def _load_key(key_type: str, public_key: bytes, raw: bytes) -> PublicKey | KeyProblem:
    if key_type == "ed25519":
        if len(public_key) != 32:
            return KeyProblem(
                Reason.KEY_SYNTAX,
                f"an ed25519 p= must be 32 bytes (RFC 8463 §4), this one is {len(public_key)}",
                raw,
            )
        try:
            return PublicKey("ed25519", 256, nacl.signing.VerifyKey(public_key))
        except (nacl.exceptions.ValueError, TypeError) as e:
            return KeyProblem(Reason.KEY_SYNTAX, f"unusable ed25519 key: {e}", raw)
    # dkimpy's ASN.1 reader is quadratic in the key's size (0.4 s for a 64 KB p=): a p=
    # too long to hold an acceptable key is refused unread.
    if len(public_key) > MAX_RSA_DER:
        return KeyProblem(
            Reason.KEY_TOO_LONG,
            f"p= holds {len(public_key)} bytes; a {MAX_RSA_BITS}-bit RSA key needs about "
            f"{MAX_RSA_BITS // 8 + 40}",
            raw,
        )
    try:
        rsa = parse_public_key(public_key)
        bits = int(rsa["modulus"]).bit_length()
    # dkimpy's ASN.1 reader also rejects with a bare assert (a NULL with a length).
    except (UnparsableKeyError, AssertionError, KeyError, IndexError, TypeError, ValueError) as e:
        return KeyProblem(Reason.KEY_SYNTAX, f"p= is not an RSA public key ({e})"[:200], raw)
    if bits > MAX_RSA_BITS:
        return KeyProblem(Reason.KEY_TOO_LONG, f"{bits}-bit RSA key (limit {MAX_RSA_BITS})", raw)
    # The exponent sets the cost of the arithmetic as much as the modulus does.
    exponent = int(rsa["publicExponent"])
    if exponent < 3 or exponent % 2 == 0 or exponent >= rsa["modulus"]:
        return KeyProblem(
            Reason.KEY_SYNTAX,
            "the RSA public exponent is not an odd number between 3 and the modulus (RFC 8017 §3.1)",
            raw,
        )
    if exponent > MAX_RSA_EXPONENT:
        return KeyProblem(
            Reason.KEY_TOO_LONG,
            f"{exponent.bit_length()}-bit RSA public exponent (limit 31 bits; keys use 65537)",
            raw,
        )
    try:
        # OpenSSL does the RSA arithmetic ~20x faster than dkimpy's pure Python; a key it
        # refuses still gets dkimpy's reading.
        material: Any = RSAPublicNumbers(exponent, int(rsa["modulus"])).public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm):
        material = rsa
    return PublicKey("rsa", bits, material)


def canonical_body(sig: DkimSignature, body: bytes) -> bytes:
    """The body as the signature's c= sees it (RFC 6376 §3.4.3, §3.4.4), before l=."""
    return _joined(sig.body_canon, body)


@functools.lru_cache(maxsize=1)
def _joined(body_canon: str, body: bytes) -> bytes:
    """Kept for the last body: the diagnosis of a failing signature (l= evidence, forensics,
    body facts) asks for the same canonical body several times; 3 s each at 50 MB."""
    return b"".join(canonicalize.canonical_body(body, body_canon))


def new_hash(sig: DkimSignature) -> Any:
    """An empty hash object of the signature's a= (for hashing a body in steps)."""
    return _NEW_HASH[sig.algorithm]()


def unsigned_part(sig: DkimSignature, body: bytes) -> bytes:
    """The canonical body after the l= bytes the signature covers (RFC 6376 §3.4.5)."""
    return canonical_body(sig, body)[sig.length :] if sig.length is not None else b""


def body_hash_matches(sig: DkimSignature, body: bytes) -> tuple[bool, str | None]:
    """RFC 6376 §3.7 body hash, with l= applied (§3.4.5), in bounded memory."""
    digest, total = body_digest(sig.algorithm, sig.body_canon, sig.length, body)
    if digest is None:
        return False, f"l={sig.length} is longer than the canonicalised body ({total} bytes)"
    return digest == sig.body_hash, None


def body_digest(
    algorithm: str, body_canon: str, length: int | None, body: bytes
) -> tuple[bytes | None, int]:
    """The body hash of a= over the canonical body's first l= bytes (all when None), and
    the canonical length; None when l= is longer than the canonical body (RFC 6376 §3.4.5)."""
    hasher = _NEW_HASH[algorithm]()
    budget = length  # bytes of canonical body still to hash (None: all of it)
    total = 0
    for piece in canonicalize.canonical_body(body, body_canon):
        total += len(piece)
        if budget is None:
            hasher.update(piece)
        elif budget > 0:
            hasher.update(piece[:budget])
            budget -= min(budget, len(piece))
    if length is not None and length > total:
        return None, total
    return hasher.digest(), total


def signed_header_fields(sig: DkimSignature, msg: ParsedMessage) -> list[tuple[bytes, bytes]]:
    """The fields h= selects (RFC 6376 §5.4.2, bottom-up), canonicalised as they are hashed."""
    return _fields_of(msg, sig.header_canon).signed(sig.signed_headers)


def header_hash(sig: DkimSignature, msg: ParsedMessage) -> Any:
    """The hash the b= signature covers (RFC 6376 §3.7): signed fields, then this field, b= empty."""
    hasher = _NEW_HASH[sig.algorithm]()
    # Two updates: the hash of the pieces joined is the hash of the pieces in turn.
    hasher.update(_fields_of(msg, sig.header_canon).block(sig.signed_headers))
    hasher.update(_own_field(sig))
    return hasher


def _own_field(sig: DkimSignature) -> bytes:
    """The DKIM-Signature field as it is hashed (RFC 6376 §3.7): b= empty, no final CRLF."""
    name, own = sig.header.name, sig.header.value
    b_tag = sig.tag("b")
    if b_tag is not None:  # cut the b= value out by its span: no regex guessing
        own = own[: b_tag.start] + own[b_tag.end :]
    if sig.header_canon == "relaxed":
        name, own = canonicalize.relaxed_header(name, own)
    if own.endswith(b"\r\n"):
        own = own[:-2]
    return name + b":" + own


def select_headers(
    fields: list[tuple[bytes, bytes]], wanted: list[bytes]
) -> list[tuple[bytes, bytes]]:
    """The fields h= signs, in h= order (RFC 6376 §5.4.2): each name takes its next
    instance from the bottom up; a name with none left is skipped.

    dkimpy's select_headers does the same by scanning the fields for each name, which
    costs len(h=) x fields: 20,000 names over 10,000 fields took minutes. An index by
    name makes it linear. Names compare as dkimpy compares them (lowercased, as given).
    """
    return [fields[i] for i in _chosen(_by_name([n for n, _ in fields]), wanted)]


def _by_name(names: list[bytes]) -> dict[bytes, list[int]]:
    """Where each field name occurs, top down, as select_headers compares names."""
    index: dict[bytes, list[int]] = {}
    for i, name in enumerate(names):
        index.setdefault(name.lower(), []).append(i)
    return index


def _chosen(index: dict[bytes, list[int]], wanted: list[bytes]) -> list[int]:
    """select_headers' choice, as field positions; `index` is left as it was."""
    taken: dict[bytes, int] = {}  # instances of each name used so far, from the bottom
    chosen = []
    for name in wanted:
        left = index.get(name)
        used = taken.get(name, 0)
        if left and used < len(left):
            chosen.append(left[-1 - used])
            taken[name] = used + 1
    return chosen


class _Fields:
    """One message's header fields as one c= hashes them, for all its signatures: the name
    index of select_headers, and each field canonicalised when a signature first signs it.
    A message's signatures mostly sign the same fields (From, To, Subject, ...): each field
    is then lowercased and canonicalised once per message, not once per signature."""

    __slots__ = ("_blocks", "_canonical", "_fields", "_index", "_relaxed")

    def __init__(self, msg: ParsedMessage, relaxed: bool) -> None:
        # Select on the raw names (as each algorithm would name them), then canonicalise
        # only the chosen fields: unsigned fields may be huge and cost nothing.
        self._fields = msg.headers
        self._relaxed = relaxed
        self._index = _by_name(
            [h.name.lower().rstrip() if relaxed else h.name for h in msg.headers]
        )
        self._canonical: dict[int, tuple[bytes, bytes]] = {}
        self._blocks: dict[tuple[str, ...], bytes] = {}

    def signed(self, names: tuple[str, ...]) -> list[tuple[bytes, bytes]]:
        chosen = []
        for i in _chosen(self._index, [h.encode() for h in names]):
            field = self._canonical.get(i)
            if field is None:
                h = self._fields[i]
                field = (
                    canonicalize.relaxed_header(h.name, h.value)
                    if self._relaxed
                    else (h.name, h.value)
                )
                self._canonical[i] = field
            chosen.append(field)
        return chosen

    def block(self, names: tuple[str, ...]) -> bytes:
        """The signed fields as hashed, one after another. Kept by h=: a message's signatures
        often list the same names, and then sign the very same bytes. Each field is chosen
        at most once per h=, so a block is at most the header section; _MAX_BLOCKS of them."""
        block = self._blocks.get(names)
        if block is None:
            block = b"".join([n + b":" + v for n, v in self.signed(names)])
            if len(self._blocks) < _MAX_BLOCKS:
                self._blocks[names] = block
        return block


_MAX_BLOCKS = 16  # h= lists kept per message and c= (a message has at most a few signatures)
# The last message's _Fields by c= (header): held like _BODY_MEMO, one message at a time.
_FIELDS_MEMO: list[tuple[ParsedMessage | None, dict[str, _Fields]]] = [(None, {})]


def _fields_of(msg: ParsedMessage, header_canon: str) -> _Fields:
    held, by_canon = _FIELDS_MEMO[0]
    if held is not msg:
        by_canon = {}
        _FIELDS_MEMO[0] = (msg, by_canon)
    fields = by_canon.get(header_canon)
    if fields is None:
        fields = by_canon[header_canon] = _Fields(msg, header_canon == "relaxed")
    return fields


def signature_matches(sig: DkimSignature, msg: ParsedMessage, key: PublicKey) -> bool:
    return signature_valid(sig, header_hash(sig, msg), key)


def signature_valid(sig: DkimSignature, hasher: Any, key: PublicKey) -> bool:
    """Does b= sign the header hash in `hasher` with `key` (RSA PKCS#1 v1.5, RFC 8017 §8.2.2;
    Ed25519 over the SHA-256 digest, RFC 8463 §3)? Shared by DKIM and ARC (RFC 8617 §4.1)."""
    if key.key_type == "ed25519":
        try:
            key.material.verify(hasher.digest(), sig.signature)
            return True
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, TypeError):
            return False
    # RFC 8017 §8.2.2 step 1: a signature longer than the modulus is invalid. Checked
    # first because dkimpy converts it to an integer in quadratic time (2 s for 140 KB).
    if len(sig.signature) > (key.bits + 7) // 8:
        return False
    if isinstance(key.material, RSAPublicKey):
        try:
            key.material.verify(
                sig.signature, hasher.digest(), _PKCS1, _PREHASHED[sig.algorithm == "rsa-sha1"]
            )
            return True
        except (InvalidSignature, ValueError):
            return False
    try:
        return bool(RSASSA_PKCS1_v1_5_verify(hasher, sig.signature, key.material))
    except (DigestTooLargeError, ValueError, TypeError, OverflowError):
        return False


def key_problem(sig: DkimSignature, record: KeyRecord) -> KeyProblem | None:
    """RFC 6376 §6.1.2 step by step: the checks a key must pass for this signature."""
    if not record.public_key:
        return KeyProblem(
            Reason.KEY_REVOKED, "the key record has an empty p= (revoked)", record.raw
        )
    wanted = sig.algorithm.split("-")
    if record.key_type != wanted[0]:
        return KeyProblem(
            Reason.KEY_TYPE_MISMATCH,
            f"a={sig.algorithm} needs a k={wanted[0]} key, the record has k={record.key_type}",
            record.raw,
        )
    if record.hashes is not None and wanted[1] not in record.hashes:
        return KeyProblem(
            Reason.KEY_HASH_NOT_ALLOWED,
            f"the key allows h={':'.join(record.hashes)} only, the signature uses {wanted[1]}",
            record.raw,
        )
    if not service_allows_email(record):
        return KeyProblem(
            Reason.KEY_SERVICE_MISMATCH,
            f"the key is for s={':'.join(record.services)}, not email",
            record.raw,
        )
    if record.strict_identity and sig.identity is not None:
        idomain = sig.identity.rpartition("@")[2].lower().rstrip(".")
        if idomain != sig.domain:
            return KeyProblem(
                Reason.KEY_STRICT_IDENTITY,
                f"the key has t=s but i= is in a subdomain ({idomain})",
                record.raw,
            )
    return None


def verify(
    sig: DkimSignature,
    msg: ParsedMessage,
    evidence: KeyEvidence,
    alignment: Alignment,
    now: int,
) -> SignatureVerdict:
    def verdict(
        result: Result, reason: Reason | None, detail: str | None, **kw: Any
    ) -> SignatureVerdict:
        return SignatureVerdict(
            index=sig.index, domain=sig.domain, selector=sig.selector, algorithm=sig.algorithm,
            result=result, reason=reason, detail=detail, alignment=alignment,
            header_signature_valid=kw.pop("header", None), body_hash_valid=body_ok,
            key_evidence=evidence, signature=sig, tag=kw.pop("tag", None), **kw,
        )  # fmt: skip

    # Body hash first: it needs no key and is reported even when the key is missing.
    body_ok: bool | None = None
    body_detail: str | None = None
    if msg.body is not None:
        body_ok, body_detail = body_hash_matches(sig, msg.body)

    # Times against the injected clock (RFC 6376 §3.5 t= and x=).
    timing: tuple[Reason, str] | None = None
    if sig.expiration is not None and sig.expiration < now:
        timing = (
            Reason.SIGNATURE_EXPIRED,
            f"x={sig.expiration} is before the verification time {now}",
        )
    elif sig.timestamp is not None and sig.timestamp > now + FUTURE_SLOP:
        timing = (
            Reason.SIGNATURE_FUTURE,
            f"t={sig.timestamp} is after the verification time {now}",
        )

    # The key: what DNS said, then each record in turn (§6.1.2 lets us try several).
    answer = evidence.answer
    if answer.status.temporary:
        reason = {"servfail": Reason.DNS_SERVFAIL, "timeout": Reason.DNS_TIMEOUT}.get(
            answer.status.value, Reason.DNS_ERROR
        )
        detail = f"{answer.status.value} for {answer.name}" + (
            f" from {answer.server}" if answer.server else ""
        )
        if timing:
            return verdict(Result.PERMERROR, timing[0], timing[1])
        return verdict(Result.TEMPERROR, reason, detail)
    records = [k for k in evidence.keys if isinstance(k, KeyRecord)]
    problems: list[KeyProblem] = [k for k in evidence.keys if isinstance(k, KeyProblem)]
    if not evidence.keys:
        what = "no such name (NXDOMAIN)" if answer.status.value == "nxdomain" else "no TXT record"
        if timing:
            return verdict(Result.PERMERROR, timing[0], timing[1])
        return verdict(Result.PERMERROR, Reason.KEY_NOT_FOUND, f"{answer.name}: {what}")

    best: tuple[KeyRecord, PublicKey, bool] | None = None
    for record in records:
        problem = key_problem(sig, record)
        loaded = problem or load_public_key(record)
        if isinstance(loaded, KeyProblem):
            problems.append(loaded)
            continue
        valid = signature_matches(sig, msg, loaded)
        if best is None or (valid and not best[2]):
            best = (record, loaded, valid)
        if valid:
            break
    tried = len(evidence.keys)

    if best is None:
        first = problems[0]
        if timing:
            return verdict(Result.PERMERROR, timing[0], timing[1], key_records_tried=tried)
        return verdict(Result.PERMERROR, first.reason, first.detail, key_records_tried=tried)

    record, key, header_ok = best
    found = {"key": record, "key_bits": key.bits, "key_records_tried": tried, "header": header_ok}
    if timing:
        return verdict(Result.PERMERROR, timing[0], timing[1], **found)
    intact = header_ok and body_ok is not False
    state = "otherwise intact" if intact else "also broken"
    # RFC 8301: not acceptable whatever the arithmetic says; say whether it was intact.
    if sig.algorithm == "rsa-sha1":
        return verdict(
            Result.POLICY,
            Reason.WEAK_ALGORITHM,
            f"rsa-sha1 is not acceptable (RFC 8301 §3.1); the signature is {state}",
            **found,
        )
    if key.key_type == "rsa" and key.bits < MIN_RSA_BITS:
        return verdict(
            Result.POLICY,
            Reason.KEY_TOO_SHORT,
            f"{key.bits}-bit RSA key is below {MIN_RSA_BITS} bits (RFC 8301 §3.2); the signature is {state}",
            **found,
        )
    if body_ok is False:
        return verdict(
            Result.FAIL,
            Reason.BODY_HASH_MISMATCH,
            body_detail or "the body hash (bh=) does not match the body",
            **found,
        )
    if not header_ok:
        return verdict(
            Result.FAIL,
            Reason.SIGNATURE_MISMATCH,
            "the header signature (b=) does not verify",
            **found,
        )
    if body_ok is None:
        return verdict(
            Result.NEUTRAL,
            Reason.BODY_UNAVAILABLE,
            "the header signature verifies; the body was not given, so bh= was not checked",
            **found,
        )
    return verdict(Result.PASS, None, None, **found)  # fmt: skip


# The fast path (issue 15). Most signatures verify, and for those everything verify() does
# past "bh= and b= both verify" is bookkeeping; a failing one needs all of it (and the
# forensics after it). fast_verify answers the first kind and declines everything else.
_FAST_ALGORITHMS = frozenset({"rsa-sha256", "ed25519-sha256"})  # rsa-sha1 is policy (RFC 8301)
# The last body and its digests by (a='s hash, c= body, l=): a message's signatures usually share
# a body canonicalisation, which is then hashed once. Holds one body of at most CHUNK bytes.
_BODY_MEMO: list[tuple[bytes | None, dict[tuple[str, str, int | None], bytes | None]]] = [
    (None, {})
]


def fast_verify(
    sig: DkimSignature,
    msg: ParsedMessage,
    evidence: KeyEvidence,
    alignment: Alignment,
    now: int,
) -> SignatureVerdict | None:
    """The pass verdict verify() would give, when bh= and b= both verify and no rule of
    verify() stands in the way; otherwise None, and verify() decides, forensics and all.

    It never answers what verify() would not: every check verify() makes before its pass
    is made here too or sends the signature to verify() (a time, rsa-sha1, a short key,
    a DNS error, no body). tests/test_fastpath.py holds the two to the same verdicts.
    """
    body = msg.body
    if body is None or sig.algorithm not in _FAST_ALGORITHMS:
        return None
    if sig.expiration is not None and sig.expiration < now:  # RFC 6376 §3.5 x=
        return None
    if sig.timestamp is not None and sig.timestamp > now + FUTURE_SLOP:  # t=
        return None
    if evidence.answer.status.temporary or _fast_body_digest(sig, body) != sig.body_hash:
        return None
    hasher = None  # the header hash, made once for all the records tried
    for record in evidence.keys:  # in order, the first that verifies, as verify() picks
        if not isinstance(record, KeyRecord) or key_problem(sig, record) is not None:
            continue
        key = load_public_key(record)
        if isinstance(key, KeyProblem):
            continue
        hasher = hasher or header_hash(sig, msg)
        if not signature_valid(sig, hasher, key):
            continue
        if key.key_type == "rsa" and key.bits < MIN_RSA_BITS:  # RFC 8301 §3.2: policy
            return None
        return SignatureVerdict(
            index=sig.index, domain=sig.domain, selector=sig.selector, algorithm=sig.algorithm,
            result=Result.PASS, reason=None, detail=None, alignment=alignment,
            header_signature_valid=True, body_hash_valid=True, key=record, key_bits=key.bits,
            key_evidence=evidence, key_records_tried=len(evidence.keys), signature=sig,
        )  # fmt: skip
    return None


def _fast_body_digest(sig: DkimSignature, body: bytes) -> bytes | None:
    if len(body) > canonicalize.CHUNK:
        return None  # whole_body declines it: not kept alive by the memo either
    held, digests = _BODY_MEMO[0]
    if held is not body:
        digests = {}
        _BODY_MEMO[0] = (body, digests)
    # By hash, not a=: rsa-sha256 and ed25519-sha256 signatures hash the body alike.
    group = (_HASHES[sig.algorithm], sig.body_canon, sig.length)
    if group not in digests:
        digests[group] = fast_body_digest(sig.algorithm, sig.body_canon, sig.length, body)
    return digests[group]


def fast_body_digest(
    algorithm: str, body_canon: str, length: int | None, body: bytes
) -> bytes | None:
    """body_digest's digest, on the whole buffer; None when canonicalize.whole_body cannot
    judge the body (over CHUNK bytes) or l= is longer than it. A large body then goes to
    verify() alone, which canonicalises it in pieces: hashed once, pass or fail, not once
    here and again there (a failing 50 MB body would pay twice)."""
    whole = canonicalize.whole_body(body, body_canon)
    if whole is None:
        return None
    core, tail = whole
    hasher = _NEW_HASH[algorithm]()
    if length is None:
        hasher.update(core)
        hasher.update(tail)
    elif length > len(core) + len(tail):  # RFC 6376 §3.4.5: l= longer than the body
        return None
    else:
        hasher.update(memoryview(core)[:length])
        hasher.update(tail[: max(0, length - len(core))])
    return hasher.digest()
