"""ARC (RFC 8617): verify the chain and read what each hop recorded.

Keys are fetched through the project's Resolver, so every answer is kept as
evidence and a SERVFAIL or timeout makes the result temporary instead of
looking like a missing key. The dkimpy call itself is in verify.py (the only
dkimpy importer); this module gives it the DNS and reads the
ARC-Authentication-Results of each set.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer.dns import Resolver
from analyzer.model import ArcChain, ArcCv, DnsAnswer, DnsStatus, ParsedMessage
from analyzer.verify import arc_chain

ARC_FIELDS = frozenset({"arc-seal", "arc-message-signature", "arc-authentication-results"})
_DNS_NAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9_-]{1,63}\.)+[A-Za-z0-9_-]{1,63}", re.ASCII)
_HEADER_D = re.compile(r"\bheader\.d\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)
_HEADER_I = re.compile(r"\bheader\.i\s*=\s*\"?[^\s;@\"]*@([^\s;\"]+)", re.IGNORECASE)


def check_arc(msg: ParsedMessage, resolver: Resolver) -> ArcChain:
    """The chain's validation status (RFC 8617 §5.2) and its sets, oldest first.

    A message without ARC header fields costs nothing: cv=none, no lookups.
    """
    if not any(h.lname in ARC_FIELDS for h in msg.headers):
        return ArcChain(ArcCv.NONE)
    if msg.body is None:  # every ARC-Message-Signature covers the body (RFC 8617 §4.1.2)
        return ArcChain(ArcCv.NONE, detail="not verified: only headers were given")
    answers: list[DnsAnswer] = []

    def lookup(name: str) -> bytes | None:
        name = name.rstrip(".")
        if not _DNS_NAME.fullmatch(name):  # d= or s= from a malformed set: nothing to ask
            return None
        answer = resolver.query(name, "TXT")
        answers.append(answer)
        if answer.status is not DnsStatus.OK:
            return None
        # RFC 6376 §6.1.2: several records are an error; take the first that looks like a key
        records = answer.joined()
        return next((r for r in records if b"p=" in r), records[0] if records else None)

    # The header fields and body exactly as received (CRLF), not a re-serialised email object.
    raw = b"".join(h.name + b":" + h.value for h in msg.headers) + b"\r\n" + (msg.body or b"")
    cv, sets, detail = arc_chain(raw, lookup)
    sets = tuple(
        replace(
            s,
            dkim_pass_domains=dkim_domains(s.authentication_results, "pass"),
            dkim_fail_domains=dkim_domains(s.authentication_results, "fail"),
        )
        for s in sets
    )
    temporary = cv is not ArcCv.PASS and any(a.status.temporary for a in answers)
    return ArcChain(cv, sets, detail or None, temporary, tuple(answers))


def dkim_domains(results: str, result: str) -> tuple[str, ...]:
    """The domains (header.d=, else header.i='s domain) of each dkim=<result> in an
    Authentication-Results value (RFC 8601 §2.2: resinfo separated by ";")."""
    found = []
    wanted = re.compile(rf"^\s*dkim\s*=\s*{result}\b", re.IGNORECASE)
    for resinfo in results.split(";"):
        if not wanted.match(resinfo):
            continue
        m = _HEADER_D.search(resinfo) or _HEADER_I.search(resinfo)
        if m:
            found.append(m.group(1).lower().rstrip("."))
    return tuple(found)
