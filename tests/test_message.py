from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.errors import NotAMessageError
from analyzer.message import (
    dns_name,
    field_text,
    from_domain,
    parse_message,
    split_header_fields,
    to_crlf,
)
from analyzer.model import HeaderField, LineEndings


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


@pytest.mark.parametrize("lead", [b" " * 255 + b"\n", b"\n", b"\t \r\n\r\n"])
def test_blank_lines_before_the_first_field_are_skipped(lead: bytes) -> None:
    # Real archives pad files so (a line of 255 spaces before Delivered-To:, in flanker's
    # Yahoo and iPhone samples); pasted headers often start with an empty line.
    msg = parse_message(lead + b"From: a@example.com\nSubject: s\n\nbody\n")
    assert [h.lname for h in msg.headers] == ["from", "subject"]
    assert msg.body == b"body\r\n"


def test_only_blank_lines_are_not_a_message() -> None:
    with pytest.raises(NotAMessageError):
        parse_message(b"   \n\n  \nno field here\n")


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


# Issue 11 item 1: email.header raises CharsetError / HeaderParseError on these.
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=?é?q?x?=", "=?é?q?x?="),  # a non-ASCII charset name
        ("=?utf-8?b?abcde?=", "=?utf-8?b?abcde?="),  # base64 of length 1 mod 4 (truncated)
        ("=?utf-8?q?ok?= =?é?q?x?= end", "ok =?é?q?x?= end"),  # the good word still decoded
        ("=?no-such-charset?q?x?=", "=?no-such-charset?q?x?="),
    ],
)
def test_malformed_encoded_words_are_shown_as_written(value: str, shown: str) -> None:
    assert field_text(f" {value}\r\n".encode()) == shown
    raw = f"From: {value} <a@example.com>\r\nSubject: {value}\r\nMessage-ID: {value}\r\n\r\nx\r\n"
    msg = parse_message(raw.encode())
    assert (msg.from_domain, msg.subject, msg.message_id) == ("example.com", shown, shown)


WORD_PARTS = st.sampled_from(
    ["=?", "?=", "?q?", "?b?", "?Q?", "?B?", "utf-8", "é", "iso-8859-1", "us-ascii", "x-unknown",
     "abcde", "YWJj", "=", "==", "_", "=C3", "=A9", " ", "\t", "\r\n ", "<", ">", "@", ":", ",",
     '"', "(", ")", ";", "\\", "a@b.example", "\x00", "\x1b", "\u202e"]
)  # fmt: skip
header_values = st.lists(st.one_of(WORD_PARTS, st.text(max_size=4)), max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(value=header_values)
def test_any_header_value_decodes_without_raising(value: str) -> None:
    """A From, Subject or Message-ID value never makes parsing raise (11.1: the fuzz hit
    email.header errors in 933 of 30,000 values)."""
    data = value.encode("utf-8", "surrogatepass")
    assert isinstance(field_text(data), str)
    fields = [HeaderField(name, b" " + data + b"\r\n") for name in (b"From", b"Subject")]
    from_domain(fields)
    raw = b"From: %s\r\nSubject: %s\r\nMessage-ID: %s\r\n\r\nbody\r\n" % (data, data, data)
    with contextlib.suppress(NotAMessageError):  # a bare CR LF can end the header section
        parse_message(raw)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Example.COM.", "example.com"),
        (" bücher.example ", "xn--bcher-kva.example"),  # U-labels become A-labels
        ("s2025", "s2025"),  # a selector is a name too
        ("_dmarc.example.com", "_dmarc.example.com"),
        ("a..b", None),
        ("-x.example", None),
        ("x" * 64 + ".example", None),
        (("a" * 60 + ".") * 5 + "com", None),  # over 253 characters
        ("exa mple.com", None),
        ("", None),
    ],
)
def test_dns_name_is_how_dns_spells_a_name_given_by_a_user(value: str, name: str | None) -> None:
    assert dns_name(value) == name
