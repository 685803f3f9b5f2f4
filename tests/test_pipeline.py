"""The scan worker's short ways through analyze_message (issue 15) give the long way's report:
answers held by the resolver (PrefetchedResolver, CachingResolver: dns.HoldingResolver) taken
without the lookup layers, the receiver record and SPF identity made once for the plan, and
the caches of spf.py and trace.py, on every fixture and every realmail message."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer import spf, trace
from analyzer.dns import ResolverSpec
from analyzer.message import parse_message
from analyzer.model import DnsAnswer, Report
from analyzer.pipeline import analyze, analyze_message, ask, lookups
from analyzer.scan.plan import PrefetchedResolver
from analyzer.signatures import extract
from tests.conftest import FIXTURES, ROOT

NOW = 1763903600
REALMAIL = ROOT.parent / "shared" / "realmail"
CASES = [(p, p.parent / "zone") for p in sorted(FIXTURES.glob("*/message.eml"))] + [
    (p, REALMAIL / "keys.zone") for p in sorted((REALMAIL / "messages").glob("*.eml"))
]


class _Asking:
    """The long way: a Resolver that holds nothing (no `held`), asking the zones each time."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        return self.inner.query(name, rdtype)  # type: ignore[attr-defined, no-any-return]


def _short_way(raw: bytes, resolver: object) -> Report:
    """What scan's worker does: the plan's answers held, the receiver record and SPF
    identity made for pipeline.lookups, then analyze_message."""
    msg = parse_message(raw)
    signatures = extract(msg.headers)
    receiver = trace.receiver_record(msg)
    identity = spf.identify(msg, receiver)
    answers = [a for lk in lookups(msg, signatures, receiver, identity) for a in ask(lk, resolver)]  # type: ignore[arg-type]
    held = PrefetchedResolver(PrefetchedResolver.by_name(answers), resolver)  # type: ignore[arg-type]
    return analyze_message(msg, held, now=NOW, signatures=signatures, receiver=receiver,
                           spf_identity=identity)  # fmt: skip


@pytest.mark.parametrize(
    "path, zone", CASES, ids=lambda x: x.parent.name if x.name == "message.eml" else x.stem
)
def test_held_answers_and_the_plan_s_values_give_the_long_way_s_report(
    path: Path, zone: Path
) -> None:
    if not zone.is_file():
        pytest.skip("no zone")
    raw = path.read_bytes()
    spec = ResolverSpec.from_options(zones=[zone])
    with spec.open() as long_zones, spec.open() as short_zones:
        expected = analyze(raw, _Asking(long_zones), now=NOW)
        twice = [_short_way(raw, short_zones) for _ in range(2)]  # the caches filled, then hit
    assert twice[0] == expected and twice[1] == expected
