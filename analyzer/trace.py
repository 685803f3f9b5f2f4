"""What the message's trace fields say: the sending platform, the receiver's verdict, the route.

Pure functions of the ParsedMessage (no I/O). Three readers:

- `ses_origin`: was the message sent through Amazon SES, and from which region?
- `trusted_dkim_results`: the dkim= results of the one Authentication-Results field we trust.
- `route`: the Received chain as hops with delays (display only, for the text report).

The Authentication-Results trust rule (RFC 8601 §5 leaves it to the reader):
only the topmost Authentication-Results field is considered, the one the
final receiver added at delivery; and only when every Received field above it
was added by the receiver's own hosts (the `by` host is in the same
organizational domain as the topmost Received's `by` host, or is an IP
literal) and its authserv-id is in that organizational domain too. Any field
further down was added before the last hand-over, possibly by the sender
itself, and proves nothing.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime

from analyzer.classify import organizational_domain
from analyzer.message import field_text
from analyzer.model import DkimSignature, Hop, ParsedMessage

# --- Amazon SES -------------------------------------------------------------------------------

_REGION = r"[a-z]{2}(?:-gov)?-[a-z]+-\d"
# Feedback-ID: 1.us-east-1.<token>=:AmazonSES (the region SES sent from is the second field)
_SES_FEEDBACK = re.compile(rf"^\s*\d+\.({_REGION})\.[^:\s]*:AmazonSES\s*$", re.I)
# Message-ID: <...@email.amazonses.com> (us-east-1) or <...@eu-west-1.amazonses.com>
_SES_MSGID = re.compile(rf"@(?:({_REGION})|email|[\w.-]+)\.amazonses\.com>?\s*$", re.I)
# Received: from a8-30.smtp-out.amazonses.com / e226-55.smtp-out.eu-west-1.amazonses.com
_SES_RECEIVED = re.compile(
    rf"^\s*from\s+[\w.-]*?\.smtp-out\.(?:({_REGION})\.)?amazonses\.com\b", re.I
)


@dataclass(frozen=True, slots=True)
class SesOrigin:
    region: str | None  # the AWS region the message was sent from, when the headers say
    evidence: tuple[str, ...]  # the header fields that show it


def ses_origin(msg: ParsedMessage) -> SesOrigin | None:
    """Amazon SES sent this message (Feedback-ID, Message-ID or Received say so), or None."""
    regions: list[str] = []
    evidence: list[str] = []
    for f in msg.headers:
        name = f.lname
        if name not in ("feedback-id", "message-id", "received"):
            continue
        text = " ".join(field_text(f.value).split())
        pattern = {
            "feedback-id": _SES_FEEDBACK,
            "message-id": _SES_MSGID,
            "received": _SES_RECEIVED,
        }[name]
        m = pattern.search(text)
        if m is None:
            continue
        if m.group(1):
            regions.append(m.group(1).lower())
        evidence.append(f"{f.name.decode('ascii', 'replace')}: {text[:120]}")
    if not evidence:
        return None
    return SesOrigin(regions[0] if regions else None, tuple(evidence))


# --- Authentication-Results -------------------------------------------------------------------

_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
_PROP = re.compile(r"([\w.-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)")
_BY = re.compile(r"\bby\s+(\[[^\]]*\]|[^\s;()]+)", re.I)


@dataclass(frozen=True, slots=True)
class ReceiverResult:
    """One dkim= result from the trusted Authentication-Results field."""

    authserv_id: str
    result: str  # pass, fail, neutral, ... (RFC 8601 §2.7.1)
    domain: str | None  # header.d
    selector: str | None  # header.s
    b_prefix: str | None  # header.b (RFC 6008: at least 8 characters of b=)
    field: str  # the whole field, unfolded, as evidence

    def matches(self, sig: DkimSignature) -> bool:
        if self.domain and self.domain.lower() != sig.domain:
            return False
        if self.b_prefix:
            b = sig.tag("b")
            value = re.sub(rb"\s+", b"", b.value).decode("ascii", "replace") if b else ""
            return len(self.b_prefix) >= 8 and value.startswith(self.b_prefix)
        return bool(self.domain and self.selector and self.selector == sig.selector)


def _strip_comments(text: str) -> str:
    while True:
        stripped = _COMMENT.sub(" ", text)
        if stripped == text:
            return text
        text = stripped


def _by_host(received: str) -> str | None:
    m = _BY.search(_strip_comments(received))
    return m.group(1).strip("[]").lower().rstrip(".") if m else None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.removeprefix("ipv6:"))
    except ValueError:
        return False
    return True


def trusted_dkim_results(msg: ParsedMessage) -> tuple[ReceiverResult, ...]:
    """The dkim= results of the topmost Authentication-Results field, if it can be trusted."""
    top = next((i for i, f in enumerate(msg.headers) if f.lname == "authentication-results"), None)
    received = [field_text(f.value) for f in msg.headers if f.lname == "received"]
    if top is None or not received:
        return ()
    receiver_host = _by_host(received[0])
    if receiver_host is None or _is_ip(receiver_host):
        return ()
    receiver = organizational_domain(receiver_host)
    for f in msg.headers[:top]:
        if f.lname == "received":
            host = _by_host(field_text(f.value))
            if host is None or not (_is_ip(host) or organizational_domain(host) == receiver):
                return ()  # a later hop of another party: the field is not the final receiver's
    text = _strip_comments(field_text(msg.headers[top].value))
    authserv, _, rest = text.partition(";")
    authserv_id = authserv.split()[0].lower() if authserv.split() else ""
    if organizational_domain(authserv_id) != receiver:
        return ()
    out = []
    for resinfo in rest.split(";"):
        props = dict((k.lower(), v.strip('"')) for k, v in _PROP.findall(resinfo))
        if "dkim" not in props:
            continue
        out.append(
            ReceiverResult(
                authserv_id, props["dkim"].lower(), props.get("header.d"),
                props.get("header.s"), props.get("header.b"), " ".join(text.split()),
            )
        )  # fmt: skip
    return tuple(out)


def receiver_result(
    results: tuple[ReceiverResult, ...], sig: DkimSignature
) -> ReceiverResult | None:
    return next((r for r in results if r.matches(sig)), None)


# --- the route ----------------------------------------------------------------------------------


def route(msg: ParsedMessage) -> tuple[Hop, ...]:
    """The Received chain, oldest hop first, with the delay at each (display only).

    mail-parser parses the Received fields (a few ms a message), so this is called
    for the text report only, never in analyze().
    """
    import mailparser  # only here: it is slow to import and only the text report needs it

    fields = [f for f in msg.headers if f.lname == "received"]
    if not fields:
        return ()
    raw = b"".join(f.name + b":" + f.value for f in fields) + b"\r\n"
    try:
        hops = mailparser.parse_from_bytes(raw).received
    except Exception:  # display only: a Received field mail-parser chokes on must not stop a report
        return ()
    out = []
    for i, hop in enumerate(hops, 1):
        when = hop.get("date_utc")
        delay = hop.get("delay")
        out.append(
            Hop(
                i, _host(hop.get("from", "")), _host(hop.get("by", "")),
                _short(hop.get("with", "")), _iso(when),
                float(delay) if isinstance(delay, int | float) and i > 1 else None,
            )
        )  # fmt: skip
    return tuple(out)


_HOST_IP = re.compile(r"^\s*(\S+)(?:.*?\[([0-9a-fA-F.:]+)\])?")


def _host(value: object) -> str:
    """`smtp.example.com (smtp.example.com [192.0.2.25]) (using TLS…)` -> `smtp.example.com [192.0.2.25]`."""
    m = _HOST_IP.match(str(value or ""))
    if m is None:
        return ""
    return _short(f"{m[1]} [{m[2]}]" if m[2] and m[2] not in m[1] else m[1])


def _short(value: object) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= 60 else text[:59] + "…"


def _iso(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value
