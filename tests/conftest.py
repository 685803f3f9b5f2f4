"""Shared test parts: the fixture cases, a loopback DNS server, and a way to run the real CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.zoneserver import ZoneServer

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


def run_cli(*args: str, stdin: bytes | None = None) -> Run:
    """The real CLI in-process (typer's runner), stdout and stderr kept apart."""
    result = CliRunner().invoke(app, list(args), input=stdin, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def dns_server() -> Iterator[ZoneServer]:
    """A loopback DNS server serving every fixture zone at once."""
    with ZoneServer(sorted(FIXTURES.glob("*/zone"))) as server:
        yield server
