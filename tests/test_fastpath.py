"""The fast path (issue 15) gives exactly the full path's verdict, or declines.

For every signature compared here, verify() (the full path) and fast_verify() are given the
same message and key evidence: when verify() says pass, fast_verify() must return the very
same verdict (dataclass equality: key, key size, records tried, evidence); otherwise it
must decline (None), so the signature still gets the full diagnosis. The signatures come
from hypothesis (bodies and headers made of the bytes canonicalisation cares about, signed
by the fixtures' signer, which hashes with dkimpy's canonicalisation, then perhaps changed
in transit), from the benchmark corpus, from the fixtures, and from the conformance corpus
and the real mail when they are present. The fixtures also go through the real CLI both
ways: the JSON must be byte-identical.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import pipeline
from analyzer import verify as V
from analyzer.classify import classify, mailing_list
from analyzer.dns import CachingResolver, DnsPythonResolver, Resolver, parse_nameserver
from analyzer.errors import NotAMessageError
from analyzer.keys import fetch_key
from analyzer.message import parse_message
from analyzer.model import DkimSignature, Result
from analyzer.signatures import extract
from tests.bench_modules import load
from tests.conftest import CORPUS, ROOT, fixture_cases, run_cli
from tests.nanoserver import ZoneServer

REALMAIL = ROOT.parent / "shared" / "realmail"
dictdns = load("dictdns")
corpus = load("corpus")
fx = corpus.fx  # fixtures/generate.py: the signer and the committed test keys
KEYS = fx.load_keys()
NOW = fx.T + 600


def compare(raw: bytes, resolver: Resolver, now: int, *, large: bool = False) -> tuple[int, int]:
    """Hold fast_verify to verify() on every signature of `raw`: (compared, passed). Every
    pass must come from the fast path, except for a `large` body, which it leaves alone."""
    try:
        msg = parse_message(raw)
    except NotAMessageError:
        return 0, 0
    compared = passed = 0
    for sig in extract(msg.headers):
        if not isinstance(sig, DkimSignature) or sig.index >= pipeline.MAX_SIGNATURES:
            continue  # never verified by either path (the pipeline answers these itself)
        evidence = fetch_key(resolver, sig.selector, sig.domain)
        alignment = classify(sig.domain, msg.from_domain, mailing_list(msg))
        fast = V.fast_verify(sig, msg, evidence, alignment, now)
        full = V.verify(sig, msg, evidence, alignment, now)
        if full.result is Result.PASS:
            assert fast == (None if large else full), (sig.domain, sig.selector)
            passed += 1
        else:
            assert fast is None, (sig.domain, sig.selector, full.result, full.reason)
        compared += 1
    return compared, passed


def _zone_resolver(*texts: str) -> Any:
    return dictdns.DictResolver(dictdns.records_from_zone("\n".join(texts)))


@contextmanager
def _served(zones: list[Path]) -> Iterator[Resolver]:
    """The zone files served on loopback, asked through the product's own resolver."""
    with ZoneServer(zones) as server:
        yield CachingResolver(DnsPythonResolver([parse_nameserver(server.address)], timeout=0.5))


# --- generated messages ---------------------------------------------------------------------

_TABLE, _ZONE = corpus.keys_and_zone(KEYS)
_RESOLVER = _zone_resolver(_ZONE)
# (selector, domain, key, a=) rows of the benchmark zone, the revoked one ("old") included
_SIGNERS = [row for row in _TABLE if row[1] in ("acme.example", "amazonses.com", "globex.example")]

_pieces = st.sampled_from(
    [b"a", b"text", b" ", b"  ", b"\t", b"\r\n", b"\r\n\r\n", b" \r\n", b"\t\r\n", b"x y", b"=20"]
)
_bodies = st.lists(_pieces, max_size=60).map(b"".join)
_values = st.lists(st.sampled_from([b"v", b" ", b"\t", b"\r\n ", b"\r\n\t", b"w  x"]), max_size=8)
_CHANGES = ("none", "footer", "trailing_lines", "space_at_line_end", "wsp_run", "subject",
            "refold_subject", "reorder_unsigned")  # fmt: skip


def _message(subject: bytes, body: bytes) -> bytes:
    return (
        b"From: Alice <alice@acme.example>\r\nTo: bob@example.net\r\nSubject: " + subject
        + b"\r\nDate: Sun, 23 Nov 2025 12:13:20 +0000\r\nMessage-ID: <1@acme.example>\r\n"
        b"X-Unsigned: 1\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" + body
    )  # fmt: skip


def _change(raw: bytes, change: str) -> bytes:
    """What transit does to a message (some changes are invisible to relaxed c=)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    if change == "footer":
        body += b"-- \r\nlist footer\r\n"
    elif change == "trailing_lines":
        body += b"\r\n\r\n"
    elif change == "space_at_line_end":
        body = body.replace(b"\r\n", b" \r\n", 1)
    elif change == "wsp_run":
        body = body.replace(b" ", b" \t ", 1)
    elif change == "subject":
        head = head.replace(b"Subject: ", b"Subject: [EXT] ", 1)
    elif change == "refold_subject":
        head = head.replace(b"Subject: ", b"Subject:\r\n  ", 1)
    elif change == "reorder_unsigned":
        head = head.replace(b"X-Unsigned: 1\r\n", b"") + b"\r\nX-Unsigned: 1"
    return head + b"\r\n\r\n" + body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=_bodies,
    subject=_values.map(lambda v: b"s" + b"".join(v)),
    signers=st.lists(st.sampled_from(_SIGNERS), min_size=1, max_size=3),
    c=st.sampled_from(["relaxed/relaxed", "relaxed/simple", "simple/simple", "simple/relaxed"]),
    length=st.sampled_from([None, "all", "0", "3"]),
    change=st.sampled_from(_CHANGES),
    now=st.sampled_from([NOW, fx.T - 3600, fx.T + 10**9]),
)
def test_generated_messages(
    body: bytes,
    subject: bytes,
    signers: list[tuple[str, str, str, str]],
    c: str,
    length: str | None,
    change: str,
    now: int,
) -> None:
    raw = _message(subject, body)
    for sel, dom, key, alg in signers:
        tags = {"l": "body" if length == "all" else length, "x": str(fx.T + 7200)}
        raw, _ = fx.sign(raw, KEYS, fx.S(dom, sel, key, a=alg, c=c, tags=tags))
    compare(_change(raw, change), _RESOLVER, now)


def test_generated_messages_do_take_the_fast_path() -> None:
    """The property above is not vacuous: unchanged messages pass, and the fast path says so."""
    raw = _message(b"hello", b"Hi  Bob,\r\n\tsee you \r\n\r\n")
    for sel, dom, key, alg in _SIGNERS:
        if sel != "old":
            raw, _ = fx.sign(raw, KEYS, fx.S(dom, sel, key, a=alg, c="relaxed/relaxed"))
    assert compare(raw, _RESOLVER, NOW) == (len(_SIGNERS) - 1, len(_SIGNERS) - 1)


def test_benchmark_corpus() -> None:
    """The scan benchmark's mail: multipart, base64 attachments, 1-3 signatures, ~10% broken."""
    import random

    rng = random.Random(15)
    compared = passed = 0
    for i in range(150):
        n, p = compare(corpus.message(i, rng, _TABLE, KEYS), _RESOLVER, fx.T + 3000)
        compared, passed = compared + n, passed + p
    print(f"benchmark corpus: {compared} signatures compared, {passed} passed")
    assert compared > 200 and 0.7 * compared < passed < compared


def test_large_body_is_left_to_the_full_path() -> None:
    """Above canonicalize.CHUNK the whole-buffer path declines: verify() hashes the body in
    pieces (bounded memory), once, whether it passes or fails."""
    from analyzer import canonicalize

    body = (b"line  with\tspaces \r\n" * (canonicalize.CHUNK // 10)) + b"\r\n" * 5000
    assert canonicalize.whole_body(body, "relaxed") is None
    assert V.fast_body_digest("rsa-sha256", "relaxed", None, body) is None
    spec = fx.S("acme.example", "ed", "ed25519", a="ed25519-sha256")
    raw = fx.sign(_message(b"big", body), KEYS, spec)[0]
    assert compare(raw, _RESOLVER, NOW, large=True) == (1, 1)


def test_body_length_limit() -> None:
    """l= (RFC 6376 §3.4.5): the first l= bytes of the canonical body, CRLF tail included."""
    body = b"Hi  there \r\n\r\n"
    for canon, length in [("relaxed", 0), ("relaxed", 9), ("relaxed", 10), ("simple", 14),
                          ("simple", 15), ("relaxed", 11)]:  # fmt: skip
        assert (
            V.fast_body_digest("rsa-sha256", canon, length, body)
            == V.body_digest("rsa-sha256", canon, length, body)[0]
        )


def test_keys_are_parsed_once_per_run() -> None:
    raw = fx.sign(_message(b"k", b"body\r\n"), KEYS, fx.S("globex.example", "k2", "rsa2048-b"))[0]
    compare(raw, _RESOLVER, NOW)
    before = V._load_key.cache_info()
    for _ in range(3):  # a new KeyRecord from each fetch, the same bytes: cache hits
        assert compare(raw, _RESOLVER, NOW) == (1, 1)
    after = V._load_key.cache_info()
    assert after.misses == before.misses and after.hits >= before.hits + 3


# --- the fixtures, the conformance corpus, the real mail -----------------------------------


def test_fixtures() -> None:
    compared = passed = 0
    for case in fixture_cases():
        now = case.expected.get("now") or fx.T + 100
        with _served([case.zone]) as resolver:
            n, p = compare(case.message.read_bytes(), resolver, int(now))
        compared, passed = compared + n, passed + p
    print(f"fixtures: {compared} signatures compared, {passed} passed")
    assert compared > 50 and passed > 10


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda c: c.name)
def test_fixture_json_is_byte_identical(case: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report of every fixture, through the real CLI and its loopback DNS (--zone), is the
    same bytes with the fast path as with the full path forced."""
    args = ["check", "--format", "json", "--timeout", "0.5", "--zone", str(case.zone)]
    args += ["--now", str(case.expected.get("now") or fx.T + 100), str(case.message)]
    fast = run_cli(*args)
    monkeypatch.setattr(pipeline, "fast_verify", lambda *a: None)
    full = run_cli(*args)
    assert (fast.exit_code, fast.stdout) == (full.exit_code, full.stdout)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no conformance corpus at {CORPUS}")
def test_conformance_corpus() -> None:
    compared = passed = 0
    for zone in sorted(CORPUS.glob("*/zone.txt")):
        with _served([zone]) as resolver:
            for expected in sorted(zone.parent.glob("cases/*/expected.json")):
                now = int(json.loads(expected.read_text()).get("verify_time") or fx.T)
                raw = (expected.parent / "message.eml").read_bytes()
                n, p = compare(raw, resolver, now)
                compared, passed = compared + n, passed + p
    print(f"conformance: {compared} signatures compared, {passed} passed")
    assert compared > 100 and passed > 30


def _delivery(raw: bytes) -> int:
    """The date of the topmost Received field (as tests/test_realmail.py judges real mail)."""
    head = re.split(rb"\r?\n\r?\n", raw.lstrip(), maxsplit=1)[0]
    text = re.sub(r"\r?\n[ \t]+", " ", head.decode("utf-8", "replace"))
    for line in text.splitlines():
        if line.lower().startswith("received:") and ";" in line:
            try:
                return int(email.utils.parsedate_to_datetime(line.rsplit(";", 1)[1]).timestamp())
            except (TypeError, ValueError):
                break
    return fx.T


@pytest.mark.skipif(not REALMAIL.is_dir(), reason="../shared/realmail is absent")
def test_real_mail() -> None:
    compared = passed = 0
    with _served([REALMAIL / "keys.zone"]) as resolver:
        for path in sorted((REALMAIL / "messages").glob("*.eml")):
            raw = path.read_bytes()
            n, p = compare(raw, resolver, _delivery(raw))
            compared, passed = compared + n, passed + p
    print(f"real mail: {compared} signatures compared, {passed} passed")
    assert compared > 30 and passed > 0


def test_signatures_of_one_hash_share_the_body_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """ed25519-sha256 and rsa-sha256 over one c= body: both pass, the body hashed once."""
    case = next(c for c in fixture_cases() if c.name == "ed25519-dual")
    calls = []
    real = V.fast_body_digest
    monkeypatch.setattr(V, "fast_body_digest", lambda *a: calls.append(a[0]) or real(*a))
    with _served([case.zone]) as resolver:
        now = int(case.expected.get("now") or fx.T + 100)
        assert compare(case.message.read_bytes(), resolver, now) == (2, 2)
    assert calls == ["ed25519-sha256"]
