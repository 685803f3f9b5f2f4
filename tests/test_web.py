"""`dkim-analyzer serve`: the page through Starlette's TestClient, DNS from the loopback server.

Every fixture pasted and uploaded gives the verdicts and codes `check --format json` gives;
refused requests get their status and a readable page; values are escaped as the text
report escapes them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest
from starlette.testclient import TestClient

from analyzer.cli import parse_now
from analyzer.dns import open_resolver
from analyzer.message import MAX_MESSAGE_BYTES
from analyzer.web.app import Settings, create_app, host_allowed, same_origin
from analyzer.web.pages import negotiate
from tests.conftest import FIXTURES, ROOT, Case, fixture_cases, run_cli
from tests.nanoserver import ZoneServer

CASES = fixture_cases()
BASE = "http://127.0.0.1:8025"
ORIGIN = {"origin": BASE}


def _settings(
    server: ZoneServer, now: str | None = None, limit: int = MAX_MESSAGE_BYTES
) -> Settings:
    return Settings(
        lambda: open_resolver([server.address], 0.5, []), lambda: parse_now(now), limit=limit
    )


@pytest.fixture
def client(dns_server: ZoneServer) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(dns_server)), base_url=BASE) as c:
        yield c


def parse(text: str) -> ET.Element:
    """The page as a browser builds it (html5lib: the WHATWG parsing algorithm)."""
    doc: ET.Element = html5lib.parse(text, namespaceHTMLElements=False)
    return doc


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def page_json(page: ET.Element, number: int = 1, lang: str = "en") -> dict[str, Any]:
    """The JSON document the page offers for download (the element holds it as a string)."""
    el = page.find(f".//script[@id='m{number}-{lang}-json']")
    assert el is not None
    [doc] = json.loads(json.loads(el.text or ""))["messages"]
    return dict(doc)


def report(page: ET.Element, number: int = 1, lang: str = "en") -> ET.Element:
    el = page.find(f".//section[@id='m{number}']/div[@data-lang='{lang}']")
    assert el is not None
    return el


def post(c: TestClient, case: Case, how: str, **extra: str) -> Any:
    raw = case.message.read_bytes()
    if how == "pasted":
        return c.post("/check", data={"message": raw.decode("utf-8"), **extra}, headers=ORIGIN,
                      files={"file": ("", b"", "application/octet-stream")})  # fmt: skip
    return c.post("/check", data=extra, files={"file": ("message.eml", raw, "message/rfc822")},
                  headers=ORIGIN)  # fmt: skip


def _check_json(case: Case, server: ZoneServer) -> dict[str, Any]:
    args = ["check", "--format", "json", "--nameserver", server.address, "--timeout", "0.5"]
    if case.expected.get("now"):
        args += ["--now", str(case.expected["now"])]
    [message] = run_cli(*args, str(case.message)).json()["messages"]
    return dict(message)


@pytest.mark.parametrize("how", ["pasted", "uploaded"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_gives_the_verdicts_and_codes_of_check(
    case: Case, how: str, dns_server: ZoneServer
) -> None:
    now = str(case.expected["now"]) if case.expected.get("now") else None
    with TestClient(create_app(_settings(dns_server, now)), base_url=BASE) as c:
        response = post(c, case, how)
    assert response.status_code == 200, response.text
    page = parse(response.text)
    got, want = page_json(page), _check_json(case, dns_server)
    sig_keys = ("domain", "selector", "result", "reason", "classification",
                "body_hash_valid", "header_signature_valid")  # fmt: skip
    for doc in (got, want):
        doc["sigs"] = [{k: s[k] for k in sig_keys} for s in doc["signatures"]]
        doc["codes"] = [f["code"] for f in doc["findings"]]
    for key in ("sigs", "codes", "outcome", "exit_code", "headers_only", "line_endings"):
        assert got[key] == want[key], key
    assert got["exit_code"] == case.expected["exit_code"]
    # What the page draws is that document: one card per signature, one item per finding.
    shown = report(page)
    cards = shown.findall(".//li[@data-signature]")
    assert [c.get("data-signature") for c in cards] == [str(s["index"]) for s in want["signatures"]]
    for card, sig in zip(cards, want["signatures"], strict=True):
        chip = text_of(card.find(".//span[@class='chip result result-" + sig["result"] + "']"))  # type: ignore[arg-type]
        assert chip.startswith(sig["result"])
        if sig["reason"]:
            assert sig["reason"] in chip
    assert [f.get("data-code") for f in shown.findall(".//li[@data-code]")] == want["codes"]


def test_the_answer_is_the_text_reports_first_line(
    client: TestClient, dns_server: ZoneServer
) -> None:
    case = Case("body-modified", FIXTURES / "body-modified")
    page = parse(post(client, case, "uploaded").text)
    text = run_cli("check", "--nameserver", dns_server.address, "--no-color", str(case.message))
    answer = report(page).find(".//p[@id='m1-en-answer']")
    assert answer is not None
    assert text_of(answer) == text.stdout.splitlines()[0]
    copied = report(page).find(".//pre[@id='m1-en-text']")
    assert copied is not None and text_of(copied).startswith(text.stdout.splitlines()[0])


def test_json_download_is_the_check_document(dns_server: ZoneServer) -> None:
    """Byte for byte `check --format json` (with one clock: --now given to both)."""
    case = Case("ses-two-signatures", FIXTURES / "ses-two-signatures")
    with TestClient(create_app(_settings(dns_server, "1763900100")), base_url=BASE) as c:
        page = parse(post(c, case, "uploaded").text)
    el = page.find(".//script[@id='m1-en-json']")
    assert el is not None
    downloaded = json.loads(el.text or "")
    check = run_cli("check", "--format", "json", "--nameserver", dns_server.address,
                    "--now", "1763900100", str(case.message)).stdout  # fmt: skip
    assert downloaded == check.replace(json.dumps(str(case.message)), '"message.eml"')


def test_proven_change_shows_both_sides_and_the_proof(client: TestClient) -> None:
    page = parse(
        post(client, Case("subject-modified", FIXTURES / "subject-modified"), "uploaded").text
    )
    changes = report(page).find(".//section[@class='changes']")
    assert changes is not None
    sides = [text_of(p) for p in changes.findall(".//pre")]
    assert len(sides) == 2 and "[list]" in sides[0] and "[list]" not in sides[1]
    assert "b=" in text_of(changes.find(".//p[@class='proof']"))  # type: ignore[arg-type]


def test_route_marks_the_trust_boundary(client: TestClient) -> None:
    page = parse(post(client, Case("plain", FIXTURES / "plain"), "uploaded").text)
    hops = report(page).findall(".//li[@class]")
    boundary = [h for h in hops if "boundary" in (h.get("class") or "").split()]
    assert len(boundary) == 1
    assert "mx.example.net" in text_of(boundary[0])


def test_negative_delay_is_flagged_as_clock_skew(client: TestClient) -> None:
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    skewed = (
        b"Received: from a.example by b.example with ESMTP; Sun, 23 Nov 2025 12:00:00 +0000\r\n"
        b"Received: from c.example by a.example with ESMTP; Sun, 23 Nov 2025 12:05:00 +0000\r\n"
        + raw
    )
    r = client.post("/check", files={"file": ("m.eml", skewed)}, headers=ORIGIN)
    hop = [h for h in report(parse(r.text)).findall(".//li") if "skew" in (h.get("class") or "")]
    assert any("-300 s" in text_of(h) and "clock skew" in text_of(h) for h in hop)


def test_arc_sets_are_a_ladder(client: TestClient) -> None:
    page = parse(post(client, Case("list-arc", FIXTURES / "list-arc"), "uploaded").text)
    rungs = report(page).findall(".//ol[@class='ladder']/li")
    assert rungs and text_of(rungs[0]).strip().startswith("i=1")
    assert "saw dkim=pass for: example.com" in text_of(rungs[0])


def test_mbox_gives_one_row_per_message_each_opening_its_report(client: TestClient) -> None:
    one = (FIXTURES / "plain" / "message.eml").read_bytes().replace(b"\r\n", b"\n")
    two = (FIXTURES / "key-nxdomain" / "message.eml").read_bytes().replace(b"\r\n", b"\n")
    mbox = b"From a@example.com Sun Nov 23 12:00:00 2025\n" + one + b"\n"
    mbox += b"From b@example.com Sun Nov 23 12:00:00 2025\n" + two + b"\n"
    r = client.post("/check", files={"file": ("box.mbox", mbox)}, headers=ORIGIN)
    assert r.status_code == 200
    page = parse(r.text)
    rows = page.findall(".//section[@class='messages']//tbody/tr")
    assert len(rows) == 2
    for n, row in enumerate(rows, 1):
        link = row.find(".//a")
        assert link is not None and link.get("href") == f"#m{n}"
        assert page.find(f".//section[@id='m{n}']") is not None
    assert [page_json(page, n)["outcome"] for n in (1, 2)] == ["pass", "fail"]
    assert page_json(page, 2)["source"] == "box.mbox#1"


def test_a_bug_on_one_message_is_its_error_on_the_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a 500 and a traceback in a log (nothing pasted is logged): that message's
    escaped error line, the other messages reported."""
    import analyzer.web.view

    real = analyzer.web.view.analyze

    def analyze(raw: bytes, *args: Any, **kwargs: Any) -> Any:
        if b"trigger" in raw:
            raise RuntimeError("boom \x1b[2J")
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(analyzer.web.view, "analyze", analyze)
    one = (FIXTURES / "plain" / "message.eml").read_bytes().replace(b"\r\n", b"\n")
    bad = b"From: a@example.com\nSubject: trigger\n\nx\n"
    mbox = (
        b"From a@x Sun Nov 23 12:00:00 2025\n"
        + one
        + b"\nFrom b@x Sun Nov 23 12:00:00 2025\n"
        + bad
    )
    r = client.post("/check", files={"file": ("box.mbox", mbox)}, headers=ORIGIN)
    assert r.status_code == 200 and "\x1b" not in r.text
    page = parse(r.text)
    assert page_json(page)["outcome"] == "pass"
    failed = page.find(".//section[@id='m2']")
    assert failed is not None and "internal error: RuntimeError: boom \\x1b[2J" in text_of(failed)
    whole = json.loads(json.loads(page.find(".//script[@id='all-json-en']").text or ""))  # type: ignore[union-attr]
    assert whole["messages"][1]["exit_code"] == 70


def test_headers_only_is_recognised(client: TestClient) -> None:
    page = parse(post(client, Case("headers-only", FIXTURES / "headers-only"), "pasted").text)
    doc = page_json(page)
    assert doc["headers_only"] is True and doc["outcome"] == "pass"
    assert report(page).find(".//p[@class='note']") is not None
    assert "body_hash_mismatch" not in [f["code"] for f in doc["findings"]]


def test_language_from_accept_language_and_both_languages_in_the_page(client: TestClient) -> None:
    r = client.get("/", headers={"accept-language": "zh-TW,zh;q=0.9,en;q=0.5"})
    page = parse(r.text)
    assert page.get("lang") == "zh-TW"
    submit = page.find(".//button[@id='submit']")
    assert submit is not None
    shown = [s for s in submit.findall("span") if s.get("hidden") is None]
    assert [s.get("lang") for s in shown] == ["zh-TW"] and text_of(shown[0]) == "檢查"
    r = post(client, Case("plain", FIXTURES / "plain"), "uploaded", lang="en")
    page = parse(r.text)
    assert report(page, lang="en").get("hidden") is None
    assert report(page, lang="zh-TW").get("hidden") is not None
    assert text_of(report(page, lang="zh-TW")).count("通過") >= 1


def test_negotiate() -> None:
    assert negotiate("") == "en"
    assert negotiate("fr, zh-Hant;q=0.8, en;q=0.7") == "zh-TW"
    assert negotiate("en;q=0.9, zh-TW") == "zh-TW"
    assert negotiate("zh-TW;q=0, en") == "en"


def test_header_values_are_escaped_as_the_text_report_escapes_them(client: TestClient) -> None:
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    hostile = "Subject: <script>alert(1)</script> \x1b[31mred \u202eevil\r\n".encode()
    r = client.post("/check", files={"file": ("m.eml", hostile + raw)}, headers=ORIGIN)
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "\x1b" not in r.text and "\u202e" not in r.text
    page = parse(r.text)
    facts = text_of(report(page).find(".//dl[@class='facts']"))  # type: ignore[arg-type]
    assert "<script>alert(1)</script> \\x1b[31mred \\u202eevil" in facts


def test_security_headers_on_every_response(client: TestClient) -> None:
    for r in (client.get("/"), client.get("/static/app.js"), client.get("/nope"),
              client.post("/check", data={"message": ""}, headers=ORIGIN)):  # fmt: skip
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"


def test_page_has_no_inline_script_and_no_external_resource(client: TestClient) -> None:
    r = post(client, Case("list-arc", FIXTURES / "list-arc"), "uploaded")
    page = parse(r.text)
    for script in page.iter("script"):
        assert script.get("src") == "/static/app.js" or script.get("type") == "application/json"
    for el in page.iter():
        for attr in ("src", "href"):
            value = el.get(attr) or ""
            assert not value.startswith(("http:", "https:", "//")), value
        assert el.get("style") is None
        assert not any(a.startswith("on") for a in el.attrib)
    for name in ("app.css", "app.js"):
        assert (
            "http"
            not in client.get(f"/static/{name}").text.replace("https://", "").replace("http://", "")
            or name == "app.js"
        )


def test_form_controls_are_labelled(client: TestClient) -> None:
    page = parse(client.get("/").text)
    labels = {lab.get("for") for lab in page.iter("label")}
    for control in [*page.iter("textarea"), *page.iter("input")]:
        if control.get("type") != "hidden":
            assert control.get("id") in labels


def _refused(r: Any, status: int, words: str) -> None:
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    page = parse(r.text)
    assert words in text_of(page)
    assert r.headers["content-security-policy"].startswith("default-src 'self'")


def test_wrong_host_is_refused(client: TestClient) -> None:
    r = client.get("/", headers={"host": "attacker.example:8025"})
    _refused(r, 400, "DNS rebinding")
    r = client.post("/check", data={"message": "x"},
                    headers={"host": "attacker.example", "origin": "http://attacker.example"})  # fmt: skip
    _refused(r, 400, "DNS rebinding")


def test_cross_origin_post_is_refused(client: TestClient) -> None:
    case = FIXTURES / "plain" / "message.eml"
    for headers in ({"origin": "http://attacker.example"}, {"origin": "null"}, {},
                    {"referer": "http://attacker.example/x"},
                    {"origin": BASE, "sec-fetch-site": "cross-site"}):  # fmt: skip
        r = client.post("/check", files={"file": ("m.eml", case.read_bytes())}, headers=headers)
        _refused(r, 403, "only from this page")
    r = client.post("/check", files={"file": ("m.eml", case.read_bytes())},
                    headers={"referer": BASE + "/"})  # fmt: skip
    assert r.status_code == 200


def test_oversized_body_is_413(dns_server: ZoneServer) -> None:
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    with TestClient(create_app(_settings(dns_server, limit=len(raw) - 1)), base_url=BASE) as c:
        _refused(c.post("/check", files={"file": ("m.eml", raw)}, headers=ORIGIN), 413, "limit")
        _refused(c.post("/check", data={"message": raw.decode()}, headers=ORIGIN), 413, "limit")
        big = raw + b"x" * 200_000  # over the limit and the form's slack: refused while read
        _refused(c.post("/check", files={"file": ("m.eml", big)}, headers=ORIGIN), 413, "limit")
    with TestClient(create_app(_settings(dns_server)), base_url=BASE) as c:
        # The default is check's limit; a Content-Length over it is refused unread.
        headers = {**ORIGIN, "content-type": "multipart/form-data; boundary=x",
                   "content-length": str(MAX_MESSAGE_BYTES + 2**20)}  # fmt: skip
        _refused(c.post("/check", content=b"--x--\r\n", headers=headers), 413, "limit")


def test_binary_garbage_is_not_a_message(client: TestClient) -> None:
    garbage = bytes(range(256)) * 64
    r = client.post("/check", files={"file": ("x.bin", garbage)}, headers=ORIGIN)
    _refused(r, 422, "not an email message")


def test_empty_form_is_400(client: TestClient) -> None:
    _refused(
        client.post("/check", data={"message": "  \r\n"}, headers=ORIGIN), 400, "Nothing was pasted"
    )
    r = client.post("/check", files={"file": ("", b"")}, data={"message": ""}, headers=ORIGIN)
    _refused(r, 400, "Nothing was pasted")
    _refused(client.post("/check", content=b"x", headers={**ORIGIN, "content-type": "text/plain"}),
             415, "form")  # fmt: skip


def test_unknown_page_and_method(client: TestClient) -> None:
    _refused(client.get("/nope"), 404, "no such page")
    _refused(client.get("/check"), 405, "not used here")


def test_host_rules() -> None:
    assert host_allowed("127.0.0.1:8025", "127.0.0.1")
    assert host_allowed("localhost:8025", "127.0.0.1")
    assert host_allowed("[::1]:8025", "127.0.0.1")
    assert not host_allowed("attacker.example:8025", "127.0.0.1")
    assert not host_allowed("", "127.0.0.1")
    assert host_allowed("192.0.2.7:8025", "0.0.0.0")
    assert not host_allowed("rebind.attacker.example", "0.0.0.0")
    assert host_allowed("mail-tools.example.net", "mail-tools.example.net")


def test_origin_rules() -> None:
    from starlette.datastructures import Headers

    def ok(**h: str) -> bool:
        return same_origin(Headers({"host": "127.0.0.1:8025", **h}), "http")

    assert ok(origin=BASE)
    assert ok(referer=BASE + "/?lang=en")
    assert not ok()
    assert not ok(origin="http://127.0.0.1:9999")
    assert not ok(origin=BASE, **{"sec-fetch-site": "same-site"})


# --- the command -------------------------------------------------------------------------


def _serve(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "analyzer", "serve", "--port", "0", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    return out, err


def test_serve_prints_the_url_serves_and_stops_on_ctrl_c(dns_server: ZoneServer) -> None:
    zone = FIXTURES / "plain" / "zone"
    proc = _serve("--zone", str(zone))
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("dkim-analyzer: serving on http://127.0.0.1:"), line
        url = line.split()[3]
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "<textarea" in page
        raw = (FIXTURES / "plain" / "message.eml").read_bytes()
        body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="m.eml"\r\n\r\n'
        body += raw + b"\r\n--b--\r\n"
        request = urllib.request.Request(url + "check", data=body, headers={
            "Content-Type": "multipart/form-data; boundary=b", "Origin": url.rstrip("/")})  # fmt: skip
        answer = urllib.request.urlopen(request, timeout=20).read().decode()
        assert "PASS: " in answer
    finally:
        out, err = _stop(proc)
    assert proc.returncode in (0, 130)
    # Nothing pasted is logged: no access log, no message text on either stream.
    assert "Subject" not in out + err and "example.com" not in out + err
    assert "/check" not in out + err


def test_serve_warns_when_not_on_loopback() -> None:
    proc = _serve("--host", "0.0.0.0", "--zone", str(FIXTURES / "plain" / "zone"))
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("warning: listening on 0.0.0.0, not loopback"), line
    finally:
        _stop(proc)


# Ctrl-C in the window between the printed URL and uvicorn's own handler (set inside its
# event loop): the signal is sent at the last moment before uvicorn's asyncio.run, through
# the real uvicorn, in a process of its own.
_SIGINT_BEFORE_LOOP = """
import os, signal, sys
import uvicorn.server
real_run = uvicorn.server.asyncio_run
def run(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    return real_run(*args, **kwargs)
uvicorn.server.asyncio_run = run
sys.argv = ["dkim-analyzer", "serve", "--port", "0", "--zone", sys.argv[1]]
from analyzer.cli import main
main()
"""


def test_serve_ctrl_c_before_the_server_loop_stops_it_in_one_line() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _SIGINT_BEFORE_LOOP, str(FIXTURES / "plain" / "zone")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.stdout.startswith("dkim-analyzer: serving on http://127.0.0.1:"), run.stdout
    assert run.stderr == "dkim-analyzer: interrupted\n", run.stderr
    assert run.returncode == 130


def test_serve_refuses_bad_options_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "zone"
    bad.write_text("this is not a zone\n")
    for args in (["--zone", str(bad)], ["--now", "yesterday-ish"], ["--timeout", "0"]):
        run = run_cli("serve", *args)
        assert run.exit_code == 2
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    started = time.monotonic()
    with _hold_port() as port:
        run = run_cli("serve", "--port", str(port))
    assert run.exit_code == 2 and "cannot listen" in run.stderr
    assert time.monotonic() - started < 10


class _hold_port:
    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        port: int = self.sock.getsockname()[1]
        return port

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
