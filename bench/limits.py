"""Cost of hostile and oversized input: time and peak memory of each case, one process each.

    python bench/limits.py            # every case, a table
    python bench/limits.py CASE...    # some cases

Each case builds its message (and DNS data) in memory, runs analyze() once through a
DictResolver (no network; the DNS cases go through the loopback ZoneServer and the real
resolver), and reports wall time, the process's peak RSS and what the report says. The
README's "Limits" section quotes these figures.
"""

from __future__ import annotations

import base64
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

NOW = int(time.time()) + 60  # dkimpy signs with t= = now
FROM = b"From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: big\r\n"
HEADERS = b"Date: Sun, 23 Nov 2025 12:13:20 +0000\r\nMessage-ID: <big@example.com>\r\n"


def _rsa_key() -> tuple[bytes, str]:
    """The fixtures' 2048-bit test key: PEM private key and the p= value."""
    from cryptography.hazmat.primitives import serialization

    pem = (ROOT / "fixtures" / "keys" / "rsa2048.pem").read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, base64.b64encode(der).decode()


def _signed(body: bytes, *, canon: bytes = b"relaxed/simple", extra: bytes = b"") -> bytes:
    """A message signed by dkimpy (simple body canonicalisation is cheap for dkimpy too)."""
    import dkim

    pem, _ = _rsa_key()
    header, body_canon = canon.split(b"/")
    msg = FROM + HEADERS + extra + b"\r\n" + body
    sig = dkim.sign(
        msg, b"big", b"example.com", pem, canonicalize=(header, body_canon),
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
    )  # fmt: skip
    return bytes(sig) + msg


def _zone() -> dict[str, Any]:
    _, p = _rsa_key()
    return {"big._domainkey.example.com": [(f"v=DKIM1; k=rsa; p={p}".encode(),)]}


def _lines(total: int) -> bytes:
    line = b"The quick brown fox   jumps over the lazy dog \t \r\n"
    return line * (total // len(line))


def _der_rsa(n: int, e: int) -> bytes:
    """SubjectPublicKeyInfo for an RSA key with this modulus and exponent (RFC 8017 A.1.1)."""

    def tlv(tag: int, value: bytes) -> bytes:
        size = len(value)
        if size < 128:
            return bytes([tag, size]) + value
        octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
        return bytes([tag, 0x80 | len(octets)]) + octets + value

    def integer(v: int) -> bytes:
        return tlv(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))

    rsa_oid = tlv(0x30, bytes.fromhex("06092a864886f70d0101010500"))
    key = tlv(0x30, integer(n) + integer(e))
    return tlv(0x30, rsa_oid + tlv(0x03, b"\x00" + key))


def case_body_50mb_simple() -> tuple[bytes, dict[str, Any]]:
    """A 50 MB body, c=relaxed/simple, signed: must pass."""
    return _signed(_lines(50 << 20)), _zone()


def case_body_50mb_relaxed() -> tuple[bytes, dict[str, Any]]:
    """A 50 MB body under c=relaxed/relaxed (lines with WSP runs to compress)."""
    msg = _signed(b"small\r\n", canon=b"relaxed/relaxed")
    msg = msg.replace(b"bh=", b"l=6; bh=", 1)  # keeps the arithmetic honest: b= now fails
    return msg + _lines(50 << 20), _zone()


def case_body_50mb_lf() -> tuple[bytes, dict[str, Any]]:
    """A 50 MB message saved with bare LF line endings (read as CRLF)."""
    return _signed(_lines(50 << 20)).replace(b"\r\n", b"\n"), _zone()


def case_headers_10000() -> tuple[bytes, dict[str, Any]]:
    """10,000 header fields above a signed message."""
    return b"X-Filler: some value here\r\n" * 10_000 + _signed(b"hi\r\n"), _zone()


def case_header_folded_1m_lines() -> tuple[bytes, dict[str, Any]]:
    """One header field folded over a million lines (20 MB)."""
    return b"X-Long: a" + b"\r\n\tcontinued line" * 1_000_000 + b"\r\n" + _signed(
        b"hi\r\n"
    ), _zone()


def case_signatures_1000() -> tuple[bytes, dict[str, Any]]:
    """1,000 DKIM-Signature fields (copies of one good signature)."""
    msg = _signed(b"hi\r\n")
    sig, rest = msg.split(b"\r\nFrom: ", 1)
    return (sig + b"\r\n") * 1000 + b"From: " + rest, _zone()


def case_signatures_16_wide_h() -> tuple[bytes, dict[str, Any]]:
    """16 signatures with 20,000 distinct names in h=, over 10,000 header fields."""
    msg = _signed(b"hi\r\n")
    wide = b":".join(b"x-h%d" % i for i in range(20_000))
    sig, rest = msg.split(b"\r\nFrom: ", 1)
    sig = sig.replace(b"h=", b"h=" + wide + b":", 1)
    return (sig + b"\r\n") * 16 + b"X-F: v\r\n" * 10_000 + b"From: " + rest, _zone()


def case_huge_l() -> tuple[bytes, dict[str, Any]]:
    """l= with 76 digits (the most RFC 6376 §3.5 allows)."""
    msg = _signed(b"hi\r\n").replace(b"bh=", b"l=" + b"9" * 76 + b"; bh=", 1)
    return msg, _zone()


def case_rsa_key_16384_bits() -> tuple[bytes, dict[str, Any]]:
    """A 16384-bit RSA key (and a huge exponent): refused before any arithmetic."""
    n = (1 << 16383) | 1
    p = base64.b64encode(_der_rsa(n, (1 << 16000) + 1)).decode()
    zone = {"big._domainkey.example.com": [(f"v=DKIM1; p={p}".encode(),)]}
    return _signed(b"hi\r\n"), zone


def case_rsa_key_huge_exponent() -> tuple[bytes, dict[str, Any]]:
    """A 2048-bit modulus with a 2000-bit public exponent (valid; ~0.5 s per verify)."""
    n = (1 << 2047) | 1
    p = base64.b64encode(_der_rsa(n, (1 << 2000) + 1)).decode()
    zone = {"big._domainkey.example.com": [(f"v=DKIM1; p={p}".encode(),)]}
    return _signed(b"hi\r\n"), zone


def case_txt_64kb() -> tuple[bytes, dict[str, Any]]:
    """A 64 KB TXT key record (255 strings of 255 bytes)."""
    _, p = _rsa_key()
    value = (f"v=DKIM1; k=rsa; n={'x' * 65000}; p=" + p).encode()
    strings = tuple(value[i : i + 255] for i in range(0, len(value), 255))
    return _signed(b"hi\r\n"), {"big._domainkey.example.com": [strings]}


def case_txt_many_records() -> tuple[bytes, dict[str, Any]]:
    """200 TXT records at one selector."""
    _, p = _rsa_key()
    records = [(f"v=DKIM1; n={i}; p={p}".encode(),) for i in range(200)]
    return _signed(b"hi\r\n"), {"big._domainkey.example.com": records}


def case_body_spaces_no_newline() -> tuple[bytes, dict[str, Any]]:
    """A 1 MB run of spaces with no line end, under relaxed (was quadratic: 13 s)."""
    msg = _signed(b"x\r\n", canon=b"relaxed/relaxed")
    return msg + b" " * (1 << 20), _zone()


def case_subject_unclosed_encoded_words() -> tuple[bytes, dict[str, Any]]:
    """A Subject of 20,000 unclosed RFC 2047 encoded words (stdlib decode: 32 s)."""
    return b"Subject: " + b" =?a?q?x" * 20_000 + b"\r\n" + _signed(b"hi\r\n"), _zone()


def case_from_groups_and_long_token() -> tuple[bytes, dict[str, Any]]:
    """A From with 5,000 groups and a 1 MB token (stdlib parser: recursion limit)."""
    value = b"g:" * 5000 + b"a" * (1 << 20) + b" <alice@example.com>"
    return _signed(b"hi\r\n").replace(b"From: ", b"From: " + value + b", ", 1), _zone()


def case_signature_b_200kb() -> tuple[bytes, dict[str, Any]]:
    """b= of 200 KB (dkimpy's byte-to-integer conversion is quadratic: seconds)."""
    huge = base64.b64encode(b"\x01" * 200_000)
    msg = _signed(b"hi\r\n")
    start = msg.index(b" b=") + 3
    end = msg.index(b"\r\n", start)
    while msg[end + 2 : end + 3] in (b" ", b"\t"):
        end = msg.index(b"\r\n", end + 2)
    return msg[:start] + huge + msg[end:], _zone()


CASES: dict[str, Callable[[], tuple[bytes, dict[str, Any]]]] = {
    name.removeprefix("case_"): fn for name, fn in globals().items() if name.startswith("case_")
}


def _dns_cases() -> dict[str, str]:
    """Zone texts for the cases that go through the loopback server and the real resolver."""
    _, p = _rsa_key()
    key = f'"v=DKIM1; k=rsa; p={p[:200]}" "{p[200:]}"'
    chain = "\n".join(
        f"c{i}._domainkey.example.com. IN CNAME c{i + 1}._domainkey.example.com." for i in range(30)
    )
    return {
        "cname_loop": "$TTL 60\n"
        "big._domainkey.example.com. IN CNAME loop._domainkey.example.com.\n"
        "loop._domainkey.example.com. IN CNAME big._domainkey.example.com.\n",
        "cname_chain_30": "$TTL 60\n"
        "big._domainkey.example.com. IN CNAME c0._domainkey.example.com.\n"
        f"{chain}\nc30._domainkey.example.com. IN TXT {key}\n",
        "txt_64kb_over_tcp": "$TTL 60\nbig._domainkey.example.com. IN TXT "
        + " ".join(f'"{"x" * 250}"' for _ in range(250))
        + "\n",
    }


def _hostile_cases() -> dict[str, tuple[str, dict[str, Any], int, float]]:
    """Hostile DNS servers (issue 11.8, 11.13): (zone, ZoneServer knobs, signatures, --timeout)."""
    chains = "".join(
        f"s{n}._domainkey.example.com. IN CNAME h0.s{n}.example.com.\n"
        + "".join(f"h{i}.s{n}.example.com. IN CNAME h{i + 1}.s{n}.example.com.\n" for i in range(9))
        for n in range(16)
    )
    slow = {"bare_cnames": True, "truncate_udp": True, "latency": 0.95}
    loop = ";! big._domainkey.example.com. LOOP\n"
    tc = ";! big._domainkey.example.com. TRUNCATE\n"
    return {
        # Every query answered just before --timeout 1, TC first, one CNAME hop at a time.
        "dns_slow_server_16_signatures": ("$TTL 60\n" + chains, slow, 16, 1.0),
        "dns_cname_loop_in_noerror": ("$TTL 60\n" + loop, {}, 1, 2.0),
        "dns_tc_over_udp_and_tcp": ("$TTL 60\n" + tc, {}, 1, 2.0),
    }


def _signed_many(count: int) -> bytes:
    """A message with `count` signatures, selectors s0.. (the last one signs topmost)."""
    import dkim

    pem, _ = _rsa_key()
    msg = FROM + HEADERS + b"\r\nhi\r\n"
    for n in range(count):
        msg = bytes(dkim.sign(msg, f"s{n}".encode(), b"example.com", pem,
                              include_headers=[b"from", b"to", b"subject"])) + msg  # fmt: skip
    return msg


def _run_hostile(name: str) -> tuple[bytes, Any, float, int]:
    from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver
    from analyzer.pipeline import analyze
    from analyzer.zoneserver import ZoneServer

    zone, knobs, count, timeout = _hostile_cases()[name]
    raw = _signed_many(count) if count > 1 else _signed(b"hi\r\n")
    with ZoneServer(texts=[zone], **knobs) as server:
        resolver = CachingResolver(
            DnsPythonResolver([Nameserver(server.host, server.port)], timeout)
        )
        start = time.perf_counter()
        report = analyze(raw, resolver, now=NOW)
        elapsed = time.perf_counter() - start
        queries = server.query_count
    return raw, report, elapsed, queries


def peak_rss_mb() -> int:
    """This process's peak RSS. Not getrusage(): on Linux its maxrss survives fork+exec,
    so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def run_one(name: str, prepared: Path | None) -> dict[str, Any]:
    """Analyse one case; `prepared` holds its (raw, dns) built by the parent, so the peak
    memory measured here is reading the input plus analysing it, as the CLI does."""
    from dictdns import DictResolver

    from analyzer.pipeline import analyze

    dns_zones = _dns_cases()
    queries = None
    if name in _hostile_cases():
        raw, report, elapsed, queries = _run_hostile(name)
    elif name in dns_zones:
        from analyzer.dns import open_resolver

        raw = _signed(b"hi\r\n")
        with tempfile.TemporaryDirectory() as tmp:
            zone = Path(tmp) / "zone"
            zone.write_text(dns_zones[name])
            with open_resolver(timeout=2.0, zones=[zone]) as resolver:
                start = time.perf_counter()
                report = analyze(raw, resolver, now=NOW)
                elapsed = time.perf_counter() - start
    else:
        assert prepared is not None
        raw, data = pickle.loads(prepared.read_bytes())
        resolver = DictResolver(data)
        start = time.perf_counter()
        report = analyze(raw, resolver, now=NOW)
        elapsed = time.perf_counter() - start
    verdicts = [f"{v.result.value}/{v.reason.value if v.reason else '-'}" for v in report.verdicts]
    shown = sorted(set(verdicts), key=verdicts.index)
    return {
        "case": name,
        "input_mb": round(len(raw) / 1e6, 1),
        "seconds": round(elapsed, 2),
        "peak_rss_mb": peak_rss_mb(),
        "signatures": len(report.verdicts),
        "verdicts": shown[:3],
        "findings": sorted({f.code for f in report.findings}),
        "detail": next((v.detail for v in report.verdicts if v.detail), None),
        "queries": queries,
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1], Path(argv[2]) if len(argv) > 2 else None)))
        return 0
    names = argv or [*CASES, *_dns_cases(), *_hostile_cases()]
    baseline = subprocess.run(
        [sys.executable, __file__, "--one", "cname_loop"], capture_output=True, text=True
    )
    print(
        f"(a process that has imported the analyzer: {json.loads(baseline.stdout)['peak_rss_mb']} MB)"
    )
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            args = [sys.executable, __file__, "--one", name]
            if name in CASES:
                prepared = Path(tmp) / "case.pickle"
                prepared.write_bytes(pickle.dumps(CASES[name]()))
                args.append(str(prepared))
            out = subprocess.run(args, capture_output=True, text=True, check=False)
        if out.returncode:
            print(f"{name}: FAILED\n{out.stderr}")
            continue
        r = json.loads(out.stdout)
        print(
            f"{r['case']:26} {r['input_mb']:6} MB {r['seconds']:6} s {r['peak_rss_mb']:5} MB rss"
            f"  sigs={r['signatures']} {' '.join(r['verdicts'])}  findings={','.join(r['findings'])}"
        )
        if r["queries"] is not None:
            print(f"{'':28}{r['queries']} DNS queries received by the server")
        if r["detail"]:
            print(f"{'':28}{r['detail'][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
