"""`scan --cluster`: a real Dask LocalCluster (2 worker processes) gives what a local scan gives.

One cluster serves the module (start-up costs seconds); the CLI reaches it by its scheduler
address, as `--cluster ADDRESS` reaches any scheduler. One test starts its own with
`--cluster local:2`, and the tests that kill workers run last.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analyzer import cluster as cluster_module
from analyzer.dns import open_resolver
from analyzer.scan import ScanFormat, Settings
from analyzer.scan import read as scan_read
from tests.bench_modules import load
from tests.conftest import FIXTURES, ROOT, run_cli
from tests.nanoserver import ZoneServer
from tests.test_sources import to_mbox

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

NOW = "1763900100"
MESSAGES = {
    p.parent.name: p.read_bytes()
    for p in sorted(FIXTURES.glob("*/message.eml"))
    if p.parent.name != "dns-timeout"  # waits for --timeout on each lookup
}


def local_cluster(**config: object) -> Any:
    """A LocalCluster configured as `--cluster local` configures its own (forked workers,
    without Dask's profiler), and `config`."""
    with dask.config.set({**cluster_module.local_config(), **config}):
        return distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=50,
        )  # fmt: skip


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[Any]:
    with local_cluster() as local:
        yield local


def watchdog(seconds: float = 120.0) -> threading.Event:
    """Stops a run that would wait for workers that never come back (a test fails, not
    hangs)."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.daemon = True
    timer.start()
    return stop


@pytest.fixture(scope="module")
def address(dask_cluster: Any) -> str:
    return str(dask_cluster.scheduler_address)


def base(server: ZoneServer, *args: str, timeout: str = "3") -> list[str]:
    """A scan against the loopback server. No message here waits for a timeout; the
    machine may be loaded, and a late answer must not read as one in one run only."""
    return ["scan", "--nameserver", server.address, "--timeout", timeout, "--now", NOW, *args]


def local_and_cluster(
    server: ZoneServer, address: str, tmp_path: Path, *args: str
) -> tuple[str, str]:
    """The same scan, locally (one thread: the test runner must not fork) and on the
    cluster, each written with -o; both outputs."""
    here, there = tmp_path / "local.out", tmp_path / "cluster.out"
    a = run_cli(*base(server, "--jobs", "1", "-o", str(here), *args))
    server.reset_queries()
    b = run_cli(*base(server, "--cluster", address, "-o", str(there), *args))
    assert a.exit_code == b.exit_code and a.stderr == b.stderr == "", (a.stderr, b.stderr)
    return here.read_text(), there.read_text()


def test_fixtures_mbox_and_maildir_give_the_local_scans_jsonl(
    tmp_path: Path, dns_server: ZoneServer, address: str
) -> None:
    mbox = tmp_path / "all.mbox"
    mbox.write_bytes(to_mbox(*MESSAGES.values()))
    maildir = tmp_path / "Maildir"
    (maildir / "cur").mkdir(parents=True)
    (maildir / "new").mkdir()
    for i, raw in enumerate(MESSAGES.values()):
        (maildir / ("cur" if i % 3 else "new") / f"{i:04d}.host:2,S").write_bytes(raw)
    here, there = local_and_cluster(
        dns_server, address, tmp_path, "--format", "jsonl", str(mbox), str(maildir)
    )
    assert here == there
    sources = [json.loads(line)["source"] for line in there.splitlines()]
    assert len(sources) == 2 * len(MESSAGES)
    # Every (name, type) asked once in the run, by the client's plan: no worker asked.
    asked = Counter((q.name, q.rdtype) for q in dns_server.queries)
    assert asked and set(asked.values()) == {1}, [k for k, n in asked.items() if n > 1]


def test_bench_corpus_gives_the_local_scans_jsonl_csv_and_summary(
    tmp_path: Path, address: str
) -> None:
    mbox, zone = load("corpus").generate(300, tmp_path / "bench")
    with ZoneServer([zone]) as server:
        for fmt in ("jsonl", "csv", "text"):
            here, there = local_and_cluster(server, address, tmp_path, "--format", fmt, str(mbox))
            if fmt == "text":  # the first line says how long it took
                here, there = here.split("\n", 1)[1], there.split("\n", 1)[1]
            assert here == there, fmt
            asked = Counter((q.name, q.rdtype) for q in server.queries)
            assert set(asked.values()) == {1}, [k for k, n in asked.items() if n > 1]


def test_output_dir_holds_one_file_per_partition_in_input_order(
    tmp_path: Path, dns_server: ZoneServer, address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 7)
    monkeypatch.setattr(cluster_module, "TASK_MESSAGES", 7)
    mbox = tmp_path / "all.mbox"
    mbox.write_bytes(to_mbox(*MESSAGES.values()))
    here = run_cli(*base(dns_server, "--jobs", "1", "--format", "jsonl", str(mbox)))
    summary = run_cli(*base(dns_server, "--jobs", "1", str(mbox)))
    out = tmp_path / "parts"
    run = run_cli(
        *base(dns_server, "--cluster", address, "--format", "jsonl", "--output-dir", out.as_uri()),
        str(mbox),
    )  # a file:// URL is the folder it names
    assert run.exit_code == here.exit_code and run.stderr == ""
    names = sorted(os.listdir(out))
    assert len(names) == -(-len(MESSAGES) // 7)
    assert names == [f"part-{i:08d}.jsonl" for i in range(len(names))]
    assert "".join((out / n).read_text() for n in names) == here.stdout
    # The summary (merged from the partitions' summaries) goes to stdout.
    assert run.stdout.split("\n", 1)[1] == summary.stdout.split("\n", 1)[1]
    again = run_cli(
        *base(dns_server, "--cluster", address, "--format", "jsonl", "--output-dir", str(out)),
        str(mbox),
    )
    assert again.exit_code == 2 and "holds partition files of another run" in again.stderr


def test_file_url_inputs_are_read_through_fsspec(
    tmp_path: Path, dns_server: ZoneServer, address: str
) -> None:
    mbox = tmp_path / "all.mbox"
    mbox.write_bytes(to_mbox(*list(MESSAGES.values())[:12]))
    here = run_cli(*base(dns_server, "--jobs", "1", "--format", "jsonl", str(mbox)))
    url = mbox.as_uri()
    there = run_cli(*base(dns_server, "--cluster", address, "--format", "jsonl", url))
    assert there.exit_code == here.exit_code and there.stderr == ""
    assert there.stdout == here.stdout.replace(json.dumps(str(mbox))[1:-1], url)
    missing = run_cli(*base(dns_server, "--cluster", address, "--format", "jsonl", url + "-not"))
    line = json.loads(missing.stdout)
    assert missing.exit_code == 66 and line["exit_code"] == 66 and line["source"] == url + "-not"


def test_saved_dns_answers_the_rerun_offline_the_same(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    """--save-dns through the real CLI and loopback server, then --zone: the same JSONL
    (the server named in the evidence aside), timeouts, SERVFAIL and CNAME chains too.
    This one starts its own cluster: --cluster local:2."""
    mbox = tmp_path / "all.mbox"
    mbox.write_bytes(
        to_mbox(*MESSAGES.values(), (FIXTURES / "dns-timeout/message.eml").read_bytes())
    )
    saved = tmp_path / "saved.zone"
    first = run_cli(
        *base(dns_server, "--cluster", "local:2", "--format", "jsonl", "--save-dns", str(saved),
              timeout="1"),
        str(mbox),
    )  # fmt: skip
    assert first.exit_code == 1 and first.stderr == ""
    text = saved.read_text()
    assert ";! slow._domainkey.example.com. TIMEOUT" in text
    assert ";! flaky._domainkey.example.com. SERVFAIL" in text
    again = run_cli(
        "scan", "--zone", str(saved), "--timeout", "1", "--now", NOW, "--jobs", "1",
        "--format", "jsonl", str(mbox),
    )  # fmt: skip
    assert again.exit_code == 1
    assert again.stdout.replace(f"zone file {saved}", "SERVER") == first.stdout.replace(
        dns_server.address, "SERVER"
    )


def test_tasks_shrink_toward_the_end_of_an_input_of_known_size() -> None:
    parts = [scan_read.MboxPart("a.mbox", 32 * k, ((0, 1000),) * 32, False) for k in range(64)]
    sizes = [len(t.sources()) for t in cluster_module.group(parts, 64 * 32 * 1000, threads=2)]
    assert sum(sizes) == 64 * 32
    assert sizes[0] == cluster_module.TASK_MESSAGES and sizes[-1] == 32  # one partition
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) > 3
    # Unknown size (a maildir, a URL): every task as large as the bounds allow.
    sizes = [len(t.sources()) for t in cluster_module.group(parts)]
    assert sizes == [cluster_module.TASK_MESSAGES] * 4
    tasks = list(cluster_module.group(parts, 64 * 32 * 1000, threads=2))
    assert [t.index for t in tasks] == list(range(len(tasks)))
    assert [s for t in tasks for s in t.sources()] == [s for p in parts for s in p.sources()]


def test_the_local_cluster_runs_without_dasks_profiler_its_workers_forked() -> None:
    with cluster_module.connect(cluster_module.ClusterSpec(None, 1)) as client:
        profiled = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
        assert list(profiled.values()) == [False]
        if "forkserver" in multiprocessing.get_all_start_methods():
            assert os.getpid() not in client.run(os.getppid).values()  # the forkserver's


def test_usage_errors_and_an_unreachable_scheduler(
    tmp_path: Path, dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    mbox = tmp_path / "a.mbox"
    mbox.write_bytes(to_mbox(MESSAGES["plain"]))
    for args, words in [
        (["--output-dir", str(tmp_path / "o"), "--format", "jsonl"], "need --cluster"),
        (["--save-dns", str(tmp_path / "z")], "need --cluster"),
        (["--cluster", "local:0"], "local or local:N"),
        (["--cluster", "local", "--output-dir", str(tmp_path / "o")], "--format jsonl or csv"),
        (["--cluster", "local", "--format", "jsonl", "--output-dir", str(mbox / "parts")],
         "is one of the inputs"),
        (["--cluster", "local", "--save-dns", str(mbox)], "is one of the inputs"),
    ]:  # fmt: skip
        run = run_cli(*base(dns_server, *args), str(mbox))
        assert run.exit_code == 2 and words in run.stderr, (args, run.stderr)
        assert run.stderr.count("\n") == 1
    stdin = run_cli(*base(dns_server, "--cluster", "local"), "-", stdin=b"")
    assert stdin.exit_code == 2 and "standard input" in stdin.stderr
    # Nothing listens there: one line, exit 69 (EX_UNAVAILABLE), after the connect timeout.
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 1.0)
    run = run_cli(*base(dns_server, "--cluster", "tcp://127.0.0.1:9"), str(mbox))
    assert run.exit_code == 69, run.stderr
    assert re.fullmatch(r"dkim-analyzer: error: --cluster: cannot reach tcp://127\.0\.0\.1:9: .*\n",
                        run.stderr), run.stderr  # fmt: skip


def _worker_pids(client: Any) -> list[int]:
    return sorted(client.run(os.getpid).values())


def test_a_worker_killed_mid_run_loses_nothing_and_writes_nothing_twice(
    tmp_path: Path, dns_server: ZoneServer, address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 of a worker process while partitions run: the scheduler reruns its tasks
    on the other worker (and the nanny starts it again). Every message comes once, in
    order with -o; with --output-dir each partition's file is there once and whole."""
    monkeypatch.setattr(cluster_module, "TASK_MESSAGES", 64)
    count = 1200
    mbox = tmp_path / "many.mbox"
    mbox.write_bytes(to_mbox(*[MESSAGES["plain"]] * count))
    settings = Settings(int(NOW), ScanFormat.JSONL)
    with distributed.Client(address) as client:
        pids = _worker_pids(client)
        assert len(pids) == 2
        killed: list[int] = []
        lines: list[str] = []

        def write(text: str) -> None:
            if not killed:  # under way: the first partition is written, others are running
                killed.append(pids[0])
                os.kill(pids[0], signal.SIGKILL)
            lines.extend(text.splitlines())

        summary = cluster_module.run_cluster_scan(
            [str(mbox)], settings, cluster=cluster_module.ClusterSpec(address),
            open_dns=lambda: open_resolver([dns_server.address], 3.0), write=write,
            stop=watchdog(),
        )  # fmt: skip
        assert not summary.interrupted
        assert killed
        assert [json.loads(line)["source"] for line in lines] == [
            f"{mbox}#{i}" for i in range(count)
        ]
        assert summary.messages == count and summary.exit_code() == 0
        # Now with the workers writing the files, and a worker killed as they do.
        client.wait_for_workers(2, timeout=30)
        pids = _worker_pids(client)
        assert killed[0] not in pids  # it was killed, and started again
        out = tmp_path / "parts"
        sink = cluster_module.prepare_output_dir(str(out), [str(mbox)], ScanFormat.JSONL)

        def kill_when_written() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(
                n.startswith("part-") for n in os.listdir(out)
            ):
                time.sleep(0.01)
            os.kill(pids[1], signal.SIGKILL)

        killer = threading.Thread(target=kill_when_written)
        killer.start()
        summary = cluster_module.run_cluster_scan(
            [str(mbox)], settings, cluster=cluster_module.ClusterSpec(address),
            open_dns=lambda: open_resolver([dns_server.address], 3.0), write=lambda _: None,
            output_dir=sink, stop=watchdog(),
        )  # fmt: skip
        assert not summary.interrupted
        killer.join()
        names = sorted(os.listdir(out))
        assert names == [f"part-{i:08d}.jsonl" for i in range(len(names))]  # no temporaries
        sources = [
            json.loads(line)["source"] for n in names for line in (out / n).read_text().splitlines()
        ]
        assert sources == [f"{mbox}#{i}" for i in range(count)]
        assert summary.messages == count and summary.exit_code() == 0
        client.wait_for_workers(2, timeout=30)


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="Ctrl-C is SIGINT")
def test_ctrl_c_cancels_and_leaves_complete_files(tmp_path: Path, dns_server: ZoneServer) -> None:
    count = 3000
    mbox = tmp_path / "many.mbox"
    mbox.write_bytes(to_mbox(*[MESSAGES["plain"]] * count))
    out, parts = tmp_path / "out.jsonl", tmp_path / "parts"
    procs = []
    for dest in (["-o", str(out)], ["--output-dir", str(parts)]):
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "analyzer",
             *base(dns_server, "--cluster", "local:2", "--format", "jsonl", *dest), str(mbox)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        ))  # fmt: skip
    for proc, done in zip(procs, (out, parts), strict=True):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (
            (done.is_file() and done.stat().st_size > 0)
            or (done.is_dir() and any(n.startswith("part-") for n in os.listdir(done)))
        ):
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert err.decode().endswith("dkim-analyzer: interrupted\n"), err
    lines = out.read_text().splitlines()
    assert 0 < len(lines) < count
    assert [json.loads(line)["source"] for line in lines] == [
        f"{mbox}#{i}" for i in range(len(lines))
    ]
    names = sorted(os.listdir(parts))
    assert names and all(re.fullmatch(r"part-\d{8}\.jsonl", n) for n in names), names
    for name in names:  # each file whole: its partition's messages, in order
        sources = [json.loads(line)["source"] for line in (parts / name).read_text().splitlines()]
        first = int(sources[0].rpartition("#")[2])
        assert sources == [f"{mbox}#{i}" for i in range(first, first + len(sources))]


def dies_on_kill(
    part: cluster_module.Partition, dns: Any, settings: Settings, sink: Any
) -> cluster_module.PartResult:
    """A task that dies (SIGKILL, as the OOM killer would) on a message that starts with
    KILL, wherever it runs."""
    if any(m.raw.startswith(b"KILL") for p in part.parts for m in p.read()):
        os.kill(os.getpid(), signal.SIGKILL)
    return cluster_module.run_partition(part, dns, settings, sink)


def test_only_a_message_that_kills_every_worker_is_an_error(
    tmp_path: Path, dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler gives the partition up (KilledWorker); it is run one message per task,
    and only the message whose own task dies is an `error` entry (70). A cluster of its
    own that gives a task up at its first worker's death (allowed-failures 0; 3 by
    default, which only makes this slower): three deaths, not nine."""
    monkeypatch.setattr(scan_read, "PART_MESSAGES", 10)
    monkeypatch.setattr(cluster_module, "TASK_MESSAGES", 20)
    raws = [MESSAGES["plain"]] * 60
    raws[27] = b"KILL: me\r\n\r\nbody\r\n"
    mbox = tmp_path / "kill.mbox"
    mbox.write_bytes(to_mbox(*raws))
    lines: list[str] = []
    with local_cluster(**{"distributed.scheduler.allowed-failures": 0}) as own:
        summary = cluster_module.run_cluster_scan(
            [str(mbox)], Settings(int(NOW), ScanFormat.JSONL),
            cluster=cluster_module.ClusterSpec(own.scheduler_address),
            open_dns=lambda: open_resolver([dns_server.address], 3.0),
            write=lambda text: lines.extend(text.splitlines()), work=dies_on_kill,
            stop=watchdog(),
        )  # fmt: skip
    assert not summary.interrupted
    results = [json.loads(line) for line in lines]
    assert [r["source"] for r in results] == [f"{mbox}#{i}" for i in range(60)]
    assert [i for i, r in enumerate(results) if r.get("exit_code") == 70] == [27]
    assert "died, also when it ran alone" in results[27]["error"]
    assert {r["outcome"] for i, r in enumerate(results) if i != 27} == {"pass"}
    assert summary.internal == 1 and summary.exit_code() == 70


def test_a_tasks_partitions_each_name_the_ones_after_it_in_the_task() -> None:
    """A task's partitions run in turn on one thread: each names the AHEAD after it (their
    DNS is asked while it waits for its own); read from standard input, none is named."""
    from analyzer.scan import InlinePart
    from analyzer.scan.schedule import AHEAD
    from analyzer.sources import RawMessage

    parts = tuple(scan_read.MboxPart("m.mbox", k, ((k, k + 1),), False) for k in range(12))
    inline = InlinePart((RawMessage("-#0", b"x"),))
    named = cluster_module._named_ahead((*parts, inline))
    assert [[a.index for a in p.ahead] for p in named[:-1]] == [  # type: ignore[union-attr]
        list(range(k + 1, min(k + 1 + AHEAD, 12))) for k in range(12)
    ]
    assert named[:-1] == list(parts) and named[-1] is inline
