"""analyzer.trace: the sending platform, the trusted Authentication-Results, the route."""

from __future__ import annotations

from analyzer.message import parse_message
from analyzer.signatures import extract
from analyzer.trace import receiver_result, route, ses_origin, trusted_dkim_results
from tests.conftest import FIXTURES

BASE = b"From: a@example.com\r\nTo: b@example.net\r\nSubject: x\r\n\r\nbody\r\n"


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
