"""scan's JSONL lines (render.json.message_line: what recurs made once and held) are the bytes
of the straightforward rendering, line(message_dict(r)), for every fixture and real message,
and a held value is never written for another value (issue 15). test_scan.py holds scan's
output to analyze()'s, message by message, through the same reference."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from analyzer.dns import ResolverSpec
from analyzer.model import DnsAnswer, DnsStatus, Finding, Report, Severity
from analyzer.pipeline import analyze
from analyzer.render import json as render_json
from analyzer.render.json import line, message_dict, message_line
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
