"""DKIM key records (RFC 6376 §3.6.1): TXT bytes -> KeyRecord or KeyProblem.

Only the tag level lives here; turning p= into a usable public key is the
crypto adapter's job (verify.py).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re

from analyzer.dns import Resolver
from analyzer.message import a_label
from analyzer.model import DnsStatus, KeyEvidence, KeyProblem, KeyRecord, Reason
from analyzer.signatures import TagListError, parse_tag_list

KEY_TYPES = ("rsa", "ed25519")
MAX_KEY_RECORDS = 8  # a selector with more TXT records than this is tried no further
_WSP = re.compile(rb"[ \t\r\n]+")


def key_name(selector: str, domain: str) -> str:
    # RFC 8616 §4: a d= written in U-labels is looked up as A-labels (the answer's owner
    # name is in A-labels too, so the CNAME walk in dns.py finds it).
    return f"{selector}._domainkey.{a_label(domain)}"


def fetch_key(resolver: Resolver, selector: str, domain: str) -> KeyEvidence:
    """Look the key up and parse every TXT record found there (RFC 6376 §3.6.2.2)."""
    answer = resolver.query(key_name(selector, domain), "TXT")
    if answer.status is not DnsStatus.OK:
        return KeyEvidence(answer)
    records = answer.joined()[:MAX_KEY_RECORDS]
    return KeyEvidence(answer, tuple(map(parse_key_record, records)))


@functools.lru_cache(maxsize=256)  # a batch run meets the same few key records again and again
def parse_key_record(raw: bytes) -> KeyRecord | KeyProblem:
    """Parse one TXT record's joined strings."""
    try:
        tags = parse_tag_list(raw)
    except TagListError as e:
        return KeyProblem(Reason.KEY_SYNTAX, f"the record is not a tag list: {e}", raw)
    values = {t.name: _WSP.sub(b"", t.value) for t in tags}
    # §3.6.1: v=, when present, must be first and must be DKIM1.
    if "v" in values and (values["v"] != b"DKIM1" or tags[0].name != "v"):
        return KeyProblem(Reason.KEY_SYNTAX, "v= is present but is not a leading v=DKIM1", raw)
    if "p" not in values:
        return KeyProblem(Reason.KEY_SYNTAX, "the record has no p= (public key) tag", raw)
    key_type = _text(values.get("k", b"rsa")).lower()
    if key_type not in KEY_TYPES:
        return KeyProblem(Reason.KEY_SYNTAX, f"unknown key type k={key_type}", raw)
    services = _list(values.get("s", b"*"))
    hashes = _list(values["h"]) if "h" in values else None
    flags = _list(values.get("t", b""))
    if not values["p"]:
        return KeyRecord(raw, key_type, hashes, services, flags, b"")
    try:
        public_key = base64.b64decode(values["p"], validate=True)
    except (binascii.Error, ValueError):
        return KeyProblem(Reason.KEY_SYNTAX, "p= is not valid base64", raw)
    return KeyRecord(raw, key_type, hashes, services, flags, public_key)


def service_allows_email(record: KeyRecord) -> bool:
    return "*" in record.services or "email" in record.services


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _list(value: bytes) -> tuple[str, ...]:
    return tuple(p.lower() for p in _text(value).split(":") if p)
