"""--save-dns: a run's DNS answers as a zone file that --zone gives back, answer for answer."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from analyzer.dns import DnsPythonResolver, Nameserver
from analyzer.dnssnapshot import RecordingResolver, zone_text
from analyzer.model import DnsAnswer, DnsStatus
from tests.conftest import FIXTURES
from tests.nanoserver import ZoneServer

TIMEOUT = 0.3


def _questions() -> list[tuple[str, str]]:
    """Every name the fixture zones hold or fault, asked for TXT, CNAME and SOA, their
    parents (empty non-terminals: NODATA) and names under them that do not exist."""
    names: set[str] = set()
    for zone in sorted(FIXTURES.glob("*/zone")):
        for line in zone.read_text().splitlines():
            if m := re.match(r";!\s*(\S+)\s+\S+", line):
                names.add(m[1].lower())
            elif line and not line.startswith((";", "$", " ", "\t")):
                names.add(line.split()[0].lower())
    names |= {n.split(".", 1)[1] for n in list(names) if n.count(".") > 2}
    names |= {"nothing-here." + n for n in list(names)[:20]}
    return [(n, t) for n in sorted(names) for t in ("TXT", "CNAME", "SOA")]


def _ask(server: ZoneServer, questions: list[tuple[str, str]]) -> list[DnsAnswer]:
    resolver = DnsPythonResolver([Nameserver(server.host, server.port)], TIMEOUT)
    return [replace(resolver.query(n, t), server=None) for n, t in questions]


def test_every_kind_of_answer_comes_back_from_the_saved_zone(tmp_path: Path) -> None:
    questions = _questions()
    with ZoneServer(sorted(FIXTURES.glob("*/zone"))) as server:
        recorder = RecordingResolver(
            DnsPythonResolver([Nameserver(server.host, server.port)], TIMEOUT)
        )
        first = [replace(recorder.query(n, t), server=None) for n, t in questions]
    statuses = {a.status for a in first}
    assert statuses >= {
        DnsStatus.OK, DnsStatus.NXDOMAIN, DnsStatus.NODATA, DnsStatus.SERVFAIL, DnsStatus.TIMEOUT
    }  # fmt: skip
    assert any(a.cname_chain for a in first if a.status is DnsStatus.OK)
    assert any(a.cname_chain for a in first if a.status is DnsStatus.NXDOMAIN)
    saved = tmp_path / "saved.zone"
    saved.write_text(zone_text(recorder.answers.values()))
    with ZoneServer([saved]) as replay:
        again = _ask(replay, questions)
    for want, got in zip(first, again, strict=True):
        assert got == want, (want.name, want.rdtype)


def test_answers_that_say_nothing_about_the_name_are_left_out() -> None:
    local = DnsAnswer("a.example.", "TXT", DnsStatus.LOCAL, detail="EMFILE")
    budget = DnsAnswer("b.example.", "TXT", DnsStatus.BUDGET, detail="spent")
    text = zone_text([local, budget])
    assert not [line for line in text.splitlines() if line.startswith(";!") or " IN " in line]
    assert "; a.example. TXT: not written (local_error: EMFILE)" in text


def test_txt_strings_keep_their_bytes_and_boundaries(tmp_path: Path) -> None:
    odd = DnsAnswer(
        "odd.example.", "TXT", DnsStatus.OK, ((b'say "hi"\\', b"\x00\xff;x"), (b"",)), ttl=77
    )
    saved = tmp_path / "odd.zone"
    saved.write_text(zone_text([odd]))
    with ZoneServer([saved]) as server:
        (got,) = _ask(server, [("odd.example", "TXT")])
    assert got == replace(odd, records=tuple(sorted(odd.records)))
