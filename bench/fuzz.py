"""Fuzz the whole pipeline with mutated messages and mutated DNS answers.

    python bench/fuzz.py [--count 100000] [--seed 1]

Each input is a seed message (the fixtures, plus the conformance corpus when present),
given another message's ARC sets (and keys) in one of ARC_EVERY cases when it has none, then
mutated at the byte, line and tag level (ARC tokens included), checked by analyze() and rendered as text and
JSON. Its DNS comes from a DictResolver holding mutated answers (any status, broken and
huge TXT records, garbage CNAME chains), or, for one input in LOOPBACK_EVERY, from the
real resolver over loopback: either the ZoneServer holding garbage records, CNAME loops
and long chains, or a responder that answers every query with a corrupted DNS message.

Reported: every exception that escapes (other than NotAMessageError, the documented
"not a message" answer), every input taking over a second, total time and peak memory.
Each input is rebuilt from (seed, number), so `--seed S --only N` replays one.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import dns.message  # noqa: E402
import dns.rrset  # noqa: E402
from dictdns import DictResolver, Records, records_from_zone  # noqa: E402

from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver  # noqa: E402
from analyzer.errors import NotAMessageError  # noqa: E402
from analyzer.model import DnsAnswer, DnsStatus  # noqa: E402
from analyzer.pipeline import analyze  # noqa: E402
from analyzer.render import json as json_render  # noqa: E402
from analyzer.render import text as text_render  # noqa: E402
from tests.nanoserver import ZoneServer  # noqa: E402

SLOW = 1.0  # seconds: an input slower than this is reported
LOOPBACK_EVERY = 50
GARBAGE_NAMES = 64
DNS_MAX = 65_000  # bytes of TXT data in one answer: a DNS message is at most 64 KB
MAX_INPUT = 1 << 20  # mutations stop growing an input past this (the 100 MiB limit has its test)
TOKENS = [
    b"DKIM-Signature: ", b"v=1; ", b"a=rsa-sha256; ", b"a=ed25519-sha256; ", b"a=rsa-sha1; ",
    b"c=relaxed/relaxed; ", b"c=simple/simple; ", b"l=0; ", b"l=" + b"9" * 76 + b"; ",
    b"t=1; ", b"x=1; ", b"h=from:from:to:x:y; ", b"i=@sub.example.com; ", b"i==40; ", b"q=x; ",
    b"bh=; ", b"b=; ", b";", b"=", b":", b"\r\n", b"\r\n\r\n", b"\r\n\t", b"\n", b"\r", b" ",
    b"\t" * 50, b"\x00", b"\xff\xfe", b"=?utf-8?q?=0A=1B?=", "\u202e".encode(), b"From: ",
    b"From: <a@b>, <c@d>", b"From: \"x@y\" <@>", b"@", b"<", b">", b"From ", b" " * 5000,
    b"\r\n" * 300,
    # ARC (RFC 8617): set fields, instances in and out of range, chain statuses, the
    # kernel.org form without a space after the colon.
    b"ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.org; s=arc; b=AAAA; ",
    b"ARC-Message-Signature: i=1; a=rsa-sha256; h=from; bh=AAAA; ",
    b"ARC-Authentication-Results: i=1; mx.example; dkim=pass header.d=example.com; ",
    b"ARC-Seal:i=1;", b"cv=pass; ", b"cv=fail; ", b"cv=; ", b"i=2; ", b"i=50; ", b"i=51; ",
    b"i=0; ", b"i=" + b"9" * 40 + b"; ", b"h=arc-seal; ", b"h=arc-message-signature; ",
]  # fmt: skip
ARC_FIELD = re.compile(rb"(?mi)^ARC-[A-Za-z-]+[ \t]*:.*(?:\r?\n[ \t].*)*\r?\n")
ARC_EVERY = 2  # one input in ARC_EVERY without ARC sets of its own gets a donor's
TXT_TOKENS = [
    b"v=DKIM1; ", b"v=DKIM2; ", b"k=rsa; ", b"k=ed25519; ", b"k=; ", b"p=; ", b"h=sha1; ",
    b"s=*; ", b"s=x; ", b"t=s; ", b"t=y; ", b";", b"=", b" ", b"\x00", b"\xff", b"p=AAAA",
    b"p=MCowBQYDK2VwAyEA" + b"A" * 43 + b"=", b"p=" + b"A" * 2000,
]  # fmt: skip


@dataclass
class Seed:
    raw: bytes
    dns: dict[str, DnsAnswer | Records]
    arc: bytes = b""  # its ARC header fields, for other messages to carry


def seeds() -> list[Seed]:
    out = []
    for case in sorted((ROOT / "fixtures").glob("*/message.eml")):
        raw = case.read_bytes()
        out.append(Seed(raw, records_from_zone((case.parent / "zone").read_text()), arc_block(raw)))
    corpus = ROOT.parent / "shared" / "corpus"
    for zone in sorted(corpus.glob("*/zone.txt")):
        data = records_from_zone(zone.read_text())
        for msg in sorted(zone.parent.glob("cases/*/message.eml")):
            raw = msg.read_bytes()
            out.append(Seed(raw, data, arc_block(raw)))
    return out


def mutate_bytes(rng: random.Random, data: bytes, tokens: list[bytes], rounds: int) -> bytes:
    buf = bytearray(data)
    for _ in range(rounds):
        # Growth compounds (a repeated line repeated again): above 1 MB, only shrink.
        op = rng.randrange(7) if len(buf) < MAX_INPUT else rng.choice([2, 4])
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # insert a token
            buf[pos:pos] = rng.choice(tokens)
        elif op == 2:  # delete a span
            del buf[pos : pos + rng.randrange(1, 64)]
        elif op == 3:  # duplicate a span
            buf[pos:pos] = buf[pos : pos + rng.randrange(1, 400)]
        elif op == 4:  # truncate
            del buf[pos:]
        elif op == 5:  # line endings
            buf = bytearray(bytes(buf).replace(b"\r\n", rng.choice([b"\n", b"\r", b"\r\r\n"])))
        else:  # repeat a line many times
            start = buf.rfind(b"\n", 0, pos) + 1
            end = buf.find(b"\n", pos)
            line = bytes(buf[start : end + 1 if end >= 0 else len(buf)])
            times = min(rng.randrange(1, 200), MAX_INPUT // max(len(line), 1) + 1)
            buf[start:start] = line * times
    return bytes(buf)


def mutate_answer(rng: random.Random, name: str, records: Records) -> DnsAnswer | Records:
    """A garbled answer for `name`: another status, broken records, a bogus chain."""
    roll = rng.random()
    if roll < 0.15:
        return DnsAnswer(name + ".", "TXT", rng.choice(list(DnsStatus)), detail="fuzz")
    recs = [tuple(mutate_bytes(rng, s, TXT_TOKENS, rng.randrange(4)) for s in r) for r in records]
    if rng.random() < 0.2:  # split and multiply records
        recs = [tuple(rng.choice([b"", b"x"]) + s for s in r) for r in recs] * rng.randrange(1, 12)
    if rng.random() < 0.05:  # a 64 KB record
        recs.append(tuple(rng.randbytes(255) for _ in range(256)))
    while sum(len(x) for r in recs for x in r) > DNS_MAX:  # what one DNS message can carry
        recs.pop()
    if roll < 0.5:
        return recs
    chain = tuple(
        (rng.choice([name, "", "\x00.", "é.x."]), rng.choice(["a.", name, "\u202e."]))
        for _ in range(rng.randrange(0, 12))
    )
    status = DnsStatus.OK if recs else DnsStatus.NODATA
    ttl = rng.choice([None, -1, 0, 2**40])
    server = rng.choice([None, "", "\x1b[2J", "192.0.2.1:53"])
    return DnsAnswer(name + ".", "TXT", status, tuple(recs), chain, ttl, server, None)


def arc_block(raw: bytes) -> bytes:
    """The ARC header fields of a message (its header section only), in order."""
    end = raw.find(b"\n\r\n") if b"\r\n" in raw else raw.find(b"\n\n")
    return b"".join(ARC_FIELD.findall(raw[: end + 1 if end >= 0 else len(raw)]))


def with_arc(rng: random.Random, raw: bytes, pool: list[Seed]) -> tuple[bytes, Seed | None]:
    """Give a message ARC sets, so the ARC path is fuzzed as the DKIM path is: a donor's
    chain (its keys come along) on top, sometimes repeated, sometimes without the spaces
    after the colons (kernel.org's form)."""
    if arc_block(raw) or rng.randrange(ARC_EVERY):
        return raw, None
    donor = rng.choice([s for s in pool if s.arc]) if any(s.arc for s in pool) else None
    if donor is None:
        return raw, None
    block = donor.arc
    if rng.random() < 0.1:
        block *= rng.randrange(2, 60)
    if rng.random() < 0.2:
        block = re.sub(rb"(?mi)^(ARC-[A-Za-z-]+): ", rb"\1:", block)
    if b"\r\n" not in raw:
        block = block.replace(b"\r\n", b"\n")
    return block + raw, donor


def make_input(rng: random.Random, pool: list[Seed]) -> Seed:
    seed = rng.choice(pool)
    raw = seed.raw
    if rng.random() < 0.1:  # splice two messages
        other = rng.choice(pool).raw
        raw = raw[: rng.randrange(len(raw) + 1)] + other[rng.randrange(len(other) + 1) :]
    raw, donor = with_arc(rng, raw, pool)
    raw = mutate_bytes(rng, raw, TOKENS, rng.randrange(1, 8))
    dns: dict[str, DnsAnswer | Records] = {}
    for name, value in {**(donor.dns if donor else {}), **seed.dns}.items():
        if isinstance(value, list) and rng.random() < 0.7:
            dns[name] = mutate_answer(rng, name, value)
        else:
            dns[name] = value
    return Seed(raw, dns)


def garbage_zone(rng: random.Random) -> str:
    """A zone of garbage TXT records, CNAME loops and long chains at g<N>._domainkey.fuzz.test."""
    lines = ["$TTL 60"]
    for i in range(GARBAGE_NAMES):
        name = f"g{i}._domainkey.fuzz.test."
        kind = i % 4
        if kind == 0:  # a loop
            lines.append(f"{name} IN CNAME g{i + 1}._domainkey.fuzz.test.")
            lines.append(f"g{i + 1}x._domainkey.fuzz.test. IN CNAME {name}")
        elif kind == 1:  # a long chain
            lines += [f"c{i}-{k}.fuzz.test. IN CNAME c{i}-{k + 1}.fuzz.test." for k in range(20)]
            lines.append(f"{name} IN CNAME c{i}-0.fuzz.test.")
        else:
            strings = []
            for _ in range(rng.randrange(1, 40)):
                raw = mutate_bytes(rng, b"v=DKIM1; k=rsa; p=MIIBIjAN", TXT_TOKENS, 6)[:255]
                strings.append('"' + "".join(f"\\{b:03d}" for b in raw) + '"')
            lines += [f"{name} IN TXT {' '.join(strings)}"] * rng.randrange(1, 3)
    lines.append(";! g5._domainkey.fuzz.test. SERVFAIL")
    lines.append(";! g6._domainkey.fuzz.test. NXDOMAIN")
    return "\n".join(lines) + "\n"


class GarbageResponder:
    """A UDP 'DNS server' answering each query with a real TXT answer, then corrupted."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                wire, peer = self.sock.recvfrom(4096)
                query = dns.message.from_wire(wire)
                response = dns.message.make_response(query)
                response.answer.append(
                    dns.rrset.from_text(
                        query.question[0].name, 60, "IN", "TXT", '"v=DKIM1; p=AAAA"'
                    )
                )
                out = bytearray(response.to_wire())
                for _ in range(self.rng.randrange(1, 6)):
                    pos = self.rng.randrange(2, len(out))  # keep the id: no timeouts
                    out[pos] = self.rng.randrange(256)
                if self.rng.random() < 0.2:
                    del out[self.rng.randrange(2, len(out)) :]
                self.sock.sendto(bytes(out), peer)
            except (OSError, dns.exception.DNSException):
                continue

    def close(self) -> None:
        self.running = False
        self.sock.close()


@dataclass
class Stats:
    inputs: int = 0
    not_a_message: int = 0
    loopback: int = 0
    crashes: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    slowest: float = 0.0
    arc: dict[str, int] = field(default_factory=dict)  # ARC outcomes: cv, or cv/reason


def _loopback_message(rng: random.Random, raw: bytes) -> bytes:
    """Point the message's first signature, and its ARC keys, at garbage names."""
    i = rng.randrange(GARBAGE_NAMES + 2)
    raw = raw.replace(b"DKIM-Signature:", b"DKIM-Signature: s=g%d; d=fuzz.test;" % i, 1)
    garbage = b"s=g%d; d=fuzz.test" % rng.randrange(GARBAGE_NAMES + 2)
    return re.sub(rb"(?i)\bs=[^;]*;\s*d=[^;]*|\bd=[^;]*;\s*s=[^;]*", garbage, raw, count=4)


def inputs(
    seed: int, count: int, only: int | None, start: int = 0
) -> Iterator[tuple[int, random.Random]]:
    for n in range(start, count) if only is None else [only]:
        yield n, random.Random(f"{seed}:{n}")


def run(
    count: int, seed: int = 1, only: int | None = None, out: bool = False, start: int = 0
) -> Stats:
    pool = seeds()
    stats = Stats()
    zone_rng = random.Random(seed)
    text = garbage_zone(zone_rng)
    with tempfile.TemporaryDirectory() as tmp:
        zone_path = Path(tmp) / "garbage.zone"
        zone_path.write_text(text)
        garbage = GarbageResponder(seed)
        with ZoneServer([zone_path]) as server:
            servers = [
                DnsPythonResolver([Nameserver(server.host, server.port)], timeout=0.5),
                DnsPythonResolver([Nameserver("127.0.0.1", garbage.port)], timeout=0.5),
            ]
            for n, rng in inputs(seed, count, only, start):
                case = make_input(rng, pool)
                raw = case.raw
                resolver: DictResolver | CachingResolver = DictResolver(case.dns)
                if n % LOOPBACK_EVERY == 0:
                    stats.loopback += 1
                    raw = _loopback_message(rng, raw)
                    resolver = CachingResolver(servers[n // LOOPBACK_EVERY % 2])
                now = rng.choice([0, 1763990000, 2**33, rng.randrange(2**31)])
                start = time.perf_counter()
                try:
                    report = analyze(raw, resolver, now=now, source=f"fuzz-{n}")
                    chain = report.arc
                    if chain.cv.value != "none" or chain.detail:
                        key = chain.cv.value + (f"/{chain.reason.value}" if chain.reason else "")
                        stats.arc[key] = stats.arc.get(key, 0) + 1
                    text_render.render([report], color=rng.random() < 0.5, verbose=True)
                    json_render.render([report])
                except NotAMessageError:
                    stats.not_a_message += 1
                except Exception as e:  # the point: nothing may escape
                    where = traceback.extract_tb(e.__traceback__)[-1]
                    what = f"{type(e).__name__}: {e}"[:200]
                    stats.crashes.append(f"input {n}: {what} at {where.filename}:{where.lineno}")
                    if out:
                        print(stats.crashes[-1], file=sys.stderr)
                elapsed = time.perf_counter() - start
                stats.slowest = max(stats.slowest, elapsed)
                if elapsed > SLOW:
                    stats.slow.append(f"input {n}: {elapsed:.2f} s ({len(raw)} bytes)")
                stats.inputs += 1
                if out and n and n % 10_000 == 0:
                    print(f"... {n} inputs, {len(stats.crashes)} crashes", file=sys.stderr)
        garbage.close()
    return stats


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", type=int, help="replay one input by its number")
    parser.add_argument("--start", type=int, default=0, help="first input number")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    stats = run(args.count, args.seed, args.only, out=True, start=args.start)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{stats.inputs} inputs ({stats.loopback} over loopback DNS, "
        f"{stats.not_a_message} not a message) in {elapsed:.0f} s, peak RSS {peak} MB; "
        f"slowest input {stats.slowest:.3f} s"
    )
    arc = ", ".join(f"{k} {v}" for k, v in sorted(stats.arc.items(), key=lambda kv: -kv[1]))
    print(f"with ARC fields: {sum(stats.arc.values())} ({arc})")
    print(f"uncaught exceptions: {len(stats.crashes)}; inputs over {SLOW:g} s: {len(stats.slow)}")
    for line in stats.crashes[:50] + stats.slow[:50]:
        print("  " + line)
    return 1 if stats.crashes or stats.slow else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
