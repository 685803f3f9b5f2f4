"""The run's DNS: one resolver in the main process answers every worker, each name asked
once per run; a worker asks for all that its partition needs in one request.

    worker                          main process (LookupServer)
    pipeline.lookups(msg) ...  -->  Lookups: one job per name per run, DNS_THREADS at once,
    (one request a partition)       pipeline.ask() through the run's CachingResolver
    PrefetchedResolver  <--------   the answers (small values), kept for LOOKUP_TABLE names
    a miss: one query   -------->   the same CachingResolver

The workers reach it through a DnsService: a socket address and a per-run key, picklable,
so the same partition function runs in a local pool or elsewhere. If the service cannot
be reached, a worker asks DNS itself (worker_resolver, built in one place): the answers
are the same, only asked more than once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener
from typing import TYPE_CHECKING, Any

from analyzer.dns import CachingResolver, DnsPythonResolver, Resolver
from analyzer.model import DnsAnswer
from analyzer.pipeline import Lookup, ask

if TYPE_CHECKING:
    from analyzer.scan.work import Settings

DNS_THREADS = 32
ASK_AGAIN = 300.0  # seconds before a name's lookup job is run again (the cache keeps TTLs)
LOOKUP_TABLE = 4096  # names whose answers the main process keeps at hand (the cache too)


@dataclass(frozen=True, slots=True)
class DnsService:
    """Where a worker asks for DNS answers: the run's LookupServer (picklable)."""

    address: str | tuple[str, int]  # a socket path, or (host, port) for TCP
    authkey: bytes


def _norm(name: str) -> str:
    return name.lower().rstrip(".")


class PrefetchedResolver:
    """Answers from the answers prefetched for a partition; asks `fallback` for anything else."""

    def __init__(self, answers: dict[tuple[str, str], DnsAnswer], fallback: Resolver) -> None:
        self.answers = answers  # see by_name()
        self.fallback = fallback

    @staticmethod
    def by_name(answers: Iterable[DnsAnswer]) -> dict[tuple[str, str], DnsAnswer]:
        return {(_norm(a.name), a.rdtype.upper()): a for a in answers}

    @classmethod
    def for_partition(
        cls, answers: Iterable[DnsAnswer], settings: Settings, dns: DnsService | None
    ) -> PrefetchedResolver:
        fallback: Resolver = worker_resolver(settings)
        if dns is not None:
            fallback = _ServiceResolver(dns, fallback)
        return cls(cls.by_name(answers), fallback)

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        found = self.answers.get((_norm(name), rdtype.upper()))
        return found if found is not None else self.fallback.query(name, rdtype)


# --- the worker side --------------------------------------------------------------------

_own: dict[tuple[Any, ...], CachingResolver] = {}
_lock = threading.Lock()


def worker_resolver(settings: Settings) -> CachingResolver:
    """The one place a worker builds a resolver of its own (one per process and settings):
    the same nameservers and timeout as the main process's."""
    key = (settings.nameservers, settings.timeout)
    with _lock:
        if key not in _own:
            _own[key] = CachingResolver(DnsPythonResolver(settings.nameservers, settings.timeout))
        return _own[key]


_client: dict[
    str | tuple[str, int], tuple[int, Connection]
] = {}  # the service's address -> (pid, connection)
_client_lock = threading.Lock()


def _call(dns: DnsService, request: tuple[Any, ...]) -> Any:
    """One request to the service, on this process's connection (opened on first use)."""
    with _client_lock:
        held = _client.get(dns.address)
        if held is None or held[0] != os.getpid():
            for _, old in _client.values():  # an earlier run's (in-process scans)
                with contextlib.suppress(OSError):
                    old.close()
            _client.clear()
            held = _client[dns.address] = (os.getpid(), Client(dns.address, authkey=dns.authkey))
        try:
            held[1].send(request)
            reply = held[1].recv()
        except BaseException:
            _client.pop(dns.address, None)
            with contextlib.suppress(OSError):
                held[1].close()
            raise
    if isinstance(reply, BaseException):
        raise reply
    return reply


# The answers this worker was sent, by lookup name: (until when, answers). A partition asks
# the service only for the names it does not hold: after the first partitions, none.
_known: OrderedDict[str, tuple[float, tuple[DnsAnswer, ...]]] = OrderedDict()
_known_from: list[str | tuple[str, int]] = [""]  # the service they came from (not a past run's)


def answers_for(dns: DnsService | None, lookups: list[Lookup]) -> tuple[DnsAnswer, ...]:
    """Every answer `lookups` get, from the service (or from what it sent before, for as
    long as the service keeps them). Asking ahead is only a head start: if it fails, the
    worker asks what it needs through PrefetchedResolver's fallback."""
    if dns is None or not lookups:
        return ()
    now = time.monotonic()
    found: list[DnsAnswer] = []
    missing: list[Lookup] = []
    with _lock:
        if _known_from[0] != dns.address:
            _known.clear()
            _known_from[0] = dns.address
        for lookup in lookups:
            held = _known.get(lookup.name)
            if held is not None and held[0] > now:
                _known.move_to_end(lookup.name)
                found += held[1]
            else:
                missing.append(lookup)
    if not missing:
        return tuple(found)
    try:
        sent: list[tuple[str, float, tuple[DnsAnswer, ...]]] = _call(dns, ("plan", missing))
    except Exception:
        return tuple(found)
    with _lock:
        for name, seconds, answers in sent:
            found += answers
            _known[name] = (now + seconds, answers)
            _known.move_to_end(name)
        while len(_known) > LOOKUP_TABLE:
            _known.popitem(last=False)
    return tuple(found)


class _ServiceResolver:
    """One query through the service (the run's cache); the worker's own resolver if not."""

    def __init__(self, dns: DnsService, own: Resolver) -> None:
        self.dns = dns
        self.own = own

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        try:
            answer: DnsAnswer = _call(self.dns, ("query", name, rdtype))
            return answer
        except Exception:
            return self.own.query(name, rdtype)


# --- the main process's side ------------------------------------------------------------


def _guarded(lookup: Lookup, resolver: Resolver) -> tuple[DnsAnswer, ...]:
    """A lookup job. Asking ahead is only a head start: if it fails (a bug on a strange
    name), the worker asks what it needs itself, and the message is analysed all the same."""
    try:
        return ask(lookup, resolver)
    except Exception:
        return ()


class Lookups:
    """The main process's lookup jobs: one per name, shared by every partition that needs
    it, run again after ASK_AGAIN seconds (when the CachingResolver decides what the TTLs
    allow).

    Once a job is done only its answers are kept (small values, at most LOOKUP_TABLE names,
    least recently used first out), never its Future: a finished Future keeps its
    done-callbacks, and those would hold what waited for it (issue 11, item 3)."""

    def __init__(self, resolver: CachingResolver, threads: int = DNS_THREADS) -> None:
        self.resolver = resolver
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="dns")
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, tuple[float, tuple[DnsAnswer, ...]]] = OrderedDict()
        self._running: dict[str, Future[tuple[DnsAnswer, ...]]] = {}

    def get(self, lookup: Lookup) -> tuple[DnsAnswer, ...] | Future[tuple[DnsAnswer, ...]]:
        """The answers of `lookup` if known, else the Future of its job."""
        name = lookup.name
        with self._lock:
            known = self._answers.get(name)
            if known is not None and known[0] > self.resolver.clock():
                self._answers.move_to_end(name)
                return known[1]
            running = self._running.get(name)
            if running is not None:
                return running
            running = self._running[name] = self.pool.submit(_guarded, lookup, self.resolver)
        running.add_done_callback(functools.partial(self._store, name))
        return running

    def answers(self, lookups: Iterable[Lookup]) -> list[tuple[str, float, tuple[DnsAnswer, ...]]]:
        """(name, seconds it stays known, answers) of each of `lookups`, waiting for the
        jobs still running."""
        got = [(lookup.name, self.get(lookup)) for lookup in lookups]
        running = [g for _, g in got if isinstance(g, Future)]
        if running:
            wait(running)
        found = []
        for name, g in got:
            if isinstance(g, Future):
                if g.cancelled() or g.exception() is not None:
                    continue
                g = g.result()
            with self._lock:
                held = self._answers.get(name)
            left = held[0] - self.resolver.clock() if held is not None else 0.0
            found.append((name, max(left, 0.0), g))
        return found

    def _store(self, name: str, future: Future[tuple[DnsAnswer, ...]]) -> None:
        with self._lock:
            self._running.pop(name, None)
            if future.cancelled():
                return
            self._answers[name] = (self.resolver.clock() + ASK_AGAIN, future.result())
            self._answers.move_to_end(name)
            while len(self._answers) > LOOKUP_TABLE:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers) + len(self._running)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)  # lookups nobody waits for


class LookupServer:
    """The DnsService of one run, in the main process: a thread per connected worker.

    A local socket by default; `tcp=(host, port)` listens there instead, for workers on
    other machines (port 0: any free port; `service` has the one taken)."""

    def __init__(self, resolver: CachingResolver, tcp: tuple[str, int] | None = None) -> None:
        self.lookups = Lookups(resolver)
        self.resolver = resolver
        self._folder = tempfile.mkdtemp(prefix="dkim-analyzer-")
        key = secrets.token_bytes(16)
        if tcp is None:
            self._listener = Listener(os.path.join(self._folder, "dns"), "AF_UNIX", authkey=key)
        else:
            self._listener = Listener(tcp, "AF_INET", authkey=key)
        self.service = DnsService(self._listener.address, key)
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="dns-service", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn = self._listener.accept()
            except Exception:  # a worker that failed the handshake, or closed
                if self._closed:
                    return
                continue
            if self._closed:
                conn.close()
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        with conn:
            while True:
                try:
                    request = conn.recv()
                except (EOFError, OSError):
                    return
                try:
                    if request[0] == "plan":
                        reply: object = self.lookups.answers(request[1])
                    else:
                        reply = self.resolver.query(request[1], request[2])
                except Exception as e:  # the worker asks DNS itself
                    reply = e
                try:
                    conn.send(reply)
                except (OSError, ValueError):
                    return

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(Exception):  # wakes the accepting thread
            Client(self.service.address, authkey=self.service.authkey).close()
        self._listener.close()
        self.lookups.close()
        shutil.rmtree(self._folder, ignore_errors=True)
