"""Every finding, from a realistic fixture, through the real CLI against the loopback DNS server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, Case, Run, fixture_cases, run_cli, unwrap
from tests.nanoserver import ZoneServer

CASES = fixture_cases()

# fixture -> (finding codes it must produce, words the text report must contain)
EXPECTED: dict[str, tuple[set[str], tuple[str, ...]]] = {
    "no-signature": ({"no_signatures"}, ("no DKIM signature at all",)),
    "third-party": ({"author_signature_missing"}, ("d=mailer.example.net",)),
    "ses-dkim-not-enabled": (
        {"author_signature_missing", "provider_signature", "dmarc_alignment"},
        (
            "Amazon SES did not sign",
            "region eu-west-1",
            "verified on its own",
            "another region",
            "p=quarantine",
        ),
    ),
    "ses-two-signatures": (
        {"provider_signature"},
        ("beside yours", "the one that counts for DMARC is your domain's (d=example.com"),
    ),
    "dns-name-doubled": (
        {"dns_name_doubled"},
        (
            "its key is published at mar2025._domainkey.example.com.example.com",
            "your DNS provider appended the domain",
            "`mar2025._domainkey`",
        ),
    ),
    "cname-target-missing": (
        {"cname_target_missing", "provider_signature"},
        (
            "points to Amazon SES's q3lxv7kz5ndr2wqoibp6gfq4hbr7yjme.dkim.amazonses.com",
            "revoked",
            "pending",
            "restart the DKIM set-up",
        ),
    ),
    "cname-txt-servfail": (
        {"dns_temporary"},
        ("the CNAME at", "TXT query through it fails (SERVFAIL)", "Route 53", "(temporary)"),
    ),
    "dns-servfail": ({"dns_temporary"}, ("(SERVFAIL)", "(temporary)")),
    "dns-timeout": ({"dns_temporary"}, ("(TIMEOUT)", "(temporary)")),
    "key-nxdomain": ({"key_not_found"}, ("there is no key at gone._domainkey.example.com",)),
    "key-at-org-domain": (
        {"key_at_other_domain"},
        (
            "its key is published at nov2025._domainkey.example.com, not at "
            "nov2025._domainkey.mail.example.com",
        ),
    ),
    "multiple-key-records": ({"multiple_key_records"}, ("2 TXT records at k2._domainkey",)),
    "key-testing-mode": ({"key_testing_mode"}, ("testing mode (t=y)",)),
    "key-1024": ({"weak_key"}, ("1024-bit RSA: still accepted, but weak", "2048-bit")),
    "key-too-short": ({"key_too_short"}, ("512 bits",)),
    "weak-algorithm": ({"weak_algorithm"}, ("rsa-sha1",)),
    "signature-expired": ({"signature_expired"}, ("expired: x= ended it on 2025-11-30",)),
    "signature-future": ({"signature_future"}, ("in the future (2027-01-15",)),
    "body-length-limit": ({"body_length_limit"}, ("covers only part of the body (l=601)",)),
    "key-rotated": (
        {"key_rotated"},
        ("passed at delivery, but its key is gone now", "likely rotated", "mx.example.net"),
    ),
    # What the receiver recorded, in each recognised form (issue 10 item 3; README, "The trust
    # rule"): the finding names who recorded the pass and where.
    "rotated-gmail": (
        {"key_rotated", "dmarc_alignment"},
        (
            "mx.google.com recorded dkim=pass for this signature",
            "likely rotated",
            "DKIM cannot be re-checked against the DMARC policy of mail.shop.example",
            "DKIM cannot be re-checked (the aligned signature passed at delivery",
        ),
    ),
    "rotated-microsoft": (
        {"key_rotated"},
        (
            "Microsoft 365 (am4pepf00025f95.mail.protection.outlook.com) recorded dkim=pass",
            "Microsoft 365's Authentication-Results field",
        ),
    ),
    "rotated-header-i": ({"key_rotated"}, ("mx.example.net recorded dkim=pass",)),
    "rotated-arc": (
        {"key_rotated"},
        ("smtp.lists.example.com recorded dkim=pass", "sealed by lists.example.com"),
    ),
    "forged-ar-below-boundary": ({"key_not_found"}, ("there is no key at gone2024._domainkey",)),
    "forged-microsoft-form": ({"key_not_found"}, ("there is no key at gone2024._domainkey",)),
    "forged-arc-third-party": ({"key_not_found"}, ("there is no key at gone2024._domainkey",)),
    "dmarc-receiver-spf-pass": (
        {"dmarc_alignment", "weak_algorithm"},
        (
            "DKIM alone does not satisfy the DMARC policy of mail.shop.example (policy: "
            "quarantine), but the receiver mx.google.com recorded dmarc=pass.",
            "it passed DMARC through SPF",
            "DKIM alone does not satisfy it; mx.google.com recorded dmarc=pass (spf=pass, "
            "smtp.mailfrom=bounce@mail.shop.example)",
        ),
    ),
    "dmarc-org-domain": (
        {"dmarc_alignment"},
        (
            "DKIM satisfies the DMARC policy of mail.shop.example (policy: quarantine)",
            "_dmarc.shop.example (p=reject, sp=quarantine, adkim=r)",
        ),
    ),
    "dmarc-strict": (
        {"dmarc_alignment"},
        ("adkim=s needs d= to be exactly secure.bank.example",),
    ),
    # --- who signed (issue 10): the party named is the one who can act ---
    "list-resigned-stripped": (
        {"author_signature_missing"},
        (
            "The mailing list planning.lists.example.org re-signed this message "
            "(d=lists.example.org)",
            "likely removed or broke the author's",
            "ARC-seal",
            "DMARC mitigation",
            "stop modifying messages",
            "For the author (example.com)",
        ),
    ),
    "list-mailman-ses": (
        {"body_hash_mismatch", "body_appended", "provider_signature"},
        (
            "Amazon SES's own signature (d=amazonses.com, s=ug7nbtf4gccmlpwj322ax3p6ow6yfsug) "
            "fails: the body was changed after Amazon SES signed it",
            "Nothing to fix at Amazon SES",
        ),
    ),
    "provider-key-gone": (
        {"key_not_found", "provider_signature"},
        (
            "The key of Amazon SES's own signature (d=amazonses.com, "
            "s=r2xq5sonp7k3jbd4vyc6tmu4e5lgh2wf) is gone: likely rotated",
            "Nothing for you to publish: r2xq5sonp7k3jbd4vyc6tmu4e5lgh2wf._domainkey.amazonses.com "
            "is Amazon SES's DNS name, not yours.",
        ),
    ),
    "idn-aligned": (
        set(),
        (
            "PASS: The signature of the sender's own domain xn--bcher-kva.example (d=xn--bcher-kva.example",
        ),
    ),
}

# fixture -> words no report of it may contain (a remedy addressed to the wrong party)
NEVER: dict[str, tuple[str, ...]] = {
    "list-resigned-stripped": ("Amazon SES did not sign", "In the SES console"),
    "provider-key-gone": ("Publish the key record", "_domainkey.amazonses.com, exactly"),
    "idn-aligned": ("No signature is from the sender's own domain",),
}


def _check(case: Case, server: ZoneServer, *extra: str) -> Run:
    args = ["check", "--nameserver", server.address, "--timeout", "0.5", "--lang", "en", *extra]
    if case.expected.get("now"):
        args += ["--now", str(case.expected["now"])]
    return run_cli(*args, str(case.message))


def _message(case: Case, server: ZoneServer) -> dict[str, Any]:
    [message] = _check(case, server, "--format", "json").json()["messages"]
    return message  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_situation_is_recognised(name: str, dns_server: ZoneServer) -> None:
    case = Case(name, FIXTURES / name)
    codes, words = EXPECTED[name]
    message = _message(case, dns_server)
    assert codes <= {f["code"] for f in message["findings"]}
    text = _check(case, dns_server)
    assert text.exit_code == case.expected["exit_code"]
    for w in words:
        assert w in text.text, w
    for w in NEVER.get(name, ()):
        assert w not in text.text, w


def test_the_headline_answers_first(dns_server: ZoneServer) -> None:
    run = _check(Case("dns-name-doubled", FIXTURES / "dns-name-doubled"), dns_server)
    assert unwrap(run.stdout.split("\n\n")[0]) == (
        "FAIL: Your domain's signature (d=example.com, s=mar2025) fails: its key is published at "
        "mar2025._domainkey.example.com.example.com — your DNS provider appended the domain."
    )


def test_forensic_finding_replaces_the_bare_reason(dns_server: ZoneServer) -> None:
    for name, replaced in [("dns-name-doubled", "key_not_found"), ("key-rotated", "key_not_found"),
                           ("dns-servfail", "dns_servfail")]:  # fmt: skip
        codes = [f["code"] for f in _message(Case(name, FIXTURES / name), dns_server)["findings"]]
        assert replaced not in codes, name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_explanation_names_its_signature_and_permanence(
    case: Case, dns_server: ZoneServer
) -> None:
    message = _message(case, dns_server)
    sigs = {s["index"]: s for s in message["signatures"]}
    for f in message["findings"]:
        if f["signature_index"] is not None:
            sig = sigs[f["signature_index"]]
            words = f["summary"] + " " + f["explanation"]
            assert f"d={sig['domain']}" in words and f"s={sig['selector']}" in words, f["code"]
        if f["permanent"] is not None:
            word = "permanent" if f["permanent"] else "temporary"
            assert word in f["explanation"], f["code"]
    # The text report shows the same codes as the JSON (in the order that matters to a
    # reader, issue 12; line_endings_converted as its one note line).
    text = _check(case, dns_server).stdout
    shown = re.findall(r"^- \[\w+ · (\w+)\]", text, re.M)
    shown += ["line_endings_converted"] * ("(line_endings_converted)" in unwrap(text))
    assert sorted(shown) == sorted(f["code"] for f in message["findings"])


def test_dns_temporary_names_the_server(dns_server: ZoneServer) -> None:
    message = _message(Case("dns-servfail", FIXTURES / "dns-servfail"), dns_server)
    [f] = [f for f in message["findings"] if f["code"] == "dns_temporary"]
    assert f"SERVFAIL from {dns_server.address}" in f["explanation"]
    assert f["permanent"] is False


def test_ses_signals_are_evidence(dns_server: ZoneServer) -> None:
    message = _message(Case("ses-dkim-not-enabled", FIXTURES / "ses-dkim-not-enabled"), dns_server)
    [missing] = [f for f in message["findings"] if f["code"] == "author_signature_missing"]
    evidence = "\n".join(missing["evidence"])
    assert "Feedback-ID: 1.eu-west-1." in evidence
    assert "smtp-out.eu-west-1.amazonses.com" in evidence


def test_key_rotated_needs_a_trusted_authentication_results(
    dns_server: ZoneServer, tmp_path: Path
) -> None:
    """An A-R below the sender's own Received proves nothing (see trace.py's trust rule)."""
    raw = (FIXTURES / "key-rotated" / "message.eml").read_bytes()
    ar, rest = raw.split(b"Return-Path:", 1)
    marker = b"\tfor <carol@example.net>; Sun, 23 Nov 2025 12:13:17 +0000\r\n"
    assert marker in rest
    forged = rest.replace(marker, marker + ar, 1)  # now under smtp.example.com's Received
    path = tmp_path / "forged.eml"
    path.write_bytes(b"Return-Path:" + forged)
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address, str(path))
    codes = {f["code"] for f in run.json()["messages"][0]["findings"]}
    assert "key_rotated" not in codes and "key_not_found" in codes


def test_dmarc_in_json(dns_server: ZoneServer) -> None:
    found = _message(Case("dmarc-org-domain", FIXTURES / "dmarc-org-domain"), dns_server)["dmarc"]
    assert found["domain"] == "mail.shop.example" and found["record_domain"] == "shop.example"
    assert (found["status"], found["p"], found["sp"], found["policy"], found["adkim"]) == (
        "found", "reject", "quarantine", "quarantine", "r",
    )  # fmt: skip
    assert found["dkim_aligned_pass"] is True and found["signature_index"] == 0
    # RFC 9989's tree walk goes on to the TLD for the organizational domain (issue 13).
    assert [a["name"] for a in found["dns"]] == [
        "_dmarc.mail.shop.example.",
        "_dmarc.shop.example.",
        "_dmarc.example.",
    ]
    strict = _message(Case("dmarc-strict", FIXTURES / "dmarc-strict"), dns_server)
    assert strict["dmarc"]["adkim"] == "s" and strict["dmarc"]["dkim_aligned_pass"] is False
    assert strict["outcome"] == "fail" and strict["signatures"][0]["result"] == "pass"
    none = _message(Case("plain", FIXTURES / "plain"), dns_server)["dmarc"]
    assert none["status"] == "none" and none["record"] is None


def test_dmarc_temporary_failure(dns_server: ZoneServer) -> None:
    dns_server.servfail("_dmarc.example.com")
    message = _message(Case("plain", FIXTURES / "plain"), dns_server)
    assert message["dmarc"]["status"] == "temperror"
    [f] = [f for f in message["findings"] if f["code"] == "dmarc_alignment"]
    assert f["permanent"] is False and f["severity"] == "warning"
    assert message["outcome"] == "pass"  # DKIM itself is unaffected


def test_verbose_shows_every_dns_answer_and_the_signed_headers(dns_server: ZoneServer) -> None:
    run = _check(Case("cname-target-missing", FIXTURES / "cname-target-missing"), dns_server, "-v")
    out = run.text
    assert (
        "probe doubled_name: q3lxv7kz5ndr2wqoibp6gfq4hbr7yjme._domainkey.example.com.example.com."
        in out
    )
    assert "probe domainkey_node: _domainkey.example.com. TXT: nodata" in out
    assert "- DMARC: _dmarc.example.com. TXT: nxdomain" in out
    lines = run.stdout  # one line per signed header field
    assert "    from:Example Shop <orders@example.com>" in lines  # relaxed header canonicalisation
    assert "    feedback-id:1.us-east-1." in lines


def test_route_table(dns_server: ZoneServer) -> None:
    out = _check(Case("plain", FIXTURES / "plain"), dns_server).text
    # Wider than 80 columns as a table, so each hop is folded onto its own lines.
    route = out[out.index("Route (oldest hop first)") :].splitlines()
    assert route[1].startswith("1  from [198.51.100.77], by smtp.example.com")
    assert route[2].startswith("2  from smtp.example.com [192.0.2.25]") and route[2].endswith(
        "+5 s"
    )
    json_run = _check(Case("plain", FIXTURES / "plain"), dns_server, "--format", "json")
    assert "Route" not in json_run.text


def test_a_domain_without_any_key(dns_server: ZoneServer, tmp_path: Path) -> None:
    """No selector at all under d=: the explanation says DKIM was likely never set up there."""
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    raw = raw.replace(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;",
                      b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=nokeys.example;", 1)  # fmt: skip
    raw = raw.replace(b"s=s2025;", b"s=feb2026;", 1)
    path = tmp_path / "nokeys.eml"
    path.write_bytes(raw)
    # The domain exists (its SOA), it only has no key: a domain that does not resolve at
    # all gets other words (issue 10.10).
    soa = "nokeys.example. 60 IN SOA ns.nokeys.example. h.nokeys.example. 1 3600 600 86400 60\n"
    with ZoneServer(texts=[soa]) as server:
        run = run_cli("check", "--format", "json", "--nameserver", server.address, str(path))
    [f] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "key_not_found"]
    assert "nokeys.example publishes no DKIM key at all" in f["summary"]
    assert "likely never been set up" in f["explanation"]
    # A header of the message says nokeys.example passed somewhere (untrusted: written above
    # no Received of the receiver's, or an ARC set that cannot be verified now): the guess
    # "never set up" is withheld (realmail: kernel.org's list mail with its keys gone).
    claim = (
        b"ARC-Authentication-Results: i=1; lists.example.org; dkim=pass header.d=nokeys.example\r\n"
    )
    path.write_bytes(claim + raw)
    with ZoneServer(texts=[soa]) as server:
        run = run_cli("check", "--format", "json", "--nameserver", server.address, str(path))
    [f] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "key_not_found"]
    assert "never been set up" not in f["explanation"] and "no DKIM key at all" not in f["summary"]
    assert "there is no key at feb2026._domainkey.nokeys.example" in f["summary"]


def test_color_is_kept_when_asked(dns_server: ZoneServer) -> None:
    run = _check(Case("key-1024", FIXTURES / "key-1024"), dns_server, "--color")
    assert run.stdout.startswith("\x1b[32mPASS\x1b[0m: ")
    assert "\x1b[33mwarning\x1b[0m · weak_key" in run.text


def test_forged_records_never_say_rotated(dns_server: ZoneServer) -> None:
    """A sender can write any field: below the boundary, Microsoft's form under another
    receiver, a chain sealed by a third party (README, "The trust rule")."""
    for name in ("forged-ar-below-boundary", "forged-microsoft-form", "forged-arc-third-party"):
        message = _message(Case(name, FIXTURES / name), dns_server)
        assert "key_rotated" not in {f["code"] for f in message["findings"]}, name
        assert not [r for r in message["receiver"]["results"] if r["by_receiver"]], name


def test_dmarc_through_spf_is_dkim_only_wording(dns_server: ZoneServer) -> None:
    """Issue 10 item 11: never "receivers apply p=…" as fact when the receiver said dmarc=pass."""
    case = Case("dmarc-receiver-spf-pass", FIXTURES / "dmarc-receiver-spf-pass")
    message = _message(case, dns_server)
    [f] = [f for f in message["findings"] if f["code"] == "dmarc_alignment"]
    assert f["severity"] == "warning" and "receivers apply" not in f["explanation"]
    assert any(e.startswith("Authentication-Results: mx.google.com;") for e in f["evidence"])
    receiver = message["dmarc"]["receiver"]
    assert receiver == {
        "recorded_by": "mx.google.com", "dmarc": "pass", "spf": "pass",
        "smtp_mailfrom": "bounce@mail.shop.example", "spf_aligned": True,
        "evidence": receiver["evidence"],
    }  # fmt: skip
    assert message["dmarc"]["passed_at_delivery"] is None
    rotated = _message(Case("rotated-gmail", FIXTURES / "rotated-gmail"), dns_server)
    assert rotated["dmarc"]["passed_at_delivery"] == 0
    [f] = [f for f in rotated["findings"] if f["code"] == "dmarc_alignment"]
    assert f["severity"] == "warning" and f["signature_index"] == 0
    # the headline is the rotated key, not an alarm about DMARC
    # (issue 12: headed as passed at delivery, not as FAIL; the exit code stays 1)
    text = _check(Case("rotated-gmail", FIXTURES / "rotated-gmail"), dns_server).text
    assert text.startswith("PASSED AT DELIVERY: The signature of the sender's own domain")
    assert "(d=shop.example, s=gone2024) passed at delivery" in text.split("\n")[0]


def test_a_receiver_that_recorded_dmarc_fail_is_quoted_and_the_error_stays(
    dns_server: ZoneServer, tmp_path: Path
) -> None:
    raw = (FIXTURES / "dmarc-receiver-spf-pass" / "message.eml").read_bytes()
    assert raw.count(b"dmarc=pass (p=REJECT") == 1
    path = tmp_path / "message.eml"
    path.write_bytes(raw.replace(b"dmarc=pass (p=REJECT", b"dmarc=fail (p=REJECT"))
    run = run_cli("check", "--format", "json", "--nameserver", dns_server.address, str(path))
    [f] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "dmarc_alignment"]
    assert f["severity"] == "error"
    assert f["summary"].endswith("and the receiver mx.google.com recorded dmarc=fail.")
