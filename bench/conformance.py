"""Agreement with other implementations' own test suites (../shared/corpus).

    python bench/conformance.py [CORPUS_DIR] [--details]

Each corpus's zone.txt is served by the loopback DNS server (its `;! NAME TIMEOUT|SERVFAIL|
NXDOMAIN` lines included), the real CLI checks every case (`--now` the case's verification time, else
`--now now`: the corpora's Received dates are arbitrary), and each signature's verdict is compared with the expected one in three
categories: pass / temperror / other. The RFC 6376 answer (`rfc6376_result`) is used where the
corpus gives one; only `asserted` verdicts count toward the target.

RFC 8301 makes rsa-sha1 and RSA keys under 1024 bits unacceptable, so where a pre-RFC 8301
suite asserts "pass" we say `policy`. Two figures are printed: `strict` counts those as
disagreements; `rfc6376` counts them as agreements only when our JSON also says that both the
body hash and the header signature verified (the arithmetic agrees, the policy differs). The
README's "Conformance" section lists both.

tests/conformance/ imports this module and runs it under pytest (CI).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DNS_TIMEOUT = "0.3"  # the TIMEOUT names are never answered: keep the run short
POLICY_REASONS = ("weak_algorithm", "key_too_short")  # RFC 8301 §3.1, §3.2

# run(*cli_args) -> (exit_code, stdout): the real CLI, in-process (tests) or via CliRunner.
RunCli = Callable[..., tuple[int, str]]


@dataclass(frozen=True, slots=True)
class Comparison:
    corpus: str
    case: str
    index: int  # signature index; -1 for the message's ARC verdict
    expected: str  # pass | temperror | other (or an ARC cv)
    ours: str  # the same categories, "missing" when we report no such signature
    ours_detail: str  # our result/reason, for the disagreement list
    asserted: bool
    policy: bool = False  # ours is RFC 8301 policy on intact arithmetic; expected pass

    @property
    def agrees_strict(self) -> bool:
        return self.expected == self.ours and not self.policy

    @property
    def agrees(self) -> bool:
        return self.expected == self.ours

    @property
    def kind(self) -> str:
        return "arc" if self.index < 0 else "dkim"


def category(result: str) -> str:
    return result if result in ("pass", "temperror") else "other"


def expected_category(sig: dict[str, Any]) -> str | None:
    """The verdict to compare with, or None when the corpus does not know it."""
    result = sig.get("rfc6376_result") or sig["result"]
    if result in ("unknown", "none"):
        return None
    return category(str(result))


def our_category(sig: dict[str, Any]) -> tuple[str, bool]:
    """Our verdict's category, and whether it is RFC 8301 policy over intact arithmetic."""
    if (
        sig["result"] == "policy"
        and sig["reason"] in POLICY_REASONS
        and sig["header_signature_valid"] is True
        and sig["body_hash_valid"] is True
    ):
        return "pass", True
    return category(sig["result"]), False


def cases(corpus: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for expected in sorted(corpus.glob("cases/*/expected.json")):
        yield expected.parent, json.loads(expected.read_text())


def compare_case(
    corpus: str,
    case: Path,
    expected: dict[str, Any],
    message: dict[str, Any],
    arc_message: dict[str, Any] | None = None,
) -> list[Comparison]:
    """`arc_message` is the report on the file the ARC verdict applies to, when not message.eml."""
    ours = {s["index"]: s for s in message.get("signatures", [])}
    out: list[Comparison] = []
    for sig in expected.get("signatures", []):
        want = expected_category(sig)
        if want is None:
            continue
        mine = ours.get(sig["index"])
        if mine is None:
            got, policy, detail = "missing", False, message.get("error", "no such signature")
        else:
            got, policy = our_category(mine)
            detail = f"{mine['result']}/{mine['reason']}" + (
                f" ({mine['detail']})" if mine.get("detail") else ""
            )
        out.append(
            Comparison(corpus, case.name, sig["index"], want, got, detail,
                       bool(sig.get("asserted")), policy)
        )  # fmt: skip
    arc = expected.get("arc")
    if arc and "cv" in arc:
        ours_arc = (arc_message or message).get("arc")
        got = "unavailable" if not isinstance(ours_arc, dict) else str(ours_arc.get("cv"))
        out.append(
            Comparison(corpus, case.name, -1, str(arc["cv"]).lower(), got.lower(), got,
                       bool(arc.get("asserted")))
        )  # fmt: skip
    return out


def run_corpus(corpus: Path, run: RunCli) -> list[Comparison]:
    """Serve the corpus's zone on loopback and check every case with the CLI."""
    from tests.nanoserver import ZoneServer

    out: list[Comparison] = []
    with ZoneServer([corpus / "zone.txt"]) as server:
        for case, expected in cases(corpus):
            args = ["check", "--format", "json", "--nameserver", server.address]
            args += ["--timeout", DNS_TIMEOUT]
            # The corpora's expectations hold as of the case's verify_time, else as of now (their
            # Received dates are arbitrary): never the `delivery` default.
            when = expected.get("verify_time")
            args += ["--now", "now" if when is None else str(when)]
            [message] = _check(run, args, case / "message.eml")
            applies_to = (expected.get("arc") or {}).get("applies_to", "message.eml")
            arc_message = None
            if applies_to != "message.eml":  # valimail_arc_sign: the derived sealed.eml
                [arc_message] = _check(run, args, case / applies_to)
            out.extend(compare_case(corpus.name, case, expected, message, arc_message))
    return out


def _check(run: RunCli, args: list[str], path: Path) -> list[dict[str, Any]]:
    _, stdout = run(*args, str(path))
    messages: list[dict[str, Any]] = json.loads(stdout)["messages"]
    return messages


def corpora(root: Path = CORPUS) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/zone.txt"))


@dataclass(frozen=True, slots=True)
class Tally:
    asserted: int
    strict: int
    agreed: int
    policy: int
    unasserted: int
    unasserted_agreed: int

    @classmethod
    def of(cls, rows: list[Comparison]) -> Tally:
        a = [r for r in rows if r.asserted]
        u = [r for r in rows if not r.asserted]
        return cls(
            len(a),
            sum(r.agrees_strict for r in a),
            sum(r.agrees for r in a),
            sum(r.policy and r.agrees for r in a),
            len(u),
            sum(r.agrees for r in u),
        )

    @property
    def rate(self) -> float:
        return self.agreed / self.asserted if self.asserted else 1.0

    @property
    def strict_rate(self) -> float:
        return self.strict / self.asserted if self.asserted else 1.0


def report(rows: list[Comparison], details: bool = True) -> str:
    """Agreement per corpus and overall, then every asserted disagreement."""
    lines = [
        f"{'corpus':26} {'kind':4} {'asserted':>8} {'rfc6376':>14} {'strict':>14}"
        f" {'policy':>6} {'unasserted':>11}"
    ]
    names = sorted({r.corpus for r in rows})
    for kind in ("dkim", "arc"):
        krows = [r for r in rows if r.kind == kind]
        if kind == "arc" and krows and all(r.ours == "unavailable" for r in krows):
            lines.append(
                f"ARC: {len(krows)} expected cv verdicts; not yet available (no 'arc' key)"
            )
            continue
        for name in [*names, "ALL"]:
            sub = [r for r in krows if name in ("ALL", r.corpus)]
            if not sub:
                continue
            t = Tally.of(sub)
            lines.append(
                f"{name:26} {kind:4} {t.asserted:8} {t.agreed:5} {t.rate:7.1%}"
                f" {t.strict:5} {t.strict_rate:7.1%} {t.policy:6}"
                f" {t.unasserted_agreed:4}/{t.unasserted:<6}"
            )
    if details:
        wrong = [r for r in rows if r.asserted and not r.agrees and r.ours != "unavailable"]
        if wrong:
            lines.append("\nasserted disagreements:")
            lines += [
                f"  {r.corpus}/{r.case}#{r.index}: expected {r.expected}, ours {r.ours_detail}"
                for r in wrong
            ]
    return "\n".join(lines)


def cli_runner() -> RunCli:
    from analyzer.cli.runner import invoke

    def run(*args: str) -> tuple[int, str]:
        code, stdout, _ = invoke(args)
        return code, stdout

    return run


def main(argv: list[str]) -> int:
    root = Path(next((a for a in argv if not a.startswith("-")), CORPUS))
    if not root.is_dir():
        print(f"conformance: no corpus at {root}", file=sys.stderr)
        return 2
    run = cli_runner()
    rows = [row for corpus in corpora(root) for row in run_corpus(corpus, run)]
    print(report(rows, details="--quiet" not in argv))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
