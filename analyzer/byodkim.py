"""BYODKIM key checks (`dkim-analyzer byodkim`): is this key and selector what Amazon SES takes?

Bring Your Own DKIM means pasting a private key (or a public key) and a
selector into SES and publishing a TXT record; each of those steps has rules
that fail with an unhelpful error. This module reads the key the way a person
has it (PEM or bare base64, PKCS #1 or PKCS #8, public or private), says
exactly what does not fit, and builds the DNS record to publish.

This is the only `cryptography` importer: its exceptions become problem codes
here (STYLE habit 5). The private key is never put into a result unless the
caller asks for the console form explicitly.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, replace
from enum import StrEnum

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from analyzer.dns import Resolver
from analyzer.doctor import SelectorCheck, check_selector
from analyzer.keys import key_name
from analyzer.model import Finding, Outcome, Severity, Value, only_temporary, worst_first

SES_RSA_BITS = (1024, 2048)  # the SES API's DkimSigningAttributes; the guide names 1024
SELECTOR_MAX = 63  # SES: 1 to 63 letters and digits (a DNS label is at most 63, RFC 1035)
TXT_STRING_MAX = 255  # RFC 1035 §3.3.14: one <character-string> holds at most 255 bytes
_SELECTOR = re.compile(r"[A-Za-z0-9]+")
_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")
_WS = re.compile(rb"\s+")
PKCS1 = serialization.PrivateFormat.TraditionalOpenSSL  # RFC 8017 A.1.2 RSAPrivateKey
NO_ENCRYPTION = serialization.NoEncryption()


class KeyKind(StrEnum):
    PRIVATE = "private"
    PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class TxtRecord:
    """The record to publish: its value, and the same split into DNS strings."""

    name: str
    value: str
    type: str = "TXT"

    @property
    def strings(self) -> tuple[str, ...]:
        data = self.value.encode("ascii")
        return tuple(
            data[i : i + TXT_STRING_MAX].decode("ascii")
            for i in range(0, len(data), TXT_STRING_MAX)
        )

    @property
    def zone_line(self) -> str:
        return f"{self.name}. IN TXT " + " ".join(f'"{s}"' for s in self.strings)


@dataclass(frozen=True, slots=True)
class DnsComparison:
    """--check-dns: what DNS serves at the selector, and whether it is this key."""

    check: SelectorCheck
    matches: bool | None  # None: nothing to compare (no key served, or a DNS failure)


@dataclass(frozen=True, slots=True)
class ByodkimReport:
    kind: KeyKind
    selector: str | None
    domain: str | None
    problems: tuple[Finding, ...]
    encoding: str | None = None  # "pem" or "base64"; None when unreadable
    form: str | None = None  # pkcs1, pkcs8, openssh (private); spki, rsa_public (public)
    key_type: str | None = None  # rsa, ed25519, ec, ...
    bits: int | None = None
    record: TxtRecord | None = None
    dns: DnsComparison | None = None
    console_key: str | None = None  # the private key, only when asked for

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)

    @property
    def outcome(self) -> Outcome:
        return Outcome.decide(self.ok, only_temporary(self.problems))


@dataclass(frozen=True, slots=True)
class _Read:
    """A key decoded from text: the DER bytes and how they were wrapped."""

    der: bytes
    label: str | None  # the PEM label ("RSA PRIVATE KEY"), None for bare base64
    text: bytes  # the input, for loaders that want the PEM itself

    @property
    def encoding(self) -> str:
        return "base64" if self.label is None else "pem"


def _problem(
    code: str,
    *,
    variant: str | None = None,
    severity: Severity = Severity.ERROR,
    **values: Value,
) -> Finding:
    return Finding(code, severity, variant, values)


def _read(data: bytes) -> _Read | Finding:
    """PEM (header, base64 body, footer) or bare base64 -> DER, or why not."""
    data = data.strip()
    match = _PEM_BEGIN.search(data)
    if match:
        label = match[1].decode("ascii")
        end = data.find(b"-----END " + match[1] + b"-----", match.end())
        if end < 0:
            return _problem("key_unreadable", variant="truncated")
        body = data[match.end() : end]
        if b"ENCRYPTED" in body or label == "ENCRYPTED PRIVATE KEY":
            return _problem("key_unreadable", variant="encrypted")
        if label == "OPENSSH PRIVATE KEY":
            return _Read(b"", label, data)
    else:
        label, body = None, data
    try:
        der = base64.b64decode(_WS.sub(b"", body), validate=True)
    except (binascii.Error, ValueError):
        der = b""
    if not der:
        return _problem("key_unreadable")
    return _Read(der, label, data)


_KEY_TYPES = (  # (key classes, type, how the key_not_rsa summary names it)
    ((rsa.RSAPrivateKey, rsa.RSAPublicKey), "rsa", "RSA"),
    ((ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey), "ed25519", "Ed25519"),
    ((ed448.Ed448PrivateKey, ed448.Ed448PublicKey), "ed448", "Ed448"),
    ((ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey), "ec", "an elliptic-curve key"),
)


def _key_type(key: object) -> tuple[str, str]:
    for classes, name, label in _KEY_TYPES:
        if isinstance(key, classes):
            return name, label
    return "other", type(key).__name__


def check_selector_rules(selector: str) -> Finding | None:
    """SES BYODKIM selectors: 1 to 63 letters and digits, nothing else."""
    if _SELECTOR.fullmatch(selector) and len(selector) <= SELECTOR_MAX:
        return None
    bad = sorted({c for c in selector if not c.isascii() or not c.isalnum()})
    shown = ", ".join(repr(c) for c in bad) or "none"
    return _problem("selector_invalid", s=selector, length=len(selector), bad=shown)


def check_private_key(
    data: bytes,
    *,
    selector: str | None = None,
    domain: str | None = None,
    console: bool = False,
) -> ByodkimReport:
    """Everything SES asks of a BYODKIM private key, and the record for its public half."""
    problems = _selector_problems(selector)
    read = _read(data)
    if isinstance(read, Finding):
        return ByodkimReport(KeyKind.PRIVATE, selector, domain, worst_first([read, *problems]))
    key: object
    try:
        if read.label == "OPENSSH PRIVATE KEY":
            key = serialization.load_ssh_private_key(read.text, password=None)
        else:
            key = serialization.load_der_private_key(read.der, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        public = read.label is not None and "PUBLIC" in read.label
        problems.append(_problem("key_unreadable", variant="public" if public else "damaged"))
        return ByodkimReport(KeyKind.PRIVATE, selector, domain, worst_first(problems),
                             encoding=read.encoding)  # fmt: skip
    form = _private_form(key, read)
    if isinstance(key, rsa.RSAPrivateKey):
        if form == "pkcs8":  # the same key, wrapped otherwise: the guide asks for PKCS #1
            problems.append(_problem("key_not_pkcs1", severity=Severity.WARNING))
        elif form == "openssh":  # not a format SES reads at all
            problems.append(_problem("key_not_pkcs1", variant="openssh"))
        console_key = None
        if console:
            pkcs1 = key.private_bytes(serialization.Encoding.DER, PKCS1, NO_ENCRYPTION)
            console_key = base64.b64encode(pkcs1).decode("ascii")
        report = _checked(KeyKind.PRIVATE, key.public_key(), read, form, problems, selector,
                          domain)  # fmt: skip
        return replace(report, console_key=console_key)
    return _checked(KeyKind.PRIVATE, key, read, form, problems, selector, domain)


def check_public_key(
    data: bytes, *, selector: str | None = None, domain: str | None = None, file: bool = False
) -> ByodkimReport:
    """A public key about to be pasted: no armour, no line breaks, a valid RSA key. From a
    `file`, PEM armour and line breaks are what such files hold: information, not an error."""
    problems = _selector_problems(selector)
    text = data.strip()
    match = _PEM_BEGIN.search(text)
    if b"PRIVATE KEY" in text[:200] or (match and b"PRIVATE" in match[1]):
        # Never echo it back; say what it is and stop.
        problems.append(_problem("public_key_is_private"))
        return ByodkimReport(KeyKind.PUBLIC, selector, domain, worst_first(problems))
    body = text[match.end() :].split(b"-----END", 1)[0] if match else text
    broken = b"\n" in body.strip() or b"\r" in body.strip()
    if file and (match or broken):
        problems.append(_problem("public_key_pem_file", severity=Severity.INFO))
    elif not file:
        if match or b"-----END" in text:
            problems.append(_problem("public_key_has_pem_armor"))
        if broken:
            problems.append(_problem("public_key_has_line_breaks"))
    read = _read(text)
    if isinstance(read, Finding):
        return ByodkimReport(KeyKind.PUBLIC, selector, domain, worst_first([read, *problems]))
    try:
        # SubjectPublicKeyInfo, or a PKCS #1 RSAPublicKey ("BEGIN RSA PUBLIC KEY").
        key = serialization.load_der_public_key(read.der)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        if _is_private_der(read.der):  # bare base64 of a private key: do not echo it either
            problems = [p for p in problems if p.code == "selector_invalid"]
            problems.append(_problem("public_key_is_private"))
            return ByodkimReport(KeyKind.PUBLIC, selector, domain, worst_first(problems))
        problems.append(_problem("key_unreadable", variant="damaged"))
        return ByodkimReport(KeyKind.PUBLIC, selector, domain, worst_first(problems),
                             encoding=read.encoding)  # fmt: skip
    form = "spki" if _spki(key) == read.der else "rsa_public"
    return _checked(KeyKind.PUBLIC, key, read, form, problems, selector, domain)


def _checked(
    kind: KeyKind,
    key: object,
    read: _Read,
    form: str,
    problems: list[Finding],
    selector: str | None,
    domain: str | None,
) -> ByodkimReport:
    """The checks common to both kinds, on the (public) key: RSA, a size SES takes, the record."""
    key_type, label = _key_type(key)
    base = ByodkimReport(kind, selector, domain, (), read.encoding, form, key_type)
    if not isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        problems.append(_problem("key_not_rsa", detail=label))
        return replace(base, problems=worst_first(problems))
    if key.key_size not in SES_RSA_BITS:
        problems.append(_problem("key_size_unsupported", bits=key.key_size))
    record = None
    if selector is not None and domain is not None and isinstance(key, rsa.RSAPublicKey):
        p = base64.b64encode(_spki(key)).decode("ascii")
        record = TxtRecord(key_name(selector, domain), f"p={p}")
    return replace(base, problems=worst_first(problems), bits=key.key_size, record=record)


def compare_with_dns(report: ByodkimReport, resolver: Resolver) -> ByodkimReport:
    """--check-dns: fetch the selector as receivers do; same modulus as this key or not."""
    if report.selector is None or report.domain is None or report.record is None:
        return report
    check = check_selector(resolver, report.domain, report.selector)
    ours = _modulus(report.record.value.removeprefix("p=").encode("ascii"))
    published = [
        _modulus(base64.b64encode(k.record.public_key))
        for k in check.keys
        if k.record is not None and k.record.public_key
    ]
    matches = (ours in published) if published else None
    problems = [*report.problems, *(f for f in check.findings if f.severity is not Severity.INFO)]
    if matches is False:
        name = key_name(report.selector, report.domain)
        problems.append(_problem("dns_key_mismatch", key=name))
    return replace(report, dns=DnsComparison(check, matches), problems=worst_first(problems))


# --- helpers ----------------------------------------------------------------------------------


def _selector_problems(selector: str | None) -> list[Finding]:
    if selector is None:
        return []
    problem = check_selector_rules(selector)
    return [problem] if problem else []


def _private_form(key: object, read: _Read) -> str:
    """pkcs1 when the DER is exactly the traditional RSAPrivateKey (RFC 8017 A.1.2)."""
    if read.label == "OPENSSH PRIVATE KEY":
        return "openssh"
    der = serialization.Encoding.DER
    if (
        isinstance(key, rsa.RSAPrivateKey)
        and key.private_bytes(der, PKCS1, NO_ENCRYPTION) == read.der
    ):
        return "pkcs1"
    return "pkcs8"


def _is_private_der(der: bytes) -> bool:
    try:
        serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _spki(key: PublicKeyTypes) -> bytes:
    """SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7): what DKIM's p= holds for RSA."""
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _modulus(b64: bytes) -> int | None:
    try:
        key = serialization.load_der_public_key(base64.b64decode(b64))
    except (ValueError, TypeError, UnsupportedAlgorithm, binascii.Error):
        return None
    return key.public_numbers().n if isinstance(key, rsa.RSAPublicKey) else None
