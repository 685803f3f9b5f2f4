"""scan's JSONL lines (render.json.message_line: what recurs made once and held) are the bytes
of the straightforward rendering, line(message_dict(r)), for every fixture and real message,
and a held value is never written for another value (issue 15). test_scan.py holds scan's
output to analyze()'s, message by message, through the same reference."""

from __future__ import annotations

import dataclasses
import json
import string
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from analyzer.dns import ResolverSpec
from analyzer.explain import DERIVED, LANGUAGES, entry, fields, reads, translations, worded
from analyzer.messages import FINDINGS
from analyzer.model import DnsAnswer, DnsStatus, Finding, Report, Severity
from analyzer.pipeline import analyze
from analyzer.render import json as render_json
from analyzer.render.json import finding_dict, line, message_dict, message_line
from tests.conftest import FIXTURES, ROOT

REALMAIL = ROOT.parent / "shared" / "realmail"
NOW = 1763903600


def _reports(zones: list[Path], messages: list[Path], now: int = NOW) -> Iterator[Report]:
    with ResolverSpec.from_options(zones=zones).open() as resolver:
        for m in messages:
            yield analyze(m.read_bytes(), resolver, now=now, source=str(m))


def _now(case: Path) -> int:
    given = json.loads((case / "expected.json").read_text()).get("now")
    return int(given) if given is not None else NOW


def _same_twice(r: Report) -> None:
    want = line(message_dict(r))
    assert message_line(r) == want  # made now (or held by an earlier message: still the same)
    assert message_line(r) == want  # held


@pytest.fixture(autouse=True)
def _nothing_held() -> Iterator[None]:
    render_json.clear()
    yield
    render_json.clear()


@pytest.mark.parametrize("case", sorted(p.parent for p in FIXTURES.glob("*/expected.json")),
                         ids=lambda p: p.name)  # fmt: skip
def test_line_of_each_fixture_is_the_dict_line(case: Path) -> None:
    (report,) = _reports([case / "zone"], [case / "message.eml"], _now(case))
    _same_twice(report)


def test_lines_of_all_fixtures_in_one_process_are_the_dict_lines() -> None:
    """One process, every fixture: what one message held is reused by the next ones."""
    cases = sorted(p.parent for p in FIXTURES.glob("*/expected.json"))
    reports = list(_reports([c / "zone" for c in cases], [c / "message.eml" for c in cases]))
    for r in reports + reports:
        assert message_line(r) == line(message_dict(r))


@pytest.mark.skipif(not REALMAIL.is_dir(), reason="../shared/realmail is absent")
def test_line_of_each_real_message_is_the_dict_line() -> None:
    messages = sorted((REALMAIL / "messages").glob("*.eml"))
    assert messages
    for r in _reports([REALMAIL / "keys.zone"], messages):
        _same_twice(r)


# --- a held value is never written for another one -------------------------------------------


def _others(value: object, annotation: str) -> list[object]:
    """Values unlike `value` in one way each: a bool for an int (True == 1, but JSON writes
    true) and an int for a bool, another member of an enum, a longer string or tuple."""
    if isinstance(value, bool):
        return [not value, int(value)]
    if isinstance(value, Enum):
        return [m for m in type(value) if m is not value][:1]
    if isinstance(value, int):
        return [value + 1, *([bool(value)] if value in (0, 1) else [])]
    if isinstance(value, str):
        return [value + "x", ""]
    if isinstance(value, bytes):
        return [value + b"x"]
    if isinstance(value, tuple):
        return [value[:-1]] if value else []
    if value is None:
        return [v for t, v in (("bool", True), ("int", 1), ("str", "x")) if t in annotation][:2]
    return []


def _variants(obj: Any) -> Iterator[tuple[str, Any]]:
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        for other in _others(getattr(obj, f.name), str(f.type)):
            yield f.name, dataclasses.replace(obj, **{f.name: other})


def _report(name: str) -> Report:
    case = FIXTURES / name
    (report,) = _reports([case / "zone"], [case / "message.eml"], _now(case))
    return report


def _answer_of(r: Report) -> tuple[DnsAnswer, Callable[[DnsAnswer], Report]]:
    v = r.verdicts[0]
    ev = v.key_evidence
    assert ev is not None

    def put(a: DnsAnswer) -> Report:
        verdict = dataclasses.replace(v, key_evidence=dataclasses.replace(ev, answer=a))
        return dataclasses.replace(r, verdicts=(verdict, *r.verdicts[1:]))

    return ev.answer, put


def _check_each_variant(r: Report, obj: Any, put: Callable[[Any], Report]) -> int:
    """message_line of r, then of r with `obj` changed in one field at a time: each line is
    the dict line of its own report, never one made for another value."""
    assert message_line(r) == line(message_dict(r))
    n = 0
    for name, other in _variants(obj):
        changed = put(other)
        try:
            want = line(message_dict(changed))
        except (AttributeError, TypeError, ValueError):  # not a value the model can render
            continue
        assert message_line(changed) == want, name
        assert message_line(r) == line(message_dict(r)), name  # and the first is intact
        n += 1
    return n


def test_an_answer_equal_but_for_one_field_is_written_as_itself() -> None:
    r = _report("plain")
    answer, put = _answer_of(r)
    assert answer.ttl is not None
    assert _check_each_variant(r, answer, put) >= 8
    # True == 1 and hash(True) == hash(1): a TTL of True (a bug upstream) is not TTL 1.
    one = dataclasses.replace(answer, ttl=1)
    assert message_line(put(one)) == line(message_dict(put(one)))
    truthy = dataclasses.replace(answer, ttl=True)
    assert '"ttl": true' in message_line(put(truthy))


def test_a_key_equal_but_for_one_field_is_written_as_itself() -> None:
    r = _report("plain")
    v = r.verdicts[0]
    assert v.key is not None

    def put_key(key: Any) -> Report:
        return dataclasses.replace(r, verdicts=(dataclasses.replace(v, key=key),))

    assert _check_each_variant(r, v.key, put_key) >= 5
    for bits in (v.key_bits + 1 if v.key_bits else 1, 1, True):
        changed = dataclasses.replace(r, verdicts=(dataclasses.replace(v, key_bits=bits),))
        assert message_line(changed) == line(message_dict(changed))


@pytest.mark.parametrize("name", ["dmarc-org-domain", "dmarc-receiver-spf-pass",
                                  "dmarc-tree-walk-psd", "plain"])  # fmt: skip
def test_dmarc_equal_but_for_one_field_is_written_as_itself(name: str) -> None:
    r = _report(name)
    d = r.dmarc
    assert d is not None
    n = _check_each_variant(r, d, lambda other: dataclasses.replace(r, dmarc=other))
    assert n >= 10
    if d.walk is not None:
        walk = d.walk
        _check_each_variant(
            r, walk, lambda w: dataclasses.replace(r, dmarc=dataclasses.replace(d, walk=w))
        )
    if d.receiver is not None:
        rx = d.receiver
        _check_each_variant(
            r, rx, lambda x: dataclasses.replace(r, dmarc=dataclasses.replace(d, receiver=x))
        )
    if d.answers:
        first = d.answers[0]

        def put_answer(a: DnsAnswer) -> Report:
            return dataclasses.replace(r, dmarc=dataclasses.replace(d, answers=(a, *d.answers[1:])))

        _check_each_variant(r, first, put_answer)
    if r.dmarc_result is not None:
        _check_each_variant(r, r.dmarc_result, lambda v: dataclasses.replace(r, dmarc_result=v))


def test_arc_equal_but_for_one_field_is_written_as_itself() -> None:
    r = _report("plain")
    assert _check_each_variant(r, r.arc, lambda c: dataclasses.replace(r, arc=c)) >= 3


def test_words_of_a_finding_follow_the_type_of_its_values() -> None:
    """The words are made once for equal values; True == 1, but a template writes them as
    True and 1."""
    r = _report("plain")
    for value in (1, True, 0, False, "1"):
        f = Finding("dmarc_alignment", Severity.WARNING, "none",
                    {"from_domain": value, "org_domain": "example.com"})  # fmt: skip
        changed = dataclasses.replace(r, findings=(f,))
        assert message_line(changed) == line(message_dict(changed))
        assert message_dict(changed)["findings"][0]["summary"].startswith(str(value))


def test_a_huge_answer_is_written_but_never_held() -> None:
    r = _report("plain")
    answer, put = _answer_of(r)
    huge = dataclasses.replace(answer, records=((b"v=DKIM1; p=" + b"A" * 70_000,),))
    assert message_line(put(huge)) == line(message_dict(put(huge)))
    held = render_json.HELD
    assert all(n <= held.largest for _, n in held._held.values())
    assert answer.status is DnsStatus.OK


def test_held_values_stay_within_their_bounds() -> None:
    held = render_json.Held(entries=3, size=100, largest=60)
    for i in range(10):
        assert held.get(("k", i), lambda i=i: "x" * (10 + i), len) == "x" * (10 + i)
    assert len(held) <= 3
    assert sum(n for _, n in held._held.values()) <= 100
    assert held.get(("k", 9), lambda: "other", len) == "x" * 19  # held
    assert held.get(("big",), lambda: "y" * 61, len) == "y" * 61
    assert ("big",) not in held._held
    assert held.get(["unhashable"], lambda: "z", len) == "z"


# --- words held by the values they read, lines held by the object (issue 15) ----------------


def _with_findings(r: Report, *findings: Finding) -> Report:
    return dataclasses.replace(r, findings=findings)


def _future(**values: object) -> Finding:
    base = {"d": "example.com", "s": "sel", "signed": "2025-11-23 12:13 UTC", "body_bytes": 1}
    return Finding("signature_future", Severity.WARNING, None, {**base, **values}, 0)


def test_a_finding_whose_read_values_differ_has_its_own_words() -> None:
    r = _report("plain")
    first = _with_findings(r, _future())
    later = _with_findings(r, _future(signed="2026-01-01 00:00 UTC"))
    other_d = _with_findings(r, _future(d="example.net"))
    for changed in (first, later, other_d, first):
        assert message_line(changed) == line(message_dict(changed))
    assert "2026-01-01 00:00 UTC" in message_line(later)
    assert "d=example.net" in message_line(other_d)


def test_words_held_for_values_that_no_word_reads() -> None:
    """A value no template reads (a body's size) is not in the key: the words are held once;
    a value that is absent writes "?" and is told from one that is None or present."""
    r = _report("plain")
    render_json.clear()
    for size in range(5):
        changed = _with_findings(r, _future(body_bytes=size))
        assert message_line(changed) == line(message_dict(changed))
    assert len(render_json.WORDS) == 1
    assert len(render_json.HEADS) == 1  # scan's: code, severity, words and permanence
    absent = Finding("signature_future", Severity.WARNING, None, {"s": "sel", "unread": 1})
    none = Finding("signature_future", Severity.WARNING, None, {"s": "sel", "d": None})
    for f in (absent, none):
        changed = _with_findings(r, f)
        assert message_line(changed) == line(message_dict(changed))
    assert "(d=?, s=sel)" in message_dict(_with_findings(r, absent))["findings"][0]["summary"]
    assert "(d=None, s=sel)" in message_dict(_with_findings(r, none))["findings"][0]["summary"]


def test_a_finding_without_values_is_not_one_with_unread_values() -> None:
    """explain.text fills a template in only when there are values: with none its fields
    stay as written, with values that it does not read they are "?"."""
    r = _report("plain")
    bare = Finding("signature_future", Severity.WARNING)
    unread = Finding("signature_future", Severity.WARNING, None, {"unread": 1})
    for f in (bare, unread, bare):
        changed = _with_findings(r, f)
        assert message_line(changed) == line(message_dict(changed))
    summaries = [
        message_dict(_with_findings(r, f))["findings"][0]["summary"] for f in (bare, unread)
    ]
    assert "{d}" in summaries[0]
    assert "d=?" in summaries[1]


def test_reads_names_every_field_of_the_templates() -> None:
    """explain.reads: each finding's template fields, in every language, and what the words
    explain.fields makes are made of (DERIVED)."""
    formatter = string.Formatter()
    for lang in LANGUAGES:
        for key in FINDINGS:
            code, _, variant = key.partition(".")
            if code == "change":
                continue
            names = reads(code, variant or None, lang)
            if names is None:
                continue
            assert list(names) == sorted(set(names))
            for part in FINDINGS[entry(code, variant or None)]:
                template = translations(lang).pgettext(key, part) if part else ""
                for _, name, _, _ in formatter.parse(str(template)):
                    if name:
                        assert name in names, (key, lang, name)
                        assert set(DERIVED.get(name, ())) <= set(names), (key, lang, name)


def test_derived_words_are_made_of_what_derived_lists() -> None:
    """explain.fields: a derived word changes with the values DERIVED lists for it and with
    no other value fields() reads (what makes a held finding's words its own)."""
    samples: dict[str, tuple[object, object]] = {
        "header_valid": (True, False), "list_owner": ("a@l.example", "b@l.example"),
        "recorded_source": ("arc", "authentication_results"), "recorded_instance": (1, 2),
        "recorded_sealer": ("s.example", "t.example"), "disposition": ("reject", "none"),
        "testing": (True, False), "policy": ("reject", "quarantine"), "pct": (50, 20),
        "psl_org_domain": ("p.example", "q.example"), "org_domain": ("o.example", "r.example"),
        "adkim": ("r", "s"), "from_domain": ("f.example", None), "server": ("1.2.3.4", None),
        "region": ("eu", None),
    }  # fmt: skip
    base = {name: a for name, (a, _) in samples.items()}
    made = fields(base, "en")
    for derived, inputs in DERIVED.items():
        assert derived in made
        for name, (_, other) in samples.items():
            changed = fields({**base, name: other}, "en").get(derived)
            if name not in inputs:
                assert changed == made[derived], (derived, name)
    for name, (_, other) in samples.items():
        changed = fields({**base, name: other}, "en")
        moved = {k for k in made if changed.get(k) != made[k]} - {name}
        assert moved <= {d for d, inputs in DERIVED.items() if name in inputs}, name


def test_the_words_of_every_language_are_the_ones_worded_makes() -> None:
    """The JSON of other languages (check --lang) takes the words held the same way."""
    r = _report("plain")
    for lang in LANGUAGES:
        for f in (*r.findings, _future(), _future(signed="x")):
            assert finding_dict(f, lang)["summary"] == worded(f.code, f.variant, f.values, lang)[0]


def test_unsafe_characters_in_held_and_quoted_text_are_escaped_as_in_the_line() -> None:
    """Held text is escaped when made (json_text, one character at a time): a bidi override,
    a C1 control, U+2028 and an undecodable byte come out as in the dict line."""
    r = _report("plain")
    answer, put = _answer_of(r)
    odd = "\u202e\x85\u2028\udcff"
    record = ("v=DKIM1; p=" + odd).encode("utf-8", "surrogateescape")
    changed = put(dataclasses.replace(answer, records=((record,),), server="s" + odd))
    quoted = Finding("signature_future", Severity.WARNING, None, {"d": odd}, 0,
                     (odd, dataclasses.replace(answer, detail=odd)))  # fmt: skip
    changed = _with_findings(changed, quoted, *changed.findings)
    for _ in range(2):
        got = message_line(changed)
        assert got == line(message_dict(changed))
    assert "\u202e" not in got and "\\u202e" in got


def test_held_by_the_object_is_never_another_object() -> None:
    """Held.same: what was made for one object, never for another equal one (that one is
    made anew), within the bounds."""
    held = render_json.Held(entries=3, size=1000, largest=60)
    objects = [DnsAnswer(f"n{i}.example.", "TXT", DnsStatus.OK, ((b"x",),)) for i in range(6)]
    for i, obj in enumerate(objects):
        assert held.same(obj, lambda _, i=i: f"made {i}", len) == f"made {i}"
    assert len(held) <= 3
    assert held.same(objects[-1], lambda _: "again", len) == "made 5"  # held
    assert held.same(objects[0], lambda _: "again", len) == "again"  # gone: made anew
    twin = dataclasses.replace(objects[-1])
    assert twin == objects[-1] and twin is not objects[-1]
    assert held.same(twin, lambda o: "twin" if o is twin else "?", len) == "twin"
    assert held.same(objects[1], lambda _: "y" * 61, len) == "y" * 61  # too big: never held
    assert held.same(objects[1], lambda _: "z", len) == "z"


def test_all_held_stays_within_its_bounds_over_many_messages() -> None:
    """Every table message_line holds keeps to its bounds whatever the number of messages."""
    r = _report("plain")
    for i in range(3000):
        changed = _with_findings(r, _future(signed=f"{i}"), _future(d=f"d{i}.example"))
        message_line(changed)
    tables = (render_json.HELD, render_json.WORDS, render_json.HEADS, render_json.ANSWERS,
              render_json.LINES)  # fmt: skip
    for held in tables:
        assert len(held) <= held.entries
        assert sum(n for _, n in held._held.values()) <= held.size


@pytest.mark.parametrize("name", ["plain", "key-nxdomain", "body-modified", "key-1024"])
def test_a_signature_is_written_as_its_dict_whatever_its_fields(name: str) -> None:
    """message_line writes a signature's text directly: each field changed in one way at a
    time (its alignment and its parsed signature too) is still the dict line's."""
    r = _report(name)
    v = r.verdicts[0]

    def put(verdict: Any) -> Report:
        return dataclasses.replace(r, verdicts=(verdict, *r.verdicts[1:]))

    assert _check_each_variant(r, v, put) >= 8
    _check_each_variant(r, v.alignment, lambda a: put(dataclasses.replace(v, alignment=a)))
    if v.signature is not None:
        sig = v.signature
        _check_each_variant(r, sig, lambda x: put(dataclasses.replace(v, signature=x)))
    changed = put(dataclasses.replace(v, signature=None, key_evidence=None, key=None))
    assert message_line(changed) == line(message_dict(changed))


@pytest.mark.parametrize("name", ["plain", "spf-forwarded", "list-mailman-ses", "third-party"])
def test_spf_is_written_as_its_dict_whatever_its_fields(name: str) -> None:
    """message_line writes the `spf` object directly: each field of the check, of what the
    receiver recorded and of today's evaluation changed in one way at a time (and each
    left out) is still the dict line's."""
    r = _report(name)
    spf = r.spf
    assert spf is not None

    def put(s: Any) -> Report:
        return dataclasses.replace(r, spf=s)

    assert _check_each_variant(r, spf, put) >= 5
    for part in ("recorded", "today"):
        inner = getattr(spf, part)
        if inner is not None:
            _check_each_variant(r, inner, lambda x, p=part: put(dataclasses.replace(spf, **{p: x})))
        changed = put(dataclasses.replace(spf, **{part: None}))
        assert message_line(changed) == line(message_dict(changed))
    if spf.today is not None and spf.today.answers:
        today = spf.today
        answers = (*today.answers, today.answers[0])
        changed = put(dataclasses.replace(spf, today=dataclasses.replace(today, answers=answers)))
        assert message_line(changed) == line(message_dict(changed))


# --- scan's finding heads, strings lists and receiver written directly (issue 15) -----------


def test_words_that_read_a_value_of_the_message_are_made_each_time() -> None:
    """A finding whose words read the client's address (spf_result) is written as its dict
    whatever the address, and never held (_OWN_VALUES): held, each would push out words
    that recur."""
    assert "ip" in (reads("spf_result", "domain_unknown", "en") or ())
    r = _report("plain")
    render_json.clear()
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.1", "2001:db8::1"):
        f = Finding("spf_result", Severity.INFO, "domain_unknown",
                    {"domain": "mta.example", "ip": ip})  # fmt: skip
        changed = _with_findings(r, f)
        assert message_line(changed) == line(message_dict(changed))
        assert ip in message_line(changed)
    assert len(render_json.HEADS) == 0


def test_a_finding_head_is_its_own_for_each_severity_and_variant() -> None:
    """The held head holds the code's severity and permanence: another severity or variant
    (permanence is the variant's: dmarc_alignment.none is permanent, plain dmarc_alignment
    is not said) is written as its own dict, the first one still as its."""
    r = _report("plain")
    values = {"from_domain": "example.com", "org_domain": "example.com", "looked_up": "x"}
    base = Finding("dmarc_alignment", Severity.WARNING, "none", values)
    others = [dataclasses.replace(base, severity=s) for s in Severity if s is not base.severity]
    others += [dataclasses.replace(base, variant=v) for v in ("spf_pass", None)]
    for f in (base, *others):
        for changed in (_with_findings(r, f), _with_findings(r, base)):
            assert message_line(changed) == line(message_dict(changed))
    assert len(render_json.HEADS) == len(others) + 1  # each held, none for another
    heads = {message_line(_with_findings(r, f)) for f in (base, *others)}
    assert len(heads) == len(others) + 1


def test_lists_of_strings_are_written_as_the_encoder_writes_them() -> None:
    """_strings: a tuple of str as _encode(list(...)) writes it; an item that is no str
    (a bug's value) is the encoder's, and so still the dict line's."""
    r = _report("plain")
    v = r.verdicts[0]
    assert v.signature is not None
    msg = r.message
    for names in ((), ("from",), ("from", "a\u202eb", 'q"uote\\'), (1, "from"), (True, None)):
        sig = dataclasses.replace(v.signature, signed_headers=names)
        changed = dataclasses.replace(
            r, verdicts=(dataclasses.replace(v, signature=sig), *r.verdicts[1:]),
            message=dataclasses.replace(msg, from_addresses=names),
        )  # fmt: skip
        assert message_line(changed) == line(message_dict(changed)), names


@pytest.mark.parametrize("name", ["plain", "list-arc", "dmarc-receiver-spf-pass"])
def test_the_receiver_is_written_as_its_dict_whatever_its_fields(name: str) -> None:
    """_receiver_text: each field of the receiver, and of what it recorded, changed in one
    way at a time, is still the dict line's; with nothing recorded and with no receiver too."""
    r = _report(name)
    rx = r.receiver
    assert rx is not None and rx.results

    def put(x: Any) -> Report:
        return dataclasses.replace(r, receiver=x)

    assert _check_each_variant(r, rx, put) >= 3
    first = rx.results[0]
    _check_each_variant(
        r, first, lambda x: put(dataclasses.replace(rx, results=(x, *rx.results[1:])))
    )
    for changed in (put(dataclasses.replace(rx, results=())), put(None)):
        assert message_line(changed) == line(message_dict(changed))


def test_a_passing_verdict_is_held_once_and_a_detail_never() -> None:
    """_verdict_text: a verdict without a detail is held by what it writes, whatever the
    signature's own index and times; one with a detail (often the message's own) is made
    each time. Each is its dict line's."""
    r = _report("plain")
    v = r.verdicts[0]
    assert v.detail is None and v.signature is not None
    render_json.clear()
    message_line(r)
    assert [k for k in render_json.HELD._held if k[0] == "verdict"]  # type: ignore[index]
    held = len(render_json.HELD)
    for t in range(3):
        sig = dataclasses.replace(v.signature, timestamp=t, expiration=t + 1)
        changed = dataclasses.replace(r, verdicts=(dataclasses.replace(v, index=t, signature=sig),))
        assert message_line(changed) == line(message_dict(changed))
    assert len(render_json.HELD) == held
    for detail in ("one", "two"):
        changed = dataclasses.replace(r, verdicts=(dataclasses.replace(v, detail=detail),))
        assert message_line(changed) == line(message_dict(changed))
    assert len(render_json.HELD) == held
