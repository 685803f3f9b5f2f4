"""The catalogue: complete in every language, honest about inferences, chosen by option or locale."""

from __future__ import annotations

import pytest

from analyzer import explain, messages
from analyzer.model import PERMANENCE, Reason, permanence
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


TRANSLATED = [lang for lang in explain.LANGUAGES if lang != "en"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_language_translates_every_entry_with_the_same_fields(lang: str) -> None:
    """`python -m analyzer.catalogue check`: every entry translated, none fuzzy, no
    placeholder the English lacks, and the committed .mo compiled from the .po."""
    from analyzer import catalogue

    assert catalogue.problems(lang) == []


def test_the_template_is_extracted_from_the_english() -> None:
    from babel.messages.pofile import read_po

    from analyzer import catalogue

    with catalogue.POT.open("rb") as f:
        pot = read_po(f)
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in pot if m.id}
    wanted = {(c, m if isinstance(m, str) else m[0]) for c, m, _ in catalogue.entries()}
    assert ids == wanted, "run python -m analyzer.catalogue extract"


def test_every_reason_code_has_an_entry() -> None:
    assert not [r.value for r in Reason if r.value not in messages.FINDINGS]


def test_permanence_is_one_table_over_the_codes() -> None:
    codes = [k for k in messages.FINDINGS if not k.startswith("change.")]
    assert all(permanence(k) in (True, False, None) for k in codes)  # none missing
    assert set(PERMANENCE) <= set(messages.FINDINGS)
    assert permanence("key_not_found") is True
    assert permanence("key_not_found", "domain_unreliable") is False
    assert permanence("key_not_found", "signer") is True  # a variant that does not differ


@pytest.mark.parametrize("lang", explain.LANGUAGES)
def test_inferences_say_likely(lang: str) -> None:
    for key in INFERRED:
        entry = messages.FINDINGS[key]
        said = explain.text(key, entry.summary, lang, {}) + explain.text(
            key, entry.explanation, lang, {}
        )
        assert _LIKELY[lang] in said.lower(), (lang, key)


def test_plurals_follow_the_count() -> None:
    entry = messages.FINDINGS["body_appended"].summary
    one = explain.text("body_appended", entry, "en", {"lines": 1, "bytes": 9})
    many = explain.text("body_appended", entry, "en", {"lines": 6, "bytes": 374})
    assert "1 line (9 bytes) was added" in one and "6 lines (374 bytes) were added" in many
    zh = explain.text("body_appended", entry, "zh-TW", {"lines": 6, "bytes": 374})
    assert "6 行" in zh


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
    head = run.stdout.split("\n\n")[0]  # the headline, wrapped to 80 columns
    assert head.startswith("失敗: 您網域的簽章（d=example.com，s=mar2025）驗證失敗")
    assert "mar2025._domainkey.example.com.example.com" in head.replace("\n  ", "")
    assert "dns_name_doubled" in run.text and "修正方式" in run.text


def test_zh_tw_from_the_environment_words_the_text_not_the_json(
    dns_server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The locale chooses the text report's language; the JSON is English whatever the
    locale (issue 12: scripts must not see it change), in zh-TW only when --lang asks."""
    monkeypatch.setenv("LC_ALL", "zh_TW.UTF-8")
    message = str(FIXTURES / "key-1024" / "message.eml")
    text = run_cli("check", "--nameserver", dns_server.address, message)
    assert "金鑰" in text.text and "修正方式" in text.text
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address, message)
    [weak] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "weak_key"]
    assert "金鑰" not in weak["summary"] and "2048" in weak["remedy"]
    asked = run_cli("check", "--format", "json", "--lang", "zh-TW", "--nameserver",
                    dns_server.address, message)  # fmt: skip
    [weak] = [f for f in asked.json()["messages"][0]["findings"] if f["code"] == "weak_key"]
    assert "金鑰" in weak["summary"] and "2048" in weak["remedy"]


def test_unknown_language_is_a_usage_error() -> None:
    run = run_cli("check", "--lang", "xx", str(FIXTURES / "plain" / "message.eml"))
    assert run.exit_code == 2 and "--lang" in run.stderr
