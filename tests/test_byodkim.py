"""`dkim-analyzer byodkim`: key files in every form people have them (fixtures/keys/byodkim/),
selectors, the record to publish, and --check-dns against the loopback DNS server."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from analyzer.byodkim import TxtRecord, check_selector_rules
from analyzer.explain import words
from analyzer.render import Format
from tests.conftest import FIXTURES, Run, run_cli
from tests.nanoserver import ZoneServer

KEYS = FIXTURES / "keys" / "byodkim"
SPKI_B64 = (KEYS / "rsa2048-public.b64").read_text().strip()
PKCS1_B64 = (KEYS / "rsa2048-pkcs1.b64").read_text().strip()


@pytest.fixture(scope="module")
def dns_doctor() -> Iterator[ZoneServer]:
    with ZoneServer([FIXTURES / "doctor" / "doctor.zone"]) as server:
        yield server


def byodkim(*args: str) -> Run:
    return run_cli("byodkim", "--format", "json", *args)


def private(name: str, *extra: str) -> Run:
    return byodkim("--private-key", str(KEYS / name), "--selector", "ses2025",
                   "--domain", "example.com", *extra)  # fmt: skip


def codes(doc: dict[str, Any]) -> list[str]:
    return [p["code"] for p in doc["problems"]]


@pytest.mark.parametrize(
    ("name", "encoding", "form", "bits", "problems", "ok"),
    [
        ("rsa2048-pkcs1.pem", "pem", "pkcs1", 2048, [], True),
        ("rsa2048-pkcs1.b64", "base64", "pkcs1", 2048, [], True),
        ("rsa2048-pkcs8.pem", "pem", "pkcs8", 2048, ["key_not_pkcs1"], True),
        ("rsa2048-pkcs8.b64", "base64", "pkcs8", 2048, ["key_not_pkcs1"], True),
        ("rsa1024-pkcs1.pem", "pem", "pkcs1", 1024, [], True),
        ("rsa512-pkcs1.pem", "pem", "pkcs1", 512, ["key_size_unsupported"], False),
        ("ed25519-pkcs8.pem", "pem", "pkcs8", None, ["key_not_rsa"], False),
        ("truncated.pem", None, None, None, ["key_unreadable"], False),
        ("damaged.b64", "base64", None, None, ["key_unreadable"], False),
        ("not-a-key.txt", None, None, None, ["key_unreadable"], False),
        ("rsa2048-public.pem", "pem", None, None, ["key_unreadable"], False),
    ],
)
def test_private_key_forms(
    name: str,
    encoding: str | None,
    form: str | None,
    bits: int | None,
    problems: list[str],
    ok: bool,
) -> None:
    run = private(name)
    doc = run.json()
    assert (doc["key"]["encoding"], doc["key"]["form"], doc["key"]["bits"]) == (
        encoding, form, bits,
    )  # fmt: skip
    assert codes(doc) == problems
    assert doc["ok"] is ok
    assert run.exit_code == (0 if ok else 1)
    assert (doc["record"] is not None) == (bits is not None)
    # Never the private key itself, in any form, unless asked for.
    assert PKCS1_B64[:60] not in run.text
    lines = [line for line in (KEYS / name).read_text().splitlines() if len(line) >= 40]
    secret = lines[len(lines) // 2 :]  # past the modulus: the private exponent and primes
    assert not [line for line in secret if line[:40] in run.text]
    assert "console_private_key" not in doc


def test_record_to_publish() -> None:
    doc = private("rsa2048-pkcs1.pem").json()
    record = doc["record"]
    assert record["name"] == "ses2025._domainkey.example.com"
    assert record["type"] == "TXT"
    assert record["value"] == f"p={SPKI_B64}"
    assert [len(s) for s in record["strings"]] == [255, len(record["value"]) - 255]
    assert "".join(record["strings"]) == record["value"]
    text = run_cli("byodkim", "--private-key", str(KEYS / "rsa2048-pkcs1.pem"),
                   "--selector", "ses2025", "--domain", "example.com").stdout  # fmt: skip
    assert f"value: p={SPKI_B64}" in text
    assert 'ses2025._domainkey.example.com. IN TXT "p=' in text  # the split form


def test_pkcs8_is_explained_with_the_conversion_command() -> None:
    [problem] = private("rsa2048-pkcs8.pem").json()["problems"]
    assert problem["severity"] == "warning"
    assert "PKCS #8" in problem["summary"]
    assert "openssl rsa -in private.pem -traditional" in problem["remedy"]


def test_openssh_key_is_refused_with_the_conversion(tmp_path: Path) -> None:
    key = serialization.load_pem_private_key((KEYS / "rsa2048-pkcs1.pem").read_bytes(), None)
    path = tmp_path / "id_rsa"  # written here: OpenSSH output has a random check field
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.OpenSSH,
                                       serialization.NoEncryption()))  # fmt: skip
    doc = byodkim("--private-key", str(path), "--selector", "s1", "--domain", "example.com").json()
    assert doc["key"]["form"] == "openssh" and doc["ok"] is False
    assert codes(doc) == ["key_not_pkcs1"]
    assert "ssh-keygen -p" in doc["problems"][0]["remedy"]
    assert doc["record"]["value"] == f"p={SPKI_B64}"


def test_truncated_key_says_so() -> None:
    [problem] = private("truncated.pem").json()["problems"]
    assert "truncated" in problem["summary"]


def test_encrypted_key(tmp_path: Path) -> None:
    path = tmp_path / "enc.pem"
    path.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w\n"
                    "-----END ENCRYPTED PRIVATE KEY-----\n")  # fmt: skip
    doc = byodkim("--private-key", str(path)).json()
    assert codes(doc) == ["key_unreadable"]
    assert "passphrase" in doc["problems"][0]["summary"]


def test_console_key_only_when_asked() -> None:
    for name in ("rsa2048-pkcs1.pem", "rsa2048-pkcs8.pem"):  # PKCS #8 is converted
        doc = private(name, "--console-key").json()
        assert doc["console_private_key"] == PKCS1_B64
    text = run_cli("byodkim", "--private-key", str(KEYS / "rsa2048-pkcs8.pem"),
                   "--console-key").stdout  # fmt: skip
    assert PKCS1_B64 in text and "Keep it secret" in text


@pytest.mark.parametrize(
    ("selector", "ok"),
    [
        ("ses2025", True),
        ("a", True),
        ("x" * 63, True),
        ("x" * 64, False),
        ("", False),
        ("ses.2025", False),
        ("ses-2025", False),
        ("ses_2025", False),
        ("sélecteur", False),
    ],
)
def test_selector_rules(selector: str, ok: bool) -> None:
    problem = check_selector_rules(selector)
    assert (problem is None) is ok
    if problem is not None:
        assert problem.code == "selector_invalid"
        assert f"has {len(selector)} characters" in words(problem)[1]


def test_selector_problem_in_the_cli() -> None:
    run = byodkim("--private-key", str(KEYS / "rsa2048-pkcs1.pem"), "--selector", "ses.2025",
                  "--domain", "example.com")  # fmt: skip
    assert run.exit_code == 1
    [problem] = run.json()["problems"]
    assert (
        problem["code"] == "selector_invalid"
        and "'.'" in problem["summary"] + problem["explanation"]
    )


# A file is read as a file (issue 12): PEM armour and line breaks are what PEM files hold, so
# they are information (public_key_pem_file); pasted as text, they are errors (below).
@pytest.mark.parametrize(
    ("name", "problems", "form"),
    [
        ("rsa2048-public.b64", [], "spki"),
        ("rsa2048-public.pem", ["public_key_pem_file"], "spki"),
        ("rsa2048-public-lines.txt", ["public_key_pem_file"], "spki"),
        ("rsa2048-rsa-public.pem", ["public_key_pem_file"], "rsa_public"),
        ("ed25519-public.pem", ["key_not_rsa", "public_key_pem_file"], "spki"),
        ("not-a-key.txt", ["key_unreadable"], None),
    ],
)
def test_public_key_forms(name: str, problems: list[str], form: str | None) -> None:
    run = byodkim("--public-key", str(KEYS / name), "--selector", "ses2025",
                  "--domain", "example.com")  # fmt: skip
    doc = run.json()
    assert codes(doc) == problems
    assert doc["key"]["form"] == form
    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    assert run.exit_code == (0 if not errors else 1) and doc["ok"] is (not errors)
    if form is not None and "key_not_rsa" not in problems:
        # Whatever was given, the record shows the one clean line to use instead.
        assert doc["record"]["value"] == f"p={SPKI_B64}"


def test_public_key_as_a_string() -> None:
    run = byodkim("--public-key", SPKI_B64, "--selector", "ses2025", "--domain", "example.com")
    assert run.exit_code == 0 and run.json()["ok"] is True
    pem = (KEYS / "rsa2048-public.pem").read_text()  # pasted as text: the armour is an error
    assert codes(byodkim("--public-key", pem).json()) == [
        "public_key_has_pem_armor",
        "public_key_has_line_breaks",
    ]


def test_private_key_given_as_public_is_not_echoed() -> None:
    run = byodkim("--public-key", str(KEYS / "rsa2048-pkcs1.pem"))
    assert codes(run.json()) == ["public_key_is_private"]
    assert PKCS1_B64[:60] not in run.text
    pem_body = (KEYS / "rsa2048-pkcs8.pem").read_text().splitlines()[1]
    run = byodkim("--public-key", (KEYS / "rsa2048-pkcs8.pem").read_text())
    assert codes(run.json()) == ["public_key_is_private"] and pem_body not in run.text
    run = byodkim("--public-key", PKCS1_B64)  # bare base64, no label to go by
    assert codes(run.json()) == ["public_key_is_private"] and PKCS1_B64[:60] not in run.text


def _check_dns(server: ZoneServer, key: str, domain: str, selector: str) -> Run:
    return byodkim("--private-key", str(KEYS / key), "--selector", selector, "--domain", domain,
                   "--check-dns", "--nameserver", server.address, "--timeout", "0.3")  # fmt: skip


def test_check_dns_same_key(dns_doctor: ZoneServer) -> None:
    run = _check_dns(dns_doctor, "rsa2048-pkcs1.pem", "good.example", "s2025")
    assert run.exit_code == 0
    doc = run.json()
    assert doc["dns"]["matches"] is True and doc["ok"] is True
    assert doc["dns"]["selector"]["name"] == "s2025._domainkey.good.example"


def test_check_dns_other_key(dns_doctor: ZoneServer) -> None:
    run = _check_dns(dns_doctor, "rsa2048-b-pkcs1.pem", "good.example", "s2025")
    assert run.exit_code == 1
    doc = run.json()
    assert doc["dns"]["matches"] is False
    assert codes(doc) == ["dns_key_mismatch"]
    assert "s2025._domainkey.good.example" in doc["problems"][0]["summary"]


def test_check_dns_not_published(dns_doctor: ZoneServer) -> None:
    doc = _check_dns(dns_doctor, "rsa2048-pkcs1.pem", "missing.example", "s1").json()
    assert doc["dns"]["matches"] is None
    assert codes(doc) == ["key_not_found"]


def test_check_dns_published_twice(dns_doctor: ZoneServer) -> None:
    doc = _check_dns(dns_doctor, "rsa2048-pkcs1.pem", "doubled.example", "s1").json()
    assert codes(doc) == ["dns_name_doubled"]


def test_check_dns_temporary_failure(dns_doctor: ZoneServer) -> None:
    run = _check_dns(dns_doctor, "rsa2048-pkcs1.pem", "servfail.example", "s1")
    assert run.exit_code == 75
    assert codes(run.json()) == ["dns_servfail"]


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_is_wired(fmt: Format) -> None:
    run = run_cli("byodkim", "--format", fmt.value, "--private-key",
                  str(KEYS / "rsa512-pkcs1.pem"))  # fmt: skip
    assert run.exit_code == 1
    assert "key_size_unsupported" in run.text or "512-bit RSA" in run.text


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 2),
        (["--private-key", "a.pem", "--public-key", "x"], 2),
        (["--private-key", str(KEYS / "rsa2048-pkcs1.pem"), "--check-dns"], 2),
        (["--public-key", SPKI_B64, "--console-key"], 2),
        (["--private-key", str(KEYS / "rsa2048-pkcs1.pem"), "--domain", "bad domain"], 2),
        (["--private-key", "/nonexistent/key.pem"], 66),
        (["--private-key", str(KEYS)], 66),
    ],
)
def test_bad_invocations(args: list[str], code: int) -> None:
    run = run_cli("byodkim", *args)
    assert run.exit_code == code
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("dkim-analyzer: error: ")


def test_txt_strings_are_at_most_255_bytes() -> None:
    record = TxtRecord("s._domainkey.example.com", "p=" + "A" * 700)
    assert [len(s) for s in record.strings] == [255, 255, 192]
    assert record.zone_line.count('"') == 6


def test_the_key_files_are_what_they_claim() -> None:
    """The fixtures themselves: PKCS #1 and PKCS #8 headers, a missing END line."""
    assert (KEYS / "rsa2048-pkcs1.pem").read_text().startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert (KEYS / "rsa2048-pkcs8.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert "-----END" not in (KEYS / "truncated.pem").read_text()
    key = serialization.load_pem_private_key((KEYS / "rsa2048-pkcs8.pem").read_bytes(), None)
    der = base64.b64decode(PKCS1_B64)
    assert serialization.load_der_private_key(der, None).private_numbers() == key.private_numbers()  # type: ignore[union-attr]
