"""Who signed: the author's own domain, a sending platform's, a mailing list's, or a third party.

Alignment follows RFC 7489 §3.1.1: relaxed when both share an organizational
domain (public suffix list), strict when they are identical. Both sides are
compared as A-labels (RFC 5890 §2.3.2.1): a From domain of `bücher.example` is
aligned with d=xn--bcher-kva.example, and the reverse (RFC 8616 §4 lets d= be
written with U-labels).

The order decides: author first (it is what DMARC counts), then a platform of
data/providers.toml, then the mailing list the message says it went through
(its List-Id or list address is in d='s organizational domain), else a third
party.
"""

from __future__ import annotations

import contextlib
import operator
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

from publicsuffixlist import PSLFILE, PublicSuffixList

from analyzer.message import a_label, field_text
from analyzer.model import Alignment, Classification, ParsedMessage


@cache
def _psl() -> PublicSuffixList:
    """The whole list (the reference _psl_for is held to, in tests/test_classify_psl.py).
    Without the punycode copy of every rule: building it is most of the start-up cost
    (~0.5 s); organizational_domain() decodes A-labels to U-labels instead."""
    return PublicSuffixList(accept_encoded_idn=False)


@cache
def _psl_lines() -> list[str]:
    """The list's lines, read and lowercased, not parsed (~3 ms). The library lowercases
    each line as it parses it, and str.lower() of a lowercased string changes nothing
    (for every code point), so these parse to the same rules."""
    return Path(PSLFILE).read_bytes().decode("utf-8", "surrogateescape").lower().splitlines()


@cache
def _psl_for(tld: str) -> PublicSuffixList:
    """The list's rules that can decide a name ending in the label `tld`, parsed by the
    library itself: every line that holds `tld` (1-3 ms, against ~17-35 ms for the whole
    list, which a `check` of one message paid). A rule decides a name only if it ends with
    the name's last label (the list matches label by label from the right), so the lines
    left out hold none that could match, and the answers are the whole list's; the extra
    lines kept (`com` is in `community`) match no such name either. Two threads asking at
    once may each parse it: a few ms, and the same answers."""
    return PublicSuffixList(
        [line for line in _psl_lines() if tld in line], accept_encoded_idn=False
    )


@cache
def _providers() -> dict[str, str]:
    """Signing domain -> platform name, from data/providers.toml."""
    data = tomllib.loads(files("analyzer").joinpath("data/providers.toml").read_text("utf-8"))
    return {d: p["name"] for p in data["provider"] for d in p["domains"]}


@lru_cache(maxsize=256)  # asked for d= and From of every message: the same domains recur
def organizational_domain(domain: str) -> str:
    """RFC 7489 §3.2: the registrable domain; the name itself when it has none."""
    domain = domain.lower().rstrip(".")
    if domain.count(".") < 2:
        # A registrable domain is a public suffix and one label, so of a name of one or two
        # labels it is the name itself, or there is none (the name is a suffix): the name
        # either way, without parsing the list (~17 ms of CPU per process).
        return domain
    return _by_the_list(domain)


def _by_the_list(domain: str) -> str:
    """organizational_domain() of a lowercase name without a trailing dot, by the list."""
    unicode = domain
    if "xn--" in domain:
        with contextlib.suppress(UnicodeError):
            unicode = domain.encode("ascii").decode("idna")
    org = _psl_for(unicode.lower().rsplit(".", 1)[-1]).privatesuffix(unicode)
    if org is None:
        return domain
    return ".".join(domain.split(".")[-(org.count(".") + 1) :])  # same labels, as given


def same_organization(a: str, b: str) -> bool:
    """organizational_domain(a) == organizational_domain(b), without the list when the
    names alone answer: equal names share it; names whose last two labels differ cannot,
    as a registrable domain (a public suffix and one label: two labels or more) ends with
    the name's last two labels, and a name of one label is its own."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    if a == b:
        return True
    if a.split(".")[-2:] != b.split(".")[-2:]:
        return False
    return organizational_domain(a) == organizational_domain(b)


def provider_for(domain: str) -> str | None:
    """The sending platform whose own domain d= is (or is under), if any."""
    labels = a_label(domain).split(".")
    providers = _providers()
    for i in range(len(labels) - 1):
        name = providers.get(".".join(labels[i:]))
        if name:
            return name
    return None


# --- mailing lists ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MailingList:
    """What the header fields say about the list a message went through."""

    name: str  # the List-Id (RFC 2919), else the list's address
    domains: tuple[str, ...]  # organizational domains of the List-Id and the list addresses
    evidence: tuple[str, ...]  # the fields that show it, as "Name: value"


_ANGLE = re.compile(r"<([^<>]*)>")
_MAILTO = re.compile(r"mailto:([^?>,\s]+@[^?>,\s]+)", re.I)
_ADDR = re.compile(r"([^\s<>\"();:,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# Fields only a list manager writes, without a domain in them: evidence, not identity.
_MARKERS = ("x-mailman-version", "x-google-group-id", "x-google-loop", "x-groupsio-msgnum")
# Fields that carry the list's address: Mailman's X-BeenThere, groups.io's and ezmlm's
# Mailing-List ("list x@domain; contact ..."), Sympa's X-Sympa-To.
_ADDRESS_FIELDS = ("x-beenthere", "mailing-list", "x-sympa-to")
_MAX_EVIDENCE = 4
_LIST_FIELDS = frozenset({"list-id", "list-post", "list-unsubscribe", *_ADDRESS_FIELDS, *_MARKERS})
_NAMING_FIELDS = frozenset({"list-id", "list-post", *_ADDRESS_FIELDS})  # what sets `name` below
_LNAME = operator.attrgetter("lname")  # (a header field's lowercase name, read in C)


def _domain_of(address: str) -> str | None:
    domain = address.rpartition("@")[2].strip().strip(".").lower()
    return domain if "." in domain else None


def mailing_list(msg: ParsedMessage) -> MailingList | None:
    """The mailing list the message was redistributed by, from its List-Id (RFC 2919) or the
    list address a list manager wrote (List-Post, RFC 2369 §3.4; X-BeenThere; Mailing-List;
    X-Sympa-To); None when the fields show no list.

    List-Unsubscribe alone is not a list (every newsletter has one, RFC 8058): its mailto
    domain only widens the list's domains once a List-Id or a list address shows a list.
    """
    if _NAMING_FIELDS.isdisjoint(map(_LNAME, msg.headers)):
        return None  # (most messages: only these give the list a name, without one it is None)
    name: str | None = None
    domains: list[str] = []
    evidence: list[str] = []
    for f in msg.headers:
        lname = f.lname
        if lname not in _LIST_FIELDS:
            continue
        text = " ".join(field_text(f.value).split())
        found: list[str] = []
        if lname == "list-id":
            # list-id = list-label "." list-id-namespace, in angle brackets (RFC 2919 §2);
            # some write a space inside (`<770 capital.ggg.com>`): the dotted word is the id.
            m = _ANGLE.search(text)
            words = (m.group(1) if m else text).split()
            if words and "." in words[-1]:
                ident = words[-1].lower().strip(".")
                found.append(ident)
                name = name or ident
        elif lname in ("list-post", "list-unsubscribe"):
            found = [d for d in (_domain_of(a) for a in _MAILTO.findall(text)) if d]
            if lname == "list-post" and found:
                name = name or _MAILTO.findall(text)[0].lower()
        elif lname in _ADDRESS_FIELDS:
            addresses = _ADDR.findall(text)
            found = [d for d in (_domain_of(a) for a in addresses) if d]
            if addresses:
                name = name or addresses[0].lower()
        domains += found
        if lname in _MARKERS or (found and lname != "list-unsubscribe"):
            evidence.append(f"{f.name.decode('ascii', 'replace').strip()}: {text[:120]}")
    if name is None:
        return None
    orgs = tuple(dict.fromkeys(organizational_domain(a_label(d)) for d in domains))
    return MailingList(name, orgs, tuple(evidence[:_MAX_EVIDENCE]))


# --- the classification -------------------------------------------------------------------------


def classify(
    domain: str | None, from_domain: str | None, lst: MailingList | None = None
) -> Alignment:
    if not domain:
        return _THIRD_PARTY
    if len(domain) + len(from_domain or "") <= _MAX_KEPT:
        alignment = _kept_alignment(domain, from_domain)
    else:
        alignment = _alignment(domain, from_domain)  # a hostile name is not kept
    if alignment is not None:
        return alignment
    if lst is not None and organizational_domain(a_label(domain)) in lst.domains:
        return Alignment(Classification.LIST, False, False, None, lst.name)
    return _THIRD_PARTY


_THIRD_PARTY = Alignment(Classification.THIRD_PARTY, False, False, None)


def _alignment(domain: str, from_domain: str | None) -> Alignment | None:
    """AUTHOR or PROVIDER by the names alone; None: a list's or a third party's."""
    domain = a_label(domain)
    author = a_label(from_domain) if from_domain else None
    strict = author is not None and domain == author
    relaxed = author is not None and (strict or same_organization(domain, author))
    provider = provider_for(domain)
    if relaxed:
        return Alignment(Classification.AUTHOR, True, strict, provider)
    if provider:
        return Alignment(Classification.PROVIDER, False, False, provider)
    return None


# Every signature of every message is classified, and the same (d=, From domain) pairs recur:
# _alignment is a pure function of the two names (the list and providers.toml are fixed for
# the process), and an Alignment is a frozen value, so one is shared by every message.
_MAX_KEPT = 512  # characters of the two names
_kept_alignment = lru_cache(maxsize=256)(_alignment)
