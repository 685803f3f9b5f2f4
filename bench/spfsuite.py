"""Agreement with the RFC 7208 test suite (the openspf.org suite, release 2014.04, as pyspf 2.0.14
ships it: tests/data/rfc7208/rfc7208-tests.yml, with its licence).

    python bench/spfsuite.py [--details]

Each scenario's zonedata is written as a zone file and served by the loopback DNS server
(tests/nanoserver.py, UDP and TCP); analyzer.spf.check_host asks it through the same
dnspython resolver the CLI uses. A test agrees when our result is one of the results the
suite accepts (several are allowed where the RFC leaves a choice), and, where the suite
gives an explanation, ours is the same.

Driver conventions, as pyspf's test driver applies them: a name's SPF (type 99) records are
also published as TXT unless the name has TXT records of its own ("Selecting records" is
the section that gives both); `TIMEOUT` for a name never answers. A TIMEOUT for one type
only (`- TXT: TIMEOUT`) cannot be expressed per type here: the whole name times out.

tests/test_spf.py imports this module and runs it under pytest (CI).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "data" / "rfc7208" / "rfc7208-tests.yml"
DNS_TIMEOUT = 0.2  # TIMEOUT names are never answered: keep the run short


@dataclass(frozen=True, slots=True)
class Outcome:
    scenario: str
    test: str
    spec: str
    expected: tuple[str, ...]
    ours: str
    detail: str | None
    explanation_expected: str | None = None
    explanation_ours: str | None = None

    @property
    def agrees(self) -> bool:
        if self.ours not in self.expected:
            return False
        if self.explanation_expected is None or self.ours != "fail":
            return True
        # "DEFAULT": the implementation's own default, i.e. no explanation from the record
        if self.explanation_expected == "DEFAULT":
            return self.explanation_ours is None
        return self.explanation_expected == self.explanation_ours


def _escape(data: bytes) -> str:
    """A zone-file character-string: printable ASCII as is, everything else \\DDD."""
    out = []
    for b in data:
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C):
            out.append(chr(b))
        else:
            out.append(f"\\{b:03d}")
    return '"' + "".join(out) + '"'


def _owner(name: str) -> str:
    labels = [lab for lab in name.rstrip(".").split(".")]
    safe = []
    for label in labels:
        safe.append("".join(c if c.isalnum() or c in "-_" else f"\\{ord(c):03d}" for c in label))
    return ".".join(safe) + "."


def zone_text(zonedata: dict[str, Any]) -> str:
    """The scenario's zonedata as master-file text (README of fixtures: `;!` lines for faults)."""
    lines = ["$TTL 300"]
    for name, rrs in zonedata.items():
        owner = _owner(name)
        if any(len(label) > 63 for label in name.split(".")) or len(owner) > 254:
            continue  # the DNS cannot hold it: the name does not exist
        has_txt = any(isinstance(rr, dict) and "TXT" in rr for rr in rrs)
        for rr in rrs:
            if rr == "TIMEOUT":
                lines.append(f";! {owner} TIMEOUT")
                continue
            for rdtype, value in rr.items():
                if value == "TIMEOUT":
                    lines.append(f";! {owner} TIMEOUT")
                    continue
                lines += _records(owner, rdtype, value, has_txt)
    return "\n".join(lines) + "\n"


def _records(owner: str, rdtype: str, value: Any, has_txt: bool) -> list[str]:
    if rdtype in ("TXT", "SPF"):
        strings = value if isinstance(value, list) else [value]
        if strings == ["NONE"]:
            return []
        data = " ".join(_escape(str(s).encode("utf-8", "surrogateescape")) for s in strings)
        data = data or '""'
        out = [f"{owner} IN TXT {data}"] if rdtype == "TXT" or not has_txt else []
        return out
    if rdtype == "MX":
        pref, host = value
        return [f"{owner} IN MX {pref} {_owner(host) if host else '.'}"]
    if rdtype in ("PTR", "CNAME"):
        return [f"{owner} IN {rdtype} {_owner(value)}"]
    if rdtype in ("A", "AAAA"):
        return [f"{owner} IN {rdtype} {value}"]
    return []


def scenarios(path: Path = SUITE) -> Iterator[dict[str, Any]]:
    import yaml

    with path.open("rb") as f:
        yield from yaml.safe_load_all(f)


def run(path: Path = SUITE) -> list[Outcome]:
    from analyzer.dns import DnsPythonResolver, Nameserver
    from analyzer.spf import check_host
    from tests.nanoserver import ZoneServer

    out: list[Outcome] = []
    for doc in scenarios(path):
        with ZoneServer(texts=[zone_text(doc.get("zonedata") or {})]) as server:
            resolver = DnsPythonResolver([Nameserver(server.host, server.port)], DNS_TIMEOUT)
            for name, t in doc["tests"].items():
                expected = t["result"] if isinstance(t["result"], list) else [t["result"]]
                mailfrom, helo = t.get("mailfrom") or "", t.get("helo") or ""
                if mailfrom:
                    domain = mailfrom.rpartition("@")[2]
                    sender = mailfrom if "@" in mailfrom else f"postmaster@{mailfrom}"
                else:
                    domain, sender = helo, f"postmaster@{helo}"
                ev = check_host(resolver, t["host"], domain, sender, helo)
                out.append(Outcome(
                    doc["description"], name, str(t.get("spec", "")), tuple(expected),
                    ev.result.value, ev.detail, t.get("explanation"), ev.explanation,
                ))  # fmt: skip
    return out


def main(argv: list[str]) -> int:
    outcomes = run()
    agree = [o for o in outcomes if o.agrees]
    print(f"RFC 7208 test suite: {len(agree)}/{len(outcomes)} tests agree "
          f"({100 * len(agree) / len(outcomes):.1f}%)")  # fmt: skip
    for o in outcomes:
        if not o.agrees and "--details" in argv:
            print(f"  {o.test} (§{o.spec}): expected {'/'.join(o.expected)}, ours {o.ours}"
                  f"{f' ({o.detail})' if o.detail else ''}"
                  f"{f'; explanation {o.explanation_ours!r} vs {o.explanation_expected!r}' if o.explanation_expected and o.ours == 'fail' and o.explanation_expected != o.explanation_ours else ''}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
