"""The catalogue: complete in every language, honest about inferences, chosen by option or locale."""

from __future__ import annotations

import string

import pytest

from analyzer import explain
from analyzer.model import Reason
from tests.conftest import FIXTURES, run_cli
from tests.nanoserver import ZoneServer

# Entries that explain a cause inferred from evidence rather than proven: they must say so.
INFERRED = [
    "key_not_found.no_domainkey", "signature_future", "author_signature_missing.ses",
    "dns_name_doubled", "cname_target_missing", "cname_target_missing.provider",
    "key_at_other_domain", "key_at_other_domain.from", "dns_temporary.cname", "key_rotated",
    "key_rotated.replaced", "author_signature_missing.list",
    "author_signature_missing.google_workspace", "author_signature_missing.microsoft365",
    "key_not_found.signer", "key_revoked.signer", "signature_mismatch.signer",
    "body_hash_mismatch.signer",
]  # fmt: skip
_LIKELY = {"en": "likely", "zh-TW": "可能"}


@pytest.mark.parametrize("lang", [lang for lang in explain.LANGUAGES if lang != "en"])
def test_every_language_has_every_entry(lang: str) -> None:
    missing = sorted(set(explain.CATALOG["en"]) - set(explain.CATALOG[lang]))
    assert not missing, f"{lang} lacks catalogue entries: {', '.join(missing)}"
    missing = sorted(set(explain.PHRASES["en"]) - set(explain.PHRASES[lang]))
    assert not missing, f"{lang} lacks phrases: {', '.join(missing)}"


@pytest.mark.parametrize("lang", explain.LANGUAGES)
def test_translations_use_the_same_fields_and_permanence(lang: str) -> None:
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, en in explain.CATALOG["en"].items():
        other = explain.CATALOG[lang][key]
        assert other.permanent == en.permanent, key
        for part in ("summary", "explanation", "remedy"):
            assert fields(getattr(other, part)) <= fields(getattr(en, part)) | {"d", "s"}, (
                key,
                part,
            )


def test_every_reason_code_has_an_entry() -> None:
    assert not [r.value for r in Reason if r.value not in explain.CATALOG["en"]]


@pytest.mark.parametrize("lang", explain.LANGUAGES)
def test_inferences_say_likely(lang: str) -> None:
    for key in INFERRED:
        text = explain.CATALOG[lang][key]
        assert _LIKELY[lang] in (text.summary + text.explanation).lower(), (lang, key)


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "zh_TW.UTF-8"}, "zh-TW"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh-TW"),
        ({"LC_ALL": "C", "LANG": "zh_TW.UTF-8"}, "en"),
        ({"LC_ALL": "zh_HK.UTF-8"}, "zh-TW"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_language_from_the_locale(environ: dict[str, str], lang: str) -> None:
    assert explain.lang_from_environ(environ) == lang


def test_zh_tw_report(dns_server: ZoneServer) -> None:
    case = FIXTURES / "dns-name-doubled"
    run = run_cli("check", "--lang", "zh-TW", "--nameserver", dns_server.address,
                  str(case / "message.eml"))  # fmt: skip
    assert run.exit_code == 1
    first = run.stdout.splitlines()[0]
    assert first.startswith("失敗: 您網域的簽章（d=example.com，s=mar2025）驗證失敗")
    assert "mar2025._domainkey.example.com.example.com" in first
    assert "dns_name_doubled" in run.stdout and "修正方式" in run.stdout


def test_zh_tw_from_the_environment(
    dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", "zh_TW.UTF-8")
    args = ("--nameserver", dns_server.address, str(FIXTURES / "key-1024" / "message.eml"))
    text = run_cli("check", *args).stdout
    assert "weak_key] d=example.com，s=s1024 的金鑰" in text and "產生 2048 位元" in text
    # The JSON is the same whatever the locale (issue 12): English unless --lang is given.
    for lang, words in ((), "1024-bit RSA"), (("--lang", "zh-TW"), "金鑰"):
        run = run_cli("check", "--format", "json", *lang, *args)
        [weak] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "weak_key"]
        assert words in weak["summary"] and "2048" in weak["remedy"]


def test_unknown_language_is_a_usage_error() -> None:
    run = run_cli("check", "--lang", "xx", str(FIXTURES / "plain" / "message.eml"))
    assert run.exit_code == 2 and "--lang" in run.stderr
