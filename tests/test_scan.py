"""`dkim-analyzer scan` end to end: real mailboxes, the loopback DNS server, real workers."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import pickle
import re
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass as dataclasses_dataclass
from dataclasses import field as dataclasses_field
from dataclasses import replace as dataclasses_replace
from pathlib import Path
from typing import Any

import dkim
import pytest

from analyzer import scan as scan_module
from analyzer import sources
from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver, ResolverSpec
from analyzer.errors import NotAMessageError
from analyzer.message import parse_message
from analyzer.model import Failure
from analyzer.pipeline import Lookup, analyze, ask, lookups
from analyzer.scan import PrefetchedResolver, ScanFormat
from analyzer.scan import plan as scan_plan
from analyzer.scan import read as scan_read
from analyzer.scan import schedule as scan_schedule
from analyzer.scan import work as scan_work
from analyzer.sources import RawMessage, read_paths
from tests.bench_modules import load
from tests.conftest import FIXTURES, ROOT, run_cli, unwrap
from tests.nanoserver import ZoneServer
from tests.test_sources import ENVELOPE, PLAIN, to_mbox

NOW = "1763900100"
SLOW = {"dns-timeout"}  # its key is never answered: each lookup waits for --timeout
MESSAGES = {
    p.parent.name: p.read_bytes()
    for p in sorted(FIXTURES.glob("*/message.eml"))
    if p.parent.name not in SLOW
}


def scan_args(server: ZoneServer, *args: str, now: str = NOW) -> list[str]:
    """In-process runs verify in a thread (--jobs 1): forking pytest, with the DNS server's
    threads running, is not safe. Subprocess runs pass --jobs 2 (the last one given wins)."""
    base = ["scan", "--nameserver", server.address, "--timeout", "0.3", "--now", now, "--jobs", "1"]
    return [*base, *args]


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def run_subprocess(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The real console program, so the worker processes are real too."""
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_jsonl_holds_check_json_message_object_for_each_message(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    mbox = tmp_path / "all.mbox"
    mbox.write_bytes(to_mbox(*MESSAGES.values()))
    # The same DNS timeout as check's (scan_args' 0.3 s made a loopback answer slowed by
    # a loaded machine a timeout on one side only: the comparison is of the output).
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", "--timeout", "5", str(mbox)))
    assert run.exit_code == 1 and run.stderr == ""
    scanned = jsonl(run.stdout)
    eml = [str(FIXTURES / name / "message.eml") for name in MESSAGES]
    checked = run_cli(
        "check", "--format", "json", "--nameserver", dns_server.address, "--now", NOW, *eml
    ).json()["messages"]
    assert [m["source"] for m in scanned] == [f"{mbox}#{i}" for i in range(len(MESSAGES))]
    for got, want in zip(scanned, checked, strict=True):
        if want["line_endings"] == "lf":  # the fixture file itself is LF; the mbox read is CRLF
            continue
        assert {**got, "source": None} == {**want, "source": None}


def test_order_kept_and_each_key_looked_up_once_with_two_workers(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    names = list(MESSAGES) * 4
    mbox = tmp_path / "big.mbox"
    mbox.write_bytes(to_mbox(*(MESSAGES[n] for n in names)))
    done = run_subprocess(*scan_args(dns_server, "--format", "jsonl", "--jobs", "2", str(mbox)))
    assert done.returncode == 1, done.stderr
    lines = jsonl(done.stdout)
    assert [m["source"] for m in lines] == [f"{mbox}#{i}" for i in range(len(names))]
    ids = {n: re.search(rb"(?im)^Message-ID: *(<[^>]+>)", raw) for n, raw in MESSAGES.items()}
    assert [m["message_id"] for m in lines] == [ids[n][1].decode() for n in names]  # type: ignore[index]
    # Every signature's key (TXT at s._domainkey.d) is asked once per run. Probes for a
    # failing key (other names, or CNAME) are made by the workers, once per worker.
    keys = {s["dns"]["name"] for m in lines for s in m["signatures"] if s["dns"]}
    asked = Counter(q.name for q in dns_server.queries if q.rdtype == "TXT" and q.name in keys)
    assert keys and asked == dict.fromkeys(keys, 1), asked
    # The parent also asked the probes and DMARC records ahead: no worker asked DNS itself,
    # so nothing was asked twice.
    every = Counter((q.name, q.rdtype) for q in dns_server.queries)
    assert set(every.values()) == {1}, [k for k, n in every.items() if n > 1]


def test_same_key_for_many_messages_is_one_query(tmp_path: Path, dns_server: ZoneServer) -> None:
    mbox = tmp_path / "same.mbox"
    mbox.write_bytes(to_mbox(*[PLAIN] * 25))
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", str(mbox)))
    assert run.exit_code == 0
    assert {m["outcome"] for m in jsonl(run.stdout)} == {"pass"}
    # One query for the key, one for the From domain's DMARC record and, as there is none,
    # one for the From domain's SOA (does it exist? issue 10.10); the RFC 9989 tree walk's
    # _dmarc.com and SPF's TXT of the MAIL FROM domain (issue 13): 25 messages, 5 queries.
    asked = sorted((q.name, q.rdtype) for q in dns_server.queries)
    assert asked == [
        ("_dmarc.com.", "TXT"), ("_dmarc.example.com.", "TXT"), ("example.com.", "SOA"),
        ("example.com.", "TXT"), ("s2025._domainkey.example.com.", "TXT"),
    ]  # fmt: skip


def test_summary_reads_at_a_glance(tmp_path: Path, dns_server: ZoneServer) -> None:
    mbox = tmp_path / "all.mbox"
    mbox.write_bytes(to_mbox(*MESSAGES.values()))
    run = run_cli(*scan_args(dns_server, str(mbox)))
    assert run.exit_code == 1
    out = run.stdout
    assert out.startswith(f"Scanned {len(MESSAGES)} messages in ")
    for heading in (
        "Signatures by signing domain",
        "Why signatures did not pass",
        "From domains without a passing author-aligned signature",
        "DNS problems by selector",
    ):
        assert heading in out
    # Each reason with its count and its first message as the example (from the fixtures).
    with_reason = [
        i for i, n in enumerate(MESSAGES)
        for sig in json.loads((FIXTURES / n / "expected.json").read_text())["signatures"]
        if sig["reason"] == "body_hash_mismatch"
    ]  # fmt: skip
    example = f"{re.escape(str(mbox))}#{with_reason[0]}"
    # A row, or (wider than 80 columns with a long example path) the row folded.
    assert re.search(rf"body_hash_mismatch +{len(with_reason)} +{example}\n", out) or re.search(
        rf"body_hash_mismatch +signatures {len(with_reason)}, example {example}\n", unwrap(out)
    )
    assert re.search(r"gone\._domainkey\.example\.com\. +(status )?nxdomain,? +(signatures )?1",
                     unwrap(out))  # fmt: skip
    assert re.search(r"amazonses\.com +provider +pass", out)


def test_csv_has_one_row_per_signature(tmp_path: Path, dns_server: ZoneServer) -> None:
    mbox = tmp_path / "m.mbox"
    blob = ENVELOPE + b"\x00\x01binary\n\n"
    mbox.write_bytes(to_mbox(MESSAGES["ses-two-signatures"], MESSAGES["no-signature"]) + blob)
    run = run_cli(*scan_args(dns_server, "--format", "csv", str(mbox)))
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["source"][-2:], r["signature_index"], r["result"]) for r in rows] == [
        ("#0", "0", "pass"),
        ("#0", "1", "pass"),
        ("#1", "", ""),
        ("#2", "", ""),
    ]
    assert rows[1]["classification"] == "provider" and rows[1]["provider"]
    assert rows[2]["outcome"] == "fail" and rows[3]["outcome"] == "error"
    assert rows[3]["error"]


def test_broken_messages_are_results_and_the_scan_goes_on(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    mbox = tmp_path / "broken.mbox"
    blob = ENVELOPE + bytes(range(256)) * 8 + b"\n\n"
    mbox.write_bytes(to_mbox(PLAIN) + blob + to_mbox(PLAIN) + ENVELOPE + b"Subject: cut")
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", str(mbox)))
    results = jsonl(run.stdout)
    assert [("error" in m, m.get("outcome")) for m in results] == [
        (False, "pass"),
        (True, None),
        (False, "pass"),
        (True, None),
    ]
    assert results[1]["exit_code"] == 65 and "truncated" in results[3]["error"]
    assert run.exit_code == 65  # nothing failed, but some entries are not messages


def test_from_quoted_body_and_client_headers_still_verify(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    """Unquoting gives back the signed bytes; unsigned headers prepended by clients are harmless."""
    key = (FIXTURES / "keys" / "rsa2048.pem").read_bytes()
    message = (
        b"From: Alice <alice@example.com>\r\nTo: carol@example.net\r\nSubject: quoting\r\n"
        b"Date: Sun, 23 Nov 2025 12:13:15 +0000\r\nMessage-ID: <q@example.com>\r\n\r\n"
        b"Hi,\r\n\r\nFrom the desk of Alice:\r\n>From an old reply\r\n"
    )
    signed = dkim.sign(
        message, b"s2025", b"example.com", key, include_headers=[b"from", b"subject"]
    )
    takeout = b"X-GM-THRID: 1818123456789012345\r\nX-Gmail-Labels: Inbox\r\n" + signed + message
    thunderbird = b"X-Mozilla-Status: 0001\r\nX-Mozilla-Keys: \r\n" + signed + message
    mbox = tmp_path / "quoted.mbox"
    mbox.write_bytes(to_mbox(signed + message, takeout, thunderbird))
    assert b"\n>From the desk" in mbox.read_bytes()
    signed_at = re.search(rb"t=(\d+)", signed)
    assert signed_at is not None  # dkimpy signs with the current time
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", str(mbox), now=signed_at[1].decode()))
    assert [m["outcome"] for m in jsonl(run.stdout)] == ["pass"] * 3
    assert run.exit_code == 0


def test_maildir_folder_and_stdin(tmp_path: Path, dns_server: ZoneServer) -> None:
    md = tmp_path / "Maildir"
    (md / "cur").mkdir(parents=True)
    (md / "new").mkdir()
    (md / "cur" / "1:2,S").write_bytes(PLAIN)
    (md / "new" / "2").write_bytes(MESSAGES["body-modified"])
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", str(md)))
    assert [m["outcome"] for m in jsonl(run.stdout)] == ["pass", "fail"]
    piped = run_cli(*scan_args(dns_server, "--format", "jsonl", "-"), stdin=to_mbox(PLAIN))
    assert [m["source"] for m in jsonl(piped.stdout)] == ["<stdin>#0"]


def test_unreadable_path_is_66_and_the_rest_is_scanned(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    mbox = tmp_path / "ok.mbox"
    mbox.write_bytes(to_mbox(PLAIN))
    missing = tmp_path / "missing.mbox"
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", str(missing), str(mbox)))
    assert run.exit_code == 66
    assert run.stderr.count("\n") == 1 and str(missing) in run.stderr
    first, second = jsonl(run.stdout)
    assert first["source"] == str(missing) and first["exit_code"] == 66
    assert second["outcome"] == "pass"


def test_output_file_and_never_over_an_input(tmp_path: Path, dns_server: ZoneServer) -> None:
    mbox = tmp_path / "ok.mbox"
    mbox.write_bytes(to_mbox(PLAIN))
    out = tmp_path / "out.jsonl"
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", "--output", str(out), str(mbox)))
    assert run.exit_code == 0 and run.stdout == ""
    assert jsonl(out.read_text())[0]["outcome"] == "pass"
    refused = run_cli(*scan_args(dns_server, "--output", str(mbox), str(mbox)))
    assert refused.exit_code == 2 and "inputs" in refused.stderr
    assert mbox.read_bytes() == to_mbox(PLAIN)


def test_empty_mbox_is_zero_messages(tmp_path: Path, dns_server: ZoneServer) -> None:
    (tmp_path / "empty").write_bytes(b"")
    run = run_cli(*scan_args(dns_server, str(tmp_path / "empty")))
    assert run.exit_code == 0 and run.stdout.startswith("Scanned 0 messages")


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a subprocess")
def test_ctrl_c_stops_cleanly_with_valid_jsonl_and_a_summary(tmp_path: Path) -> None:
    # Every message has its own selector and each answer takes 0.5 s: a slow scan.
    header, rest = PLAIN.split(b"s=s2025;", 1)
    messages = [header + f"s=k{i:04d};".encode() + rest for i in range(600)]
    mbox = tmp_path / "slow.mbox"
    mbox.write_bytes(to_mbox(*messages))
    with ZoneServer(texts=["$TTL 60\nexample.com. IN A 192.0.2.1\n"], latency=0.5) as server:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "analyzer",
                *scan_args(server, "--format", "jsonl", "-j", "2", str(mbox)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()  # the scan is under way
        proc.send_signal(signal.SIGINT)
        # Not communicate(): it reads the raw pipe and would lose what readline() buffered.
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=30)
    assert proc.returncode == 130, err
    lines = jsonl((first + rest).decode())
    assert 1 <= len(lines) < len(messages)
    assert [m["source"] for m in lines] == [f"{mbox}#{i}" for i in range(len(lines))]
    assert err.decode().startswith(f"INTERRUPTED: scanned {len(lines)} message")
    assert err.decode().endswith("dkim-analyzer: interrupted\n")


@pytest.mark.parametrize("fmt", list(ScanFormat))
def test_every_format_is_wired(fmt: ScanFormat, tmp_path: Path, dns_server: ZoneServer) -> None:
    mbox = tmp_path / "one.mbox"
    mbox.write_bytes(to_mbox(PLAIN))
    run = run_cli(*scan_args(dns_server, "--format", fmt.value, str(mbox)))
    assert run.exit_code == 0
    expected = "Scanned 1 message in" if fmt is ScanFormat.TEXT else f"{mbox}#0"
    assert expected in run.stdout


def test_worker_resolver_answers_from_prefetch_and_asks_once_for_the_rest(
    dns_server: ZoneServer,
) -> None:
    host, port = dns_server.address.rsplit(":", 1)
    fallback = CachingResolver(DnsPythonResolver([Nameserver(host, int(port))], timeout=0.5))
    prefetched = fallback.query("s2025._domainkey.example.com")
    resolver = PrefetchedResolver(PrefetchedResolver.by_name([prefetched]), fallback)
    dns_server.reset_queries()
    assert resolver.query("S2025._domainkey.example.com.", "txt") is prefetched
    other = "ed2025._domainkey.example.org"
    assert resolver.query(other).status.value == "ok"
    assert resolver.query(other).status.value == "ok"
    assert [q.name for q in dns_server.queries] == [other + "."]


# --- issue 11: a hostile tester ---------------------------------------------------------

BAD_FROM = [
    b"From: =?\xc3\xa9?q?x?= <alice@example.com>",  # a charset name that is not ASCII
    b"From: =?utf-8?b?abcde?= <alice@example.com>",  # base64 of length 1 mod 4
]


@pytest.mark.parametrize("bad_from", BAD_FROM)
def test_a_malformed_encoded_word_is_one_entry_and_the_scan_goes_on(
    bad_from: bytes, tmp_path: Path, dns_server: ZoneServer
) -> None:
    bad = re.sub(rb"(?m)^From: [^\r\n]*", bad_from.replace(b"\\", b"\\\\"), PLAIN, count=1)
    assert bad_from in bad
    mbox = tmp_path / "mixed.mbox"
    mbox.write_bytes(to_mbox(PLAIN, PLAIN, bad, PLAIN, PLAIN))
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", str(mbox)))
    results = jsonl(run.stdout)
    assert [m["source"] for m in results] == [f"{mbox}#{i}" for i in range(5)]
    assert [m.get("outcome") for i, m in enumerate(results) if i != 2] == ["pass"] * 4
    # Analysed (once the decoder copes) or an `error` entry; never the end of the scan.
    assert "outcome" in results[2] or results[2]["exit_code"] in (65, 70)


def test_nothing_done_for_one_message_stops_the_scan(
    tmp_path: Path, dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever raises in a worker's planning of lookups or in its rendering costs that
    message alone (guarded, whatever the decoder does)."""
    real_plan, real_render = scan_work.lookups, scan_work.report_result

    def plan(msg: Any, signatures: Any) -> list[Any]:
        if msg.headers[0].name == b"X-Planning":
            raise UnicodeError("planning")
        return real_plan(msg, signatures)

    def render(report: Any, fmt: ScanFormat, size: int, lang: str = "en") -> scan_module.ScanResult:
        if report.message.message_id == "<rendering@bug>":
            raise ValueError("rendering")
        return real_render(report, fmt, size, lang)

    monkeypatch.setattr(scan_work, "lookups", plan)
    monkeypatch.setattr(scan_work, "report_result", render)
    planning = b"X-Planning: bug\r\n" + PLAIN  # an unsigned field: still a pass
    rendering = re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: <rendering@bug>", PLAIN)
    mbox = tmp_path / "bugs.mbox"
    mbox.write_bytes(to_mbox(PLAIN, planning, rendering, PLAIN))
    run = run_cli(*scan_args(dns_server, "--format", "jsonl", str(mbox)))
    results = jsonl(run.stdout)
    assert [m.get("outcome") for m in results] == ["pass", "pass", None, "pass"]
    assert results[2]["exit_code"] == 70 and "rendering" in results[2]["error"]
    assert run.exit_code == 70 and run.stderr == ""


def test_memory_does_not_keep_batches_for_every_new_dns_name(
    tmp_path: Path, dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finished lookup's Future keeps its callbacks, which held the batches: with a new
    signing domain every batch, every batch of the run stayed in memory (issue 11.3)."""
    messages = [
        PLAIN.replace(b"d=example.com;", f"d=n{i // 16}.example;".encode()) for i in range(16 * 48)
    ]
    mbox = tmp_path / "names.mbox"
    mbox.write_bytes(to_mbox(*messages))
    monkeypatch.setattr(scan_plan, "LOOKUP_TABLE", 8)
    alive: list[int] = []

    def emit(result: scan_module.ScanResult) -> None:
        if result.source.endswith(f"#{len(messages) - 1}"):
            gc.collect()
            alive.append(sum(isinstance(o, scan_schedule._Batch) for o in gc.get_objects()))

    host, port = dns_server.address.rsplit(":", 1)

    @contextlib.contextmanager
    def open_dns() -> Iterator[CachingResolver]:
        yield CachingResolver(DnsPythonResolver([Nameserver(host, int(port))], timeout=0.3))

    settings = scan_module.Settings(int(NOW), ScanFormat.JSONL)
    summary = scan_module.run_scan(
        [str(mbox)],
        settings,
        jobs=1,
        open_dns=open_dns,
        write=lambda _: None,
        progress=lambda: contextlib.nullcontext(emit),
    )
    assert summary.messages == len(messages)
    # The window holds at most WINDOW_MESSAGES / PART_MESSAGES batches; none are kept after.
    bound = scan_schedule.WINDOW_MESSAGES // scan_read.PART_MESSAGES + 2
    assert alive and alive[0] <= bound, alive


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found += [int(c) for c in f.read().split()]
    return found


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL to a process still running and to its children."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            for child in _children(proc.pid):
                os.kill(child, signal.SIGKILL)
        proc.kill()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in /proc")
def test_a_killed_worker_costs_no_message(tmp_path: Path, dns_server: ZoneServer) -> None:
    """kill -9 of one worker, as the OOM killer would: the pool is started again and the
    batches it held run again; every message gets its result (issue 11.5)."""
    count = 2400
    mbox = tmp_path / "many.mbox"
    mbox.write_bytes(to_mbox(*[PLAIN] * count))
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer",
         *scan_args(dns_server, "--format", "jsonl", "-j", "2", str(mbox))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    # A scan that hangs is ended after 120 s, its workers too (they hold its pipes).
    reaper = threading.Timer(120, _kill_tree, (proc,))
    reaper.start()
    try:
        first = proc.stdout.readline()  # under way: the workers exist and are busy
        workers = _children(proc.pid)
        assert len(workers) >= 2, workers
        os.kill(workers[0], signal.SIGKILL)
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=120)
    finally:
        reaper.cancel()
        _kill_tree(proc)
    lines = jsonl((first + rest).decode())
    assert proc.returncode == 0, err
    assert err == b""
    assert [m["source"] for m in lines] == [f"{mbox}#{i}" for i in range(count)]
    assert {m["outcome"] for m in lines} == {"pass"}


def _dies_on_kill(
    part: scan_module.Partition, dns: object, settings: scan_module.Settings
) -> list[scan_module.ScanResult]:
    """A worker's job that dies (SIGKILL) on a message that starts with KILL."""
    messages = list(part.read())
    if any(m.raw.startswith(b"KILL") for m in messages):
        os.kill(os.getpid(), signal.SIGKILL)
    return [scan_module.ScanResult(m.source, m.source + "\n", 0) for m in messages]


def _six_batches(
    workers: scan_module.Workers, raw: bytes, at: tuple[int, int]
) -> list[scan_module.ScanResult]:
    """Six batches of 4 messages m{b}.{i} run on `workers`, message `at` being `raw` (the
    others b"ok"); every result, in order. The workers are shut down after."""
    settings = scan_module.Settings(0, ScanFormat.JSONL)
    try:
        batches = []
        for b in range(6):
            raws = [raw if (b, i) == at else b"ok" for i in range(4)]
            batch = scan_schedule._Batch(
                scan_module.InlinePart(
                    tuple(RawMessage(f"m{b}.{i}", r) for i, r in enumerate(raws))
                )
            )
            workers.submit(batch, None, settings)
            batches.append(batch)
        return [r for batch in batches for r in batch.done.result(timeout=120)]
    finally:
        workers.shutdown(wait=True)


def test_only_a_message_that_kills_a_worker_again_is_an_error() -> None:
    workers = scan_module.Workers(2, work=_dies_on_kill)
    results = _six_batches(workers, b"KILL", (2, 3))
    assert [r.source for r in results] == [f"m{b}.{i}" for b in range(6) for i in range(4)]
    errors = [r for r in results if r.error]
    assert [r.source for r in errors] == ["m2.3"]
    assert errors[0].exit_code == 70 and "died" in errors[0].error
    assert workers.restarts >= 2


_HUGE = 64 << 20  # characters of output: through a pipe in ~0.25 s here


@dataclasses_dataclass(frozen=True, slots=True)
class _KilledWhenSent(scan_module.ScanResult):
    """A batch's last result, whose process is killed 50 ms after it is pickled: the
    batch's pickle is then whole, and being written to the pool's result pipe."""

    def __reduce__(self) -> tuple[Any, ...]:
        threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return (scan_module.ScanResult, (self.source, self.output, self.exit_code))


def _dies_while_sending(
    part: scan_module.Partition, dns: object, settings: scan_module.Settings
) -> list[scan_module.ScanResult]:
    """A worker's job whose process is killed while its results are on their way back: a
    batch with a message that starts with SEND, whose output is _HUGE."""
    messages = list(part.read())
    sends = [m.raw.startswith(b"SEND") for m in messages]
    results = [
        scan_module.ScanResult(m.source, "x" * _HUGE if send else m.source + "\n", 0)
        for m, send in zip(messages, sends, strict=True)
    ]
    if any(sends):
        last = results[-1]
        results[-1] = _KilledWhenSent(last.source, last.output, last.exit_code)
    return results


def test_a_worker_killed_while_its_results_are_sent_costs_no_other_message() -> None:
    """The pool's workers share one result pipe: a worker killed halfway through writing a
    large result to it left the pool's manager thread waiting for the rest forever, and the
    scan hung (1 run in 5 of the kill -9 test above, and one CI run). Every batch ends now,
    every other message with its result."""
    results = _six_batches(scan_module.Workers(2, work=_dies_while_sending), b"SEND", (1, 0))
    assert [r.source for r in results] == [f"m{b}.{i}" for b in range(6) for i in range(4)]
    for r in results:
        if r.source.startswith("m1."):  # its own output if it got through, else:
            wanted = "x" * _HUGE if r.source == "m1.0" else r.source + "\n"
            assert r.output == wanted or (r.exit_code == 70 and "died" in (r.error or ""))
        else:
            assert (r.output, r.error) == (r.source + "\n", None)


def test_a_job_a_broken_pool_left_running_runs_again() -> None:
    """CPython 3.11's pool can miss a job submitted while it marks its jobs failed; that
    job would never end. Once the broken pool's manager thread is done, it runs again."""
    workers = scan_module.Workers(2, work=_dies_on_kill)
    settings = scan_module.Settings(0, ScanFormat.JSONL)
    try:
        broken = workers._pool
        missed = scan_schedule._Batch(scan_module.InlinePart((RawMessage("missed", b"ok"),)))
        job: Future[Any] = Future()  # stands for the job the broken pool lost
        with workers._lock:
            workers._jobs[job] = broken
        job.add_done_callback(lambda f: workers._finished(broken, missed, None, settings, f))
        killer = scan_schedule._Batch(scan_module.InlinePart((RawMessage("k", b"KILL"),)))
        workers.submit(killer, None, settings)  # breaks the pool
        assert [r.output for r in missed.done.result(timeout=60)] == ["missed\n"]
        assert killer.done.result(timeout=120)[0].exit_code == 70
    finally:
        workers.shutdown(wait=True)


def test_output_over_an_input_by_hard_link_or_stdin_is_refused_before_truncating(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    """Only the path was compared: a hard link to the input mbox, and `scan - -o in.mbox <
    in.mbox`, truncated the input to 0 bytes (issue 11.11). Device and inode now."""
    mbox = tmp_path / "in.mbox"
    data = to_mbox(PLAIN)
    mbox.write_bytes(data)
    link = tmp_path / "link.jsonl"
    os.link(mbox, link)
    refused = run_cli(*scan_args(dns_server, "--format", "jsonl", "-o", str(link), str(mbox)))
    assert refused.exit_code == 2 and "same file as the input" in refused.stderr
    assert mbox.read_bytes() == data
    with mbox.open("rb") as stdin:
        piped = subprocess.run(
            [sys.executable, "-m", "analyzer", *scan_args(dns_server, "-o", str(mbox), "-")],
            stdin=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
        )  # fmt: skip
    assert piped.returncode == 2 and "standard input" in piped.stderr, piped.stderr
    assert piped.stderr.count("\n") == 1 and mbox.read_bytes() == data
    # A folder is scanned and the output has other links: it may be one of its files.
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.eml").write_bytes(PLAIN)
    os.link(folder / "a.eml", tmp_path / "out.jsonl")
    refused = run_cli(*scan_args(dns_server, "-o", str(tmp_path / "out.jsonl"), str(folder)))
    assert refused.exit_code == 2 and (folder / "a.eml").read_bytes() == PLAIN


def _scan_with_file_limit(args: list[str], limit: int) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False, preexec_fn=limited,
    )  # fmt: skip


def test_a_full_disk_is_an_io_error_and_the_last_line_stays_whole(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    """Was: exit 70 "internal error" and a half-written last line (issue 11.15). A file-size
    limit gives EFBIG mid-line, /dev/full gives ENOSPC: exit 74, one line on stderr."""
    mbox = tmp_path / "in.mbox"
    mbox.write_bytes(to_mbox(*[PLAIN] * 20))
    out = tmp_path / "out.jsonl"
    done = _scan_with_file_limit(
        scan_args(dns_server, "--format", "jsonl", "-j", "2", "-o", str(out), str(mbox)), 8000
    )
    assert done.returncode == 74, done.stderr
    assert done.stderr.count("\n") == 1 and "cannot write" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    text = out.read_text()
    assert 0 < len(text) <= 8000 and text.endswith("\n")
    assert [m["source"] for m in jsonl(text)] == [f"{mbox}#{i}" for i in range(text.count("\n"))]
    for args in (["-o", "/dev/full"], ["--format", "csv", "-o", "/dev/full"]):
        full = run_subprocess(*scan_args(dns_server, *args, str(mbox)))
        assert full.returncode == 74 and "No space left on device" in full.stderr
        assert full.stderr.count("\n") == 1
    with open("/dev/full", "w") as devfull:
        redirected = subprocess.run(
            [sys.executable, "-m", "analyzer", *scan_args(dns_server, str(mbox))],
            stdout=devfull, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60, check=False,
        )  # fmt: skip
    assert redirected.returncode == 74 and "standard output" in redirected.stderr


def _readline(stream: Any, seconds: float) -> bytes:
    """One line from a subprocess pipe, or b"" if none comes within `seconds`."""
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else b""


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a subprocess")
def test_stdin_streams_and_ctrl_c_while_waiting_keeps_the_results(
    dns_server: ZoneServer,
) -> None:
    """`scan -` analysed nothing until 1 MiB more input or EOF, ignored the first Ctrl-C
    while waiting, then exited 130 with 0 results (issue 11.14). --jobs 300 forked 301
    processes (issue 11.16): capped at 4 per core."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer",
         *scan_args(dns_server, "--format", "jsonl", "--jobs", "300", "-")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(to_mbox(PLAIN, PLAIN) + ENVELOPE + b"Subject: the third, still coming\n")
        proc.stdin.flush()
        first, second = _readline(proc.stdout, 30), _readline(proc.stdout, 30)
        assert jsonl((first + second).decode()) and len(jsonl((first + second).decode())) == 2
        workers = [c for c in _children(proc.pid) if Path(f"/proc/{c}/cmdline").exists()]
        assert len(workers) <= 4 * len(os.sched_getaffinity(0)) + 1, len(workers)
        proc.send_signal(signal.SIGINT)  # while the reader waits for the rest of #2
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    lines = jsonl((first + second + rest).decode())
    assert [(m["source"], m["outcome"]) for m in lines] == [
        ("<stdin>#0", "pass"),
        ("<stdin>#1", "pass"),
    ]
    assert proc.returncode == 130
    assert err.decode().startswith("INTERRUPTED: scanned 2 messages")
    assert err.decode().endswith("dkim-analyzer: interrupted\n")


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a subprocess")
@pytest.mark.parametrize("delay", [0.3, 0.9, 1.5])
def test_ctrl_c_to_the_parent_alone_never_prints_a_traceback(
    delay: float, tmp_path: Path, dns_server: ZoneServer
) -> None:
    mbox = tmp_path / "many.mbox"
    mbox.write_bytes(to_mbox(*[PLAIN] * 1500))
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer",
         *scan_args(dns_server, "--format", "jsonl", "-j", "2", "-o", os.devnull, str(mbox))],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert proc.stderr is not None
    # Once the program is under way (its imports done), SIGINT at a point of the run.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_children(proc.pid)) < 2:
        time.sleep(0.05)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode in (0, 130) or (proc.returncode == -signal.SIGINT and err == ""), err


class _Asked:
    """A resolver that notes every (name, type) it is asked, then asks `inner`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.names: set[tuple[str, str]] = set()

    def query(self, name: str, rdtype: str = "TXT") -> Any:
        self.names.add((name.lower().rstrip("."), rdtype.upper()))
        return self.inner.query(name, rdtype)


# Beside the fixtures: a message without a From field is still checked for SPF (the
# regex rule the scan had before asked SPF only with a From domain); ARC headers-only.
_NO_FROM = re.sub(rb"(?im)^From:[^\n]*\n", b"", MESSAGES["body-modified"])
_PLANNED = [(n, False) for n in sorted(MESSAGES)] + [("no-from", False), ("list-arc", True)]


@pytest.mark.parametrize(("name", "headers_only"), _PLANNED)
def test_the_lookups_planned_ask_every_name_analyze_asks(
    name: str, headers_only: bool, dns_server: ZoneServer
) -> None:
    """pipeline.lookups/ask (what a scan's worker asks the run's DNS service) ask what analyze() asks:
    every name, and no other name but the tree walks analyze() makes only after a pass."""
    raw = _NO_FROM if name == "no-from" else MESSAGES[name]
    server = [Nameserver(dns_server.host, dns_server.port)]
    analyzed = _Asked(DnsPythonResolver(server, timeout=0.3))
    analyze(raw, analyzed, now=int(NOW), headers_only=headers_only)
    planned = _Asked(DnsPythonResolver(server, timeout=0.3))
    planned_lookups = lookups(parse_message(raw, headers_only=headers_only))
    for lookup in planned_lookups:
        ask(lookup, planned)
    assert analyzed.names <= planned.names
    # The rest: names of the tree walks (RFC 9989 §4.10.1, the walked domain and the
    # domains above it) of a signer's or the SPF domain, which analyze() makes only when
    # the From domain has a DMARC record and that signature or SPF passes (relaxed).
    walked = {lk.domain for lk in planned_lookups if lk.walk or lk.spf}
    for asked, rdtype in planned.names - analyzed.names:
        above = asked.removeprefix("_dmarc.")
        assert rdtype == "TXT" and asked.startswith("_dmarc."), asked
        assert any(d == above or d.endswith(f".{above}") for d in walked), asked


# --- issue 15: workers read their own partitions; the output is the same bytes ----------


def _reference(paths: list[str], nameserver: str, now: int) -> bytes:
    """What scan must write, made message by message through the code path of check: the
    streaming reader (sources.read_paths), analyze(), the JSON renderer's line."""
    from analyzer.dns import parse_nameserver
    from analyzer.pipeline import analyze
    from analyzer.render.json import failure_dict, message_dict
    from analyzer.render.json import line as json_line

    resolver = CachingResolver(DnsPythonResolver([parse_nameserver(nameserver)], timeout=5.0))
    lines = []
    for m in read_paths(paths):
        if m.error is not None:
            lines.append(json_line(failure_dict(Failure(m.source, m.error, m.exit_code))))
            continue
        try:
            report = analyze(m.raw, resolver, now=now, source=m.source)
        except NotAMessageError as e:
            lines.append(json_line(failure_dict(Failure(m.source, str(e), e.exit_code))))
            continue
        lines.append(json_line(message_dict(report)))
    return "".join(lines).encode()


def _scanned(server: ZoneServer, paths: list[str], now: int, out: Path) -> bytes:
    args = ["--format", "jsonl", "--jobs", "2", "-o", str(out), *paths]
    done = run_subprocess(*scan_args(server, *args, now=str(now)))
    assert done.returncode in (0, 1, 65, 75), done.stderr
    return out.read_bytes()


def test_jsonl_is_the_same_bytes_as_analyze_of_each_message_read(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    """Workers that read their own byte ranges and maildir files, parse once, and ask the
    run's DNS plan write what analyze() and the renderer give for each message as the
    streaming reader reads it: the fixtures' mbox (with an entry that is not a message and a
    truncated last one), a maildir and a folder of .eml, one run, with two workers."""
    names = sorted(MESSAGES)
    mbox = tmp_path / "fixtures.mbox"
    blob = ENVELOPE + bytes(range(256)) * 8 + b"\n\n"
    mbox.write_bytes(to_mbox(*(MESSAGES[n] for n in names)) + blob + ENVELOPE + b"Subject: cut")
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
    folder = tmp_path / "emls"
    folder.mkdir()
    for i, n in enumerate(names):
        (md / ("cur" if i % 2 else "new") / f"{i:03d}:2,S").write_bytes(MESSAGES[n])
        (folder / f"{n}.eml").write_bytes(MESSAGES[n])
    paths = [str(mbox), str(md), str(folder)]
    now = int(NOW)
    got = _scanned(dns_server, paths, now, tmp_path / "out.jsonl")
    want = _reference(paths, dns_server.address, now)
    assert got.count(b"\n") == 3 * len(names) + 2
    assert got == want


def test_jsonl_of_the_bench_corpus_is_the_same_bytes(tmp_path: Path) -> None:
    """The benchmark's corpus (several signatures a message, ~10% broken, large bodies):
    scan with two workers gives analyze()'s bytes, message for message."""
    corpus = load("corpus")
    mbox, zone = corpus.generate(120, tmp_path)
    now = 1763900000 + 120 * 7 + 86400
    with ZoneServer([zone]) as server:
        got = _scanned(server, [str(mbox)], now, tmp_path / "out.jsonl")
        want = _reference([str(mbox)], server.address, now)
    assert got.count(b"\n") == 120
    assert got == want


def test_partitions_cut_an_mbox_where_the_reader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main process finds the boundaries (sources.boundary over 1 MiB reads) and cuts
    partitions there; the workers' reading gives the streaming reader's messages."""
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 3)
    monkeypatch.setattr(sources, "CHUNK", 7)  # boundaries straddle reads
    mbox = tmp_path / "m.mbox"
    crlf = ENVELOPE.replace(b"\n", b"\r\n") + PLAIN + b"\r\n"
    data = to_mbox(PLAIN, PLAIN, PLAIN) + crlf + to_mbox(*[PLAIN] * 4) + ENVELOPE + b"Subject: cut"
    mbox.write_bytes(data)
    parts = list(scan_read.partitions([str(mbox)]))
    assert all(isinstance(p, scan_read.MboxPart) and p.count <= 3 for p in parts)
    got = [m for p in parts for m in p.read()]
    assert got == list(read_paths([str(mbox)]))
    assert len(got) == 9 and got[-1].error is not None and "truncated" in got[-1].error
    assert all(p == pickle.loads(pickle.dumps(p)) for p in parts)
    assert max(len(pickle.dumps(p)) for p in parts) < 400  # offsets, not bytes


def test_the_partition_function_alone_is_a_scan(
    tmp_path: Path, dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a cluster runs: partitions (pickled, as they travel), scan_partition on each
    with the run's DNS service over TCP, summaries merged per partition. The same bytes as
    analyze() per message, the same summary as one that saw every result, each DNS name
    asked once, and every answer from the plan (none asked one query at a time)."""
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 5)
    names = sorted(MESSAGES)
    mbox = tmp_path / "fixtures.mbox"
    mbox.write_bytes(to_mbox(*(MESSAGES[n] for n in names)))
    host, port = dns_server.address.rsplit(":", 1)
    ns = Nameserver(host, int(port))
    settings = scan_module.Settings(int(NOW), ScanFormat.JSONL, dns=ResolverSpec((ns,)))
    server = scan_module.LookupServer(
        CachingResolver(DnsPythonResolver([ns], timeout=5.0)), tcp=("127.0.0.1", 0)
    )
    dns_server.reset_queries()
    missed: list[tuple[str, str]] = []
    real_query = scan_plan._ServiceResolver.query

    def query(self: Any, name: str, rdtype: str = "TXT") -> Any:
        missed.append((name, rdtype))
        return real_query(self, name, rdtype)

    monkeypatch.setattr(scan_plan._ServiceResolver, "query", query)
    try:
        merged, whole, lines = scan_module.Summary(), scan_module.Summary(), []
        for part in scan_module.partitions([str(mbox)]):
            results = scan_module.scan_partition(
                pickle.loads(pickle.dumps(part)), pickle.loads(pickle.dumps(server.service)),
                settings,
            )  # fmt: skip
            one = scan_module.Summary()
            for r in results:
                one.add(r)
                whole.add(r)
                lines.append(r.output)
            merged.merge(one)
    finally:
        server.close()
    asked = Counter((q.name, q.rdtype) for q in dns_server.queries)
    assert set(asked.values()) == {1}, [k for k, n in asked.items() if n > 1]
    assert missed == []  # the plan held every answer: no worker asked one at a time
    assert "".join(lines).encode() == _reference([str(mbox)], dns_server.address, int(NOW))
    assert merged == whole and merged.messages == len(names)


def test_a_message_waiting_for_a_slow_lookup_holds_up_no_other_of_its_partition(
    tmp_path: Path, dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service replies to each plan request as soon as its answers are known, and the
    worker analyses first the messages whose answers are in: a message whose key lookup is
    slow is analysed after the next message of its partition (whose names are its own), and
    the partition's results are still in input order, the same bytes as analyze() each.
    (Before: the replies came in order, and the worker waited for the first message's.)"""
    slow, quick = MESSAGES["plain"], MESSAGES["spf-forwarded"]
    gated = next(lk.name for lk in lookups(parse_message(slow)) if lk.selector)
    assert not {lk.name for lk in lookups(parse_message(slow))} & {
        lk.name for lk in lookups(parse_message(quick))
    }
    mbox = tmp_path / "two.mbox"
    mbox.write_bytes(to_mbox(slow, quick))
    host, port = dns_server.address.rsplit(":", 1)
    ns = Nameserver(host, int(port))
    quick_done = threading.Event()
    analysed: list[str] = []
    real_analyzed = scan_work._analyzed

    def analyzed(p: Any, resolver: Any, settings: Any) -> Any:
        result = real_analyzed(p, resolver, settings)
        analysed.append(p.source)
        if len(analysed) == 1 and p.msg.from_domain == "henry.example":
            quick_done.set()
        return result

    class Gate:
        """The slow key's lookup waits until the quick message is analysed (10 s at most:
        without the change the worker waits for the slow one first)."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def query(self, name: str, rdtype: str = "TXT") -> Any:
            if name.rstrip(".").lower() == gated:
                quick_done.wait(10)
            return self.inner.query(name, rdtype)

    monkeypatch.setattr(scan_work, "_analyzed", analyzed)
    settings = scan_module.Settings(int(NOW), ScanFormat.JSONL, dns=ResolverSpec((ns,)))
    server = scan_module.LookupServer(
        CachingResolver(Gate(DnsPythonResolver([ns], timeout=5.0)))  # type: ignore[arg-type]
    )
    scan_plan._known.clear()
    try:
        (part,) = scan_module.partitions([str(mbox)])
        results = scan_module.scan_partition(part, server.service, settings)
    finally:
        server.close()
    assert quick_done.is_set(), "the quick message waited behind the slow one"
    assert analysed == [results[1].source, results[0].source]
    assert "".join(r.output for r in results).encode() == _reference(
        [str(mbox)], dns_server.address, int(NOW)
    )


# --- SPF asked once per domain, not once per message (issue 15) ---------------------------

_SES = (FIXTURES / "spf-ses-custom-mail-from" / "message.eml").read_bytes()
_SES_ZONE = "\n".join(
    line
    for line in (FIXTURES / "spf-ses-custom-mail-from" / "zone").read_text().splitlines()
    if not line.startswith("bounce.outlet.example.")  # each test publishes its own record
)
# (boundary client, Return-Path local-part): three clients, a new sender every message.
_CLIENTS = ["54.240.8.30", "198.51.100.7", "203.0.113.9"]
_SENDS = [(_CLIENTS[i % 3], f"bounce-{i:03d}") for i in range(12)]


def _sent_by(ip: str, local: str) -> bytes:
    """The SES fixture as sent by another client and MAIL FROM of the same domain (neither
    field is signed: its signature still verifies)."""
    raw = _SES.replace(b"[54.240.8.30]", f"[{ip}]".encode())
    return re.sub(
        rb"<[^@<>]+@bounce\.outlet\.example>", f"<{local}@bounce.outlet.example>".encode(), raw
    )


def _scan_in_partitions(
    raws: list[bytes], zone: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[dict[str, Any]], int, list[tuple[Any, ...]], Counter[tuple[str, str]]]:
    """scan_partition over partitions of 4 messages with the run's DNS service: the JSONL
    (the same bytes as check's code path), the number of lookup jobs the service ran, every
    request the worker sent it, and how many times DNS was asked each (name, type)."""
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 4)
    mbox = tmp_path / "spf.mbox"
    mbox.write_bytes(to_mbox(*raws))
    sent: list[tuple[Any, ...]] = []
    real_send = scan_plan._Channel.send

    def send(self: Any, request: tuple[Any, ...]) -> int:
        sent.append(request)
        return real_send(self, request)

    monkeypatch.setattr(scan_plan._Channel, "send", send)
    with ZoneServer(texts=[zone]) as dns:
        ns = Nameserver(dns.host, dns.port)
        settings = scan_module.Settings(int(NOW), ScanFormat.JSONL, dns=ResolverSpec((ns,)))
        server = scan_module.LookupServer(CachingResolver(DnsPythonResolver([ns], timeout=5.0)))
        try:
            lines = [
                r.output
                for part in scan_module.partitions([str(mbox)])
                for r in scan_module.scan_partition(part, server.service, settings)
            ]
            jobs = len(server.lookups)
        finally:
            server.close()
        asked = Counter((q.name, q.rdtype) for q in dns.queries)
        assert "".join(lines).encode() == _reference([str(mbox)], dns.address, int(NOW))
    return jsonl("".join(lines)), jobs, sent, asked


def test_many_clients_and_senders_of_one_spf_domain_make_one_spf_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPF's lookup is known by its domain (and the client's address family): 12 messages
    of one MAIL FROM domain from 3 clients and 12 senders make one SPF lookup job, and the
    worker asks the service once (its first message), not once per message."""
    record = 'bounce.outlet.example. IN TXT "v=spf1 include:amazonses.com a:relay.outlet.example mx:outlet.example ~all"'
    zone = "\n".join([_SES_ZONE, record, "relay.outlet.example. IN A 198.51.100.7",
                      "outlet.example. IN MX 10 mx.outlet.example.",
                      "mx.outlet.example. IN A 192.0.2.25"])  # fmt: skip
    raws = [_sent_by(ip, local) for ip, local in _SENDS]
    planned = {lk.name for raw in raws for lk in lookups(parse_message(raw)) if lk.spf}
    assert planned == {"spf4 bounce.outlet.example"}
    got, jobs, sent, asked = _scan_in_partitions(raws, zone, tmp_path, monkeypatch)
    results = [(m["spf"]["client_ip"], m["spf"]["today"]["result"]) for m in got]
    assert results == [(ip, "pass" if ip != "203.0.113.9" else "softfail") for ip, _ in _SENDS]
    # The key, SPF, the From domain's DMARC record, the tree walk of amazonses.com.
    assert jobs == 4
    assert [kind for kind, *_ in sent] == ["plan"], sent  # the plan held every answer
    assert set(asked.values()) == {1}, [k for k, n in asked.items() if n > 1]


def test_an_spf_macro_gives_checks_verdict_and_is_asked_once_per_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record whose names depend on the client (%{i}) cannot be asked ahead: check_host
    asks them as it reaches them, with the same verdicts as check; the worker keeps each
    answer, so each name crosses to the service once, not once per message or partition."""
    record = 'bounce.outlet.example. IN TXT "v=spf1 exists:%{i}._spf.outlet.example ~all"'
    zone = "\n".join([_SES_ZONE, record, "54.240.8.30._spf.outlet.example. IN A 127.0.0.2",
                      "203.0.113.9._spf.outlet.example. IN A 127.0.0.2"])  # fmt: skip
    raws = [_sent_by(ip, local) for ip, local in _SENDS]
    got, jobs, sent, asked = _scan_in_partitions(raws, zone, tmp_path, monkeypatch)
    results = [(m["spf"]["client_ip"], m["spf"]["today"]["result"]) for m in got]
    assert results == [(ip, "softfail" if ip == "198.51.100.7" else "pass") for ip, _ in _SENDS]
    assert jobs == 4
    singles = sorted(args for kind, *args in sent if kind == "query")
    assert singles == [[f"{ip}._spf.outlet.example", "A"] for ip in sorted(_CLIENTS)]
    assert [kind for kind, *_ in sent].count("plan") == 1, sent
    assert set(asked.values()) == {1}, [k for k, n in asked.items() if n > 1]


@pytest.mark.parametrize(
    ("client", "name"),
    [("54.240.8.30", "spf4"), ("2001:db8::25", "spf6"), ("::ffff:54.240.8.30", "spf4")],
)
def test_spf_lookup_is_known_by_the_clients_address_family(client: str, name: str) -> None:
    """An IPv6 client's a and mx terms ask AAAA, not A: its own lookup; an IPv4-mapped
    client is an IPv4 client (RFC 7208 §5)."""
    raw = _SES.replace(b"[54.240.8.30]", f"[{client}]".encode())
    planned = [lk.name for lk in lookups(parse_message(raw)) if lk.spf]
    assert planned == [f"{name} bounce.outlet.example"]


def test_a_lookups_answers_stay_known_from_the_moment_its_job_ends() -> None:
    """The service tells a worker how long a lookup's answers stay known (ASK_AGAIN) as
    soon as the job's result() returns; they were stored by a done-callback that may run
    after that, and a worker told 0 s asked the same name again in its next partition.
    Frequent thread switches make that moment come often."""
    from analyzer.scan.plan import ASK_AGAIN, Lookups

    n = 1000
    zone = "$TTL 300\n" + "".join(
        f'_dmarc.d{i}.example. IN TXT "v=DMARC1; p=none"\n' for i in range(n)
    )
    interval = sys.getswitchinterval()
    with ZoneServer(texts=[zone]) as server:
        resolver = CachingResolver(DnsPythonResolver([Nameserver(server.host, server.port)]))
        lookups = Lookups(resolver, threads=4)
        try:
            sys.setswitchinterval(1e-6)
            told = []
            for i in range(n):
                lookup = Lookup(f"d{i}.example")  # its DMARC record
                told += [
                    seconds for _, seconds, _ in lookups.answers([(lookup, lookups.get(lookup))])
                ]
        finally:
            sys.setswitchinterval(interval)
            lookups.close()
    assert len(told) == n and min(told) > ASK_AGAIN - 60, sorted(told)[:5]


def test_a_lookup_cancelled_at_shutdown_still_answers_its_waiter() -> None:
    """Ctrl-C closes the run's lookups with work still queued: the service thread waiting
    for a plan's answers gets them without the cancelled ones, at once (concurrent.futures
    .wait never returns for a Future cancelled by shutdown: the worker waiting behind it,
    and then the whole scan, hung after the first Ctrl-C)."""
    from analyzer.scan.plan import Lookups

    with ZoneServer(texts=["$TTL 60\nexample.com. IN A 192.0.2.1\n"], latency=0.5) as server:
        resolver = CachingResolver(
            DnsPythonResolver([Nameserver(server.host, server.port)], timeout=2.0)
        )
        lookups = Lookups(resolver, threads=1)
        first, second = Lookup("example.com", "a"), Lookup("example.com", "b")
        started = [(first, lookups.get(first)), (second, lookups.get(second))]
        lookups.close()  # the second is still queued: cancelled
        answered: list[object] = []
        waiter = threading.Thread(target=lambda: answered.append(lookups.answers(started)))
        waiter.start()
        waiter.join(timeout=10)
    assert not waiter.is_alive(), "the answers of a cancelled lookup never came"
    assert [name for name, _, _ in answered[0]] == [first.name]  # type: ignore[index]


def test_the_receiver_record_made_for_the_plan_gives_the_same_report(
    dns_server: ZoneServer,
) -> None:
    """A worker reads the header section's receiver record once, for lookups() and for
    analyze_message(): each fixture's report is the one analyze_message() makes by itself,
    also where a passing ARC chain adds its sealers' results to the record."""
    from analyzer import trace
    from analyzer.model import RecordSource
    from analyzer.pipeline import analyze_message
    from analyzer.render.json import line, message_dict

    server = [Nameserver(dns_server.host, dns_server.port)]
    resolver = CachingResolver(DnsPythonResolver(server, timeout=0.3))
    sealed = []
    for name, raw in sorted(MESSAGES.items()):
        msg = parse_message(raw)
        alone = analyze_message(msg, resolver, now=int(NOW))
        given = analyze_message(msg, resolver, now=int(NOW), receiver=trace.receiver_record(msg))
        assert line(message_dict(given)) == line(message_dict(alone)), name
        assert given.receiver == alone.receiver, name
        if any(r.source is RecordSource.ARC for r in alone.receiver.results):
            sealed.append(name)
    assert sealed  # the case where the record is made again is among them


def test_the_public_suffix_list_is_read_before_the_workers_start() -> None:
    """Read once, before forking (the workers inherit it) and before the main process's
    DNS threads start: they would each read it, racing for an unlocked cache."""
    code = (
        "from analyzer.classify import _psl_lines\n"
        "from analyzer.scan.schedule import start_workers\n"
        "pool = start_workers(2)\n"
        "print(_psl_lines.cache_info().currsize)\n"
        "pool.shutdown()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.split() == ["1"], done.stderr


def test_values_that_cross_processes_are_sent_as_field_values() -> None:
    """multiprocessing's pickler sends the plan's requests and replies and the results as
    (class, field values): no dataclasses __getstate__ per object. The same values arrive."""
    from multiprocessing.reduction import ForkingPickler

    from analyzer.model import DnsAnswer, DnsStatus

    answer = DnsAnswer("s._domainkey.example.com", "TXT", DnsStatus.OK, ((b"v=DKIM1",),),
                       (("a.example", "b.example"),), 300, "127.0.0.1:53", None)  # fmt: skip
    row = scan_work.SignatureRow("example.com", "s", "author", "pass", None, "n", "noerror", False)
    values = [
        answer,
        Lookup("example.com", spf=4),
        row,
        scan_work.ScanResult("-", "{}\n", 0, None, None, "example.com", (row,), 10, "none", 0),
    ]
    for value in values:
        assert type(value) in ForkingPickler._extra_reducers
        assert pickle.loads(bytes(ForkingPickler.dumps(value))) == value

    @dataclasses_dataclass(frozen=True)
    class Derived:
        a: int
        b: int = dataclasses_field(init=False, default=0)

    with pytest.raises(TypeError):
        scan_module.wire.register(Derived)


@pytest.mark.parametrize("tcp", [None, ("127.0.0.1", 0)], ids=["unix", "tcp"])
def test_a_client_silent_in_the_handshake_stalls_neither_workers_nor_close(
    dns_server: ZoneServer, tcp: tuple[str, int] | None
) -> None:
    """A connection that never answers the service's challenge (a stuck worker, or anyone
    on the TCP port of a cluster run) holds only its own thread: a worker that connects
    after it is answered, and close() returns (it waited for ever for a handshake that the
    accepting thread, busy with the silent client, never began)."""
    import socket

    host, port = dns_server.address.rsplit(":", 1)
    resolver = CachingResolver(DnsPythonResolver([Nameserver(host, int(port))], timeout=5.0))
    server = scan_module.LookupServer(resolver, tcp=tcp)
    address = server.service.address
    silent = socket.socket(socket.AF_UNIX if tcp is None else socket.AF_INET)
    silent.connect(address)
    answered: list[Any] = []

    def worker() -> None:
        channel = scan_plan._Channel(server.service)
        answered.append(channel.receive(channel.send(("query", "example.com", "TXT"))))
        channel.conn.close()

    try:
        asking = threading.Thread(target=worker, daemon=True)
        asking.start()
        asking.join(10)
        assert answered, "a worker was not answered while another client sat in the handshake"
    finally:
        closing = threading.Thread(target=server.close, daemon=True)
        closing.start()
        closing.join(10)
        silent.close()
    assert not closing.is_alive(), "close() still waiting after 10 s"


def test_the_service_hangs_up_on_a_silent_client_and_refuses_a_wrong_key(
    dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handshake each connection's thread runs is bounded (HANDSHAKE seconds, then the
    service hangs up) and still the run's key: a client with another key is refused."""
    import socket
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    monkeypatch.setattr(scan_plan, "HANDSHAKE", 0.5)
    host, port = dns_server.address.rsplit(":", 1)
    resolver = CachingResolver(DnsPythonResolver([Nameserver(host, int(port))], timeout=5.0))
    server = scan_module.LookupServer(resolver, tcp=("127.0.0.1", 0))
    try:
        with socket.create_connection(server.service.address, timeout=10) as silent:
            got = b""
            while chunk := silent.recv(4096):  # the challenge, then the end: hung up
                got += chunk
            assert got  # it was challenged, then hung up on
        with pytest.raises(AuthenticationError):
            Client(server.service.address, authkey=b"not the run's key")
    finally:
        server.close()


def test_partitions_scanned_in_several_threads_of_one_worker_share_the_run_s_dns(
    tmp_path: Path, dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker runs as many partitions at once as it has threads (`dask worker
    --nthreads`), all in one process: each thread talks to the DNS service over a
    connection of its own (replies read by one thread are never lost to another), and the
    answers the process holds are shared safely. The same bytes as one thread, and each
    DNS name asked once: nobody fell back to asking DNS itself."""
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 2)
    monkeypatch.setattr(scan_plan, "SILENCE", 5.0)
    names = sorted(MESSAGES)
    mbox = tmp_path / "fixtures.mbox"
    mbox.write_bytes(to_mbox(*(MESSAGES[n] for n in names * 3)))
    host, port = dns_server.address.rsplit(":", 1)
    ns = Nameserver(host, int(port))
    settings = scan_module.Settings(int(NOW), ScanFormat.JSONL, dns=ResolverSpec((ns,)))
    parts = list(scan_module.partitions([str(mbox)]))
    outputs: dict[int, list[str]] = {}
    failures: list[BaseException] = []

    def scan(service: Any, some: list[tuple[int, Any]]) -> None:
        try:
            for index, part in some:
                outputs[index] = [
                    r.output for r in scan_module.scan_partition(part, service, settings)
                ]
        except BaseException as e:  # reported below
            failures.append(e)

    for threads in (1, 4):
        server = scan_module.LookupServer(CachingResolver(DnsPythonResolver([ns], timeout=5.0)))
        dns_server.reset_queries()
        scan_plan._known.clear()
        outputs.clear()
        try:
            workers = [
                threading.Thread(
                    target=scan, args=(server.service, list(enumerate(parts))[k::threads])
                )
                for k in range(threads)
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join(60)
        finally:
            server.close()
        assert not failures
        lines = "".join(line for i in sorted(outputs) for line in outputs[i])
        asked = Counter((q.name, q.rdtype) for q in dns_server.queries)
        if threads == 1:
            expected = lines
        else:
            assert lines == expected
        assert max(asked.values()) == 1, asked.most_common(3)


# --- DNS asked ahead for the partitions to come (issue 15: 20 ms latency) -----------------


def _signed_by(domain: str) -> bytes:
    """A message whose one signature asks sel._domainkey.`domain` (it need not verify)."""
    return (
        f"From: a@{domain}\r\nTo: b@example.net\r\nSubject: hi\r\n"
        f"DKIM-Signature: v=1; a=rsa-sha256; d={domain}; s=sel; h=from; bh=AAAA; b=AAAA\r\n"
        "\r\nbody\r\n"
    ).encode()


_KEYS = {f"sel._domainkey.d{i}.example." for i in range(8)}


def _ahead_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named_ahead: bool
) -> tuple[set[str], Counter[str]]:
    """Two partitions of 4 messages, each signed by a domain of its own, their DNS 0.1 s
    away: the first scanned (naming the second ahead, or not), then the second. Returns
    which of the 8 keys the DNS server had been asked when the first
    partition was done, and in all."""
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 4)
    mbox = tmp_path / "ahead.mbox"
    mbox.write_bytes(to_mbox(*(_signed_by(f"d{i}.example") for i in range(8))))
    scan_plan._known.clear()
    scan_plan._warmed.clear()
    scan_work._seen.clear()
    with ZoneServer(texts=["example. 300 IN SOA ns. h. 1 2 3 4 300\n"], latency=0.1) as dns:
        ns = Nameserver(dns.host, dns.port)
        settings = scan_module.Settings(int(NOW), ScanFormat.JSONL, dns=ResolverSpec((ns,)))
        server = scan_module.LookupServer(CachingResolver(DnsPythonResolver([ns], timeout=5.0)))
        try:
            first, second = scan_module.partitions([str(mbox)])
            if named_ahead:
                first = dataclasses_replace(first, ahead=(second,))
            lines = [r.output for r in scan_module.scan_partition(first, server.service, settings)]
            keys = {q.name for q in dns.queries} & _KEYS
            lines += [
                r.output for r in scan_module.scan_partition(second, server.service, settings)
            ]
            every = Counter(q.name for q in dns.queries if q.name in _KEYS)
        finally:
            server.close()
        assert "".join(lines).encode() == _reference([str(mbox)], dns.address, int(NOW))
    return keys, every


def test_a_partition_waiting_for_dns_asks_the_partitions_named_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the first partition waits for its answers, its worker reads the partition
    named ahead and the service starts that one's lookups: when the first is done, the
    second's keys have been asked already (without the hint, not), and each key once; the
    output is check's either way (_ahead_scan compares)."""
    first_keys = {f"sel._domainkey.d{i}.example." for i in range(4)}
    second_keys = {f"sel._domainkey.d{i}.example." for i in range(4, 8)}
    asked, _ = _ahead_scan(tmp_path, monkeypatch, named_ahead=False)
    assert asked == first_keys
    asked, every = _ahead_scan(tmp_path, monkeypatch, named_ahead=True)
    assert asked == first_keys | second_keys
    assert every == Counter(first_keys | second_keys)  # each once


def _reports_ahead(
    part: scan_module.Partition, dns: object, settings: scan_module.Settings
) -> list[scan_module.ScanResult]:
    """A worker's job that reports, for its partition, the partitions named ahead of it."""
    ahead = [p.index for p in getattr(part, "ahead", ())]
    return [scan_module.ScanResult(m.source, f"{m.source} {ahead}\n", 0) for m in part.read()]


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_partition_names_every_jobs_th_of_those_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """With --jobs N the workers run N consecutive partitions at once: each job names every
    N-th of the AHEAD partitions after it, from the N-th on (the next ones are named to
    nobody: a worker is about to read them anyway), in input order, every message once."""
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 1)
    mbox = tmp_path / "parts.mbox"
    mbox.write_bytes(to_mbox(*(_signed_by(f"d{i}.example") for i in range(20))))
    workers = scan_module.Workers(jobs, work=_reports_ahead)
    written: list[str] = []
    try:
        scanner = scan_schedule.Scanner(workers, None, scan_module.Settings(0, ScanFormat.JSONL))
        scanner.run(scan_module.partitions([str(mbox)]), lambda r: written.append(r.output))
    finally:
        workers.shutdown(wait=True)
    window = scan_schedule.AHEAD
    expected = [
        f"{mbox}#{k} {list(range(k + jobs, min(k + window, 19) + 1, jobs))}\n" for k in range(20)
    ]
    assert written == expected
