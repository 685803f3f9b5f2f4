"""analyzer.trace: the sending platform, the trusted Authentication-Results, the route."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analyzer.message import parse_message
from analyzer.model import (
    ArcChain,
    ArcCv,
    ArcSet,
    DkimSignature,
    ParsedMessage,
    Receiver,
    RecordedResult,
    RecordSource,
)
from analyzer.signatures import extract
from analyzer.trace import (
    receiver,
    receiver_dmarc,
    receiver_record,
    recorded_dkim,
    route,
    ses_origin,
)
from tests.conftest import FIXTURES, ROOT, records_gone_zone, run_cli

BASE = b"From: a@example.com\r\nTo: b@example.net\r\nSubject: x\r\n\r\nbody\r\n"


def trusted_dkim_results(msg: ParsedMessage) -> tuple[RecordedResult, ...]:
    """The dkim= results of the receiver's own trusted Authentication-Results fields."""
    return tuple(r for r in receiver_record(msg).results if r.method == "dkim")


def receiver_result(
    results: tuple[RecordedResult, ...], sig: DkimSignature
) -> RecordedResult | None:
    return recorded_dkim(Receiver("?", results=results), sig)


def _msg(headers: bytes, base: bytes = BASE):  # type: ignore[no-untyped-def]
    return parse_message(headers + base)


def test_ses_region_from_feedback_id() -> None:
    msg = _msg(b"Feedback-ID: 1.ap-southeast-2.AbC123=:AmazonSES\r\n")
    origin = ses_origin(msg)
    assert origin is not None and origin.region == "ap-southeast-2"


def test_ses_from_message_id_and_received() -> None:
    origin = ses_origin(_msg(b"Message-ID: <0100abc-000000@email.amazonses.com>\r\n"))
    assert origin is not None and origin.region is None  # us-east-1's form names no region
    origin = ses_origin(
        _msg(
            b"Received: from e226-55.smtp-out.us-east-2.amazonses.com (e226-55.smtp-out."
            b"us-east-2.amazonses.com [23.251.226.55])\r\n\tby mx.example.net; "
            b"Sun, 23 Nov 2025 12:13:22 +0000\r\n"
        )
    )
    assert origin is not None and origin.region == "us-east-2"


def test_not_ses() -> None:
    assert (
        ses_origin(_msg(b"Feedback-ID: 12:34:56:SendGrid\r\nMessage-ID: <x@example.com>\r\n"))
        is None
    )


def test_trusted_results_match_by_b_prefix() -> None:
    msg = parse_message((FIXTURES / "plain" / "message.eml").read_bytes())
    results = trusted_dkim_results(msg)
    [sig] = extract(msg.headers)
    found = receiver_result(results, sig)  # type: ignore[arg-type]
    assert found is not None and found.result == "pass" and found.authserv_id == "mx.example.net"


def test_authentication_results_of_another_party_are_not_trusted() -> None:
    # A later hop of another organisation sits above the field: it is not the final receiver's.
    raw = (
        b"Received: from mx.example.net by mx2.other.example; Sun, 23 Nov 2025 12:14:00 +0000\r\n"
        + (FIXTURES / "plain" / "message.eml").read_bytes()
    )
    assert trusted_dkim_results(parse_message(raw)) == ()
    # An authserv-id outside the receiver's organisation is not trusted either.
    raw = (
        (FIXTURES / "plain" / "message.eml")
        .read_bytes()
        .replace(
            b"Authentication-Results: mx.example.net;",
            b"Authentication-Results: mx.evil.example;",
            1,
        )
    )
    assert trusted_dkim_results(parse_message(raw)) == ()


def test_internal_hops_above_the_field_are_fine() -> None:
    raw = (
        b"Received: from mx.example.net by store1.example.net; Sun, 23 Nov 2025 12:14:00 +0000\r\n"
        + (FIXTURES / "plain" / "message.eml").read_bytes()
    )
    assert [r.result for r in trusted_dkim_results(parse_message(raw))] == ["pass"]


def test_route_hops_and_delays() -> None:
    hops = route(parse_message((FIXTURES / "ses-two-signatures" / "message.eml").read_bytes()))
    assert [h.sender for h in hops] == [
        "a8-30.smtp-out.amazonses.com [54.240.8.30]",
        "localhost [127.0.0.1]",
    ]
    assert [h.receiver for h in hops] == ["mx.example.net", "mx.example.net"]
    assert [h.delay for h in hops] == [None, 2.0]
    assert hops[0].when == "2025-11-23 12:13:22"


def test_route_without_received_is_empty() -> None:
    assert route(_msg(b"")) == ()


# --- the trust rule: the boundary and what the receiver recorded (issue 10 item 3) ---------

SIG = (
    b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=gone2024; h=from;\r\n"
    b"\tbh=AAAA; b=AbCdEfGh1234\r\n"
)
SENDER_HOP = (
    b"Received: from [198.51.100.77] (unknown [198.51.100.77])\r\n\tby smtp.example.com "
    b"(Postfix) with ESMTPSA id 1; Sun, 23 Nov 2025 12:13:17 +0000\r\n"
)
BOUNDARY = (
    b"Received: from smtp.example.com (smtp.example.com [192.0.2.25])\r\n"
    b"\tby mx.example.net (Postfix) with ESMTPS id 2; Sun, 23 Nov 2025 12:13:22 +0000\r\n"
)
GMAIL_TOP = (
    b"Received: by 2002:a0c:8b6e:0:0:0:0:0 with SMTP id d46csp1;\r\n"
    b"        Sun, 23 Nov 2025 04:13:23 -0800 (PST)\r\n"
)
GMAIL_BOUNDARY = (
    b"Received: from smtp.example.com (smtp.example.com. [192.0.2.25])\r\n"
    b"        by mx.google.com with ESMTPS id 55si1; Sun, 23 Nov 2025 04:13:22 -0800 (PST)\r\n"
)
MS_AR = (
    b"Authentication-Results: spf=pass (sender IP is 192.0.2.25)\r\n smtp.mailfrom=example.com;"
    b" dkim=pass (signature was verified)\r\n header.d=example.com;dmarc=pass action=none\r\n"
    b" header.from=example.com;compauth=pass reason=100\r\n"
)
MS_BOUNDARY = (
    b"Received: from smtp.example.com (192.0.2.25) by\r\n"
    b" AM4PEPF00025F95.mail.protection.outlook.com (10.167.16.4) with Microsoft SMTP\r\n"
    b" Server id 15.20.7918.0 via Frontend Transport; Sun, 23 Nov 2025 12:13:22 +0000\r\n"
)
MS_INTERNAL = (
    b"Received: from AM4PEPF00025F95.EURPRD83.prod.outlook.com (2603:10a6:20b:127:cafe::35)\r\n"
    b" by AS8PR04CA0133.outlook.office365.com (2603:10a6:20b:127::18) with Microsoft SMTP\r\n"
    b" Server id 15.20.7875.21 via Frontend Transport; Sun, 23 Nov 2025 12:13:23 +0000\r\n"
)


def _sig(msg):  # type: ignore[no-untyped-def]
    [sig] = extract(msg.headers)
    return sig


def _rotated(headers: bytes, chain: ArcChain | None = None) -> RecordedResult | None:
    """What the trust rule says about the one signature of a message with these trace fields."""
    msg = parse_message(headers + SIG + BASE)
    return recorded_dkim(receiver_record(msg, chain), _sig(msg))


def test_gmail_ipv6_literal_top_hop_reaches_mx_google_com() -> None:
    ar = (
        b"Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@example.com "
        b"header.s=gone2024 header.b=AbCdEfGh;\r\n       spf=pass smtp.mailfrom=alice@example.com"
        b";\r\n       dmarc=pass (p=REJECT dis=NONE) header.from=example.com\r\n"
    )
    rx = receiver(parse_message(GMAIL_TOP + GMAIL_BOUNDARY + ar + SENDER_HOP + SIG + BASE))
    assert rx.organisation == "google" and rx.boundary and "by mx.google.com" in rx.boundary
    assert rx.delivered_at == 1763900002  # 04:13:22 -0800
    seen = _rotated(GMAIL_TOP + GMAIL_BOUNDARY + ar + SENDER_HOP)
    assert seen is not None and seen.result == "pass" and seen.recorded_by == "mx.google.com"
    assert seen.source is RecordSource.AUTHENTICATION_RESULTS
    # The same field under the sender's own Received is the sender's word.
    assert _rotated(GMAIL_TOP + GMAIL_BOUNDARY + SENDER_HOP + ar) is None


def test_an_ip_literal_hop_that_received_from_a_peer_names_no_receiver() -> None:
    # `by 10.1.2.3` with a from clause took the message from someone: we cannot tell who runs it.
    top = b"Received: from evil.example (evil.example [203.0.113.9]) by 10.1.2.3; Sun, 23 Nov 2025 12:13:22 +0000\r\n"
    ar = b"Authentication-Results: mx.google.com; dkim=pass header.d=example.com header.s=gone2024\r\n"
    assert receiver(parse_message(top + BASE)).organisation is None
    assert _rotated(top + GMAIL_BOUNDARY + ar) is None


def test_a_gmail_shaped_forgery_below_another_receiver_counts_for_nothing() -> None:
    # The sender wrote Gmail's trace fields; the message was delivered by mx.example.net.
    ar = b"Authentication-Results: mx.google.com; dkim=pass header.d=example.com header.s=gone2024\r\n"
    assert _rotated(BOUNDARY + GMAIL_TOP + GMAIL_BOUNDARY + ar + SENDER_HOP) is None
    assert _rotated(BOUNDARY + ar + SENDER_HOP) is None  # right below the boundary: wrong id


def test_microsoft_form_only_from_microsoft_and_above_its_boundary() -> None:
    seen = _rotated(MS_INTERNAL + MS_AR + MS_BOUNDARY + SENDER_HOP)
    assert seen is not None and seen.source is RecordSource.MICROSOFT
    assert seen.recorded_by == "Microsoft 365 (am4pepf00025f95.mail.protection.outlook.com)"
    # Below Microsoft's boundary Received: the sender may have written it.
    assert _rotated(MS_INTERNAL + MS_BOUNDARY + MS_AR + SENDER_HOP) is None
    # Under a receiver that is not Microsoft, anywhere.
    assert _rotated(MS_AR + BOUNDARY + SENDER_HOP) is None
    assert _rotated(BOUNDARY + MS_AR + SENDER_HOP) is None


def test_header_i_alone_names_the_signature_domain() -> None:
    ar = b"Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.com; dkim=pass header.i=@example.com\r\n"
    seen = _rotated(ar + BOUNDARY + SENDER_HOP)
    assert seen is not None and seen.prop("header.i") == "@example.com"
    other = ar.replace(b"header.i=@example.com", b"header.i=@example.org")
    assert _rotated(other + BOUNDARY + SENDER_HOP) is None


def test_a_domain_only_result_is_not_used_when_the_field_disagrees_with_itself() -> None:
    ar = (
        b"Authentication-Results: mx.example.net; dkim=pass header.d=example.com;"
        b" dkim=fail header.d=example.com\r\n"
    )
    assert _rotated(ar + BOUNDARY + SENDER_HOP) is None


def test_a_selector_or_b_that_differs_is_another_signature() -> None:
    ar = (
        b"Authentication-Results: mx.example.net; dkim=pass header.d=example.com header.s=other\r\n"
    )
    assert _rotated(ar + BOUNDARY + SENDER_HOP) is None
    ar = b"Authentication-Results: mx.example.net; dkim=pass header.d=example.com header.b=ZZZZZZZZ\r\n"
    assert _rotated(ar + BOUNDARY + SENDER_HOP) is None


def test_the_topmost_trusted_result_decides() -> None:
    fail = b"Authentication-Results: mx.example.net; dkim=fail header.d=example.com header.s=gone2024\r\n"
    passed = fail.replace(b"dkim=fail", b"dkim=pass")
    seen = _rotated(fail + passed + BOUNDARY + SENDER_HOP)
    assert seen is not None and seen.result == "fail"


def _chain(sealer: str, results: str, cv: ArcCv = ArcCv.PASS) -> ArcChain:
    aar = f"i=1; mx.{sealer}; {results}"
    return ArcChain(cv, (ArcSet(1, sealer, "arc", True, True, "none", aar, ("example.com",)),))


def test_arc_from_the_receivers_own_sealer_counts() -> None:
    chain = _chain("example.net", "dkim=pass header.d=example.com")
    seen = _rotated(BOUNDARY + SENDER_HOP, chain)
    assert seen is not None and seen.source is RecordSource.ARC and seen.sealer == "example.net"


def test_arc_from_the_signers_own_organisation_counts_for_its_signature_only() -> None:
    chain = _chain("lists.example.com", "dkim=pass header.d=example.com header.b=AbCdEfGh")
    seen = _rotated(BOUNDARY + SENDER_HOP, chain)
    assert seen is not None and seen.sealer == "lists.example.com"
    # ... and must say which signature: a domain-only claim could be a stripped one's.
    assert (
        _rotated(
            BOUNDARY + SENDER_HOP, _chain("lists.example.com", "dkim=pass header.d=example.com")
        )
        is None
    )


def test_a_self_sealed_chain_by_a_third_party_counts_for_nothing() -> None:
    claim = "dkim=pass header.d=example.com header.s=gone2024 header.b=AbCdEfGh"
    assert _rotated(BOUNDARY + SENDER_HOP, _chain("attacker.example", claim)) is None
    # A chain that does not verify counts for nothing, whoever sealed it.
    assert _rotated(BOUNDARY + SENDER_HOP, _chain("example.net", claim, ArcCv.FAIL)) is None


def test_receiver_dmarc_and_spf_are_evidence() -> None:
    ar = (
        b"Authentication-Results: mx.google.com; dkim=pass header.i=@example.com;\r\n"
        b" spf=pass (google.com: ...) smtp.mailfrom=bounces+1@sgmail.example.com;\r\n"
        b" dmarc=pass (p=NONE dis=NONE) header.from=example.com\r\n"
    )
    msg = parse_message(GMAIL_TOP + GMAIL_BOUNDARY + ar + SENDER_HOP + SIG + BASE)
    found = receiver_dmarc(receiver_record(msg), "example.com")
    assert found is not None
    assert (found.recorded_by, found.dmarc, found.spf, found.spf_aligned) == (
        "mx.google.com", "pass", "pass", True,
    )  # fmt: skip
    assert found.smtp_mailfrom == "bounces+1@sgmail.example.com"
    assert found.evidence[0].startswith("Authentication-Results: mx.google.com;")
    assert receiver_dmarc(receiver_record(msg), "example.org") is not None  # spf= still shown
    assert receiver_dmarc(receiver_record(parse_message(BOUNDARY + BASE)), "example.com") is None


def test_delivery_time_is_the_boundary_date() -> None:
    # Internal hops above the boundary are later; the boundary is where the message came in.
    local = (
        b"Received: from localhost (localhost [127.0.0.1])\r\n\tby mx.example.net (Postfix) "
        b"with ESMTP id 3; Sun, 23 Nov 2025 12:13:24 +0000\r\n"
    )
    rx = receiver(parse_message(local + BOUNDARY + SENDER_HOP + BASE))
    assert rx.organisation == "example.net" and rx.delivered_at == 1763900002
    assert receiver(parse_message(BASE)).delivered_at is None
    bad = BOUNDARY.replace(b"Sun, 23 Nov 2025 12:13:22 +0000", b"not a date")
    assert receiver(parse_message(bad + BASE)).delivered_at is None


# --- real mail (skipped when ../shared/realmail is absent) -----------------------------------

REALMAIL = ROOT.parent / "shared" / "realmail"
realmail = pytest.mark.skipif(not REALMAIL.is_dir(), reason="../shared/realmail is absent")


def _real(name: str, tmp_path: Path, zone: str = "empty") -> dict[str, Any]:
    """check --format json on a real message, with keys.zone or with all keys gone."""
    path = REALMAIL / "keys.zone"
    if zone == "empty":  # every record gone, the domains still there
        path = records_gone_zone(tmp_path / "empty.zone", [REALMAIL / "messages" / name])
    run = run_cli(
        "check", "--format", "json", "--zone", str(path), str(REALMAIL / "messages" / name)
    )
    [message] = run.json()["messages"]
    return message  # type: ignore[no-any-return]


def _codes(message: dict[str, Any]) -> list[str]:
    return [f["code"] for f in message["findings"]]


@realmail
def test_realmail_gmail_download_key_rotated(tmp_path: Path) -> None:
    """blaze-002-github.eml: `Received: by 2002:a0c:…` on top, mx.google.com recorded dkim=pass;
    with the key gone it is key_rotated (before: key_not_found, "never been set up")."""
    message = _real("blaze-002-github.eml", tmp_path)
    [f] = [f for f in message["findings"] if f["code"] == "key_rotated"]
    assert "mx.google.com recorded dkim=pass" in f["explanation"]
    assert "key_not_found" not in _codes(message)
    assert message["clock"] == "delivery" and message["verified_at"] == 1544100336


@realmail
def test_realmail_header_i_only_key_rotated(tmp_path: Path) -> None:
    """mailauth-zproov.eml: zonemx.eu's `dkim=pass header.i=@gmail.com` names no selector."""
    message = _real("mailauth-zproov.eml", tmp_path, zone="keys")
    assert "key_rotated" in _codes(message) and "key_not_found" not in _codes(message)


@realmail
def test_realmail_microsoft_messages(tmp_path: Path) -> None:
    """blaze-006-arm-o365.eml: the final receiver is kernel.org (it recorded dkim=pass
    header.b= for both arm.com signatures), Microsoft's sets are below it: key_rotated.
    flanker-o365-bounce.eml: Microsoft's `spf=none (sender IP is )` field sits below
    mailgun's boundary, written before the hand-over: it proves nothing."""
    arm = _real("blaze-006-arm-o365.eml", tmp_path)
    assert _codes(arm).count("key_rotated") == 2 and "key_not_found" not in _codes(arm)
    assert {r["recorded_by"] for r in arm["receiver"]["results"] if r["method"] == "dkim"} == {
        "smtp.subspace.kernel.org"
    }
    bounce = _real("flanker-o365-bounce.eml", tmp_path)
    assert bounce["receiver"]["organisation"] == "mailgun.org"
    assert bounce["receiver"]["results"] == [] and "key_rotated" not in _codes(bounce)


@realmail
def test_realmail_dmarc_through_spf_is_not_reported_as_rejected(tmp_path: Path) -> None:
    """blaze-001-github-sendgrid.eml: rsa-sha1 only, but mx.google.com recorded dmarc=pass via
    spf=pass: before, "receivers apply p=reject" as a fact."""
    message = _real("blaze-001-github-sendgrid.eml", tmp_path, zone="keys")
    [f] = [f for f in message["findings"] if f["code"] == "dmarc_alignment"]
    assert f["severity"] == "warning"
    assert f["summary"].startswith("DKIM alone does not satisfy the DMARC policy of github.com")
    assert "mx.google.com recorded dmarc=pass" in f["summary"]
    assert "receivers apply" not in f["explanation"]
    receiver = message["dmarc"]["receiver"]
    assert (receiver["dmarc"], receiver["spf"], receiver["spf_aligned"]) == ("pass", "pass", True)


def test_a_helo_naming_a_microsoft_host_does_not_move_microsofts_edge() -> None:
    """The sender HELOs as a Microsoft host and forges Microsoft's trace below the real edge:
    the walk may follow the HELO, but the form counts only above the topmost EOP edge."""
    helo = MS_BOUNDARY.replace(
        b"from smtp.example.com (192.0.2.25)", b"from x.prod.outlook.com (45.33.32.156)"
    )
    forged_edge = MS_BOUNDARY.replace(b"AM4PEPF00025F95", b"AM4PEPF00099999")
    assert _rotated(MS_INTERNAL + helo + MS_AR + forged_edge + SENDER_HOP) is None


def test_postfix_unknown_reverse_name_is_not_the_receivers_host() -> None:
    spoof = (
        b"Received: from mx2.example.net (unknown [45.33.32.156])\r\n\tby mx.example.net "
        b"(Postfix) with ESMTPS id 2; Sun, 23 Nov 2025 12:13:22 +0000\r\n"
    )
    rx = receiver(parse_message(spoof + BOUNDARY + BASE))
    assert rx.boundary is not None and "from mx2.example.net" in rx.boundary


def test_a_quoted_semicolon_does_not_split_a_result() -> None:
    """mailauth-message4.eml: `dkim=pass reason="1024-bit key; insecure key" header.d=…`:
    the properties after the quoted ";" belong to the same dkim= result (RFC 8601 §2.2)."""
    from analyzer.model import RecordSource
    from analyzer.trace import _results

    [r] = _results(
        'mx.example.net; dkim=pass reason="1024-bit key; insecure key" header.d=example.com '
        "header.b=p4WDZf90",
        "mx.example.net",
        RecordSource.AUTHENTICATION_RESULTS,
    )
    assert (r.result, r.prop("header.d"), r.prop("header.b")) == ("pass", "example.com", "p4WDZf90")


def test_a_field_of_a_thousand_results_stays_small() -> None:
    """A hostile 0.2 MB Authentication-Results of a thousand results made a 157 MB report
    (each result carried the whole field; found by the fuzzer): results are capped, the
    field kept as evidence is cut (README Limits)."""
    from analyzer import trace
    from analyzer.model import RecordSource

    text = "mx.example.net; " + "; ".join(f"dkim=pass header.d=d{i}.example" for i in range(1000))
    found = trace._results(text, "mx.example.net", RecordSource.AUTHENTICATION_RESULTS)
    assert len(found) == trace.MAX_RESULTS
    assert all(len(r.field) <= trace.MAX_FIELD_EVIDENCE for r in found)
    assert found[0].prop("header.d") == "d0.example"


def test_the_plain_date_is_what_datetime_makes_of_it() -> None:
    """trace._plain_date counts days (issue 15: no datetime per Received field): the same
    Unix time, and the same refusals (31 Feb, 24:00, a leap second, a zone of a day)."""
    import random
    from datetime import UTC, datetime

    from analyzer import trace

    def by_datetime(m: Any) -> int | None:
        day, month, year, hour, minute, second, sign, zh, zm = m.groups()
        offset = (int(zh) * 3600 + int(zm) * 60) * (-1 if sign == "-" else 1)
        if abs(offset) >= 86400:
            return None
        try:
            at = datetime(int(year), trace._MONTHS[month], int(day), int(hour), int(minute),
                          int(second), tzinfo=UTC)  # fmt: skip
        except ValueError:
            return None
        ts = int(at.timestamp()) - offset
        return ts if 0 <= ts <= trace.MAX_TIME else None

    pick = random.Random(15)
    texts = ["29 Feb 2024 23:59:59 +0000", "29 Feb 2023 12:00:00 +0000", "31 Apr 2025 01:00:00 -0100",
             "0 Jan 2025 00:00:00 +0000", "1 Jan 1970 00:00:00 +0000", "1 Jan 1970 00:00:00 +0100",
             "31 Dec 9999 23:59:59 -2359", "31 Dec 9999 23:59:59 +0000", "23 Nov 2025 24:00:00 +0000",
             "23 Nov 2025 12:60:00 +0000", "23 Nov 2025 12:00:60 +0000", "23 Nov 2025 12:00:00 +2400"]  # fmt: skip
    for _ in range(20000):
        texts.append(
            f"{pick.choice([pick.randint(0, 99), pick.randint(1, 31)])} "
            f"{pick.choice(list(trace._MONTHS))} {pick.choice([pick.randint(1000, 9999), 1970])} "
            f"{pick.randint(0, 25):02d}:{pick.randint(0, 61):02d}:{pick.randint(0, 61):02d} "
            f"{pick.choice('+-')}{pick.randint(0, 25):02d}{pick.randint(0, 99):02d}"
        )
    for text in texts:
        m = trace._PLAIN_DATE.match(text)
        assert m is not None, text
        assert trace._plain_date(m) == by_datetime(m), text
