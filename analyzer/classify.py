"""d= vs the From domain: author-aligned, a sending provider's own, or a third party.

Alignment follows RFC 7489 §3.1.1: relaxed when both share an organizational
domain (public suffix list), strict when they are identical.
"""

from __future__ import annotations

import contextlib
import tomllib
from functools import cache, lru_cache
from importlib.resources import files

from publicsuffixlist import PublicSuffixList

from analyzer.model import Alignment, Classification


@cache
def _psl() -> PublicSuffixList:
    # Without the punycode copy of every rule: building it is most of the start-up cost
    # (~0.5 s); organizational_domain() decodes A-labels to U-labels instead.
    return PublicSuffixList(accept_encoded_idn=False)


@cache
def _providers() -> dict[str, str]:
    """Signing domain -> platform name, from data/providers.toml."""
    data = tomllib.loads(files("analyzer").joinpath("data/providers.toml").read_text("utf-8"))
    return {d: p["name"] for p in data["provider"] for d in p["domains"]}


@lru_cache(maxsize=4096)  # asked for d= and From of every message: the same domains recur
def organizational_domain(domain: str) -> str:
    """RFC 7489 §3.2: the registrable domain; the name itself when it has none."""
    domain = domain.lower().rstrip(".")
    unicode = domain
    if "xn--" in domain:
        with contextlib.suppress(UnicodeError):
            unicode = domain.encode("ascii").decode("idna")
    org = _psl().privatesuffix(unicode)
    if org is None:
        return domain
    return ".".join(domain.split(".")[-(org.count(".") + 1) :])  # same labels, as given


def provider_for(domain: str) -> str | None:
    """The sending platform whose own domain d= is (or is under), if any."""
    labels = domain.lower().rstrip(".").split(".")
    providers = _providers()
    for i in range(len(labels) - 1):
        name = providers.get(".".join(labels[i:]))
        if name:
            return name
    return None


def classify(domain: str | None, from_domain: str | None) -> Alignment:
    if not domain:
        return Alignment(Classification.THIRD_PARTY, False, False, None)
    domain = domain.lower().rstrip(".")
    strict = from_domain is not None and domain == from_domain
    relaxed = from_domain is not None and (
        strict or organizational_domain(domain) == organizational_domain(from_domain)
    )
    provider = provider_for(domain)
    if relaxed:
        return Alignment(Classification.AUTHOR, True, strict, provider)
    if provider:
        return Alignment(Classification.PROVIDER, False, False, provider)
    return Alignment(Classification.THIRD_PARTY, False, False, None)
