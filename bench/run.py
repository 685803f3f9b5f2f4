#!/usr/bin/env python3
"""Benchmark `dkim-analyzer scan` against a plain dkimpy loop and the peers, same mbox, same DNS.

    python bench/run.py                      # 2,000 and 20,000 messages; 0 and 20 ms DNS
    python bench/run.py --sizes 2000 --latency 0 --peers OpenDKIM
    python bench/run.py --messages 500 --latency 0 --latency 50 --jobs 2
    python bench/run.py --shape new-domain-small --sizes 2000,20000,200000   # memory

The corpus (bench/corpus.py) is generated once into bench/out/ and reused. Its zone is
served by tests/nanoserver.py on loopback with the latency asked for. Each program runs
as its own process; the figures are its wall time (start-up included), its CPU time per
message (user + system, of it and its children: the figure least moved by other load),
the peak resident memory of its whole process tree (sampled from /proc every 20 ms) and
the DNS queries the server received. Each tree's analyzer is compiled to bytecode first,
as `pip install` leaves it (bench/startup.py does the same): where PYTHONDONTWRITEBYTECODE
is set, as on the shared machine, every scan compiled the analyzer from source at its
start (about 0.2 s of CPU, 0.1 ms a message at 2,000 messages), which no user's run does.

The dkimpy loop is what one would write by hand: for each message of the mbox,
dkim.verify(message, dnsfunc=...) with a dnsfunc that asks the same loopback server
through dnspython, no cache. Note that dkim.verify checks only the first signature of
each message, while scan checks all of them (1-3 here) and explains each.

The peers, each when installed (else the output says "not installed", why, and how to
install it): OpenDKIM's libopendkim (C), Perl's Mail::DKIM, node's mailauth. Each has a
runner in bench/peers/ (see its README) that verifies every signature of every message
of the same mbox in one long-lived process, asks its keys from the same loopback server
(no cache across messages), judges t=/x= by the same time as scan's --now, and prints
each signature's verdict and a summary line. OpenDKIM's runner is C, built here with the
system cc into bench/out/. They run at 0 ms DNS (--peer-latency for more: their lookups
are one at a time, so latency adds up). After the runs, scan's verdicts on the first
size (an untimed run writing JSONL) are compared with each peer's, signature by signature
(pass against not pass), and the differences listed by kind.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.nanoserver import ZoneServer  # noqa: E402

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
    label: str,
    cmd: list[str],
    messages: int,
    server: ZoneServer,
    tree: Path = ROOT,
    stdout: Path | None = None,
) -> Measured:
    """One run of `cmd` in `tree` (another checkout, for a before/after in the same run),
    its standard output to `stdout` (a peer's verdicts) or nowhere."""
    server.reset_queries()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(tree))
    sink = stdout.open("wb") if stdout else open(os.devnull, "wb")  # noqa: SIM115
    with sink:
        proc = subprocess.Popen(cmd, cwd=tree, stdout=sink, env=env)
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


PEERS_DIR = ROOT / "bench" / "peers"


@dataclass(frozen=True)
class Peer:
    """Another DKIM verifier, run over the same mbox in one long-lived process of its own.

    Its runner (bench/peers/) prints a line per signature and a summary line; see there.
    In the commands, {out} is bench/run.py's --out (where OpenDKIM's runner is built)."""

    name: str
    language: str
    install: str  # how to install it, said when it is missing
    runner: tuple[str, ...]  # followed by MBOX HOST:PORT NOW
    ask_version: tuple[str, ...]
    probe: tuple[str, ...] = ()  # exits 0 when installed; none: build the C runner

    def missing(self, out: Path) -> str | None:
        """Why it cannot run here, or None (OpenDKIM's runner is compiled into `out` here)."""
        if not self.probe:
            return _compile_opendkim(out)
        try:
            done = subprocess.run(self.probe, cwd=PEERS_DIR, capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"{self.probe[0]}: {e}"
        return None if done.returncode == 0 else f"{' '.join(self.probe)}: exit {done.returncode}"

    def command(self, mbox: Path, server: ZoneServer, now: int, out: Path) -> list[str]:
        program = [arg.format(out=out) for arg in self.runner]
        return [*program, str(mbox), server.address, str(now)]

    def version(self, out: Path) -> str:
        ask = [arg.format(out=out) for arg in self.ask_version]
        done = subprocess.run(ask, cwd=PEERS_DIR, capture_output=True, text=True, check=False)
        return done.stdout.strip() or "?"


PEERS = (
    Peer("OpenDKIM", "C, libopendkim",
         "apt-get install libopendkim-dev (brings libopendkim11), and a C compiler (cc)",
         runner=("{out}/opendkim_loop",), ask_version=("{out}/opendkim_loop", "--version")),
    Peer("Mail::DKIM", "Perl", "apt-get install libmail-dkim-perl (brings Net::DNS)",
         runner=("perl", str(PEERS_DIR / "mail_dkim.pl")),
         ask_version=("perl", "-MMail::DKIM", "-e", "print $Mail::DKIM::VERSION"),
         probe=("perl", "-MMail::DKIM::Verifier", "-MNet::DNS", "-e", "1")),
    Peer("mailauth", "node",
         "npm ci --prefix bench/peers (mailauth 7.1.0 into bench/peers/node_modules)",
         runner=("node", str(PEERS_DIR / "mailauth.mjs")),
         ask_version=("node", "-p", "require('mailauth/package.json').version"),
         probe=("node", "-e", "require.resolve('mailauth/lib/dkim/verify')")),
)  # fmt: skip


def _compile_opendkim(out: Path) -> str | None:
    """Build bench/peers/opendkim_loop.c into out/ with the system cc; why not, if not."""
    source, binary = PEERS_DIR / "opendkim_loop.c", out / "opendkim_loop"
    if not shutil.which("cc"):
        return "no C compiler (cc) to build bench/peers/opendkim_loop.c"
    if not Path("/usr/include/opendkim/dkim.h").exists():
        return "no libopendkim headers (/usr/include/opendkim/dkim.h)"
    if binary.exists() and binary.stat().st_mtime >= source.stat().st_mtime:
        return None
    out.mkdir(parents=True, exist_ok=True)
    cmd = ["cc", "-O2", "-Wall", "-D_GNU_SOURCE", "-I/usr/include/opendkim", "-o", str(binary),
           str(source), "-lopendkim", "-lresolv"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["?"])[0]
        return f"bench/peers/opendkim_loop.c does not build: {first}"
    return None


@dataclass(frozen=True)
class PeerVerdicts:
    """A peer runner's output: its summary line and each signature's verdict."""

    messages: int
    signatures: int
    passed: int
    verdicts: dict[tuple[int, str, str, int], tuple[str, str]]  # (msg, d, s, nth) -> (result, why)


def read_verdicts(path: Path) -> PeerVerdicts:
    verdicts: dict[tuple[int, str, str, int], tuple[str, str]] = {}
    summary: dict[str, int] = {}
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if line.startswith("summary "):
                summary = {k: int(v) for k, v in (w.split("=") for w in line.split()[1:])}
            elif len(fields) >= 5:
                key = _signature_key(verdicts, int(fields[0]), fields[2], fields[3])
                verdicts[key] = (fields[4], fields[5] if len(fields) > 5 else "")
    if not summary:
        raise SystemExit(f"{path}: no summary line (the runner did not finish)")
    return PeerVerdicts(summary["messages"], summary["signatures"], summary["pass"], verdicts)


def _signature_key(
    seen: Mapping[tuple[int, str, str, int], object], message: int, d: str, s: str
) -> tuple[int, str, str, int]:
    """Signatures matched across programs by message, d= and s= (and which of the same)."""
    nth = 0
    while (message, d.lower(), s.lower(), nth) in seen:
        nth += 1
    return (message, d.lower(), s.lower(), nth)


def scan_verdicts(jsonl: Path) -> dict[tuple[int, str, str, int], tuple[str, str]]:
    verdicts: dict[tuple[int, str, str, int], tuple[str, str]] = {}
    with jsonl.open(encoding="utf-8") as f:
        for message, line in enumerate(f):
            for sig in json.loads(line)["signatures"]:
                key = _signature_key(verdicts, message, sig["domain"] or "", sig["selector"] or "")
                verdicts[key] = (sig["result"], sig["reason"] or "")
    return verdicts


def agreement(
    scan: dict[tuple[int, str, str, int], tuple[str, str]], peer: PeerVerdicts
) -> tuple[int, int, Counter[tuple[str, str]], dict[tuple[str, str], list[int]]]:
    """Per signature, pass against not pass: (agreeing, compared, the differences by
    (scan's result and reason, the peer's), a few messages of each)."""
    same, differ = 0, Counter[tuple[str, str]]()
    examples = defaultdict[tuple[str, str], list[int]](list)
    for key in scan.keys() | peer.verdicts.keys():
        ours, theirs = scan.get(key, ("absent", "")), peer.verdicts.get(key, ("absent", ""))
        if (ours[0] == "pass") == (theirs[0] == "pass") and "absent" not in (ours[0], theirs[0]):
            same += 1
            continue
        kind = (" ".join(filter(None, ours)), " ".join(filter(None, theirs)))
        differ[kind] += 1
        if len(examples[kind]) < 3:
            examples[kind].append(key[0])
    return same, same + sum(differ.values()), differ, examples


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
    parser.add_argument("--peer-latency", type=float, action="append", metavar="MS",
                        help="DNS latency for the peers' runs (repeatable; default 0)")  # fmt: skip
    parser.add_argument("--peers", default="all", metavar="NAME,NAME",
                        help="which peers: all (default), none, or some of "
                        + ", ".join(p.name for p in PEERS))  # fmt: skip
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
        metavar="N,N",
        help="with --shape: the corpus sizes (messages) to compare (default 2000,20000,200000);"
        " without: the same as --messages",
    )
    parser.add_argument("--dkimpy-loop", metavar="MBOX", help=argparse.SUPPRESS)
    parser.add_argument("--nameserver", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dkimpy_loop:
        dkimpy_loop(args.dkimpy_loop, args.nameserver)
        return

    for tree in {ROOT, *([args.before.resolve()] if args.before else [])}:
        _compile(tree)
    if args.shape:
        sizes = args.sizes or "2000,20000,200000"
        memory(args.shape, [int(n) for n in sizes.split(",")], args.out, args.jobs)
        return

    from corpus import generate

    latencies = args.latency if args.latency else [0.0, 20.0]
    sizes = [int(n) for n in (args.sizes or args.messages).split(",")]
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    print(f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}")
    wanted = {p.name for p in PEERS} if args.peers == "all" else set(args.peers.split(","))
    wanted.discard("none")
    if unknown := wanted - {p.name for p in PEERS}:
        parser.error(f"--peers: no peer {', '.join(sorted(unknown))}")
    peers = []
    for peer in PEERS:
        if peer.name not in wanted:
            print(f"peer {peer.name} ({peer.language}): not asked for (--peers)")
        elif why := peer.missing(args.out):
            print(f"peer {peer.name} ({peer.language}): not installed ({why}; {peer.install})")
        else:
            peers.append(peer)
            print(f"peer {peer.name} ({peer.language}): {peer.version(args.out)}, measured")
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    # (label, messages, latency in ms, command for a server, tree, where its output goes):
    # run in turns, `--repeat` rounds, so that load from elsewhere hits every configuration
    # alike; keep each one's best.
    Plan = tuple[str, int, float, Callable[[ZoneServer], list[str]], Path, Path | None]
    plans: list[Plan] = []
    zone = None
    corpora = {}
    for size in sizes:
        mbox, zone = generate(size, args.out)
        now = SIGN_TIME + size * 7 + 86400
        corpora[size] = (mbox, now)
        print(f"corpus: {mbox.name}, {mbox.stat().st_size / 2**20:.1f} MiB, {size} messages")
        plans += [
            (f"scan -j {args.jobs}, {ms:g} ms DNS, {size}", size, ms,
             lambda srv, mbox=mbox, now=now: scan_cmd(mbox, srv, now, args.jobs), ROOT, None)
            for ms in latencies
        ]  # fmt: skip
        if args.before:
            plans.append((f"before: scan -j {args.jobs}, 0 ms, {size}", size, 0.0,
                          lambda srv, mbox=mbox, now=now: scan_cmd(mbox, srv, now, args.jobs),
                          args.before, None))  # fmt: skip
        plans += [
            (f"dkimpy loop, {ms:g} ms DNS, {size}", size, ms,
             lambda srv, mbox=mbox: dkimpy_cmd(mbox, srv), ROOT, None)
            for ms in args.dkimpy_latency or [0.0]
        ]  # fmt: skip
        plans += [
            (f"{peer.name}, {ms:g} ms DNS, {size}", size, ms,
             lambda srv, peer=peer, mbox=mbox, now=now: peer.command(mbox, srv, now, args.out),
             ROOT, args.out / f"peer-{peer.name.replace(':', '')}-{size}-{ms:g}ms.tsv")
            for peer in peers
            for ms in args.peer_latency or [0.0]
        ]  # fmt: skip
    assert zone is not None
    servers = {plan[2]: ZoneServer([zone], latency=plan[2] / 1000).start() for plan in plans}
    best: dict[str, Measured] = {}
    try:
        for _ in range(args.repeat):
            for label, count, ms, command, tree, output in plans:
                run = measure(label, command(servers[ms]), count, servers[ms], tree, output)
                if label not in best or run.seconds < best[label].seconds:
                    best[label] = run
        if peers:  # scan's verdicts to hold the peers' to (not timed)
            mbox, now = corpora[sizes[0]]
            jsonl = args.out / f"scan-{sizes[0]}.jsonl"
            cmd = scan_cmd(mbox, servers[0.0] if 0.0 in servers else next(iter(servers.values())),
                           now, args.jobs)  # fmt: skip
            cmd[cmd.index("--output") + 1] = str(jsonl)
            subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), check=False)
    finally:
        for server in servers.values():
            server.stop()
    results = [best[plan[0]] for plan in plans]
    outputs = {plan[0]: plan[5] for plan in plans if plan[5]}

    after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"load average before the runs: {load}, after: {after} (2 cores; other engineers'"
          " work shares the machine: compare CPU ms per message)")  # fmt: skip
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
        for peer in PEERS:
            run = best.get(f"{peer.name}, 0 ms DNS, {size}")
            goal = " (target >= 2.5x)" if peer.name == "OpenDKIM" else ""
            if run is None:
                print(f"  scan / {peer.name} (0 ms): not measured (not installed or not asked"
                      f" for){goal}")  # fmt: skip
                continue
            output = outputs[run.label]
            got = read_verdicts(output)
            if got.messages != size:
                raise SystemExit(f"{run.label}: verified {got.messages} messages, not {size}")
            print(f"  scan / {peer.name} (0 ms): {scan0.rate / run.rate:.2f}x messages/s{goal}; "
                  f"{run.cpu_ms / scan0.cpu_ms:.2f}x CPU per message ({got.signatures} signatures,"
                  f" {got.passed} pass)")  # fmt: skip
        for r in scans[1:]:
            print(
                f"  {r.label} vs 0 ms: {r.seconds / scan0.seconds - 1:+.0%} time  (target <= +10%)"
            )
        if scan0 is not first["scan"]:
            growth = scan0.peak_rss / first["scan"].peak_rss - 1
            print(
                f"  peak RSS vs {first['scan'].messages} messages: {growth:+.0%}  (target within 20%)"
            )
    if peers:
        report_agreement(args.out / f"scan-{sizes[0]}.jsonl", peers, outputs, sizes[0])


def report_agreement(
    jsonl: Path, peers: list[Peer], outputs: dict[str, Path | None], size: int
) -> None:
    """Each peer's verdicts against scan's, per signature (pass or not), at the first size."""
    ours = scan_verdicts(jsonl)
    print(f"\nverdicts per signature against scan's ({size} messages, {len(ours)} signatures;"
          " pass against not pass):")  # fmt: skip
    for peer in peers:
        output = next(path for label, path in outputs.items()
                      if label.startswith(f"{peer.name}, ") and label.endswith(f" {size}"))  # fmt: skip
        assert output is not None
        same, compared, differ, examples = agreement(ours, read_verdicts(output))
        print(f"  {peer.name}: {same}/{compared} agree ({same / compared:.2%})")
        for (scan_says, peer_says), n in differ.most_common():
            shown = ", ".join(f"#{m}" for m in examples[(scan_says, peer_says)])
            print(f"    {n:>5}  scan: {scan_says:<32} {peer.name}: {peer_says}  (e.g. {shown})")


def _compile(tree: Path) -> None:
    """The .pyc files of `tree`'s analyzer, as `pip install .` writes them."""
    if not compileall.compile_dir(tree / "analyzer", quiet=1):
        raise SystemExit(f"{tree / 'analyzer'}: does not compile")


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
