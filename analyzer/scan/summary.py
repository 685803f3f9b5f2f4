"""The scan's summary: counts over the messages written so far (render/summary.py turns
it into text)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from sys import intern

from analyzer.model import ExitCode, Outcome
from analyzer.scan.work import EXIT_INTERNAL, EXIT_NOINPUT, ScanResult


@dataclass
class Summary:
    """Counts over the messages written so far; render/summary.py turns it into text."""

    messages: int = 0
    by_outcome: Counter[str] = field(default_factory=Counter)
    by_signature: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    reason_example: dict[str, str] = field(default_factory=dict)
    from_total: Counter[str] = field(default_factory=Counter)
    from_unaligned: Counter[str] = field(default_factory=Counter)
    dns_problems: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_example: dict[str, str] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    internal: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    arc: Counter[str] = field(default_factory=Counter)  # messages by ARC cv= (none not counted)
    rotated: int = 0  # signatures that passed at delivery whose key is likely rotated since

    def add(self, r: ScanResult) -> None:
        self.messages += 1
        if r.outcome is None:
            self.by_outcome["error"] += 1
            if r.exit_code == EXIT_NOINPUT:
                self.unreadable.append(f"{r.source}: {r.error}")
            elif r.exit_code == EXIT_INTERNAL:
                self.internal += 1
            kind = (r.error or "").split(":")[0]
            self.errors[kind] += 1
            self.error_example.setdefault(kind, r.source)
            return
        self.by_outcome[r.outcome.name.lower()] += 1
        if r.arc and r.arc != "none":
            self.arc[r.arc] += 1
        self.rotated += r.rotated
        # The keys by domain are what grows with the mailbox (12,500 domains: 7 MiB):
        # each result arrives with strings of its own (unpickled), so the same domain, and
        # every "author" and "nxdomain", would be held once per key that names it.
        if r.from_domain:
            domain = intern(r.from_domain)
            self.from_total[domain] += 1
            if r.outcome is not Outcome.PASS:
                self.from_unaligned[domain] += 1
        if not r.signatures:
            self.by_signature[("(none)", "-", "none")] += 1
        for s in r.signatures:
            key = (intern(s.domain or "?"), intern(s.classification), intern(s.result))
            self.by_signature[key] += 1
            if s.reason:
                self.reasons[s.reason] += 1
                self.reason_example.setdefault(s.reason, r.source)
            if s.dns_status and s.dns_status != "ok" and s.dns_name:
                self.dns_problems[(s.dns_name, intern(s.dns_status))] += 1

    def merge(self, later: Summary) -> None:
        """Add the counts of `later`, the summary of messages that come after these (one
        partition's, say): counts add up, lists follow, the examples kept are the first in
        input order. Field by field, so that a counter added here merges too; `seconds` is
        the run's, not a sum."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(later, f.name)
            if f.name == "seconds":
                continue
            if isinstance(mine, Counter):
                mine.update(theirs)
            elif isinstance(mine, dict):
                for key, value in theirs.items():
                    mine.setdefault(key, value)
            elif isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, bool):
                setattr(self, f.name, mine or theirs)
            elif isinstance(mine, int | float):
                setattr(self, f.name, mine + theirs)
            else:
                raise TypeError(f"Summary.{f.name}: no rule to merge {type(mine).__name__}")

    def exit_code(self) -> int:
        """Worst first: 70 (a bug), 66 (something unreadable), 1 (some message fails),
        65 (an entry is not a message), 75 (only temporary DNS failures), 0: ExitCode.worst."""
        seen = {
            ExitCode.SOFTWARE: self.internal, ExitCode.NOINPUT: self.unreadable,
            ExitCode.FAIL: self.by_outcome["fail"], ExitCode.DATAERR: self.by_outcome["error"],
            ExitCode.TEMPFAIL: self.by_outcome["temporary"],
        }  # fmt: skip
        return int(ExitCode.worst(code for code, count in seen.items() if count))
