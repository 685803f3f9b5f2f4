"""bench/run.py's peers: said "not installed" cleanly, and their runners read the mbox whole.

Not timed: the timings are bench/run.py's. The runners run against the real loopback DNS
server on a small generated corpus, each only when its peer is installed here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench_modules import load
from tests.conftest import ROOT
from tests.nanoserver import ZoneServer

run = load("run")
corpus = load("corpus")


def test_no_peer_installed_is_said_with_how_to_install(tmp_path: Path) -> None:
    """With nothing on PATH (no cc, perl or node) every peer is 'not installed', with why
    and how to install it, and the run goes on without them."""
    env = dict(os.environ, PATH=str(tmp_path / "empty"))
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "5", "--latency", "0"]
    done = subprocess.run(
        [*cmd, "--out", str(tmp_path)], env=env, capture_output=True, text=True, check=True
    )
    for peer in run.PEERS:
        assert f"peer {peer.name} ({peer.language}): not installed (" in done.stdout
        assert peer.install in done.stdout
    assert "no C compiler (cc)" in done.stdout
    assert "scan / OpenDKIM (0 ms): not measured" in done.stdout
    assert "dkimpy loop, 0 ms DNS, 5" in done.stdout
    assert "verdicts per signature" not in done.stdout


def test_unknown_peer_is_refused() -> None:
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--peers", "SpamAssassin"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "--peers: no peer SpamAssassin" in done.stderr


@pytest.mark.parametrize("name", [peer.name for peer in run.PEERS])
def test_runner_verifies_every_signature_of_every_message(name: str, tmp_path: Path) -> None:
    """Each runner reports every message and signature scan sees, and agrees with scan on
    which pass, but for the algorithms it does not implement (Mail::DKIM 1.20230212 has no
    ed25519-sha256)."""
    peer = next(p for p in run.PEERS if p.name == name)
    if why := peer.missing(tmp_path):
        pytest.skip(f"{name} not installed: {why}")
    mbox, zone = corpus.generate(12, tmp_path)
    now = run.SIGN_TIME + 12 * 7 + 86400
    jsonl = tmp_path / "scan.jsonl"
    scan = [sys.executable, "-m", "analyzer", "scan", "--format", "jsonl", "--output", str(jsonl)]
    scan += ["--zone", str(zone), "--now", str(now), str(mbox)]
    subprocess.run(scan, cwd=ROOT, check=False)
    ours = run.scan_verdicts(jsonl)
    output = tmp_path / "peer.tsv"
    with ZoneServer([zone]) as server, output.open("wb") as sink:
        subprocess.run(peer.command(mbox, server, now, tmp_path), stdout=sink, check=True)
    theirs = run.read_verdicts(output)
    assert (theirs.messages, theirs.signatures) == (12, len(ours))
    assert theirs.verdicts.keys() == ours.keys()
    unsupported = {k for k, (_, why) in theirs.verdicts.items() if "unsupported algorithm" in why}
    same, compared, differ, _ = run.agreement(ours, theirs)
    assert compared == len(ours)
    assert same == compared - len(unsupported), differ
