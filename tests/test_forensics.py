"""Forensics through the real CLI: each cause proven on a realistic fixture, nothing claimed
where nothing verifies, and nothing spent on passing signatures."""

from __future__ import annotations

import dataclasses
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import forensics
from analyzer.dns import open_resolver
from analyzer.forensics import (
    Budget,
    _whole_body_variants,
    body_change,
    body_search,
    header_changes,
    header_search,
)
from analyzer.keys import fetch_key
from analyzer.message import parse_message
from analyzer.model import DkimSignature, HeaderField, KeyRecord, ParsedMessage
from analyzer.signatures import extract
from analyzer.verify import PublicKey, load_public_key
from tests.conftest import FIXTURES, Case, fixture_cases, run_cli
from tests.nanoserver import ZoneServer

FORENSIC = [c for c in fixture_cases() if "findings" in c.expected]
PROVEN = {"body_appended", "body_prepended", "body_truncated", "body_line_endings",
          "body_whitespace", "mbox_from_quoting", "header_modified"}  # fmt: skip


def _json(case: Case, server: ZoneServer) -> dict[str, object]:
    run = run_cli("check", "--format", "json", "--nameserver", server.address, str(case.message))
    assert run.exit_code == case.expected["exit_code"], run.stdout
    [message] = run.json()["messages"]
    return message  # type: ignore[no-any-return]


@pytest.mark.parametrize("case", FORENSIC, ids=[c.name for c in FORENSIC])
def test_forensic_fixture_findings(case: Case, dns_server: ZoneServer) -> None:
    message = _json(case, dns_server)
    findings = message["findings"]
    assert isinstance(findings, list)
    codes = {f["code"] for f in findings}
    assert set(case.expected["findings"]) <= codes
    assert not set(case.expected.get("absent", [])) & codes
    if "arc" in case.expected:
        assert message["arc"]["cv"] == case.expected["arc"]  # type: ignore[index]
    # the same findings reach the text report
    text = run_cli("check", "--nameserver", dns_server.address, str(case.message)).text
    for f in findings:
        if f["code"] == "line_endings_converted":  # one note line, naming the code
            assert "(line_endings_converted)" in text
            continue
        assert f["summary"].split(" (")[0][:60] in text


def _finding(case: str, code: str, server: ZoneServer) -> dict[str, object]:
    message = _json(Case(case, FIXTURES / case), server)
    [found] = [f for f in message["findings"] if f["code"] == code]  # type: ignore[attr-defined]
    return found  # type: ignore[no-any-return]


def test_list_footer_names_the_added_part(dns_server: ZoneServer) -> None:
    f = _finding("list-footer-mime", "body_appended", dns_server)
    assert "8 lines (293 bytes)" in str(f["summary"])
    assert "_______" in str(f["summary"])
    assert any("before the MIME delimiter '--=_mixed_7d1f0c--'" in e for e in f["evidence"])  # type: ignore[attr-defined]


def test_footer_of_the_plain_fixture_is_found(dns_server: ZoneServer) -> None:
    f = _finding("body-modified", "body_appended", dns_server)
    assert "3 lines (168 bytes)" in str(f["summary"])
    assert "lines 20-22 of 22" in f["evidence"][0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("case", "kind", "received", "original"),
    [
        ("subject-modified", "subject_tag", "[list] Notes", "Notes from"),
        ("headers-only-tampered", "subject_tag", "[EXTERNAL] Notes", "Notes from"),
        ("header-reencoded", "reencoded", "=?UTF-8?Q?Men=C3=BC", "Menü für das"),
        ("simple-refolded", "refolded", "the\\r\\n December", "the December"),
        ("oversigned-header-added", "added", "alice@forwarder.example.net", "(absent)"),
    ],
)
def test_header_change_is_named(
    case: str, kind: str, received: str, original: str, dns_server: ZoneServer
) -> None:
    f = _finding(case, "header_modified", dns_server)
    change, got, want = f["evidence"]  # type: ignore[misc]
    assert change == f"change={kind}"
    assert received in got and original in want


def test_list_that_tags_and_rewrites_from_needs_both_undone(dns_server: ZoneServer) -> None:
    message = _json(Case("x", FIXTURES / "list-subject-from-rewrite"), dns_server)
    kinds = {f["evidence"][0] for f in message["findings"] if f["code"] == "header_modified"}  # type: ignore[attr-defined]
    assert kinds == {"change=subject_tag", "change=from_rewritten"}


def test_unsigned_tail_after_l_is_shown(dns_server: ZoneServer) -> None:
    f = _finding("length-limit-appended", "body_length_limit", dns_server)
    assert f["evidence"] == [
        "139 bytes (3 lines) after l=601 are not signed",
        "first unsigned line: 'UPDATE: the billing migration was moved. Confirm your new "
        "payment details at'",
    ]


def test_unexplained_change_claims_nothing(dns_server: ZoneServer) -> None:
    message = _json(Case("x", FIXTURES / "unexplained-change"), dns_server)
    codes = [f["code"] for f in message["findings"]]  # type: ignore[attr-defined]
    assert not PROVEN & set(codes)
    [body] = [f for f in message["findings"] if f["code"] == "body_unexplained"]  # type: ignore[attr-defined]
    assert "canonical body (simple): 683 bytes" in body["evidence"]
    assert "transfer encodings: 7bit" in body["evidence"]
    [head] = [f for f in message["findings"] if f["code"] == "header_unexplained"]  # type: ignore[attr-defined]
    assert "commonly rewritten in transit: from, to, subject" in " ".join(head["evidence"])


# --- bounded, and free for passing signatures ------------------------------------------


def _signed(case: str) -> tuple[ParsedMessage, DkimSignature, PublicKey]:
    """A fixture's author signature and its key, fetched from the case's zone on loopback."""
    msg = parse_message((FIXTURES / case / "message.eml").read_bytes())
    [sig] = [
        s
        for s in extract(msg.headers)
        if isinstance(s, DkimSignature) and s.domain in ("example.com", "example.org")
    ]
    with open_resolver(zones=[FIXTURES / case / "zone"]) as resolver:
        [record] = fetch_key(resolver, sig.selector, sig.domain).keys
    assert isinstance(record, KeyRecord)
    key = load_public_key(record)
    assert isinstance(key, PublicKey)
    return msg, sig, key


def test_body_search_stops_at_its_budget() -> None:
    msg, sig, _ = _signed("list-footer-mime")
    assert body_change(sig, msg)[0] is not None
    assert body_change(sig, msg, Budget(attempts=5)) == (None, False)
    assert body_change(sig, msg, Budget(hashed_bytes=1000)) == (None, False)
    assert body_change(sig, msg, Budget(max_lines=10)) == (None, False)


def test_header_search_stops_at_its_budget() -> None:
    msg, sig, key = _signed("header-reencoded")
    assert header_changes(sig, msg, key)
    assert header_changes(sig, msg, key, Budget(header_attempts=0)) == ()


def test_passing_messages_cost_nothing(
    dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError("forensics ran for a passing signature")

    monkeypatch.setattr(forensics, "body_change", refuse)
    monkeypatch.setattr(forensics, "header_changes", refuse)
    for case in ("plain", "multipart-attachment", "ses-two-signatures", "length-limit-appended"):
        run = run_cli(
            "check", "--nameserver", dns_server.address, str(FIXTURES / case / "message.eml")
        )
        assert run.exit_code == 0, run.stdout


def test_wrong_key_is_not_blamed_on_a_header(tmp_path: Path, dns_server: ZoneServer) -> None:
    """A signature made with another key: no header variant can verify, so none is claimed."""
    raw = (FIXTURES / "subject-modified" / "message.eml").read_bytes()
    # the same message, pointed at another key of example.com (the key-1024 fixture's selector)
    raw = raw.replace(b"\ts=s2025;", b"\ts=s1024;", 1)
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address, str(path))
    codes = {f["code"] for f in run.json()["messages"][0]["findings"]}
    assert "header_modified" not in codes and "header_unexplained" in codes


def test_budget_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Budget().attempts = 1  # type: ignore[misc]


# --- every kind of change, on fixture messages changed here (c=simple/simple: bob) -----------


def _changed(case: str, old: bytes, new: bytes) -> tuple[ParsedMessage, DkimSignature, PublicKey]:
    _, sig, key = _signed(case)
    raw = (FIXTURES / case / "message.eml").read_bytes()
    assert old in raw
    return parse_message(raw.replace(old, new, 1)), sig, key


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        (b"Subject: Draft agenda for the\r\n December", b"SUBJECT: Draft agenda for the December", "name_case"),
        (b"Subject: Draft agenda for the\r\n December", b"Subject:  Draft agenda for the December", "respaced"),
        (b"Subject: Draft agenda for the\r\n December", b"X-Original-Subject: Draft agenda for the December", "removed"),
    ],
)  # fmt: skip
def test_header_kinds_under_simple(old: bytes, new: bytes, kind: str) -> None:
    # simple-refolded arrives re-folded: the replacement undoes that and makes another change
    msg, sig, key = _changed("simple-refolded", old, new)
    changes = header_changes(sig, msg, key)
    assert kind in {c.kind for c in changes}


def test_trailing_whitespace_added_under_simple() -> None:
    msg, sig, _ = _changed("simple-refolded", b"Cheers,\r\n", b"Cheers,   \r\n")
    change, complete = body_change(sig, msg)
    assert change is not None and change.code == "body_whitespace" and complete
    assert change.sample == "Cheers,   "


def test_truncated_body_is_proven_by_l() -> None:
    _, sig, _ = _signed("length-limit-appended")
    raw = (FIXTURES / "length-limit-appended" / "message.eml").read_bytes()
    cut = parse_message(raw[: raw.index(b"If I missed anything")])  # a size limit cut it here
    change, _ = body_change(sig, cut)
    assert change is not None and change.code == "body_truncated"


def test_added_reply_to_and_subject_tag_together() -> None:
    msg, sig, key = _changed("oversigned-header-added", b"Subject: Notes", b"Subject: [ext] Notes")
    kinds = {c.kind for c in header_changes(sig, msg, key)}
    assert kinds == {"added", "subject_tag"}


def test_every_forensic_code_is_documented() -> None:
    from analyzer.messages import FINDINGS

    # The documentation site: its reference is generated from the catalogue and the notes
    # of docs/hooks/codes.toml (tests/test_docs.py checks every code of the catalogue).
    docs = FIXTURES.parent / "docs"
    notes = (docs / "hooks" / "codes.toml").read_text()
    start = list(FINDINGS).index("body_appended")  # the forensics and ARC block
    # "code.variant" keys (change.KIND, arc_chain_failed.REASON) are wordings, not codes.
    codes = [c for c in list(FINDINGS)[start:] if "." not in c]
    assert codes and all(f"[findings.{c}]" in notes for c in codes)
    assert all(f"`{kind}`" in notes for kind in forensics.ChangeKind)


def test_disclaimer_in_both_alternatives_is_two_blocks(dns_server: ZoneServer) -> None:
    f = _finding("disclaimer-both-parts", "body_appended", dns_server)
    assert "6 lines (374 bytes)" in str(f["summary"])
    assert f["evidence"][0] == "two blocks: canonical body lines 17-19 and 30-32 of 123"  # type: ignore[index]
    msg, sig, _ = _signed("disclaimer-both-parts")
    assert body_change(sig, msg, Budget(pair_window=2)) == (None, True)  # blocks too long


# --- the set-up is counted and linear (issue 11 item 4): counts and sizes, never timings ---


def _with_body(case: str, body: bytes, content_type: bytes) -> tuple[ParsedMessage, DkimSignature]:
    """A fixture's signature over a hostile body (its bh= fails, so the search runs)."""
    _, sig, _ = _signed(case)
    raw = (FIXTURES / case / "message.eml").read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    head = re.sub(rb"(?mi)^Content-Type:.*(\r\n[ \t].*)*", b"Content-Type: " + content_type, head)
    return parse_message(head + b"\r\n\r\n" + body), sig


def _nested(depth: int) -> bytes:
    opening = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
        for i in range(depth)
    )
    closing = b"".join(b"--b%d--\r\n" % i for i in range(depth, -1, -1))
    return opening + b"--b%d\r\n\r\ntext\r\n" % depth + closing


def test_setup_is_charged_to_the_meter() -> None:
    msg, sig, _ = _signed("list-footer-mime")
    assert body_search(sig, msg)[0] is not None
    # The block search's set-up (split, prefix states, MIME scan) is paid before it is done.
    change, unsearched = body_search(sig, msg, Budget(steps=10))
    assert change is None
    assert unsearched[-1] == "the search stopped at its budget: not every candidate was tried"


def test_many_mime_delimiters_are_not_searched_and_said() -> None:
    msg, sig = _with_body(
        "list-footer-mime", b"--b\r\n" * 2_000 + b"--b--\r\n", b'multipart/mixed; boundary="b"'
    )
    change, unsearched = body_search(sig, msg)
    assert change is None
    assert "MIME parts not searched: over budget (2001 MIME delimiter lines, more than 1000)" in (
        unsearched
    )
    assert not any("MIME" in n for n in body_search(sig, msg, Budget(max_delimiters=5_000))[1])


def test_deep_mime_nesting_is_not_searched_and_costs_little_memory() -> None:
    msg, sig = _with_body("list-footer-mime", _nested(10_000), b'multipart/mixed; boundary="b0"')
    tracemalloc.start()
    try:
        change, unsearched = body_search(sig, msg)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert change is None
    assert any(
        n.startswith("MIME parts not searched: over budget (more than 100") for n in unsearched
    )
    # a list of (code, i, j) candidates per nesting level was 500 MB; the body is 0.7 MB
    assert peak < 30 << 20, peak


def test_mime_points_are_found_below_the_caps() -> None:
    """The linear scan finds what the old one did: a footer before a closing delimiter of a
    part nested a few levels deep."""
    body = _nested(5).replace(b"text\r\n", b"text\r\nfooter added\r\n")
    msg, sig = _with_body("list-footer-mime", body, b'multipart/mixed; boundary="b0"')
    lines = forensics._lines(forensics.canonical_body(sig, msg.body or b""))
    meter = forensics._Meter(Budget())
    delimiters, starts = forensics._mime_points(msg, b"".join(lines), lines, meter, Budget())
    assert [lines[d].rstrip() for d in delimiters][:2] == [b"--b0", b"--b1"]
    assert len(delimiters) == 12 and not meter.short
    assert lines[starts[-1]] == b"text\r\n"  # after the innermost part's empty line


class _CountedFields(tuple[HeaderField, ...]):
    """Header fields that count how often they are walked."""

    walks = 0

    def __iter__(self) -> Iterator[HeaderField]:
        type(self).walks += 1
        return super().__iter__()


def test_header_selection_walks_the_fields_once() -> None:
    msg, sig, _ = _signed("header-reencoded")
    wide = dataclasses.replace(
        sig, signed_headers=(*sig.signed_headers, *(f"x-h{i}" for i in range(1_000)))
    )
    fields = _CountedFields(msg.headers)
    _CountedFields.walks = 0
    picked = forensics._selected(wide, fields)
    assert _CountedFields.walks == 1  # a scan per name in h= was 1,000+ walks (99 s at 100,000)
    assert picked == forensics._selected(sig, msg.headers)


def test_header_selection_is_bottom_up_per_name() -> None:
    fields = tuple(HeaderField(n, b" v\r\n") for n in (b"A", b"B", b"a", b"C", b"A"))
    _, sig, _ = _signed("header-reencoded")
    two = dataclasses.replace(sig, signed_headers=("a", "c", "a", "x", "b"))
    assert forensics._selected(two, fields) == [1, 2, 3, 4]  # a: the bottom two (RFC 6376 §5.4.2)
    one = dataclasses.replace(sig, signed_headers=("a",))
    assert forensics._selected(one, fields) == [4]


def test_wide_h_charges_each_verification() -> None:
    msg, sig, key = _signed("unexplained-change")  # no header variant verifies
    wide = dataclasses.replace(
        sig, signed_headers=(*sig.signed_headers, *(f"x-h{i}" for i in range(100_000)))
    )
    changes, unsearched = header_search(wide, msg, key, Budget(steps=300_000))
    assert changes == ()
    assert unsearched == ("the search stopped at its budget: not every candidate was tried",)
    changes, unsearched = header_search(wide, msg, key, Budget(steps=50_000))
    assert changes == () and unsearched[0].startswith("not searched: over budget (100")
    # on the real h=, every candidate is tried within budget
    assert header_search(sig, msg, key) == ((), ())


# --- body forensics without a key (issue 10 item 6) ------------------------------------------


def test_footer_is_proven_though_the_key_is_gone(dns_server: ZoneServer) -> None:
    message = _json(Case("x", FIXTURES / "list-footer-key-gone"), dns_server)
    [sig] = message["signatures"]  # type: ignore[misc]
    assert (sig["result"], sig["reason"], sig["body_hash_valid"]) == (
        "permerror",
        "key_not_found",
        False,
    )
    by_code = {f["code"]: f for f in message["findings"]}  # type: ignore[attr-defined]
    fails = by_code["body_hash_also_fails"]
    assert fails["evidence"] == [
        "bh= recomputed over the received body (relaxed canonicalization): does not match",
        "header signature (b=): not checked (key_not_found)",
    ]
    assert "3 lines (168 bytes)" in by_code["body_appended"]["summary"]
    # the header part needs the key: not searched, not claimed
    assert not {"header_modified", "header_unexplained"} & set(by_code)


REALMAIL = FIXTURES.parent.parent / "shared" / "realmail"


@pytest.mark.parametrize("name", ["cipml-ses-mailman2-a.eml", "cipml-ses-mailman2-b.eml"])
def test_real_mailman_footer_is_proven_without_keys(name: str) -> None:
    """Both signatures (ciplatform.org and amazonses.com) have no key in keys.zone; bh= of
    each fails, and removing Mailman's 4-line footer makes both match again."""
    path = REALMAIL / "messages" / name
    if not path.exists():
        pytest.skip("realmail is not available")
    run = run_cli("check", "--format", "json", "--zone", str(REALMAIL / "keys.zone"), str(path))
    [message] = run.json()["messages"]
    for v in message["signatures"]:
        assert (v["reason"], v["body_hash_valid"]) == ("key_not_found", False)
        mine = [f for f in message["findings"] if f["signature_index"] == v["index"]]
        codes = [f["code"] for f in mine]
        assert "body_hash_also_fails" in codes and "body_appended" in codes
        [appended] = [f for f in mine if f["code"] == "body_appended"]
        assert "4 lines (194 bytes)" in appended["summary"]
        assert "_______________________________________________" in appended["summary"]


def _simple_signature() -> DkimSignature:
    """A c=simple/simple signature (the fixture simple-refolded's)."""
    msg = parse_message((FIXTURES / "simple-refolded" / "message.eml").read_bytes())
    sig = extract(msg.headers)[0]
    assert isinstance(sig, DkimSignature) and sig.body_canon == "simple"
    return sig


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.sampled_from([b"a", b" ", b"\t", b"\r\n", b"x y"]), max_size=40))
def test_line_end_whitespace_candidate_is_what_the_regex_gave(body: list[bytes]) -> None:
    """The candidate without line-end whitespace is built line by line (a regex was quadratic
    on a long space run with no line end: found by the fuzzer); it is the regex's result."""
    raw = b"".join(body)
    sig = _simple_signature()
    msg = parse_message(b"From: a@example.com\r\n\r\n" + raw)
    variants = {code: cand for code, cand, _ in _whole_body_variants(sig, msg, raw)}
    expected = re.sub(rb"[ \t]+(?=\r\n)", b"", raw)
    if expected != raw:
        assert variants["body_whitespace"] == expected
    else:
        assert "body_whitespace" not in variants or b"format=flowed" in raw
