"""Kept results of functions that read DNS (issue 15): dmarc.lookup and spf.check_host,
which every message of a domain repeats, given again only for the same answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from analyzer.model import DnsAnswer

if TYPE_CHECKING:
    from analyzer.dns import Resolver

_K = TypeVar("_K")
_T = TypeVar("_T")


class Replayed(Generic[_K, _T]):
    """Results of a function that is pure in its arguments and the DNS answers it reads,
    kept by its arguments with the questions it asked, for the lookups every message of a
    domain repeats (dmarc.lookup, spf.check_host; issue 15).

    A kept result is given again only after its questions are asked again, in order, of the
    resolver given now, and each gets an answer equal to the one it got: what the function
    would have read, so it would have asked the same and returned an equal result. The
    resolver sees the same queries either way (a message's DNS budget is spent the same).
    At the first answer that differs, the function runs, served the answers asked so far
    first (the same questions, asked once) and then the resolver. Bounded: `entries` kept,
    oldest out first, and none whose answers hold more than `max_bytes`."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self._held: dict[_K, tuple[tuple[tuple[str, str, DnsAnswer], ...], _T]] = {}
        self._lock = threading.Lock()

    def get(
        self,
        key: _K,
        resolver: Resolver,
        run: Callable[[Resolver], _T],
        usable: Callable[[_T], bool] | None = None,
    ) -> _T:
        """run(resolver), or the result kept for `key` (and `usable`, when given: a kept
        result it refuses is made again, and the new one kept)."""
        asked: list[DnsAnswer] = []
        held = self._held.get(key)
        if held is not None and usable is not None and not usable(held[1]):
            held = None
        if held is not None:
            questions, result = held
            for name, rdtype, answer in questions:
                got = resolver.query(name, rdtype)
                asked.append(got)
                if got is not answer and got != answer:
                    break
            else:
                return result
        recorder = _Recorder(resolver, held[0] if held else (), asked)
        result = run(recorder)
        if recorder.size <= self.max_bytes:
            with self._lock:
                self._held.pop(key, None)
                self._held[key] = (tuple(recorder.questions), result)
                while len(self._held) > self.entries:
                    del self._held[next(iter(self._held))]
        return result

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


class _Recorder:
    """The resolver a Replayed function runs over: the answers already asked again first
    (where the same questions come), then `resolver`; it records every question and answer."""

    def __init__(
        self,
        resolver: Resolver,
        before: tuple[tuple[str, str, DnsAnswer], ...],
        asked: list[DnsAnswer],
    ) -> None:
        self.resolver = resolver
        self.replay = [(q[0], q[1], a) for q, a in zip(before, asked, strict=False)]
        self.questions: list[tuple[str, str, DnsAnswer]] = []
        self.size = 0

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        n = len(self.questions)
        if n < len(self.replay) and self.replay[n][:2] == (name, rdtype):
            answer = self.replay[n][2]
        else:
            answer = self.resolver.query(name, rdtype)
        self.questions.append((name, rdtype, answer))
        self.size += len(name) + sum(len(s) for r in answer.records for s in r)
        return answer
