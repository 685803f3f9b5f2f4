"""The real CLI against the loopback DNS server, for every fixture and every exit code."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from analyzer.model import Clock, ClockSource, Reason
from analyzer.render import Format
from tests.conftest import FIXTURES, ROOT, Case, fixture_cases, run_cli
from tests.nanoserver import ZoneServer

CASES = fixture_cases()


def _check_args(case: Case, server: ZoneServer) -> list[str]:
    args = ["check", "--format", "json", "--nameserver", server.address, "--timeout", "0.5"]
    if case.expected.get("now"):
        args += ["--now", str(case.expected["now"])]
    return [*args, str(case.message)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_verdicts(case: Case, dns_server: ZoneServer) -> None:
    run = run_cli(*_check_args(case, dns_server))
    expected = case.expected
    assert run.exit_code == expected["exit_code"], run.stdout + run.stderr
    [message] = run.json()["messages"]
    got = [
        {k: s[k] for k in ("domain", "selector", "result", "reason", "classification")}
        for s in message["signatures"]
    ]
    assert got == expected["signatures"]
    assert message["headers_only"] == expected["headers_only"]
    assert message["line_endings"] == expected["line_endings"]


def test_every_reason_code_is_produced_by_a_test() -> None:
    from_fixtures = {s["reason"] for c in CASES for s in c.expected["signatures"]}
    tests_source = "\n".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    missing = [
        r.value
        for r in Reason
        if r.value not in from_fixtures and f"Reason.{r.name}" not in tests_source
    ]
    assert not missing


def test_zone_option_answers_offline() -> None:
    case = FIXTURES / "ses-two-signatures"
    run = run_cli("check", "--zone", str(case / "zone"), str(case / "message.eml"))
    assert run.exit_code == 0
    assert run.stdout.startswith("PASS: ")
    assert "provider (Amazon SES)" in run.stdout
    assert "4kdqmo3tq7y6zu7xhhjmfvjx4wl6sbkf" in run.stdout


def test_json_has_the_documented_keys(dns_server: ZoneServer) -> None:
    case = FIXTURES / "ses-two-signatures"
    run = run_cli(
        "check", "--format", "json", "--nameserver", dns_server.address, str(case / "message.eml")
    )
    doc = run.json()
    assert doc["schema_version"] == 1
    [msg] = doc["messages"]
    assert {"source", "from_domain", "signatures", "findings", "outcome", "exit_code"} <= msg.keys()
    author, provider = msg["signatures"]
    assert {"index", "domain", "selector", "algorithm", "result", "reason", "classification",
            "provider", "benign", "header_signature_valid", "body_hash_valid", "dns", "key"} <= author.keys()  # fmt: skip
    assert provider["benign"] is True and provider["provider"] == "Amazon SES"
    assert author["benign"] is False
    chain = author["dns"]["cname_chain"]
    assert chain[0]["target"].endswith(".dkim.amazonses.com.")
    assert author["key"]["bits"] == 2048
    assert "provider_signature" in {f["code"] for f in msg["findings"]}


def test_every_format_is_wired(dns_server: ZoneServer) -> None:
    message = str(FIXTURES / "plain" / "message.eml")
    for fmt in Format:
        run = run_cli("check", "--format", fmt.value, "--nameserver", dns_server.address, message)
        assert run.exit_code == 0 and run.stdout.strip(), fmt


def test_pasted_headers_on_stdin(dns_server: ZoneServer) -> None:
    headers = (FIXTURES / "headers-only" / "message.eml").read_bytes()
    run = run_cli("check", "--nameserver", dns_server.address, "-", stdin=headers)
    assert run.exit_code == 0
    assert "neutral" in run.stdout and "body_unavailable" in run.stdout
    assert "body_hash_mismatch" not in run.stdout


def test_headers_only_option_never_fails_the_body(dns_server: ZoneServer) -> None:
    message = str(FIXTURES / "body-modified" / "message.eml")
    run = run_cli(
        "check", "--headers-only", "--format", "json", "--nameserver", dns_server.address, message
    )
    [sig] = run.json()["messages"][0]["signatures"]
    assert (sig["result"], sig["reason"], sig["body_hash_valid"]) == (
        "neutral",
        "body_unavailable",
        None,
    )


def test_refused_is_a_temporary_dns_error(dns_server: ZoneServer) -> None:
    dns_server.refuse("s2025._domainkey.example.com")
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address,
                  str(FIXTURES / "plain" / "message.eml"))  # fmt: skip
    [sig] = run.json()["messages"][0]["signatures"]
    assert (sig["result"], sig["reason"]) == ("temperror", Reason.DNS_ERROR.value)
    assert sig["dns"]["status"] == "refused"
    assert run.exit_code == 75


def test_second_nameserver_is_asked_when_the_first_fails(dns_server: ZoneServer) -> None:
    with ZoneServer(texts=["$TTL 60\n"]) as broken:
        broken.servfail("s2025._domainkey.example.com")
        run = run_cli("check", "--format", "json", "--nameserver", broken.address,
                      "--nameserver", dns_server.address, str(FIXTURES / "plain" / "message.eml"))  # fmt: skip
    [sig] = run.json()["messages"][0]["signatures"]
    assert sig["result"] == "pass" and sig["dns"]["server"] == dns_server.address


def test_now_accepts_iso_dates(dns_server: ZoneServer) -> None:
    message = str(FIXTURES / "signature-expired" / "message.eml")
    before = run_cli("check", "--now", "2025-11-24", "--nameserver", dns_server.address, message)
    after = run_cli(
        "check", "--now", "2026-01-01T00:00:00Z", "--nameserver", dns_server.address, message
    )
    assert before.exit_code == 0 and after.exit_code == 1


def test_several_inputs_one_unreadable(dns_server: ZoneServer, tmp_path: Path) -> None:
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address,
                  str(FIXTURES / "plain" / "message.eml"), str(tmp_path / "missing.eml"))  # fmt: skip
    assert run.exit_code == 66
    ok, missing = run.json()["messages"]
    assert ok["outcome"] == "pass" and "cannot read" in missing["error"]
    assert run.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", 65), (b"\x00\x01\x02\xff binary", 65), (b"hello, this is not an email\n", 65)],
)
def test_non_messages_exit_65_with_one_line(content: bytes, code: int, tmp_path: Path) -> None:
    path = tmp_path / "input.eml"
    path.write_bytes(content)
    run = run_cli("check", "--zone", str(FIXTURES / "plain" / "zone"), str(path))
    assert run.exit_code == code
    assert run.stderr.startswith("dkim-analyzer: error: ") and run.stderr.count("\n") == 1


def test_directory_is_exit_66(tmp_path: Path) -> None:
    run = run_cli("check", "--zone", str(FIXTURES / "plain" / "zone"), str(tmp_path))
    assert run.exit_code == 66 and "is a directory" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--now", "yesterday", "x.eml"],
        ["check", "--format", "xml", "x.eml"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run_cli(*args).exit_code == 2


def test_bad_zone_file_is_a_usage_error(tmp_path: Path) -> None:
    zone = tmp_path / "bad.zone"
    zone.write_text("$TTL 60\nname. IN TXT\n")
    run = run_cli("check", "--zone", str(zone), str(FIXTURES / "plain" / "message.eml"))
    assert run.exit_code == 2 and "bad.zone" in run.stderr


def test_control_characters_never_reach_the_terminal(
    dns_server: ZoneServer, tmp_path: Path
) -> None:
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    raw = raw.replace(b"Subject: ", b"Subject: \x1b[2J\x1b]0;pwned\x07 ", 1)
    path = tmp_path / "evil.eml"
    path.write_bytes(raw)
    run = run_cli("check", "--nameserver", dns_server.address, str(path))
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    assert "\\x1b[2J" in run.stdout


def test_input_file_is_not_modified(dns_server: ZoneServer) -> None:
    path = FIXTURES / "lf-only" / "message.eml"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    run_cli("check", "--nameserver", dns_server.address, str(path))
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_python_dash_m_and_no_traceback(tmp_path: Path) -> None:
    """The installed entry points, as a user runs them: a subprocess, one error line."""
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"\x00\x00")
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer", "check", "--zone", str(FIXTURES / "plain" / "zone"), str(bad)],
        capture_output=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 65
    assert b"Traceback" not in proc.stderr and proc.stderr.count(b"\n") == 1


# --- hostile input and output for `check` (issue 11 items 1, 12, 15; issue 10 item 7) ----

ZONE = ("--zone", str(FIXTURES / "plain" / "zone"))
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def _cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """The CLI as a user runs it: a subprocess, so stdout can be a real file or pipe."""
    if "stdout" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        cwd=ROOT, timeout=120, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs,
    )  # fmt: skip


def test_malformed_encoded_words_do_not_stop_check(tmp_path: Path) -> None:
    """11.1: `=?é?q?x?=` and base64 of length 1 mod 4 made check exit 70 with no report."""
    bad = tmp_path / "bad.eml"
    bad.write_bytes(
        "From: =?é?q?x?= <a@example.com>\r\nSubject: =?utf-8?b?abcde?= \x1b]0;x\x07\r\n"
        "Message-ID: =?utf-8?b?abcde?=\r\n\r\nhi\r\n".encode()
    )
    good = str(FIXTURES / "plain" / "message.eml")
    run = run_cli("check", "--format", "json", *ZONE, good, str(bad))
    assert run.exit_code == 1, run.stderr  # the bad one has no signature: fail wins over pass
    ok, unsigned = run.json()["messages"]
    assert ok["outcome"] == "pass"
    assert (unsigned["from_domain"], unsigned["subject"]) == (
        "example.com",
        "=?utf-8?b?abcde?= \x1b]0;x\x07",
    )
    text = run_cli("check", *ZONE, good, str(bad))
    assert text.stdout.count("Message: ") == 2 and not UNSAFE.search(text.stdout)


def test_a_bug_on_one_message_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message that hits a bug gets its one escaped error line and exit 70; the others
    are still reported."""
    import analyzer.pipeline

    real = analyzer.pipeline.analyze

    def analyze(raw: bytes, *args: Any, **kwargs: Any) -> Any:
        if b"trigger" in raw:
            raise RuntimeError("boom \x1b]0;pwned\x07 \x1b[2J")
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(analyzer.pipeline, "analyze", analyze)
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"From: a@example.com\r\nSubject: trigger\r\n\r\nx\r\n")
    run = run_cli("check", "--format", "json", *ZONE, str(FIXTURES / "plain" / "message.eml"),
                  str(bad))  # fmt: skip
    assert run.exit_code == 70
    ok, failed = run.json()["messages"]
    assert ok["outcome"] == "pass" and failed["exit_code"] == 70
    assert failed["error"].startswith("internal error: RuntimeError")
    assert run.stderr.count("\n") == 1 and "\x1b" not in run.stderr and "\\x1b]0;" in run.stderr


def test_internal_error_line_is_escaped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import analyzer.cli

    def app(*args: object) -> None:
        raise ValueError("\x1b]8;;http://evil/\x07click\x1b[0m \u202e\n forged line")

    monkeypatch.setattr(analyzer.cli, "app", app)
    monkeypatch.delenv("DKIM_ANALYZER_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        analyzer.cli.main()
    assert exit_.value.code == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and not UNSAFE.search(err) and "\u202e" not in err
    assert "\\x1b]8;;http://evil/\\x07click" in err


@pytest.mark.parametrize(
    "command",
    [
        ["check", *ZONE, "/dev/zero"],
        ["byodkim", "--private-key", "/dev/zero"],
    ],
)
def test_endless_inputs_are_refused_at_the_limit(command: list[str]) -> None:
    """11.12: /dev/zero grew to 1.9 GB and ended in MemoryError (exit 70)."""
    proc = _cli(*command)
    assert proc.returncode == 65, proc.stderr
    assert proc.stderr.count(b"\n") == 1 and b"limit" in proc.stderr


def test_endless_pipe_is_refused_at_the_limit() -> None:
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        proc = _cli("check", *ZONE, "-", stdin=yes.stdout)
    finally:
        yes.kill()
        yes.wait()
    assert proc.returncode == 65 and b"100 MiB limit" in proc.stderr
    fifo = _cli("check", *ZONE, "/dev/stdin", stdin=subprocess.DEVNULL)
    assert fifo.returncode == 65 and b"empty input" in fifo.stderr


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_write_failure_is_an_io_error(fmt: str) -> None:
    """11.15: a full disk (/dev/full: ENOSPC) is one line and exit 74, not a silent cut."""
    with open("/dev/full", "wb") as full:
        proc = _cli("check", "--format", fmt, *ZONE, str(FIXTURES / "plain" / "message.eml"),
                    stdout=full, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.returncode == 74
    assert (
        proc.stderr == b"dkim-analyzer: error: cannot write the output: No space left on device\n"
    )


def test_closed_pipe_is_141() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer", "check", *ZONE, str(FIXTURES / "plain" / "message.eml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the report is written
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141 and err == b""


def _mbox(*messages: Path) -> bytes:
    """Messages stored as an mbox writer does: envelope line, LF, mboxrd quoting."""
    out = []
    for m in messages:
        text = m.read_bytes().replace(b"\r\n", b"\n")
        out.append(b"From MAILER-DAEMON Sun Nov 23 12:13:26 2025\n" + text + b"\n")
    return b"".join(out)


def test_check_on_an_mbox_reports_each_message(tmp_path: Path) -> None:
    """10.7: an mbox was analysed as one message, the second "appended" to the first."""
    plain, ses = FIXTURES / "plain", FIXTURES / "ses-two-signatures"
    mbox = tmp_path / "two.mbox"
    mbox.write_bytes(_mbox(plain / "message.eml", ses / "message.eml"))
    zones = ("--zone", str(plain / "zone"), "--zone", str(ses / "zone"))
    run = run_cli("check", "--format", "json", *zones, str(mbox))
    assert run.exit_code == 0, run.stdout
    first, second = run.json()["messages"]
    assert (first["source"], second["source"]) == (f"{mbox}#0", f"{mbox}#1")
    assert [s["result"] for s in first["signatures"]] == ["pass"]
    assert [s["result"] for s in second["signatures"]] == ["pass", "pass"]
    piped = run_cli("check", *zones, "-", stdin=mbox.read_bytes())
    assert piped.exit_code == 0 and "<stdin>#1" in piped.stdout
    assert piped.stdout.count("Message: ") == 2


def test_a_one_message_mbox_is_that_message(tmp_path: Path) -> None:
    """A Thunderbird export (one "From " line) keeps its source and verdict."""
    mbox = tmp_path / "one.mbox"
    mbox.write_bytes(_mbox(FIXTURES / "plain" / "message.eml"))
    run = run_cli("check", "--format", "json", *ZONE, str(mbox))
    [msg] = run.json()["messages"]
    assert run.exit_code == 0 and msg["source"] == str(mbox)


def test_a_broken_mbox_entry_is_an_error_entry(tmp_path: Path) -> None:
    mbox = tmp_path / "cut.mbox"
    mbox.write_bytes(_mbox(FIXTURES / "plain" / "message.eml") + b"From x\nSubject: cut")
    run = run_cli("check", "--format", "json", *ZONE, str(mbox))
    ok, cut = run.json()["messages"]
    assert ok["outcome"] == "pass" and cut["source"] == f"{mbox}#1"
    assert run.exit_code == 65 and "truncated" in cut["error"]
    assert run.stderr.count("\n") == 1


# --- --now: delivery (the default), a day means its end, RFC 5322 dates (issue 10 item 12) ---

EXPIRED = FIXTURES / "signature-expired" / "message.eml"  # t=2025-11-23 12:13:20, x= 7 days on


def _without_received(raw: bytes) -> bytes:
    """The message with every Received field removed: no trusted delivery time."""
    head, body = raw.split(b"\r\n\r\n", 1)
    fields = re.split(rb"\r\n(?![ \t])", head)
    return b"\r\n".join(f for f in fields if not f.lower().startswith(b"received:")) + (
        b"\r\n\r\n" + body
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-23", 1763942399),  # the end of that day (UTC), not its midnight
        ("2025-11-23T10:00:00+01:00", 1763888400),
        ("2025-11-23T12:13:22", 1763900002),  # UTC when no zone is given
        ("Sun, 23 Nov 2025 12:13:22 +0000", 1763900002),  # RFC 5322
        ("1763900000", 1763900000),
        ("0", 0),
    ],
)
def test_now_values(value: str, expected: int) -> None:
    from analyzer.cli import parse_now

    assert parse_now(value, system=lambda: 5.0) == Clock(expected)


def test_now_delivery_is_the_default_and_now_is_the_machine_clock() -> None:
    from analyzer.cli import parse_now

    default = Clock(5, delivery=True, source=ClockSource.SYSTEM)
    assert (
        parse_now(None, system=lambda: 5.0) == default == parse_now("delivery", system=lambda: 5.0)
    )
    assert parse_now("now", system=lambda: 5.0) == Clock(5, source=ClockSource.SYSTEM)


@pytest.mark.parametrize(
    "value",
    ["-1", "-1763900000", "1969-12-31", "253402300800", "99999999999999999999999",
     "10000-01-01", "yesterday", ""],
)  # fmt: skip
def test_negative_and_absurd_times_are_refused(value: str) -> None:
    run = run_cli("check", "--now", value, str(EXPIRED))
    assert run.exit_code == 2
    assert run.stderr.startswith("dkim-analyzer: error: --now") and run.stderr.count("\n") == 1


def test_mail_signed_on_the_day_given_is_not_made_in_the_future(dns_server: ZoneServer) -> None:
    """t= is 12:13 on 2025-11-23: `--now 2025-11-23` used to mean midnight before it."""
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address,
                  "--now", "2025-11-23", str(FIXTURES / "plain" / "message.eml"))  # fmt: skip
    [message] = run.json()["messages"]
    assert run.exit_code == 0 and message["signatures"][0]["result"] == "pass"
    assert message["clock"] == "given" and message["verified_at"] == 1763942399


def test_check_judges_each_message_as_of_its_delivery(
    dns_server: ZoneServer, tmp_path: Path
) -> None:
    """x= ended 2025-11-30; the receiver accepted it on 2025-11-23: not expired by default.
    Without a trusted delivery time the machine's clock is used, and the report says so."""
    bare = tmp_path / "no-received.eml"
    bare.write_bytes(_without_received(EXPIRED.read_bytes()))
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address,
                  str(EXPIRED), str(bare))  # fmt: skip
    delivered, fallback = run.json()["messages"]
    assert (delivered["clock"], delivered["verified_at"]) == ("delivery", 1763900002)
    assert delivered["outcome"] == "pass"
    assert fallback["clock"] == "system_fallback"
    assert fallback["signatures"][0]["reason"] == "signature_expired"
    text = run_cli("check", "--nameserver", dns_server.address, str(EXPIRED), str(bare)).text
    assert "Checked: as of 2025-11-23 12:13:22 UTC, its delivery" in text
    assert "(this machine's clock: the message shows no trusted delivery time)" in text
    # A time given is used as given.
    late = run_cli("check", "--format", "json", "--nameserver", dns_server.address,
                   "--now", "now", str(EXPIRED))  # fmt: skip
    assert late.json()["messages"][0]["clock"] == "system" and late.exit_code == 1


def test_scan_judges_each_message_as_of_its_own_delivery(
    dns_server: ZoneServer, tmp_path: Path
) -> None:
    mbox = tmp_path / "archive.mbox"
    messages = [EXPIRED.read_bytes(), _without_received(EXPIRED.read_bytes())]
    mbox.write_bytes(
        b"".join(b"From alice@example.com Sun Nov 23 12:13:26 2025\n" + m.replace(b"\r\n", b"\n")
                 + b"\n" for m in messages)
    )  # fmt: skip
    run = run_cli("scan", "--format", "jsonl", "--jobs", "1", "--nameserver",
                  dns_server.address, str(mbox))  # fmt: skip
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(m["clock"], m["outcome"]) for m in lines] == [
        ("delivery", "pass"), ("system_fallback", "fail"),
    ]  # fmt: skip
    assert lines[0]["verified_at"] == 1763900002


# --- the command line itself: help, usage errors, errors once, --lang, lazy imports (#12, #15) --

COMMAND_NAMES = ("check", "scan", "dns", "byodkim")
DOCTOR_ZONE = ("--zone", str(FIXTURES / "doctor" / "doctor.zone"))
BYODKIM_KEY = str(FIXTURES / "keys" / "byodkim" / "rsa2048-pkcs8.pem")  # key_not_pkcs1
# One command line per command, offline, that reports in the language asked for.
LANG_RUNS = {
    "check": ["check", *ZONE, str(FIXTURES / "plain" / "message.eml")],
    "dns": ["dns", *DOCTOR_ZONE, "records.example", "--selector", "pem"],
    "byodkim": ["byodkim", "--private-key", BYODKIM_KEY, "--selector", "ses2025",
                "--domain", "example.com"],
}  # fmt: skip
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.mark.parametrize("args", [["-h"], ["--help"], *([c, "-h"] for c in COMMAND_NAMES)])
def test_help_is_short_option_too_and_fits_80_columns(args: list[str]) -> None:
    run = run_cli(*args)
    assert run.exit_code == 0 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    assert "examples:" in run.stdout and "docs/" in run.stdout
    assert (
        "<list[str]>" not in run.stdout and "[[PATH]" not in run.stdout and "]..." not in run.stdout
    )
    if args[0] in COMMAND_NAMES:
        assert "exit codes:" in run.stdout and re.search(r"^  2 +usage error", run.stdout, re.M)
    else:
        assert all(f"  {c} " in run.stdout for c in COMMAND_NAMES)


def test_help_groups_options_and_says_choices_and_defaults() -> None:
    text = run_cli("check", "-h").stdout
    assert all(f"\n{group}:\n" in text for group in ("Output", "Analysis", "DNS"))
    assert "text (the default)" in text and "5 by default" in text
    assert "-v, --verbose" in text and "--color / --no-color" in text  # click's way to say it


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "--frobnicate", "x.eml"], "unknown option"),
        (["check", "--format", "xml", "x.eml"], "--format 'xml': expected text or json"),
        (["check", "--timeout", "0", "x.eml"], "--timeout 0: expected 0.1 to 60 seconds"),
        (["check", "--timeout", "soon", "x.eml"], "--timeout soon"),
        (["check", "--timeout"], "--timeout needs a value"),
        (["scan", "--format", "xml", "x.mbox"], "--format 'xml': expected text or jsonl or csv"),
        (["scan", "--jobs", "0", "x.mbox"], "--jobs '0'"),
        (["scan"], "missing PATH"),
        (["dns"], "missing DOMAIN"),
        (["dns", "--ns-port", "70000", "example.com"], "--ns-port '70000'"),
        (["byodkim", "--lang", "fr", "--private-key", "k.pem"], "--lang 'fr'"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["--frobnicate"], "unknown option '--frobnicate'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str], words: str) -> None:
    run = run_cli(*args)
    assert run.exit_code == 2, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith("dkim-analyzer: error: ") and run.stderr.count("\n") == 1
    assert words in run.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_unreadable_input_is_said_once_on_stderr(fmt: str, tmp_path: Path) -> None:
    """Was `ERROR: /tmp: /tmp: is a directory` on stdout and the error again on stderr."""
    run = run_cli("check", "--format", fmt, *ZONE, str(tmp_path))
    assert run.exit_code == 66
    assert run.stderr.count("\n") == 1 and run.stderr.count(str(tmp_path)) == 1
    assert run.stderr == f"dkim-analyzer: error: {tmp_path}: is a directory (use `dkim-analyzer scan` for folders)\n"  # fmt: skip
    if fmt == "text":
        assert run.stdout == ""
    else:  # the JSON document still has the entry: it is data
        [entry] = run.json()["messages"]
        assert entry["error"].startswith("is a directory") and entry["exit_code"] == 66


def test_text_report_of_a_mix_says_the_failure_only_on_stderr(tmp_path: Path) -> None:
    missing = tmp_path / "missing.eml"
    run = run_cli("check", *ZONE, str(FIXTURES / "plain" / "message.eml"), str(missing))
    assert run.exit_code == 66 and str(missing) not in run.stdout
    assert run.stdout.startswith("PASS: ") and run.stderr.count(str(missing)) == 1


@pytest.mark.parametrize("command", sorted(LANG_RUNS))
def test_lang_on_each_command(command: str) -> None:
    english = run_cli(*LANG_RUNS[command], "--lang", "en")
    chinese = run_cli(*LANG_RUNS[command], "--lang", "zh-TW")
    assert english.exit_code == chinese.exit_code, chinese.stderr
    assert not CJK.search(english.stdout) and CJK.search(chinese.stdout)


def test_lang_on_scan_is_accepted_for_its_summary(tmp_path: Path) -> None:
    mbox = tmp_path / "one.mbox"
    mbox.write_bytes(_mbox(FIXTURES / "plain" / "message.eml"))
    run = run_cli("scan", "--lang", "zh-TW", "--jobs", "1", *ZONE, str(mbox))
    assert run.exit_code == 0 and run.stdout.startswith(
        "已掃描 1 封郵件"
    )  # the summary, translated
    assert run_cli("scan", "--lang", "xx", str(mbox)).exit_code == 2


def _locale_run(args: list[str], locale: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LC_ALL": locale, "LANG": locale, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True,
                          cwd=ROOT, timeout=120, env=env, check=False)  # fmt: skip


@pytest.mark.parametrize("command", sorted(LANG_RUNS))
def test_json_is_the_same_whatever_the_locale(command: str) -> None:
    args = [*LANG_RUNS[command], "--format", "json"]
    if command == "check":
        args += ["--now", "2025-11-24"]  # the same clock for both runs
    c, zh = _locale_run(args, "C"), _locale_run(args, "zh_TW.UTF-8")
    assert c.returncode == zh.returncode and c.stdout and c.stdout == zh.stdout
    assert not CJK.search(zh.stdout.decode())
    # The locale still decides the language of the text report.
    text = _locale_run([a for a in args if a not in ("--format", "json")], "zh_TW.UTF-8")
    assert CJK.search(text.stdout.decode())
    # And --lang decides the JSON's.
    assert CJK.search(_locale_run([*args, "--lang", "zh-TW"], "C").stdout.decode())


def _modules_after(args: list[str]) -> set[str]:
    """The modules a real process has imported once `dkim-analyzer ARGS` is done."""
    code = (
        "import sys\nfrom analyzer.cli import run\nrun(sys.argv[1:])\n"
        "print(' '.join(sorted(sys.modules)), file=sys.__stderr__)"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, cwd=ROOT,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)  # fmt: skip
    return set(proc.stderr.split("\n")[-2].split())


# typer is the project's fixed choice of CLI library, and typer 0.29 coerces every
# non-bool option through pydantic: both are loaded by every command that runs. rich (its
# rich help and errors) and the other commands' modules are not: scan (and its cluster
# runner, progress bar and summary), dns (doctor), byodkim, serve (the web app). Nor a
# process pool or an executor, whose exit hooks join workers at shutdown. Each is a module
# or a package, with all its submodules.
ELSEWHERE = ("analyzer.doctor", "analyzer.byodkim", "analyzer.render.doctor",
             "analyzer.render.byodkim", "analyzer.render.summary", "analyzer.render.csv",
             "analyzer.render.html", "analyzer.scan", "analyzer.cluster", "analyzer.progress",
             "analyzer.web", "analyzer.cli.scan", "analyzer.cli.dns", "analyzer.cli.byodkim",
             "analyzer.cli.serve", "rich", "distributed", "dask", "multiprocessing",
             "concurrent.futures", "asyncio")  # fmt: skip


def _elsewhere(loaded: set[str]) -> set[str]:
    return {m for m in loaded if m in ELSEWHERE or m.startswith(tuple(e + "." for e in ELSEWHERE))}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_imports_only_what_check_needs(fmt: str) -> None:
    loaded = _modules_after(LANG_RUNS["check"] + ["--format", fmt])
    assert "analyzer.pipeline" in loaded and "typer" in loaded  # it did run, through typer
    assert not _elsewhere(loaded), _elsewhere(loaded)
    assert ("analyzer.render.text" in loaded) is (fmt == "text")


def test_help_and_usage_errors_import_no_analysis() -> None:
    for args in (["check", "-h"], ["-h"], ["dns", "--format", "xml", "x"]):
        loaded = _modules_after(args)
        assert not {"dkim", "dns.resolver", "analyzer.pipeline", "analyzer.model"} & loaded
        assert "rich" not in loaded  # the help is typer's plain layout (options.Command)
    # -h exits before any value is coerced: no pydantic either.
    assert not {"pydantic", "pydantic_core"} & _modules_after(["check", "-h"])


def test_dns_and_byodkim_import_only_their_own_command() -> None:
    dns, byodkim = _modules_after(LANG_RUNS["dns"]), _modules_after(LANG_RUNS["byodkim"])
    assert "analyzer.doctor" in dns and "analyzer.byodkim" in byodkim  # they did run
    assert not {"analyzer.byodkim", "analyzer.scan", "analyzer.cli.check", "rich"} & dns
    assert not {"analyzer.scan", "analyzer.cli.check", "analyzer.cli.scan", "rich"} & byodkim


def test_scan_draws_its_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """The bar (analyzer/progress.py) is drawn on stderr when it is a terminal; the data
    on stdout is the same as without it."""
    import pty

    mbox = tmp_path / "two.mbox"
    mbox.write_bytes(_mbox(FIXTURES / "plain" / "message.eml", FIXTURES / "plain" / "message.eml"))
    args = ["scan", "--format", "jsonl", "--jobs", "1", *ZONE, str(mbox)]
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "analyzer", *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=follower,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
        os.close(follower)
        drawn = b""
        with contextlib.suppress(OSError):  # EIO once the process has closed the terminal
            while chunk := os.read(leader, 4096):
                drawn += chunk
        stdout, _ = proc.communicate(timeout=120)
    finally:
        os.close(leader)
    assert proc.returncode == 0, drawn
    assert stdout == _cli(*args).stdout and stdout.count(b"\n") == 2
    assert b"messages" in drawn  # the bar's "N messages" column


def test_scan_jsonl_is_the_same_whatever_the_locale(tmp_path: Path) -> None:
    mbox = tmp_path / "two.mbox"
    mbox.write_bytes(
        _mbox(FIXTURES / "key-1024" / "message.eml", FIXTURES / "plain" / "message.eml")
    )
    zones = ("--zone", str(FIXTURES / "key-1024" / "zone"), *ZONE)
    args = ["scan", "--format", "jsonl", "--jobs", "1", "--now", "2025-11-24", *zones, str(mbox)]
    c, zh = _locale_run(args, "C"), _locale_run(args, "zh_TW.UTF-8")
    assert c.returncode == zh.returncode == 0 and c.stdout.count(b"\n") == 2
    assert c.stdout == zh.stdout and b"weak_key" in c.stdout


# analyzer/cli/coerce.py: every option of every command, given, coerced as typer's own
# coercion (a pydantic TypeAdapter per parameter) coerces it, and errors the same.
COERCE_ZONE = str(FIXTURES / "antivirus-banner" / "zone")
DNS_OPTIONS = ["--nameserver", "127.0.0.1:53", "--nameserver", "::1", "--timeout", "2.5",
               "--zone", COERCE_ZONE, "--zone", "no/such.zone"]  # fmt: skip
COERCED = {
    "check": [
        [
            "a.eml",
            "b.eml",
            "--format",
            "json",
            "-v",
            "--color",
            "--lang",
            "zh_tw",
            "--headers-only",
            "--now",
            "delivery",
            *DNS_OPTIONS,
        ],
        ["-"],
    ],
    "scan": [
        [
            "x.mbox",
            "--format",
            "jsonl",
            "-o",
            "out.jsonl",
            "--lang",
            "en",
            "-j",
            "3",
            "--headers-only",
            "--now",
            "1764000400",
            "--cluster",
            "local:2",
            "--output-dir",
            "d",
            "--save-dns",
            "s.zone",
            *DNS_OPTIONS,
        ],
        ["-"],
    ],
    "dns": [
        [
            "example.com",
            "--selector",
            "s1",
            "--selector",
            "s2",
            "--ses-token",
            "t",
            "--authoritative",
            "ns1.example.com",
            "--ns-port",
            "5353",
            "--no-propagation",
            "--format",
            "json",
            "--lang",
            "zh-TW",
            *DNS_OPTIONS,
        ],
        ["example.com"],
    ],
    "byodkim": [
        [
            "--private-key",
            str(FIXTURES),
            "--public-key",
            "k",
            "--selector",
            "s",
            "--domain",
            "example.com",
            "--check-dns",
            "--console-key",
            "--format",
            "json",
            *DNS_OPTIONS,
        ],
        [],
    ],
    "serve": [
        ["--host", "127.0.0.1", "--port", "8025", "--open", "--now", "now", *DNS_OPTIONS],
        [],
    ],
}
BAD_VALUES = [
    ("check", ["a.eml", "--timeout", "abc"]), ("check", ["a.eml", "--format", "xml"]),
    ("check", ["a.eml", "--lang", "fr"]), ("scan", ["x.mbox", "-j", "0"]),
    ("dns", ["example.com", "--ns-port", "x"]), ("serve", ["--port", "-1"]),
]  # fmt: skip


def _typer_own(name: str) -> Any:
    import typer

    from analyzer.cli import command

    return typer.main.get_command(command(name).app)  # built anew: coerced by typer alone


def _parsed(cmd: Any, name: str, argv: list[str]) -> dict[str, Any] | tuple[type, str]:
    try:
        with cmd.make_context(name, list(argv)) as ctx:
            return dict(ctx.params)
    except Exception as e:
        return type(e), str(e)


@pytest.mark.parametrize(
    ("name", "argv"), [(n, a) for n, argvs in COERCED.items() for a in argvs] + BAD_VALUES
)
def test_options_coerced_without_pydantic_as_typer_coerces_them(name: str, argv: list[str]) -> None:
    from analyzer.cli import click_command

    ours, typers = _parsed(click_command(name), name, argv), _parsed(_typer_own(name), name, argv)
    assert ours == typers
    if isinstance(ours, dict):
        assert {k: type(v) for k, v in ours.items()} == {k: type(v) for k, v in typers.items()}
        assert {k: [type(i) for i in v] for k, v in ours.items() if isinstance(v, list)} == {
            k: [type(i) for i in v] for k, v in typers.items() if isinstance(v, list)
        }


def test_a_check_run_never_imports_pydantic() -> None:
    # typer's own coercion imports pydantic, ~0.15 s of every command's start-up.
    case = FIXTURES / "antivirus-banner"
    code = (
        "import sys\nfrom analyzer.cli import main\nsys.argv = ['dkim-analyzer', 'check', "
        f"{str(case / 'message.eml')!r}, '--zone', {str(case / 'zone')!r}, '--timeout', '3']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pydantic' in sys.modules, file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.stderr.strip().splitlines()[-1] == "False", run.stderr
