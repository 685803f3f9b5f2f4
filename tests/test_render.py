"""What people see (issue 12): every text report in English and zh-TW fits 80 columns and
says nothing in English under zh-TW; the JSON is the same whatever the locale."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from analyzer import byodkim, doctor, explain, messages
from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver
from analyzer.render import byodkim as byodkim_render
from analyzer.render import doctor as doctor_render
from analyzer.render import summary as summary_render
from analyzer.render.layout import columns, wrap
from analyzer.scan import Summary
from tests.conftest import FIXTURES, ROOT, run_cli
from tests.nanoserver import ZoneServer

LANGS = ("en", "zh-TW")
WIDTH = 80
CASES = sorted(p.parent for p in FIXTURES.glob("*/message.eml") if (p.parent / "zone").exists())


def _english_fragments() -> set[str]:
    """Catalogue text that a zh-TW report must not show: each English template's literal
    pieces of two words or more, unless the translation keeps that piece (a code, an
    option, a record such as `v=DKIM1; p=`)."""
    zh = explain.translations("zh-TW")
    out: set[str] = set()

    def add(key: str, english: str | messages.Plural) -> None:
        forms = (english.one, english.other) if isinstance(english, messages.Plural) else (english,)
        translated = (
            zh.npgettext(key, english.one, english.other, 1)
            if isinstance(english, messages.Plural)
            else zh.pgettext(key, english)
        )
        for form in forms:
            for literal, *_ in string.Formatter().parse(form):
                for piece in re.findall(r"[A-Za-z][A-Za-z']+(?: [A-Za-z][A-Za-z']+){2,}", literal):
                    if len(piece) >= 12 and piece not in translated:
                        out.add(piece)

    for key, text in messages.FINDINGS.items():
        for part in text:
            if part:
                add(key, part)
    for key, phrase in messages.PHRASES.items():
        add(key, phrase)
    return out


FRAGMENTS = _english_fragments()


def _problems(text: str, lang: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Lines over the width, and (zh-TW) English catalogue text."""
    out = [f"{columns(line)} columns: {line}" for line in text.splitlines()
           if columns(line) > WIDTH and not line.startswith(allowed)]  # fmt: skip
    if lang != "en":
        flat = " ".join(_without_evidence(text).split())
        out += [f"untranslated: {f!r}" for f in sorted(FRAGMENTS) if f in flat]
    return out


def _without_evidence(text: str) -> str:
    """The report without its evidence lines: those quote the message and DNS as they are."""
    kept, inside = [], -1
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if line.lstrip().startswith(("證據:", "Evidence:")):
            inside = indent
        elif inside >= 0 and indent > inside:
            continue
        else:
            inside = -1
            kept.append(line)
    return "\n".join(kept)


def _now(case: Path) -> list[str]:
    now = json.loads((case / "expected.json").read_text()).get("now")
    return ["--now", str(now)] if now else []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_report_fits_80_columns_in_its_language(case: Path, lang: str) -> None:
    run = run_cli("check", "--lang", lang, "--zone", str(case / "zone"), *_now(case),
                  str(case / "message.eml"))  # fmt: skip
    assert run.stdout and _problems(run.stdout, lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_verbose_check_report_fits_too(lang: str) -> None:
    case = FIXTURES / "cname-target-missing"
    run = run_cli("check", "-v", "--lang", lang, "--zone", str(case / "zone"),
                  str(case / "message.eml"))  # fmt: skip
    # The signed header fields are shown as received: a long one is the message's, not ours.
    lines = [ln for ln in run.stdout.splitlines() if not ln.startswith("    ")]
    assert _problems("\n".join(lines), lang) == []


@pytest.fixture(scope="module")
def doctor_resolver() -> Iterator[CachingResolver]:
    with ZoneServer([FIXTURES / "doctor" / "doctor.zone"]) as server:
        yield CachingResolver(DnsPythonResolver((Nameserver("127.0.0.1", server.port),), 0.3))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("domain", "selectors"),
    [
        ("good.example", ("s2025",)),
        ("records.example", ("breaks", "ed", "multi", "pem", "quotes", "revoked", "short", "syntax")),
        ("missing.example", ("s2",)),
        ("doubled.example", ("s1",)),
        ("common.example", ()),
        ("servfail.example", ("s2",)),
    ],
)  # fmt: skip
def test_dns_report_fits_80_columns_in_its_language(
    doctor_resolver: CachingResolver, domain: str, selectors: tuple[str, ...], lang: str
) -> None:
    report = doctor.run(doctor_resolver, domain, selectors=selectors, propagation=False,
                        timeout=0.3)  # fmt: skip
    text = doctor_render.render_text(report, lang=lang, width=WIDTH)
    assert _problems(text, lang) == []
    # The finding codes, as check prints them.
    for f in [*report.findings, *(f for c in report.selectors for f in c.findings)]:
        assert f"· {f.code}]" in text


def _private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_byodkim_report_fits_80_columns_in_its_language(lang: str) -> None:
    pem = _private_key_pem()
    good = byodkim.check_private_key(pem, selector="ses2025", domain="example.com")
    bad = byodkim.check_private_key(b"-----BEGIN RSA PRIVATE KEY-----\nMIIB", selector="a" * 70)
    for report in (good, bad):
        text = byodkim_render.render_text(report, lang=lang, width=WIDTH)
        # The record's value and its zone-file line are copied whole: never broken.
        whole = ("  value: ", "  值: ", f"  {report.record.name}") if report.record else ()
        assert _problems(text, lang, allowed=whole) == []
    record = byodkim_render.render_text(good, lang=lang, width=WIDTH)
    assert good.record is not None and good.record.value in record


def _summary() -> Summary:
    s = Summary(messages=1234567, seconds=83.4)
    s.by_outcome.update({"pass": 0, "fail": 1200000, "temporary": 34567})
    name = "q3lxv7kz5ndr2wqoibp6gfq4hbr7yjme._domainkey.a-rather-long-subdomain.example.com"
    s.by_signature[(name.split("._domainkey.")[1], "third_party", "permerror")] = 1234
    s.reasons.update({"signature_expired": 40000, "key_not_found": 5})
    s.reason_example.update({"signature_expired": "/var/mail/archive/2019/" + "x" * 60 + ".eml",
                             "key_not_found": "b.eml"})  # fmt: skip
    s.from_total["example.com"] = 10
    s.from_unaligned["example.com"] = 3
    s.dns_problems[(name, "nxdomain")] = 12
    s.arc.update({"pass": 3, "fail": 1})
    s.rotated = 7
    s.errors["not a message"] = 2
    s.error_example["not a message"] = "c.eml"
    s.unreadable.append("/a/path/" + "y" * 90 + ": permission denied")
    return s


@pytest.mark.parametrize("lang", LANGS)
def test_scan_summary_fits_and_counts_arc_rotated_keys_and_hints_now(lang: str) -> None:
    text = summary_render.render(_summary(), lang=lang, width=WIDTH)
    assert _problems(text, lang) == []
    flat = " ".join(text.split())
    assert "--now delivery" in flat  # 40,000 expired signatures: archived mail
    assert "cv=" in text and re.search(r"pass +3\b", text)  # ARC chains by result
    assert "7" in text.split("cv=")[0]  # the rotated keys, before the tables
    assert ("rotated" in flat) if lang == "en" else ("輪替" in flat)


def test_scan_summary_hints_now_only_when_many_expired() -> None:
    s = Summary(messages=10, seconds=1.0)
    s.by_outcome["pass"] = 10
    s.reasons["signature_expired"] = 1
    s.reason_example["signature_expired"] = "a.eml"
    assert "--now" not in summary_render.render(s)


def test_wrap_never_cuts_inside_a_phrase_it_can_break_at_a_space() -> None:
    text = "Signatures that passed at delivery whose key is likely rotated since: 7"
    for width in (40, 50, 61, 80):
        lines = wrap(text, width)
        assert " ".join(lines) == text and all(columns(ln) <= width for ln in lines)
    zh = "寄件者自己的網域 example.com 的簽章（d=example.com，s=s2025）驗證通過。" * 3
    lines = wrap(zh, 40, "通過: ", "  ")
    assert all(columns(ln) <= 40 for ln in lines)
    assert "".join(ln.strip() for ln in lines).replace(" ", "") == ("通過:" + zh).replace(" ", "")


def _json_under(locale: str, *args: str) -> bytes:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env["LC_ALL"] = locale
    done = subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True,
                          env=env, cwd=ROOT, check=False, timeout=120)  # fmt: skip
    return done.stdout


@pytest.mark.parametrize("case", ["body-modified", "key-1024", "rotated-gmail"])
def test_json_is_the_same_whatever_the_locale(case: str) -> None:
    d = FIXTURES / case
    args = ["check", "--format", "json", "--zone", str(d / "zone"), *_now(d),
            str(d / "message.eml")]  # fmt: skip
    english = _json_under("C", *args)
    assert english and english == _json_under("zh_TW.UTF-8", *args)
    asked = _json_under("C", *args[:1], "--lang", "zh-TW", *args[1:])
    assert asked != english and json.loads(asked).keys() == json.loads(english).keys()


def test_dns_json_is_the_same_whatever_the_locale() -> None:
    args = ["dns", "--format", "json", "--zone", str(FIXTURES / "doctor" / "doctor.zone"),
            "--no-propagation", "records.example", "--selector", "short"]  # fmt: skip
    english = _json_under("C", *args)
    assert english and english == _json_under("zh_TW.UTF-8", *args)


def test_the_finding_codes_never_change_with_the_language() -> None:
    case = FIXTURES / "list-footer-mime"
    docs = [
        run_cli("check", "--format", "json", "--lang", lang, "--zone", str(case / "zone"),
                *_now(case), str(case / "message.eml")).json()
        for lang in LANGS
    ]  # fmt: skip
    codes = [Counter(f["code"] for f in d["messages"][0]["findings"]) for d in docs]
    assert codes[0] == codes[1] and codes[0]


def test_every_code_has_words_in_every_language() -> None:
    for lang in LANGS:
        for key, text in messages.FINDINGS.items():
            for part in text:
                if part:
                    said = explain.text(key, part, lang, {"lines": 2})
                    assert said, (lang, key)
                    if lang != "en" and isinstance(part, str) and len(part) > 30:
                        assert said != part, (lang, key)  # translated, not the fallback
