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

# dkimpy signs with t= = the time it signs, when a case is made: in a slow test run that is
# minutes after this import, and t= a few minutes ahead of a NOW taken here is "signed in
# the future" (permerror). An hour ahead keeps every t= in the past; no case has x=.
NOW = int(time.time()) + 3600
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


def case_body_spaces_no_newline_simple() -> tuple[bytes, dict[str, Any]]:
    """The same run of spaces under simple body canonicalisation: the forensic search for
    whitespace added at line ends (found by the fuzzer: 15 s for 0.5 MB, a regex)."""
    msg = _signed(b"x\r\n", canon=b"relaxed/simple")
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


# --- forensics (a failing signature: the search for what changed runs) --------------------


def _spoiled(msg: bytes) -> bytes:
    """The body changed in its middle, where no tested change explains it: the forensic
    search tries every candidate until its budget runs out."""
    head, body = msg.split(b"\r\n\r\n", 1)
    middle = len(body) // 2
    while body[middle : middle + 1] in b"\r\n":  # a byte, never a line end
        middle += 1
    return head + b"\r\n\r\n" + body[:middle] + b"X" + body[middle + 1 :]


def case_forensics_h_100k_names() -> tuple[bytes, dict[str, Any]]:
    """h= with 100,000 distinct names and b= failing: the header search (was a count() per
    name: 99 s)."""
    msg = _signed(b"hi\r\n")
    wide = b":".join(b"x-h%d" % i for i in range(100_000))
    return msg.replace(b"h=", b"h=" + wide + b":", 1), _zone()


_MIXED = b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n'


def case_forensics_mime_49k_delimiters() -> tuple[bytes, dict[str, Any]]:
    """49,000 MIME delimiter lines with no part headers, bh= failing (was 31 s, 684 MB)."""
    return _spoiled(_signed(b"--b\r\n" * 49_000 + b"--b--\r\n", extra=_MIXED)), _zone()


def case_forensics_mime_nested_10000() -> tuple[bytes, dict[str, Any]]:
    """MIME nested 10,000 levels deep (a boundary each), bh= failing (was 2.6 s, 556 MB)."""
    depth = 10_000
    opening = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
        for i in range(depth)
    )
    closing = b"".join(b"--b%d--\r\n" % i for i in range(depth, -1, -1))
    extra = b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b0"\r\n'
    body = opening + b"--b%d\r\n\r\ntext\r\n" % depth + closing
    return _spoiled(_signed(body, extra=extra)), _zone()


# --- ARC (issue 11 item 2): the same bounds as DKIM with any ARC header present ---------

ARC_KEY = "arc._domainkey.example.org"


def arc_sealed(
    msg: bytes, *, instances: int = 1, h: str = "from:to:subject", c: str = "relaxed/relaxed"
) -> bytes:
    """Prepend `instances` valid ARC sets (RFC 8617 §5.1; rsa-sha256, the fixtures' 2048-bit key,
    d=example.org s=arc), computed with the analyzer's own canonicalisation. Relaxed header
    canonicalization only. The fixtures' ARC sets (cross-checked with dkimpy) and the ValiMail
    suite vouch for the verifier; this only builds large inputs quickly."""
    import hashlib

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    from analyzer import canonicalize
    from analyzer.message import parse_message
    from analyzer.verify import select_headers

    pem, _ = _rsa_key()
    key: Any = serialization.load_pem_private_key(pem, password=None)

    def sign(data: bytes) -> bytes:
        return base64.b64encode(key.sign(data, padding.PKCS1v15(), hashes.SHA256()))

    def relaxed(name: bytes, value: bytes) -> bytes:
        n, v = canonicalize.relaxed_header(name, value)
        return n + b":" + v

    parsed = parse_message(msg)
    assert parsed.body is not None
    body_canon = c.split("/")[1]
    digest = hashlib.sha256(b"".join(canonicalize.canonical_body(parsed.body, body_canon)))
    bh = base64.b64encode(digest.digest()).decode()
    fields = [(f.name.lower().rstrip(), f.value) for f in parsed.headers]
    chosen = b"".join(
        relaxed(n, v) for n, v in select_headers(fields, [x.encode() for x in h.split(":")])
    )
    below: list[tuple[bytes, bytes]] = []
    top = b""
    for i in range(1, instances + 1):
        aar = (
            b"ARC-Authentication-Results",
            f" i={i}; mx{i}.example.org; dkim=pass header.d=example.com\r\n".encode(),
        )
        ams = f" i={i}; a=rsa-sha256; c={c}; d=example.org; s=arc; t={NOW - 60}; h={h}; bh={bh}; b=".encode()
        b = sign(chosen + relaxed(b"ARC-Message-Signature", ams + b"\r\n").removesuffix(b"\r\n"))
        ams_field = (b"ARC-Message-Signature", ams + b + b"\r\n")
        cv = "none" if i == 1 else "pass"
        seal = f" i={i}; a=rsa-sha256; cv={cv}; d=example.org; s=arc; t={NOW - 60}; b=".encode()
        data = b"".join(relaxed(n, v) for n, v in [*below, aar, ams_field])
        b = sign(data + relaxed(b"ARC-Seal", seal + b"\r\n").removesuffix(b"\r\n"))
        seal_field = (b"ARC-Seal", seal + b + b"\r\n")
        below += [aar, ams_field, seal_field]
        top = b"".join(n + b":" + v for n, v in (seal_field, ams_field, aar)) + top
    return top + msg


def _arc_zone(p: str | None = None) -> dict[str, Any]:
    zone = _zone()
    zone[ARC_KEY] = [(f"v=DKIM1; k=rsa; p={p or _rsa_key()[1]}".encode(),)]
    return zone


def case_arc_header_folded_400k_lines() -> tuple[bytes, dict[str, Any]]:
    """An ARC set and a field folded over 400,000 lines (dkimpy's ARC parser: 149 s)."""
    folded = b"X-Long: a" + b"\r\n\tcontinued line" * 400_000 + b"\r\n"
    return arc_sealed(folded + _signed(b"hi\r\n")), _arc_zone()


def case_arc_body_spaces_relaxed() -> tuple[bytes, dict[str, Any]]:
    """An ARC set (c=relaxed/relaxed) over 0.5 MB of spaces (dkimpy's regexes: 349 s)."""
    msg = _signed(b"x\r\n" + b" " * (1 << 19) + b"\r\n", canon=b"relaxed/relaxed")
    return arc_sealed(msg), _arc_zone()


def case_arc_seal_b_1mb() -> tuple[bytes, dict[str, Any]]:
    """An ARC-Seal b= of 1.1 MB (dkimpy: 121 s, 395 MB): longer than the modulus, invalid unread."""
    msg = arc_sealed(_signed(b"hi\r\n"))
    start = msg.index(b"b=") + 2
    end = msg.index(b"\r\n", start)
    return msg[:start] + base64.b64encode(b"\x01" * 825_000) + msg[end:], _arc_zone()


def case_arc_key_16384_bits() -> tuple[bytes, dict[str, Any]]:
    """50 ARC sets whose key is 16384 bits (dkimpy: 12.5 s per seal): refused unread."""
    n = (1 << 16383) | 1
    p = base64.b64encode(_der_rsa(n, 65537)).decode()
    return arc_sealed(_signed(b"hi\r\n"), instances=50), _arc_zone(p)


def case_arc_ams_h_20k_names() -> tuple[bytes, dict[str, Any]]:
    """An ARC-Message-Signature with 20,000 names in h= over 10,000 fields (dkimpy: 12.7 s)."""
    wide = ":".join(f"x-h{i}" for i in range(20_000))
    msg = b"X-F: v\r\n" * 10_000 + _signed(b"hi\r\n")
    return arc_sealed(msg, h="from:to:subject:" + wide), _arc_zone()


def case_arc_body_50mb() -> tuple[bytes, dict[str, Any]]:
    """A 50 MB body under an ARC set (c=relaxed/relaxed) and DKIM (dkimpy's ARC: 1.48 GB)."""
    msg = _signed(_lines(50 << 20))
    return arc_sealed(msg), _arc_zone()


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


def _served(
    zone: str, knobs: dict[str, Any], count: int, timeout: float
) -> tuple[bytes, Any, float, int]:
    """Analyse a message signed `count` times, its DNS served by the loopback server."""
    from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver
    from analyzer.pipeline import analyze
    from tests.nanoserver import ZoneServer

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
        raw, report, elapsed, queries = _served(*_hostile_cases()[name])
    elif name in dns_zones:
        raw, report, elapsed, _ = _served(dns_zones[name], {}, 1, 2.0)
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
        "arc": report.arc.cv.value + (f"/{report.arc.reason.value}" if report.arc.reason else ""),
        "arc_detail": report.arc.detail,
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
            f"  sigs={r['signatures']} {' '.join(r['verdicts'])}  arc={r['arc']}"
            f"  findings={','.join(r['findings'])}"
        )
        if r["queries"] is not None:
            print(f"{'':28}{r['queries']} DNS queries received by the server")
        if r["detail"]:
            print(f"{'':28}{r['detail'][:110]}")
        if r["arc_detail"]:
            print(f"{'':28}ARC: {r['arc_detail'][:105]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
