"""The kept results of dmarc.lookup and spf.check_host (replay.Replayed, issue 15) are those
the careful functions make again, with the same queries asked in the same order: whatever
the answers, and however they change between messages (a record edited, a name that starts
to SERVFAIL, a DNS budget spent)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import dmarc, spf
from analyzer.dns import BudgetResolver
from analyzer.model import DnsAnswer, DnsStatus
from analyzer.replay import Replayed


class _Zone:
    """A resolver over a dict that logs every question; a name it lacks is NXDOMAIN."""

    def __init__(self, records: dict[tuple[str, str], DnsAnswer]) -> None:
        self.records = records
        self.log: list[tuple[str, str]] = []

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        self.log.append((name, rdtype))
        key = (name.lower().rstrip("."), rdtype)
        found = self.records.get(key)
        return found if found is not None else DnsAnswer(name, rdtype, DnsStatus.NXDOMAIN)


def _txt(name: str, *texts: str, status: DnsStatus = DnsStatus.OK) -> DnsAnswer:
    return DnsAnswer(name + ".", "TXT", status, tuple((t.encode(),) for t in texts))


# --- the memo itself -----------------------------------------------------------------------


def _walk(resolver: _Zone) -> tuple[DnsStatus, ...]:
    """A function pure in its answers, whose second question depends on the first answer."""
    first = resolver.query("a.example", "TXT")
    second = resolver.query("b.example" if first.records else "c.example", "TXT")
    return first.status, second.status


def test_a_kept_result_is_given_after_the_same_questions_get_the_same_answers() -> None:
    memo: Replayed[str, tuple[DnsStatus, ...]] = Replayed(entries=8, max_bytes=1024)
    zone = _Zone({("a.example", "TXT"): _txt("a.example", "x")})
    first = memo.get("k", zone, _walk)
    again = memo.get("k", zone, _walk)
    assert again is first  # kept, and the resolver was asked the same as by the function
    assert zone.log == [("a.example", "TXT"), ("b.example", "TXT")] * 2


def test_a_changed_answer_runs_the_function_asking_each_question_once() -> None:
    memo: Replayed[str, tuple[DnsStatus, ...]] = Replayed(entries=8, max_bytes=1024)
    zone = _Zone({("a.example", "TXT"): _txt("a.example", "x")})
    memo.get("k", zone, _walk)
    del zone.records[("a.example", "TXT")]  # the first answer changes: so does the question
    zone.log.clear()
    assert memo.get("k", zone, _walk) == (DnsStatus.NXDOMAIN, DnsStatus.NXDOMAIN)
    assert zone.log == [("a.example", "TXT"), ("c.example", "TXT")]
    zone.log.clear()
    assert memo.get("k", zone, _walk) == (DnsStatus.NXDOMAIN, DnsStatus.NXDOMAIN)
    assert zone.log == [("a.example", "TXT"), ("c.example", "TXT")]


def test_the_memo_is_bounded_in_entries_and_bytes() -> None:
    memo: Replayed[int, tuple[DnsStatus, ...]] = Replayed(entries=4, max_bytes=40)
    zone = _Zone({("a.example", "TXT"): _txt("a.example", "x")})
    for k in range(10):
        memo.get(k, zone, _walk)
    assert list(memo._held) == [6, 7, 8, 9]  # oldest out first
    zone.records[("a.example", "TXT")] = _txt("a.example", "x" * 100)
    memo.get(99, zone, _walk)
    assert 99 not in memo._held  # answers of more than max_bytes are not kept


# --- dmarc.lookup and spf.check_host: the kept way is the careful way -------------------------

_DMARC = st.sampled_from([
    "v=DMARC1; p=reject", "v=DMARC1; p=none; sp=quarantine", "v=DMARC1; p=quarantine; np=reject",
    "v=DMARC1; psd=y; p=reject", "v=DMARC1; psd=n; p=none", "v=DMARC1; rua=mailto:a@b.example",
    "v=DMARC1", "not dmarc",
])  # fmt: skip
_NAMES = ["mail.sub.example.com", "sub.example.com", "example.com", "com"]
_STATUS = st.sampled_from([DnsStatus.OK, DnsStatus.OK, DnsStatus.OK, DnsStatus.SERVFAIL])


@st.composite
def _dmarc_zone(draw: st.DrawFn) -> dict[tuple[str, str], DnsAnswer]:
    records: dict[tuple[str, str], DnsAnswer] = {}
    for name in _NAMES:
        if draw(st.booleans()):
            texts = draw(st.lists(_DMARC, min_size=1, max_size=2))
            records[(f"_dmarc.{name}", "TXT")] = _txt(
                f"_dmarc.{name}", *texts, status=draw(_STATUS)
            )
        if draw(st.booleans()):
            records[(name, "SOA")] = DnsAnswer(name + ".", "SOA", draw(_STATUS), ((b"ns",),))
    return records


@settings(max_examples=150, deadline=None)
@given(zones=st.lists(_dmarc_zone(), min_size=1, max_size=4), budget=st.integers(0, 12),
       domain=st.sampled_from(_NAMES[:3]))  # fmt: skip
def test_dmarc_lookup_kept_is_the_careful_lookup(
    zones: list[dict[tuple[str, str], DnsAnswer]], budget: int, domain: str
) -> None:
    dmarc._lookups.clear()
    for records in zones * 2:  # each zone met twice: the memo filled, then asked
        kept, careful = _Zone(records), _Zone(records)
        got = dmarc.lookup(BudgetResolver(kept, lookups=budget), domain)
        expected = dmarc._lookup(BudgetResolver(careful, lookups=budget), domain)
        assert got == expected and kept.log == careful.log


_SPF = st.sampled_from([
    "v=spf1 -all", "v=spf1 ip4:192.0.2.0/24 -all", "v=spf1 a -all", "v=spf1 mx ~all",
    "v=spf1 include:inc.example -all", "v=spf1 redirect=inc.example",
    "v=spf1 exists:%{i}.x.example -all", "v=spf1 a:%{l}.example ?all", "v=spf1 ptr -all",
    "v=spf1 -all exp=exp.example", "v=spf1 bogus", "v=spf1 +all",
])  # fmt: skip
_SPF_NAMES = ["send.example", "inc.example", "192.0.2.7.x.example", "news.example"]


@st.composite
def _spf_zone(draw: st.DrawFn) -> dict[tuple[str, str], DnsAnswer]:
    records: dict[tuple[str, str], DnsAnswer] = {}
    for name in _SPF_NAMES:
        if draw(st.booleans()):
            texts = draw(st.lists(_SPF, min_size=1, max_size=2))
            records[(name, "TXT")] = _txt(name, *texts, status=draw(_STATUS))
        if draw(st.booleans()):
            records[(name, "A")] = DnsAnswer(name + ".", "A", draw(_STATUS), ((b"192.0.2.7",),))
    if draw(st.booleans()):
        records[("send.example", "MX")] = DnsAnswer("send.example.", "MX", DnsStatus.OK,
                                                     ((b"10 inc.example.",),))  # fmt: skip
    records[("exp.example", "TXT")] = _txt("exp.example", "%{i} is not allowed")
    return records


@settings(max_examples=150, deadline=None)
@given(zones=st.lists(_spf_zone(), min_size=1, max_size=4), budget=st.integers(0, 12),
       ips=st.lists(st.sampled_from(["192.0.2.7", "198.51.100.1", "::ffff:192.0.2.7",
                                     "[192.0.2.8]", "2001:db8::1", "2001:db8::7", "x"]),
                    min_size=1, max_size=3),
       sender=st.sampled_from(["news@send.example", "", "postmaster@send.example"]))  # fmt: skip
def test_spf_check_host_kept_is_the_careful_check_host(
    zones: list[dict[tuple[str, str], DnsAnswer]], budget: int, ips: list[str], sender: str
) -> None:
    spf._evaluations.clear()
    for records in zones * 2:
        for ip in ips:  # clients of one family share what never read the address
            kept, careful = _Zone(records), _Zone(records)
            got = spf.check_host(BudgetResolver(kept, lookups=budget), ip, "send.example",
                                 sender, "mta.send.example")  # fmt: skip
            expected, _ = spf._check_host(BudgetResolver(careful, lookups=budget), ip,
                                          "send.example", sender, "mta.send.example")  # fmt: skip
            assert got == expected and kept.log == careful.log
