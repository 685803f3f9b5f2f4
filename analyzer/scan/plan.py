"""The run's DNS: one resolver in the main process answers every worker, each name asked
once per run; a worker asks for all that its partition needs in one request.

    worker                          main process (LookupServer)
    pipeline.lookups(msg) ...  -->  Lookups: one job per name per run, DNS_THREADS at once,
    (one request a partition)       pipeline.ask() through the run's CachingResolver
    PrefetchedResolver  <--------   the answers (small values), kept for LOOKUP_TABLE names
    a miss: one query   -------->   the same CachingResolver (its answer kept too)

The workers reach it through a DnsService: a socket address and a per-run key, picklable,
so the same partition function runs in a local pool or elsewhere. If the service cannot
be reached, a worker asks DNS itself (worker_resolver, built in one place): the answers
are the same, only asked more than once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import (
    Client,
    Connection,
    Listener,
    answer_challenge,
    deliver_challenge,
)
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from analyzer.dns import MESSAGE_DNS_SECONDS, CachingResolver, Resolver, ResolverSpec
from analyzer.model import DnsAnswer, DnsStatus
from analyzer.pipeline import Lookup, ask
from analyzer.scan import wire

if TYPE_CHECKING:
    from analyzer.scan.work import Settings

wire.register(DnsAnswer)  # the plan's replies
wire.register(Lookup)  # ... and requests

DNS_THREADS = 32
ASK_AGAIN = 300.0  # seconds before a name's lookup job is run again (the cache keeps TTLs)
LOOKUP_TABLE = 256  # names whose answers the main process keeps at hand (the cache too)
# A worker waits at most this long with nothing from the service, then asks DNS itself.
SILENCE = 2 * MESSAGE_DNS_SECONDS
HANDSHAKE = 10.0  # seconds a connection has to prove it knows the run's key


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
        self._fallback_held: Callable[[str, str], DnsAnswer | None] | None = getattr(
            fallback, "held", None
        )

    @staticmethod
    def by_name(answers: Iterable[DnsAnswer]) -> dict[tuple[str, str], DnsAnswer]:
        return {(_norm(a.name), a.rdtype.upper()): a for a in answers}

    def held(self, name: str, rdtype: str = "TXT") -> DnsAnswer | None:
        """The answer prefetched, else what the fallback holds (dns.HoldingResolver)."""
        found = self.answers.get((name.lower().rstrip("."), rdtype.upper()))  # (_norm's key)
        if found is None and self._fallback_held is not None:
            return self._fallback_held(name, rdtype)
        return found

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        found = self.answers.get((_norm(name), rdtype.upper()))
        return found if found is not None else self.fallback.query(name, rdtype)


# --- the worker side --------------------------------------------------------------------

_own: dict[ResolverSpec, CachingResolver] = {}
_lock = threading.Lock()
_opened = contextlib.ExitStack()  # the workers' resolvers, open for the process's life


def worker_resolver(settings: Settings) -> CachingResolver:
    """The one place a worker builds a resolver of its own (one per process and settings):
    from the main process's ResolverSpec (nameservers, timeout, zone files)."""
    with _lock:
        if settings.dns not in _own:
            _own[settings.dns] = _opened.enter_context(settings.dns.open())
        return _own[settings.dns]


class ServiceClosed(Exception):
    """The run's DNS service has shut down (Ctrl-C): nobody waits for this partition."""


class _Channel:
    """This thread's connection to the service (a Dask worker runs partitions in several
    threads of one process: a connection read by two threads would lose replies). Requests
    carry a number and are answered as their answers are known, in any order, so a worker
    can send several before it reads the first answer, and analyse the message whose
    answers came first."""

    def __init__(self, dns: DnsService) -> None:
        self.conn = Client(dns.address, authkey=dns.authkey)
        self.pid = os.getpid()
        self.sent = 0
        self.early: dict[int, Any] = {}  # replies read, not taken yet

    def send(self, request: tuple[Any, ...]) -> int:
        self.sent += 1
        self.conn.send((self.sent, *request))
        return self.sent

    def receive(self, number: int) -> Any:
        """The reply to request `number`. Bounded: TimeoutError after SILENCE seconds with
        nothing from the service (a wait that nothing ends is a hung scan)."""
        while number not in self.early:
            if not self.conn.poll(SILENCE):
                raise TimeoutError(f"no answer from the run's DNS service in {SILENCE:g} s")
            got, reply = self.conn.recv()
            self.early[got] = reply
        reply = self.early.pop(number)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def read_arrived(self) -> None:
        """Read the replies already here, without waiting."""
        while self.conn.poll(0):
            got, reply = self.conn.recv()
            self.early[got] = reply


_local = threading.local()  # .channels: this thread's, the service's address -> channel
# What a message's answers come in: the plan requests (channel, number) that ask its
# lookups, its own and those of earlier messages of the partition that asked the same names.
Ticket = tuple[tuple[_Channel, int], ...]


def _channels() -> dict[str | tuple[str, int], _Channel]:
    if not hasattr(_local, "channels"):
        _local.channels = {}
    held: dict[str | tuple[str, int], _Channel] = _local.channels
    return held


def _channel(dns: DnsService) -> _Channel:
    """This thread's channel to `dns` (opened on first use; an earlier run's is closed)."""
    channels = _channels()
    held = channels.get(dns.address)
    if held is None or held.pid != os.getpid():
        for old in channels.values():
            with contextlib.suppress(OSError):
                old.conn.close()
        channels.clear()
        held = channels[dns.address] = _Channel(dns)
    return held


def _drop(dns: DnsService) -> None:
    held = _channels().pop(dns.address, None)
    if held is not None:
        with contextlib.suppress(OSError):
            held.conn.close()


# The answers this worker was sent, by lookup name: (until when, answers by (name, type), as
# PrefetchedResolver holds them). A partition asks the service only for the names it does
# not hold: after the first partitions, none.
K = TypeVar("K")
V = TypeVar("V")


class _Held(Generic[K, V]):
    """Values kept until a time, at most LOOKUP_TABLE, least recently used first out; shared
    by the threads a Dask worker runs partitions in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K, now: float) -> V | None:
        with self._lock:
            held = self._values.get(key)
            if held is None or held[0] <= now:
                return None
            self._values.move_to_end(key)
            return held[1]

    def put(self, key: K, until: float, value: V) -> None:
        with self._lock:
            self._values[key] = (until, value)
            self._values.move_to_end(key)
            while len(self._values) > LOOKUP_TABLE:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_known: _Held[str, dict[tuple[str, str], DnsAnswer]] = _Held()
# ... and the single answers no plan foresaw (an SPF macro's name: %{i}, %{s}; a ptr), by
# (name, type), kept as long: one query per name per worker, not one per message.
_queried: _Held[tuple[str, str], DnsAnswer] = _Held()
# ... and the names asked ahead for partitions to come (Planner.warm), whose answers
# nobody waits for: each asked once per ASK_AGAIN seconds.
_warmed: _Held[str, bool] = _Held()
_known_from: list[str | tuple[str, int]] = [""]  # the service they came from (not a past run's)


class Planner:
    """A partition's DNS plan, in a worker: `ask` sends the lookups of a message as soon as
    it is parsed (only names not known or asked yet), `wait` takes the answers before that
    message is analysed, so DNS runs while the worker parses and analyses the others;
    `first_ready` says which message's answers are all in, so that a message waiting for a
    slow lookup does not hold up the others of its partition.

    Asking ahead is only a head start: if the service fails, the worker asks what it needs
    through the resolver's fallback (worker_resolver), and the message is analysed all the
    same."""

    def __init__(self, dns: DnsService | None, settings: Settings) -> None:
        self.dns = dns
        fallback: Resolver = worker_resolver(settings)
        if dns is not None:
            fallback = _ServiceResolver(dns, fallback)
        self.resolver = PrefetchedResolver({}, fallback)
        # Each name asked in this partition: the request that asks it (None: known here).
        self._asked: dict[str, tuple[_Channel, int] | None] = {}
        self._taken: set[tuple[_Channel, int]] = set()  # requests whose answers are in
        self._warming: list[Lookup] = []  # see warm()
        if dns is not None and _known_from[0] != dns.address:
            _known.clear()
            _queried.clear()
            _warmed.clear()
            _known_from[0] = dns.address

    def ask(self, lookups: list[Lookup]) -> Ticket:
        """Send the lookups not known yet; returns what their answers come in."""
        if self.dns is None:
            return ()
        now = time.monotonic()
        missing: list[Lookup] = []
        needs: list[tuple[_Channel, int]] = []
        for lookup in lookups:
            name = lookup.name
            if name in self._asked:
                request = self._asked[name]
                if request is not None and request not in needs:
                    needs.append(request)
                continue
            self._asked[name] = None
            held = _known.get(name, now)
            if held is not None:
                self.resolver.answers.update(held)
            else:
                missing.append(lookup)
        if not missing:
            return tuple(needs)
        try:
            channel = _channel(self.dns)
            request = (channel, channel.send(("plan", tuple(missing))))
        except Exception:
            _drop(self.dns)
            return tuple(needs)
        for lookup in missing:
            self._asked[lookup.name] = request
        return (*needs, request)

    def warm(self, lookups: list[Lookup]) -> None:
        """Lookups of a message to come (a partition after this one) that nobody has asked
        yet, to be started by the service at the next send_warm(); no answer is sent back
        or waited for: the partition that needs them finds them known, or on their way."""
        if self.dns is None:
            return
        now = time.monotonic()
        for lookup in lookups:
            name = lookup.name
            if (
                name not in self._asked
                and _known.get(name, now) is None
                and _warmed.get(name, now) is None
            ):
                _warmed.put(name, now + ASK_AGAIN, True)
                self._warming.append(lookup)

    def send_warm(self) -> None:
        """The lookups warm() gathered, to the service in one request."""
        if self.dns is None or not self._warming:
            return
        try:
            _channel(self.dns).send(("warm", tuple(self._warming)))
        except Exception:
            _drop(self.dns)
        self._warming.clear()

    def first_ready(self, tickets: list[Ticket], idle: Callable[[], bool] | None = None) -> int:
        """The index of the first of `tickets` whose answers are all in, waiting for the
        service's next reply while none is (0 when the service is silent for SILENCE
        seconds or fails: wait() then finds out, and the worker asks DNS itself). While
        none is in, `idle` is called (if given) until it returns False: a step of other
        work that gives up the wait (the next message's lookups asked ahead)."""
        if self.dns is None:
            return 0
        current = _channels().get(self.dns.address)
        if current is None:
            return 0
        try:
            while True:
                current.read_arrived()
                for k, ticket in enumerate(tickets):
                    if all(
                        request in self._taken
                        or request[0] is not current
                        or request[1] in current.early
                        for request in ticket
                    ):
                        return k
                if idle is not None and not current.conn.poll(0) and idle():
                    continue
                idle = None
                if not current.conn.poll(SILENCE):
                    return 0
        except Exception:
            return 0

    def wait(self, ticket: Ticket) -> None:
        """The answers of the requests `ticket` holds, into the resolver. A request on a
        channel dropped since (a failure after it was sent, which opened a new connection)
        has no answer to wait for: the worker asks DNS itself."""
        if self.dns is None:
            return
        for request in ticket:
            if request in self._taken:
                continue
            channel, number = request
            if _channels().get(self.dns.address) is not channel:
                continue
            try:
                sent: list[tuple[str, float, tuple[DnsAnswer, ...]]] = channel.receive(number)
            except ServiceClosed:
                raise
            except Exception:
                _drop(self.dns)
                continue
            self._taken.add(request)
            now = time.monotonic()
            for name, seconds, answers in sent:
                by_name = PrefetchedResolver.by_name(answers)
                self.resolver.answers.update(by_name)
                _known.put(name, now + seconds, by_name)


class _ServiceResolver:
    """One query through the service (the run's cache), its answer kept for ASK_AGAIN
    seconds as the plan's are (at most LOOKUP_TABLE, least recently used first out); the
    worker's own resolver if the service cannot be reached."""

    def __init__(self, dns: DnsService, own: Resolver) -> None:
        self.dns = dns
        self.own = own

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        key = (_norm(name), rdtype.upper())
        now = time.monotonic()
        held = _queried.get(key, now)
        if held is not None:
            return held
        try:
            channel = _channel(self.dns)
            answer: DnsAnswer = channel.receive(channel.send(("query", name, rdtype)))
        except ServiceClosed:
            raise
        except Exception:
            _drop(self.dns)
            return self.own.query(name, rdtype)
        if answer.status is not DnsStatus.LOCAL:  # about this machine, not about the name
            _queried.put(key, now + ASK_AGAIN, answer)
        return answer


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
            running = self._running[name] = self.pool.submit(self._job, lookup)
        running.add_done_callback(functools.partial(self._forget, name))
        return running

    def answers(
        self, started: list[tuple[Lookup, tuple[DnsAnswer, ...] | Future[tuple[DnsAnswer, ...]]]]
    ) -> list[tuple[str, float, tuple[DnsAnswer, ...]]]:
        """(name, seconds it stays known, answers) of each lookup that `get` gave, waiting
        for the jobs still running."""
        found = []
        for lookup, g in started:
            name = lookup.name
            if isinstance(g, Future):
                # Not concurrent.futures.wait(): a Future cancelled by the pool's shutdown
                # (close(), at Ctrl-C) never wakes it, and this thread (and the worker
                # waiting for this reply) would wait for ever. result() is woken by cancel().
                try:
                    g = g.result()
                except Exception:  # cancelled: the run is over; the worker asks itself
                    continue
            with self._lock:
                held = self._answers.get(name)
            left = held[0] - self.resolver.clock() if held is not None else 0.0
            found.append((name, max(left, 0.0), g))
        return found

    def _job(self, lookup: Lookup) -> tuple[DnsAnswer, ...]:
        """A lookup job, its answers kept before its Future is done: `answers` reads how long
        they stay known as soon as result() returns, and a done-callback may run after that
        (a lifetime of 0 s there made the worker ask the same name again)."""
        answers = _guarded(lookup, self.resolver)
        with self._lock:
            self._running.pop(lookup.name, None)
            self._answers[lookup.name] = (self.resolver.clock() + ASK_AGAIN, answers)
            self._answers.move_to_end(lookup.name)
            while len(self._answers) > LOOKUP_TABLE:
                self._answers.popitem(last=False)
        return answers

    def _forget(self, name: str, future: Future[tuple[DnsAnswer, ...]]) -> None:
        """A job that did not end in _job's own way (cancelled at shutdown) is not running."""
        with self._lock:
            if self._running.get(name) is future:
                del self._running[name]

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
        # No authkey for the Listener: its accept() would run the handshake in the one
        # accepting thread, which a connection that never answers would hold for ever
        # (every later worker, and close(), waiting behind it). Each connection's own
        # thread runs it instead, bounded (_handshake).
        if tcp is None:
            self._listener = Listener(os.path.join(self._folder, "dns"), "AF_UNIX")
        else:
            self._listener = Listener(tcp, "AF_INET")
        self.service = DnsService(self._listener.address, key)
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="dns-service", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn = self._listener.accept()
            except Exception:  # closed
                if self._closed:
                    return
                continue
            if self._closed:
                conn.close()
                return
            threading.Thread(
                target=self._serve, args=(conn,), name="dns-serve", daemon=True
            ).start()

    def _serve(self, conn: Connection) -> None:
        """One worker's requests: each plan's lookups start as soon as it arrives, and its
        reply is sent when they are all known, from a thread of its own: a plan waiting for
        a slow lookup holds up no later one (the worker analyses the message whose answers
        came first). A single query runs as a lookup job too, for the same reason."""
        if not self._handshake(conn):
            conn.close()
            return
        replies: queue.Queue[tuple[int, Any] | None] = queue.Queue()
        sender = threading.Thread(
            target=self._answer, args=(conn, replies), name="dns-reply", daemon=True
        )
        sender.start()
        while True:
            try:
                number, kind, *args = conn.recv()
            except (EOFError, OSError, ValueError, TypeError):
                break
            try:
                if kind == "plan":
                    started = [(lookup, self.lookups.get(lookup)) for lookup in args[0]]
                    _when_done(
                        [g for _, g in started if isinstance(g, Future)],
                        functools.partial(replies.put, (number, ("plan", started))),
                    )
                elif kind == "warm":  # started for partitions to come: no reply
                    for lookup in args[0]:
                        self.lookups.get(lookup)
                else:
                    job = self.lookups.pool.submit(self.resolver.query, args[0], args[1])
                    _when_done([job], functools.partial(replies.put, (number, ("query", job))))
            except Exception as e:  # shut down: the worker asks DNS itself
                replies.put((number, ("error", e)))
        replies.put(None)

    def _handshake(self, conn: Connection) -> bool:
        """Listener.accept()'s challenge both ways (the run's key), hung up after HANDSHAKE
        seconds: a silent connection ends, not a thread held for ever."""
        timer = threading.Timer(HANDSHAKE, _hang_up, (conn,))
        timer.start()
        try:
            deliver_challenge(conn, self.service.authkey)
            answer_challenge(conn, self.service.authkey)
            return not self._closed
        except Exception:  # the wrong key, a connection closed or hung up
            return False
        finally:
            timer.cancel()

    def _answer(self, conn: Connection, replies: queue.Queue[tuple[int, Any] | None]) -> None:
        with conn:
            while (item := replies.get()) is not None:
                number, (kind, *args) = item
                try:
                    if kind == "plan":
                        reply: object = self.lookups.answers(args[0])
                    elif kind == "query":
                        reply = args[0].result()
                    else:
                        reply = args[0]
                except Exception as e:
                    reply = e
                if self._closed:  # the run is over: the worker stops, asks nobody else
                    reply = ServiceClosed()
                try:
                    conn.send((number, reply))
                except (OSError, ValueError):
                    return

    def close(self) -> None:
        self._closed = True
        # Wakes the accepting thread: a bare connection, no handshake to wait for (the
        # accepting thread may be gone, or a connection may be queued before this one).
        family = socket.AF_UNIX if isinstance(self.service.address, str) else socket.AF_INET
        with contextlib.suppress(OSError), socket.socket(family) as wake:
            wake.settimeout(1.0)
            wake.connect(self.service.address)
        self._listener.close()
        self.lookups.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def _when_done(jobs: list[Future[Any]], then: Callable[[], object]) -> None:
    """Call `then` once every one of `jobs` is done (cancelled too; at once if none is
    running), in the thread that ends the last. The callbacks hold only a counter and
    `then`, dropped when it has run: a finished Future keeps its done-callbacks, and one
    that held the reply would keep it as long as the Future is referenced."""
    if not jobs:
        then()
        return
    left = [len(jobs)]
    pending = [then]
    lock = threading.Lock()

    def one_done(_: Future[Any]) -> None:
        with lock:
            left[0] -= 1
            last = pending.pop() if left[0] == 0 else None
        if last is not None:
            last()

    for job in jobs:
        job.add_done_callback(one_done)


def _hang_up(conn: Connection) -> None:
    """End a connection another thread is reading: shutdown() wakes its read (close()
    alone may not)."""
    with contextlib.suppress(OSError), socket.socket(fileno=os.dup(conn.fileno())) as s:
        s.shutdown(socket.SHUT_RDWR)
