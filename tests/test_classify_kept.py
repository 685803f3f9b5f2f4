"""classify's short ways (issue 15) give the long way's answers: mailing_list without any
field that names a list is None without reading the fields, and the alignment kept per
(d=, From domain) is the one made again."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import classify
from analyzer.model import HeaderField, LineEndings, ParsedMessage

_NAMES = [b"List-Id", b"List-Post", b"List-Unsubscribe", b"X-BeenThere", b"Mailing-List",
          b"X-Sympa-To", b"X-Mailman-Version", b"X-Google-Group-Id", b"From", b"Subject"]  # fmt: skip
_VALUES = [b" <news.lists.example.org>", b" <mailto:list@lists.example.org>",
           b" <mailto:unsub@bounce.example.net>, <https://example.net/u>", b" list@example.org",
           b" list x@lists.example.org; contact x-owner@example.org", b" 2.1.39", b" hello",
           b" =?utf-8?q?caf=C3=A9?= <a@b.example>", b" nothing"]  # fmt: skip


def _msg(fields: list[tuple[bytes, bytes]]) -> ParsedMessage:
    headers = tuple(HeaderField(n, v + b"\r\n") for n, v in fields)
    return ParsedMessage(headers, b"", LineEndings.CRLF, (), "example.com", None, None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from(_VALUES)), max_size=6))
def test_mailing_list_short_way_is_the_loop(
    fields: list[tuple[bytes, bytes]],
) -> None:
    msg = _msg(fields)
    short = classify.mailing_list(msg)
    everything = frozenset(h.lname for h in msg.headers) | {"list-id"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(classify, "_NAMING_FIELDS", everything)  # the loop always runs
        assert short == classify.mailing_list(msg)


_DOMAINS = st.sampled_from(["example.com", "mail.example.com", "EXAMPLE.com.", "example.net",
                            "sendgrid.net", "em.sendgrid.net", "lists.example.org", "bücher.example",
                            "xn--bcher-kva.example", "co.uk", "a.b.co.uk", ""])  # fmt: skip


def _careful(d: str | None, author: str | None, lst: classify.MailingList | None) -> object:
    """classify() as it was written before its alignments were kept (main, issue 15)."""
    c, a_label, alignment = classify.Classification, classify.a_label, classify.Alignment
    if not d:
        return alignment(c.THIRD_PARTY, False, False, None)
    d = a_label(d)
    author = a_label(author) if author else None
    strict = author is not None and d == author
    relaxed = author is not None and (strict or classify.same_organization(d, author))
    provider = classify.provider_for(d)
    if relaxed:
        return alignment(c.AUTHOR, True, strict, provider)
    if provider:
        return alignment(c.PROVIDER, False, False, provider)
    if lst is not None and classify.organizational_domain(d) in lst.domains:
        return alignment(c.LIST, False, False, None, lst.name)
    return alignment(c.THIRD_PARTY, False, False, None)


@settings(max_examples=300, deadline=None)
@given(_DOMAINS, st.one_of(st.none(), _DOMAINS), st.booleans())
def test_the_kept_alignment_is_the_one_made_again(d: str, author: str | None, lst: bool) -> None:
    listed = classify.MailingList("news.lists.example.org", ("example.org",), ()) if lst else None
    for _ in range(2):  # made, then kept
        assert classify.classify(d, author, listed) == _careful(d, author, listed)
