#!/usr/bin/env python3
"""Generate a realistic signed mailbox for the scan benchmark: an mbox and its zone file.

    python bench/corpus.py --messages 2000 --out bench/out

Deterministic for a given --messages and --seed. What it aims to look like:

- sizes: multipart/alternative text + HTML with a median around 9 KB, and about 5% of
  messages carrying a 100-500 KB base64 attachment;
- signatures: 1-3 per message over 40 published keys (RSA 2048, RSA 1024, ed25519 beside
  RSA as dual signing does), relaxed and simple canonicalisation, a sending platform's own
  signature (amazonses.com, sendgrid.net, ...) on about half of them;
- about 10% broken the ways real mail breaks: a list footer added, a Subject tag added,
  a selector that was deleted from DNS, a revoked key, an expired x=.

Signing uses fixtures/generate.py's signer and the committed test keys (several selectors
share one key pair: DNS sees 40 distinct keys, the CPU work is the same).

Two more shapes measure how scan's memory behaves when DNS names keep appearing (issue 11,
item 3); their signatures carry a d= and s= but no published key (NXDOMAIN, then probes):

    python bench/corpus.py --shape new-domain --messages 1000          # 50 KB, new d= every 16
    python bench/corpus.py --shape new-domain-small --messages 200000  # the same, 1 KB each
    python bench/corpus.py --shape distinct-selectors --messages 10000  # tiny, one s= each
"""

from __future__ import annotations

import argparse
import base64
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))
import generate as fx  # noqa: E402  (the fixtures' signer, keys and header helpers)

T = fx.T
WORDS = [
    "account",
    "review",
    "invoice",
    "meeting",
    "quarter",
    "update",
    "delivery",
    "report",
    "schedule",
    "customer",
    "team",
    "project",
    "budget",
    "launch",
    "feedback",
    "draft",
    "summary",
    "release",
    "service",
    "support",
    "weekly",
    "order",
    "shipping",
    "payment",
    "renewal",
    "contract",
    "agenda",
    "travel",
    "webinar",
    "newsletter",
    "offer",
    "discount",
    "security",
    "notice",
    "password",
    "reset",
    "confirm",
    "welcome",
    "onboarding",
    "thanks",
    "regards",
    "please",
]
SENDERS = [f"{name}.example" for name in (
    "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell",
    "cyberdyne", "soylent", "aperture", "vandelay", "dunder", "massive", "oscorp",
)]  # fmt: skip
PROVIDERS = ["amazonses.com", "sendgrid.net", "mailgun.org", "mcsv.net", "mtasv.net"]
BROKEN = ("footer", "subject_tag", "key_deleted", "key_revoked", "expired")


def keys_and_zone(keys: dict[str, object]) -> tuple[list[tuple[str, str, str, str]], str]:
    """40 selectors: 2 per sender (RSA 2048 or 1024, one of them paired with ed25519),
    one per provider, plus a revoked one. Returns (selector, domain, key, algorithm) rows."""
    pub = {name: fx.public_b64(k) for name, k in keys.items()}
    table: list[tuple[str, str, str, str]] = []
    for i, domain in enumerate(SENDERS):
        table.append(
            (f"s{2024 + i % 2}", domain, "rsa1024" if i % 5 == 0 else "rsa2048", "rsa-sha256")
        )
        table.append(("ed" if i % 3 == 0 else "k2", domain, "ed25519" if i % 3 == 0 else "rsa2048-b",
                      "ed25519-sha256" if i % 3 == 0 else "rsa-sha256"))  # fmt: skip
    for domain in PROVIDERS:
        table.append(("pm" + domain.split(".")[0], domain, "rsa2048-b", "rsa-sha256"))
    table.append(("old", "acme.example", "rsa2048", "rsa-sha256"))
    lines = ["$TTL 3600"]
    for sel, dom, key, _ in table:
        k = "ed25519" if key == "ed25519" else "rsa"
        p = "" if sel == "old" else pub[key]
        value = f"v=DKIM1; k={k}; p={p}"
        chunks = " ".join(f'"{value[j : j + 255]}"' for j in range(0, len(value), 255))
        lines.append(f"{sel}._domainkey.{dom}. IN TXT {chunks}")
    return table, "\n".join(lines) + "\n"


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return "\n".join(re.findall(r".{1,72}(?:\s|$)", text.capitalize() + "."))


def body(rng: random.Random, boundary: str) -> tuple[str, str]:
    """(Content-Type value, body) for a multipart/alternative message, maybe with a file."""
    size = int(rng.lognormvariate(8.1, 0.6))  # text bytes: median ~3.3 KB, long tail
    paras = [paragraph(rng, rng.randint(20, 90)) for _ in range(max(1, size // 400))]
    text = "\n\n".join(paras)
    html = "".join(f'<p style="margin:0 0 12px;font-family:Arial">{p}</p>\n' for p in paras)
    html = f'<html><body><table width="600"><tr><td>\n{html}</td></tr></table></body></html>'
    alt = (
        f"--{boundary}a\nContent-Type: text/plain; charset=utf-8\n\n{text}\n\n"
        f"--{boundary}a\nContent-Type: text/html; charset=utf-8\n\n{html}\n\n--{boundary}a--\n"
    )
    if rng.random() >= 0.05:
        return f'multipart/alternative; boundary="{boundary}a"', alt.replace("\n", "\r\n")
    blob = base64.encodebytes(rng.randbytes(rng.randint(75_000, 375_000))).decode()
    mixed = (
        f'--{boundary}m\nContent-Type: multipart/alternative; boundary="{boundary}a"\n\n{alt}\n'
        f'--{boundary}m\nContent-Type: application/pdf; name="report.pdf"\n'
        f"Content-Transfer-Encoding: base64\n\n{blob}\n--{boundary}m--\n"
    )
    return f'multipart/mixed; boundary="{boundary}m"', mixed.replace("\n", "\r\n")


def message(
    i: int, rng: random.Random, table: list[tuple[str, str, str, str]], keys: dict[str, object]
) -> bytes:
    sender = rng.choice(SENDERS)
    own = [row for row in table if row[1] == sender and row[0] != "old"]
    ts = T + i * 7
    ctype, text = body(rng, f"b{i:06d}")
    headers = [
        f"From: News <news@{sender}>",
        f"To: user{rng.randint(1, 500)}@example.net",
        f"Subject: {' '.join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()}",
        f"Date: {fx.fmt_date(ts)}",
        f"Message-ID: <{i:08d}.{rng.getrandbits(40):x}@{sender}>",
        "MIME-Version: 1.0",
        f"Content-Type: {ctype}",
    ]
    if rng.random() < 0.5:
        headers.append(f"List-Unsubscribe: <https://{sender}/u/{rng.getrandbits(64):x}>")
    raw = ("\r\n".join(headers) + "\r\n\r\n").encode() + text.encode()
    broken = rng.choice(BROKEN) if rng.random() < 0.10 else None
    c = rng.choice(["relaxed/relaxed", "relaxed/simple", "simple/simple"])
    specs = []
    if rng.random() < 0.5:  # the platform's own signature is the outer (last added)
        platform = rng.choice(PROVIDERS)
        sel, dom, key, alg = next(r for r in table if r[1] == platform)
        specs.append(fx.S(dom, sel, key, a=alg, c=c))
    picked = own if rng.random() < 0.15 else [rng.choice(own)]
    for sel, dom, key, alg in picked:
        spec = fx.S(dom, sel, key, a=alg, c=c, tags={"t": str(ts)})
        if broken == "key_deleted":
            spec["s"] = "deleted"
        elif broken == "key_revoked":
            spec["s"] = "old"  # revoked (empty p=) at acme.example, gone elsewhere
        elif broken == "expired":
            spec["tags"]["x"] = str(ts + 3600)
        specs.append(spec)
    for spec in reversed(specs):  # author signature first, then the platform's on top
        raw, _ = fx.sign(raw, keys, spec)
    received = fx.received(f"mta{i % 7}.{sender}", f"mta{i % 7}.{sender} [192.0.2.{i % 250}]",
                           "mx.example.net", "ESMTPS", "user@example.net", ts + 2, f"{i:010X}")  # fmt: skip
    raw = received.encode() + b"\r\n" + raw
    if broken == "footer":
        raw += b"\r\n--\r\nYou are subscribed to this list. Unsubscribe: https://lists.example.net/\r\n"
    elif broken == "subject_tag":
        raw = raw.replace(b"\r\nSubject: ", b"\r\nSubject: [EXTERNAL] ", 1)
    return raw


def write_mbox(out, raw: bytes) -> None:
    text = raw.replace(b"\r\n", b"\n")
    text = re.sub(rb"(?m)^(>*From )", rb">\1", text)  # mboxrd
    out.write(b"From MAILER-DAEMON Sun Nov 23 12:13:30 2025\n" + text)
    out.write(b"\n" if text.endswith(b"\n") else b"\n\n")


SHAPES = ("realistic", "new-domain", "new-domain-small", "distinct-selectors")


def shaped_message(i: int, shape: str) -> bytes:
    """A message of one of the DNS-name shapes: unsigned in fact (the key is not published),
    so the parent asks for the key, the probes and DMARC once per new name."""
    if shape in ("new-domain", "new-domain-small"):
        domain, selector = f"d{i // 16:06d}.example", "s1"
        lines = 780 if shape == "new-domain" else 16  # 50 KB, or 1 KB for 200,000 messages
        filler = (
            f"Line {i:06d} of a fifty kilobyte newsletter, padded to length.\r\n" * lines
        ).encode()
    else:
        domain, selector = "example.com", f"k{i:07d}"
        filler = b"Hi.\r\n"
    headers = (
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s={selector};\r\n"
        f" t={T}; h=from:to:subject:date; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
        f" b=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==\r\n"
        f"From: News <news@{domain}>\r\nTo: user@example.net\r\nSubject: shaped {i}\r\n"
        f"Date: {fx.fmt_date(T + i)}\r\nMessage-ID: <{i:08d}@{domain}>\r\n\r\n"
    )
    return headers.encode() + filler


def generate_shape(shape: str, messages: int, out_dir: Path) -> tuple[Path, Path]:
    """out_dir/SHAPE-N.mbox and a zone that publishes none of its keys (kept if there)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    mbox = out_dir / f"{shape}-{messages}.mbox"
    zone = out_dir / "shape.zone"
    zone.write_text("$TTL 3600\nexample. IN A 192.0.2.1\n")
    if not mbox.exists():
        partial = mbox.with_suffix(".partial")
        with partial.open("wb") as f:
            for i in range(messages):
                write_mbox(f, shaped_message(i, shape))
        partial.rename(mbox)
    return mbox, zone


def generate(messages: int, out_dir: Path, seed: int = 5) -> tuple[Path, Path]:
    """Write out_dir/corpus-N.mbox and out_dir/corpus.zone (kept if already there)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    mbox = out_dir / f"corpus-{messages}-{seed}.mbox"
    zone = out_dir / "corpus.zone"
    keys = fx.load_keys()
    table, zone_text = keys_and_zone(keys)
    zone.write_text(zone_text)
    if mbox.exists():
        return mbox, zone
    rng = random.Random(seed)
    partial = mbox.with_suffix(".partial")
    with partial.open("wb") as f:
        for i in range(messages):
            write_mbox(f, message(i, rng, table, keys))
    partial.rename(mbox)
    return mbox, zone


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--shape", choices=SHAPES, default="realistic")
    args = parser.parse_args()
    if args.shape == "realistic":
        mbox, zone = generate(args.messages, args.out, args.seed)
    else:
        mbox, zone = generate_shape(args.shape, args.messages, args.out)
    print(f"{mbox} ({mbox.stat().st_size / 2**20:.1f} MiB), {zone}")


if __name__ == "__main__":
    main()
