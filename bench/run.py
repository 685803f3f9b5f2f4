#!/usr/bin/env python3
"""Benchmark `dkim-analyzer scan` against a plain dkimpy loop over the same mbox.

    python bench/run.py                      # 2,000 and 20,000 messages; 0 and 20 ms DNS
    python bench/run.py --messages 500 --latency 0 --latency 50 --jobs 2
    python bench/run.py --shape new-domain-small --sizes 2000,20000,200000   # memory

The peers (OpenDKIM's opendkim-testmsg, Perl Mail::DKIM, node mailauth) are looked for and
reported as installed or not; none has a runner yet.

The corpus (bench/corpus.py) is generated once into bench/out/ and reused. Its zone is
served by analyzer.zoneserver on loopback with the latency asked for. Each program runs
as its own process; the figures are its wall time (start-up included), the peak resident
memory of its whole process tree (sampled from /proc every 20 ms) and the DNS queries
the server received.

The dkimpy loop is what one would write by hand: for each message of the mbox,
dkim.verify(message, dnsfunc=...) with a dnsfunc that asks the same loopback server
through dnspython, no cache. Note that dkim.verify checks only the first signature of
each message, while scan checks all of them (1-3 here) and explains each.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from analyzer.zoneserver import ZoneServer  # noqa: E402

SIGN_TIME = 1763900000
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    label: str
    messages: int
    seconds: float
    peak_rss: int  # bytes, summed over the process tree
    queries: int
    cpu: float  # user + system seconds of the program and its workers
    parent_rss: int = 0  # bytes, the main process alone (reader, DNS, writer)

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per message: unlike wall time, barely moved by other load."""
        return self.cpu / self.messages * 1000

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return pids


def _rss(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(
    label: str, cmd: list[str], messages: int, server: ZoneServer, tree: Path = ROOT
) -> Measured:
    """One run of `cmd` in `tree` (another checkout, for a before/after in the same run)."""
    server.reset_queries()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(tree))
    proc = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.DEVNULL, env=env)
    peak = parent = 0
    while proc.poll() is None:
        peak = max(peak, _rss(_tree(proc.pid)))
        parent = max(parent, _rss([proc.pid]))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode not in (0, 1, 65, 75):
        raise SystemExit(f"{label}: exit status {proc.returncode}")
    return Measured(label, messages, seconds, peak, server.query_count, cpu, parent)


def scan_cmd(mbox: Path, server: ZoneServer, now: int, jobs: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "analyzer", "scan", "--format", "jsonl", "--output", os.devnull]
    cmd += ["--nameserver", server.address, "--now", str(now), str(mbox)]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def dkimpy_cmd(mbox: Path, server: ZoneServer) -> list[str]:
    return [sys.executable, __file__, "--dkimpy-loop", str(mbox), "--nameserver", server.address]


def dkimpy_loop(mbox: str, nameserver: str) -> None:
    """The baseline: dkim.verify per message, every key asked from DNS each time."""
    import logging

    import dkim
    import dns.exception
    import dns.resolver

    from analyzer.sources import read_paths

    logging.getLogger("dkimpy").addHandler(logging.NullHandler())
    host, port = nameserver.rsplit(":", 1)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = [host], int(port)

    def dnsfunc(name: bytes, timeout: float = 5) -> bytes | None:
        try:
            answer = resolver.resolve(name.decode(), "TXT", lifetime=timeout)
        except dns.exception.DNSException:
            return None
        return b"".join(b"".join(rd.strings) for rd in answer)

    verified = 0
    for message in read_paths([mbox]):
        verified += bool(dkim.verify(message.raw, dnsfunc=dnsfunc))
    print(verified)


PEERS = {
    # name: (how to tell it is installed, what it is)
    "OpenDKIM": (["opendkim-testmsg", "-h"], "opendkim-testmsg (C)"),
    "Mail::DKIM": (["perl", "-MMail::DKIM::Verifier", "-e", "1"], "Perl Mail::DKIM"),
    "mailauth": (["node", "-e", "require('mailauth')"], "node mailauth"),
}


def installed_peers() -> dict[str, bool]:
    """Which peers can run here. None has a runner yet: the machine this was written on has
    none installed (see the output), so a runner could not have been checked."""
    found = {}
    for name, (probe, _) in PEERS.items():
        try:
            done = subprocess.run(probe, capture_output=True, timeout=20, check=False)
            found[name] = done.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            found[name] = False
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", default="2000,20000", metavar="N,N",
                        help="corpus sizes (default 2000,20000)")  # fmt: skip
    parser.add_argument("--latency", type=float, action="append", metavar="MS",
                        help="DNS latency for scan runs (repeatable; default 0 and 20)")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=2, help="scan --jobs (default 2)")
    parser.add_argument("--dkimpy-latency", type=float, action="append", metavar="MS",
                        help="DNS latency for dkimpy loop runs (repeatable; default 0)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs each (default 1)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--before", type=Path, metavar="TREE",
                        help="also scan (0 ms) from another checkout, e.g. the main branch")  # fmt: skip
    parser.add_argument(
        "--shape",
        choices=("new-domain", "new-domain-small", "distinct-selectors"),
        help="only scan's memory, on a corpus where DNS names keep appearing",
    )
    parser.add_argument(
        "--sizes",
        default="2000,20000,200000",
        metavar="N,N",
        help="with --shape: the corpus sizes (messages) to compare",
    )
    parser.add_argument("--dkimpy-loop", metavar="MBOX", help=argparse.SUPPRESS)
    parser.add_argument("--nameserver", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dkimpy_loop:
        dkimpy_loop(args.dkimpy_loop, args.nameserver)
        return

    if args.shape:
        memory(args.shape, [int(n) for n in args.sizes.split(",")], args.out, args.jobs)
        return

    from corpus import generate

    latencies = args.latency if args.latency else [0.0, 20.0]
    sizes = [int(n) for n in args.messages.split(",")]
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    print(f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}")
    peers = installed_peers()
    for name, ok in peers.items():
        print(
            f"peer {PEERS[name][1]}: {'installed (no runner yet: not measured)' if ok else 'not installed'}"
        )
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    # (label, messages, latency in ms, command for a server): run in turns, `--repeat` rounds,
    # so that load from elsewhere hits every configuration alike; keep each one's best.
    Plan = tuple[str, int, float, Callable[[ZoneServer], list[str]], Path]
    plans: list[Plan] = []
    zone = None
    for size in sizes:
        mbox, zone = generate(size, args.out)
        now = SIGN_TIME + size * 7 + 86400
        print(f"corpus: {mbox.name}, {mbox.stat().st_size / 2**20:.1f} MiB, {size} messages")
        plans += [
            (f"scan -j {args.jobs}, {ms:g} ms DNS, {size}", size, ms,
             lambda srv, mbox=mbox, now=now: scan_cmd(mbox, srv, now, args.jobs), ROOT)
            for ms in latencies
        ]  # fmt: skip
        if args.before:
            plans.append((f"before: scan -j {args.jobs}, 0 ms, {size}", size, 0.0,
                          lambda srv, mbox=mbox, now=now: scan_cmd(mbox, srv, now, args.jobs),
                          args.before))  # fmt: skip
        plans += [
            (f"dkimpy loop, {ms:g} ms DNS, {size}", size, ms,
             lambda srv, mbox=mbox: dkimpy_cmd(mbox, srv), ROOT)
            for ms in args.dkimpy_latency or [0.0]
        ]  # fmt: skip
    assert zone is not None
    servers = {ms: ZoneServer([zone], latency=ms / 1000).start() for _, _, ms, _, _ in plans}
    best: dict[str, Measured] = {}
    try:
        for _ in range(args.repeat):
            for label, count, ms, command, tree in plans:
                run = measure(label, command(servers[ms]), count, servers[ms], tree)
                if label not in best or run.seconds < best[label].seconds:
                    best[label] = run
    finally:
        for server in servers.values():
            server.stop()
    results = [best[label] for label, *_ in plans]

    print(f"load average before the runs: {load} (other engineers' work shares the machine)")
    print(f"\n{'run':<34} {'messages/s':>10} {'seconds':>8} {'CPU ms/msg':>10} "
          f"{'peak RSS':>9} {'DNS queries':>11}")  # fmt: skip
    for r in results:
        print(f"{r.label:<34} {r.rate:>10.0f} {r.seconds:>8.2f} {r.cpu_ms:>10.2f} "
              f"{r.peak_rss / 2**20:>6.0f} MB {r.queries:>11}")  # fmt: skip
    print()
    first = {}
    for size in sizes:
        scans = [r for r in results if r.label.startswith("scan") and r.messages == size]
        base = next(r for r in results if r.label == f"dkimpy loop, 0 ms DNS, {size}")
        scan0 = scans[0]
        first.setdefault("scan", scan0)
        target = 6 if size >= 20000 else 4
        print(f"{size} messages: scan / dkimpy loop (0 ms): {scan0.rate / base.rate:.2f}x "
              f"messages/s (target >= {target}x); {base.cpu_ms / scan0.cpu_ms:.2f}x CPU per message")  # fmt: skip
        for r in scans[1:]:
            print(
                f"  {r.label} vs 0 ms: {r.seconds / scan0.seconds - 1:+.0%} time  (target <= +10%)"
            )
        if not peers["OpenDKIM"]:
            print(
                "  scan / OpenDKIM: not measured (opendkim-testmsg is not installed; target >= 2.5x)"
            )
        if scan0 is not first["scan"]:
            growth = scan0.peak_rss / first["scan"].peak_rss - 1
            print(
                f"  peak RSS vs {first['scan'].messages} messages: {growth:+.0%}  (target within 20%)"
            )


def memory(shape: str, sizes: list[int], out: Path, jobs: int | None) -> None:
    """Peak RSS of scan over corpora of one shape at several sizes: flat is the target."""
    from corpus import generate_shape

    print(f"machine: nproc {len(os.sched_getaffinity(0))}; shape {shape}")
    print(f"{'messages':>9} {'MiB':>6} {'seconds':>8} {'peak RSS':>9} {'parent':>9} {'queries':>8}")
    for size in sizes:
        mbox, zone = generate_shape(shape, size, out)
        with ZoneServer([zone]) as server:
            r = measure(shape, scan_cmd(mbox, server, SIGN_TIME, jobs), size, server)
        print(f"{size:>9} {mbox.stat().st_size / 2**20:>6.0f} {r.seconds:>8.1f} "
              f"{r.peak_rss / 2**20:>6.0f} MB {r.parent_rss / 2**20:>6.0f} MB {r.queries:>8}")  # fmt: skip


if __name__ == "__main__":
    main()
