from __future__ import annotations

import pytest

from analyzer.errors import NotAMessageError
from analyzer.message import field_text, parse_message, split_header_fields, to_crlf
from analyzer.model import LineEndings


def test_lf_file_is_read_as_crlf_and_said_so() -> None:
    msg = parse_message(b"From: a@example.com\nSubject: hi\n\nbody\n")
    assert msg.line_endings is LineEndings.LF
    assert msg.body == b"body\r\n"
    assert msg.headers[1].value == b" hi\r\n"


def test_crlf_is_kept_verbatim() -> None:
    raw = b"From: a@example.com\r\nSubject:  two  spaces \r\n\r\nbody\r\n"
    msg = parse_message(raw)
    assert msg.line_endings is LineEndings.CRLF
    assert msg.headers[1].name == b"Subject"
    assert msg.headers[1].value == b"  two  spaces \r\n"


def test_mixed_line_endings() -> None:
    assert to_crlf(b"a\r\nb\nc")[1] is LineEndings.MIXED


def test_folded_fields_keep_their_folding() -> None:
    fields, start = split_header_fields(b"To: a@x,\r\n\tb@y\r\nFrom: c@z\r\n\r\n")
    assert [f.value for f in fields] == [b" a@x,\r\n\tb@y\r\n", b" c@z\r\n"]
    assert start == len(b"To: a@x,\r\n\tb@y\r\nFrom: c@z\r\n\r\n")


def test_headers_without_a_blank_line_are_headers_only() -> None:
    msg = parse_message(b"From: a@example.com\nSubject: pasted\n")
    assert msg.headers_only and msg.body is None


def test_headers_only_option_drops_the_body() -> None:
    assert parse_message(b"From: a@example.com\n\nbody\n", headers_only=True).body is None


def test_empty_body_is_not_headers_only() -> None:
    assert parse_message(b"From: a@example.com\r\n\r\n").body == b""


def test_mbox_from_line_is_skipped() -> None:
    msg = parse_message(
        b"From alice@example.com Sun Nov 23 10:00:00 2025\nFrom: a@example.com\n\nx\n"
    )
    assert msg.headers[0].lname == "from"


def test_space_before_colon_is_a_field() -> None:
    fields, _ = split_header_fields(b"Subject : hi\r\n\r\n")
    assert fields[0].name == b"Subject " and fields[0].lname == "subject"


def test_from_domain_is_lowercased_and_idna() -> None:
    msg = parse_message("From: Ünï <a@Bücher.Example>\n\nx\n".encode())
    assert msg.from_domain == "xn--bcher-kva.example"


@pytest.mark.parametrize("raw", [b"", b"just some text\nwithout headers\n", b"\x00\x01\x02binary"])
def test_non_messages_are_refused(raw: bytes) -> None:
    with pytest.raises(NotAMessageError):
        parse_message(raw)


def test_field_text_decodes_encoded_words() -> None:
    assert field_text(b" =?utf-8?q?h=C3=A9llo?=\r\n") == "héllo"
