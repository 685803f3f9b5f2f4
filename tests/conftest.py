"""Shared test parts: the fixture cases, a loopback DNS server, and a way to run the real CLI."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from analyzer.cli.runner import invoke
from tests.nanoserver import ZoneServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path

    @property
    def message(self) -> Path:
        return self.path / "message.eml"

    @property
    def zone(self) -> Path:
        return self.path / "zone"

    @property
    def expected(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.path / "expected.json").read_text())
        return data


def fixture_cases() -> list[Case]:
    return [Case(p.parent.name, p.parent) for p in sorted(FIXTURES.glob("*/expected.json"))]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    @property
    def text(self) -> str:
        """stdout with the text report's wrapping undone (render/layout.py), for phrase checks."""
        return unwrap(self.stdout)


def unwrap(text: str) -> str:
    """Lines wrapped to the terminal's width joined again: a space between words, nothing
    between two wide (CJK) characters."""
    return _WRAPPED.sub(lambda m: m[1] if _wide(m[1]) and _wide(m[2]) else m[1] + " ", text)


_WRAPPED = re.compile(r"(\S)\n +(?=(\S))")


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


def run_cli(*args: str, stdin: bytes | None = None) -> Run:
    """The real CLI in-process, stdout and stderr kept apart."""
    return Run(*invoke(list(args), stdin))


@pytest.fixture
def dns_server() -> Iterator[ZoneServer]:
    """A loopback DNS server serving every fixture zone at once."""
    with ZoneServer(sorted(FIXTURES.glob("*/zone"))) as server:
        yield server


_D_TAG = re.compile(rb"(?:^|;)\s*d\s*=\s*([A-Za-z0-9.-]+)")
_SOA = "ns.invalid. hostmaster.invalid. 1 900 900 1800 60"


def message_domains(messages: Iterable[Path]) -> set[str]:
    """Every domain the messages name as signer, sealer or author, and its organizational
    domain."""
    from analyzer.classify import organizational_domain
    from analyzer.message import parse_message

    found: set[str] = set()
    for message in messages:
        msg = parse_message(message.read_bytes())
        found |= {msg.from_domain} if msg.from_domain else set()
        for h in msg.headers:
            if h.lname in ("dkim-signature", "arc-seal", "arc-message-signature"):
                found |= {m.decode().lower() for m in _D_TAG.findall(h.value)}
    return found | {organizational_domain(d) for d in found}


def _soa_zone(path: Path, names: Iterable[str]) -> Path:
    path.write_text("$TTL 300\n" + "".join(f"{d}. IN SOA {_SOA}\n" for d in sorted(names)))
    return path


def records_gone_zone(path: Path, messages: Iterable[Path]) -> Path:
    """A zone where every domain the messages name still exists (its SOA) but holds no
    record: archived mail whose keys are all gone. (An empty zone is another case: a DNS
    that knows no name at all, as an offline machine or a captive resolver answers; the
    report then says so, issue 10.10.)"""
    return _soa_zone(path, message_domains(messages))


def top_level_zone(path: Path, messages: Iterable[Path]) -> Path:
    """The SOA of each top-level domain the messages' domains are under, as the real DNS
    has: served beside a zone of recovered records, a domain missing from it then reads as
    a domain that does not resolve, not as a DNS that knows nothing (issue 10.10)."""
    return _soa_zone(path, {d.rpartition(".")[2] for d in message_domains(messages)})
