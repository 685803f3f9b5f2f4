"""What the message's trace fields say: the sending platform, the receiver's verdict, the route.

Pure functions of the ParsedMessage (no I/O). Readers:

- `ses_origin`: was the message sent through Amazon SES, and from which region?
- `receiver`: the final receiver, where it took the message from outside (the
  boundary Received field) and when; `receiver_record` adds what it recorded.
- `recorded_dkim` / `passed_at_delivery`: the recorded dkim= result for one signature.
- `route`: the Received chain as hops with delays (display only, for the text report).

The trust rule (RFC 8601 §5 and §7 leave it to the reader; README, "The trust rule").
A sender can write any header field, so a result counts only when the receiver
provably wrote it. The sender controls everything below the receiver's boundary;
only the receiver writes above it.

1. The boundary, walking the Received fields from the top (RFC 5321 §4.4: each
   MTA prepends one):
   - leading fields `by` an IP literal with no `from` clause are internal
     hand-offs of the receiver (Gmail's `Received: by 2002:a0c:…`): an SMTP
     reception from a peer always records the peer in `from`;
   - the first field `by` a host name names the receiver: its organisation is
     that host's organizational domain, with Microsoft's (outlook.com,
     office365.com, microsoft.com, hotmail.com) and Google's (google.com,
     gmail.com, googlemail.com) domains each counted as one organisation;
     no such field, no receiver and nothing trusted;
   - the walk goes down while a field's `from` part is the receiver's own: no
     `from`, a loopback address in the TCP-info (the receiver connecting to
     itself), or a HELO name in the organisation whose reverse name (if
     given; Postfix's "unknown" is a name that did not match) is in it too or
     whose address is private; and the next field is `by` a host of the
     organisation or an IP literal. The field where this stops is the
     boundary: there the receiver accepted the message from outside, and its
     date is the delivery time. A HELO name is the sender's to choose: where a
     receiver records no reverse name, a sender naming a receiver host moves
     the boundary down into its own fields. What is trusted below is then
     guarded by RFC 8601 §5 (authserv-id forms) and, for Microsoft's form, by
     Microsoft's edge (below).
2. What is trusted:
   - an Authentication-Results field above the first Received field below the
     boundary (so above the sender's own trace fields) whose authserv-id is in
     the receiver's organisation. Gmail writes it just below its boundary
     Received, where a sender could also have placed one; RFC 8601 §5 requires
     a receiver to delete any field arriving with its own authserv-id, so the
     one that remains is its own;
   - Microsoft 365's field without an authserv-id (`spf=pass (sender IP is …)
     …; dkim=pass (signature was verified) header.d=…`) only when the receiver
     is Microsoft and the field lies above the boundary Received and above the
     topmost `by *.protection.outlook.com` field (Microsoft's edge, which took
     the message from outside), where no sender can write (Microsoft renames
     incoming ones Authentication-Results-Original);
   - an ARC-Authentication-Results of a set in a chain that verifies now
     (cv=pass, every seal checked against its key): when the sealer is the
     receiver's organisation it speaks for the receiver; a sealer of the same
     organisation as a signature's d= vouches for that signature only (it is
     the signer's own organisation: no third party can seal as it). A chain
     sealed by anyone else, however valid, is that party's word and counts for
     nothing here.
   When several trusted results match one signature, the topmost decides
   (the receiver's own before ARC, newer ARC sets before older).
3. SPF (`recorded_spf`, issue 13): the receiver's own spf= result as above (its
   Authentication-Results, Microsoft's form, or an ARC set it sealed itself); only when it
   recorded none, a Received-SPF field (RFC 7208 §9.1) counts, under the same placement
   (above the first Received field below the boundary) and only when it names the
   receiver's organisation (its receiver= key, or the "(google.com: …)" comment Gmail
   writes) and its client-ip is the boundary's client: RFC 7208 does not make receivers
   delete incoming Received-SPF fields, so it must at least agree with the boundary.
   `boundary_client` reads the client IP and HELO of the boundary Received field (where
   the receiver took the message from outside) and `return_path` the final Return-Path:
   the inputs of today's SPF re-evaluation (analyzer/spf.py).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

from analyzer.classify import organizational_domain
from analyzer.message import field_text
from analyzer.model import (
    ArcChain,
    ArcCv,
    DkimSignature,
    Failure,
    Hop,
    ParsedMessage,
    Reason,
    Receiver,
    ReceiverDmarc,
    RecordedResult,
    RecordSource,
    Report,
    SignatureVerdict,
    SpfRecorded,
    evolve,
    quick_init,
)

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


# --- the receiver and what it recorded ----------------------------------------------------

# A comment without nested ones (RFC 5322 §3.2.2). Runs of plain characters are matched
# whole and possessively: the same matches as one character at a time (the language is
# unambiguous: no other split of a run ever reaches the ")"), at a fraction of the cost.
_COMMENT = re.compile(r"\((?:[^()\\]++|\\.)*+\)")
_PROP = re.compile(r"([\w.-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)")
MAX_RESULTS = 32  # method=result entries read from one Authentication-Results field
MAX_FIELD_EVIDENCE = 2000  # characters of that field kept as evidence
MAX_RECORDED = 4 * MAX_RESULTS  # results read from all the receiver's fields together
_RESINFO_TOKEN = re.compile(r'"[^"]*"?|;|[^";]+')  # a quoted string, a ";", or a run of neither
_METHOD = re.compile(r"^\s*([a-z][\w-]*)\s*=\s*([a-z]+)\b", re.I)
_BY = re.compile(r"\bby\s+(\[[^\]]*\]|[^\s;()]+)", re.I)
_FROM = re.compile(r"^\s*from\s+([^\s();]+)\s*(\((?:[^()\\]++|\\.)*+\))?", re.I)
_TCP_IP = re.compile(
    r"\[(?:ipv6:)?([0-9a-f.:]+)(?:%\w+)?\]|^\s*(?:ipv6:)?([0-9a-f]*[.:][0-9a-f.:]+)\s*$", re.I
)
_WORDS = re.compile(r"[\s\[\]]+")
_ARC_INSTANCE = re.compile(r"^\s*i\s*=\s*\d+\s*;", re.I)
# Domains one operator runs as one mail system (their hops and authserv-ids mix them).
_ORGANISATIONS = {
    "outlook.com": "microsoft", "office365.com": "microsoft", "microsoft.com": "microsoft",
    "hotmail.com": "microsoft",
    "google.com": "google", "gmail.com": "google", "googlemail.com": "google",
}  # fmt: skip
# Reasons a key that is gone or replaced since delivery produces (see passed_at_delivery).
ROTATION = frozenset({Reason.KEY_NOT_FOUND, Reason.KEY_REVOKED, Reason.KEY_SYNTAX,
                      Reason.SIGNATURE_MISMATCH})  # fmt: skip
MAX_RECEIVED = 64  # Received fields looked at (RFC 5321 §6.3 loop detection stops near 100)


@quick_init  # one per Received field read (model.quick_init)
@dataclass(frozen=True, slots=True)
class _Hop:
    index: int  # position among the header fields
    text: str  # unfolded
    by: str | None
    helo: str | None  # None: no `from` clause
    rdns: str | None
    ip: str | None
    date_text: str  # after the last ";": parsed only for the boundary


def _strip_comments(text: str) -> str:
    if "(" not in text:
        return text
    for _ in range(8):  # nesting deeper than this is not a trace field worth reading
        stripped = _COMMENT.sub(" ", text)
        if stripped == text:
            break
        text = stripped
        if "(" not in text:
            break  # the next pass would find nothing to strip
    return text


_IP_CHARS = re.compile(r"^\[?(?:ipv6:)?[0-9a-f.:]+(?:%\w+)?\]?$", re.I)


def _is_ip(host: str) -> bool:
    # Most hosts are names: skip ipaddress's exceptions for them (the walk asks ~10 times).
    return bool(_IP_CHARS.match(host)) and _ip(host) is not None


@lru_cache(maxsize=4096)  # the same relay and MX addresses recur across a mailbox
def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").lower().removeprefix("ipv6:").split("%")[0])
    except ValueError:
        return None


def organisation(host: str) -> str:
    """The organizational domain of a host, with each big operator's domains as one."""
    org = organizational_domain(host)
    return _ORGANISATIONS.get(org, org)


# The date as nearly every MTA writes it (RFC 5322 §3.3: "Sun, 23 Nov 2025 12:13:22 +0000",
# maybe a comment after it): read here; any other form is parsedate_to_datetime's.
_MONTHS = {m: n for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"), 1)}  # fmt: skip
_PLAIN_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) (" + "|".join(_MONTHS) + r") "
    r"([1-9][0-9]{3}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})(?:[ \t]|\Z)"
)


def _date(when: str) -> int | None:
    """The date after the last ";" of a Received field (RFC 5322 §3.6.7), as Unix time."""
    when = when.strip()
    if not when:
        return None
    m = _PLAIN_DATE.match(when)
    return _plain_date(m) if m else _parsed_date(when)


def _parsed_date(when: str) -> int | None:
    """_date of any date, stripped: as parsedate_to_datetime reads it."""
    try:
        dt = parsedate_to_datetime(when)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt.tzinfo is None:  # "-0000": UTC, origin unknown (RFC 5322 §3.3)
        dt = dt.replace(tzinfo=UTC)
    try:
        ts = int(dt.timestamp())
    except (OverflowError, OSError, ValueError):
        return None
    return ts if 0 <= ts <= MAX_TIME else None


MAX_TIME = 253402300799  # 9999-12-31T23:59:59Z


def _plain_date(m: re.Match[str]) -> int | None:
    """_date of a date _PLAIN_DATE matched: what parsedate_to_datetime reads, the same way
    (tokens after the zone ignored, -0000 as UTC), without its general tokenizer."""
    day, month, year, hour, minute, second, sign, zh, zm = m.groups()
    offset = (int(zh) * 3600 + int(zm) * 60) * (-1 if sign == "-" else 1)
    if abs(offset) >= 86400:  # datetime.timezone refuses it: parsedate_to_datetime raises
        return None
    h, mi, s = int(hour), int(minute), int(second)
    if h > 23 or mi > 59 or s > 59:  # 24:00:00, a leap second: refused there too
        return None
    try:  # the day's number, without a datetime and its timestamp() (twice the time)
        days = date(int(year), _MONTHS[month], int(day)).toordinal() - _EPOCH_DAY
    except ValueError:  # 31 Feb, day 0
        return None
    ts = days * 86400 + h * 3600 + mi * 60 + s - offset
    return ts if 0 <= ts <= MAX_TIME else None


_EPOCH_DAY = date(1970, 1, 1).toordinal()


def _unfold(value: bytes) -> str:
    """A Received value unfolded (RFC 5322 §2.2.3); no encoded words in trace fields (§3.6.7)."""
    return value.decode("utf-8", "replace").replace("\r\n", "").strip()


def _hop(index: int, text: str) -> _Hop:
    by = _BY.search(_strip_comments(text))
    host = by.group(1).strip("[]").lower().rstrip(".") if by else None
    helo = rdns = ip = None
    m = _FROM.match(text)
    if m:
        helo = m.group(1).strip("[]").lower().rstrip(".")
        info = (m.group(2) or "")[1:-1]
        found = _TCP_IP.search(info)
        if found:
            ip = found.group(1) or found.group(2)
        # "unknown": the receiver looked the address up and found no matching name (Postfix)
        for word in _WORDS.split(info):
            w = word.lower().rstrip(".")
            if w == "unknown" or ("." in w and not _is_ip(w)):
                rdns = w
                break
    return _Hop(index, text, host, helo, rdns, ip, text.rpartition(";")[2])


@lru_cache(
    maxsize=4
)  # the boundary hop is read again for SPF (boundary_client); small: values are big
def _parsed_hop(index: int, value: bytes) -> _Hop:
    return _hop(index, _unfold(value))


def _own_from(hop: _Hop, org: str) -> bool:
    """The hop's `from` part is the receiver's own host (see the trust rule, step 1)."""
    if hop.helo is None:
        return True
    addr = _ip(hop.ip) if hop.ip else None
    if addr is not None and addr.is_loopback:
        return True
    if _is_ip(hop.helo) or organisation(hop.helo) != org:
        return False
    if hop.rdns is None or organisation(hop.rdns) == org:
        return True  # (Microsoft writes no reverse name between its own hops)
    return addr is not None and (addr.is_private or addr.is_link_local)


def receiver(msg: ParsedMessage) -> Receiver:
    """The final receiver and its boundary Received field (the trust rule, step 1)."""
    received = [(i, f) for i, f in enumerate(msg.headers) if f.lname == "received"]
    received = received[:MAX_RECEIVED]
    hops: dict[int, _Hop] = {}

    def hop(k: int) -> _Hop:  # parsed as the walk reaches it: most walks stop in 2 or 3
        if k not in hops:
            i, f = received[k]
            hops[k] = _parsed_hop(i, f.value)
        return hops[k]

    k = 0
    while k < len(received) and hop(k).helo is None and _is_ip(hop(k).by or ""):
        k += 1  # Gmail's `by 2002:a0c:…` hand-offs
    if k == len(received) or hop(k).by is None or _is_ip(hop(k).by or ""):
        return Receiver(None)
    org = organisation(hop(k).by or "")
    while k + 1 < len(received) and _own_from(hop(k), org):
        below = hop(k + 1).by
        if below is None or not (_is_ip(below) or organisation(below) == org):
            break
        k += 1
    boundary = hop(k)
    end = received[k + 1][0] if k + 1 < len(received) else len(msg.headers)
    return Receiver(
        org, " ".join(boundary.text.split()), _date(boundary.date_text), (), boundary.index, end
    )


def _results(
    text: str, recorded_by: str, source: RecordSource, **extra: object
) -> list[RecordedResult]:
    """Each method=result of an Authentication-Results value (RFC 8601 §2.2), with properties."""
    # ";" separates resinfo, except inside a quoted value (RFC 8601 §2.2: a "value" may be a
    # quoted-string, as in `reason="1024-bit key; insecure key"`).
    parts = _resinfo(_strip_comments(text))
    if source is not RecordSource.MICROSOFT:
        parts = parts[1:]  # after the authserv-id (and its version)
    # The field is evidence shown with each result: kept whole when it is of a sane size,
    # else cut, and results past MAX_RESULTS are not read (a receiver writes a handful; a
    # hostile 0.2 MB field of a thousand results made a 157 MB report, found by the fuzzer).
    field = " ".join(text.split())
    if len(field) > MAX_FIELD_EVIDENCE:
        field = field[: MAX_FIELD_EVIDENCE - 1] + "…"
    out: list[RecordedResult] = []
    for resinfo in parts:
        m = _METHOD.match(resinfo)
        if not m:
            continue
        if len(out) == MAX_RESULTS:
            break
        props = tuple((k.lower(), v.strip('"')) for k, v in _PROP.findall(resinfo[m.end() :]))
        out.append(
            RecordedResult(m.group(1).lower(), m.group(2).lower(), props, recorded_by, source,
                           field, **extra)  # type: ignore[arg-type]
        )  # fmt: skip
    return out


def _resinfo(text: str) -> list[str]:
    """The value split at each ";" outside a quoted string, in one linear pass (a lookahead
    regex was quadratic: 5 s on a 0.5 MB field, found by the fuzzer)."""
    parts: list[str] = []
    current: list[str] = []
    for m in _RESINFO_TOKEN.finditer(text):
        if m.group() == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(m.group())
    parts.append("".join(current))
    return parts


def _authserv_id(text: str) -> str | None:
    """The authserv-id of an Authentication-Results value; None for Microsoft's form."""
    first = _strip_comments(text).split(";", 1)[0].split()
    if not first or "=" in first[0]:
        return None
    return first[0].lower().rstrip(".")


def _edge(msg: ParsedMessage, below: int) -> int:
    """The index of the topmost `by *.protection.outlook.com` Received field (Microsoft's edge)."""
    return next(
        (i for i, f in enumerate(msg.headers[:below]) if f.lname == "received"
         and (_parsed_hop(i, f.value).by or "").endswith(".protection.outlook.com")),
        len(msg.headers),
    )  # fmt: skip


def receiver_record(
    msg: ParsedMessage, chain: ArcChain | None = None, rx: Receiver | None = None
) -> Receiver:
    """The receiver (`rx`: receiver(msg), when already known) with every result it, or a
    trusted ARC sealer, recorded: the trust rule."""
    rx = rx or receiver(msg)
    at, below = rx.boundary_index, rx.end_index
    found: list[RecordedResult] = []
    microsoft: tuple[int, str] | None = None  # (Microsoft's edge, its boundary's by): read once
    if rx.organisation is not None:
        for i, f in enumerate(msg.headers[:below]):
            if f.lname != "authentication-results":
                continue
            if len(found) >= MAX_RECORDED:
                break  # a receiver adds one or two such fields; more is not a receiver's
            text = field_text(f.value)
            authserv = _authserv_id(text)
            if authserv is not None and organisation(authserv) == rx.organisation:
                found += _results(text, authserv, RecordSource.AUTHENTICATION_RESULTS)
            # Microsoft's form: above its topmost EOP edge as well, so that a sender's HELO
            # naming a Microsoft host cannot move the boundary into its own fields.
            elif authserv is None and rx.organisation == "microsoft":
                if microsoft is None:
                    by = _parsed_hop(at, msg.headers[at].value).by
                    microsoft = (min(at, _edge(msg, at)), f"Microsoft 365 ({by})")
                if i < microsoft[0]:
                    found += _results(text, microsoft[1], RecordSource.MICROSOFT)
    if chain is not None and chain.cv is ArcCv.PASS:
        for s in sorted(chain.sets, key=lambda s: -s.instance):
            if not s.seal_valid:
                continue
            text = _ARC_INSTANCE.sub("", s.authentication_results, count=1)
            authserv = _authserv_id(text) or s.domain
            own = rx.organisation is not None and organisation(s.domain) == rx.organisation
            found += _results(f"{text}", authserv, RecordSource.ARC, by_receiver=own,
                              sealer=s.domain, instance=s.instance)  # fmt: skip
    return evolve(rx, results=tuple(found))


def _identity_domain(value: str) -> str:
    return value.rpartition("@")[2].lower().rstrip(".")


def _names(r: RecordedResult, sig: DkimSignature) -> bool:
    """r speaks of sig's d= (header.d, else header.i's domain: RFC 8601 §2.7.1, RFC 6376 §3.5)."""
    d, i = r.prop("header.d"), r.prop("header.i")
    if d:
        return d.lower().rstrip(".") == sig.domain
    if not i:
        return False
    identity = sig.identity or f"@{sig.domain}"
    local, _, _ = i.rpartition("@")
    mine, _, _ = identity.rpartition("@")
    return _identity_domain(i) == _identity_domain(identity) and (
        not local or not mine or local == mine
    )


def _exact(r: RecordedResult, sig: DkimSignature) -> bool | None:
    """True/False when r names a selector or b= (RFC 6008); None when it names neither."""
    s, b_prefix = r.prop("header.s"), r.prop("header.b")
    if s and s.lower() != sig.selector.lower():
        return False
    if b_prefix:
        b = sig.tag("b")
        value = re.sub(rb"\s+", b"", b.value).decode("ascii", "replace") if b else ""
        return len(b_prefix) >= 8 and value.startswith(b_prefix)
    return True if s else None


def _vouches(r: RecordedResult, sig: DkimSignature) -> bool:
    return r.by_receiver or (
        r.sealer is not None and organisation(r.sealer) == organisation(sig.domain)
    )


def recorded_dkim(rx: Receiver | None, sig: DkimSignature) -> RecordedResult | None:
    """The dkim= result recorded for sig by a trusted party, topmost first: one that names it
    by selector or b=, or a domain-only one (Microsoft's form, header.i alone) of the receiver
    itself when unambiguous (no other result for that domain in its field says otherwise).
    A signer-org ARC sealer must say which signature (s= or b=): a signature stripped before
    it sealed could otherwise pass for this one."""
    if rx is None:
        return None
    mine = [r for r in rx.results if r.method == "dkim" and _vouches(r, sig) and _names(r, sig)]
    for r in mine:
        exact = _exact(r, sig)
        if exact:
            return r
        unambiguous = all(o.result == r.result for o in mine if o.field == r.field)
        if exact is None and r.by_receiver and unambiguous:
            return r
    return None


def sealer_saw_pass(rx: Receiver | None, sig: DkimSignature) -> RecordedResult | None:
    """A dkim=pass for sig in a verified ARC set whose sealer the trust rule does not vouch
    for (neither the receiver's organisation nor sig's own): not proof that sig passed,
    but evidence against "DKIM was likely never set up" (diagnose.py words it so)."""
    if rx is None:
        return None
    return next(
        (r for r in rx.results if r.source is RecordSource.ARC and r.method == "dkim"
         and r.result == "pass" and not _vouches(r, sig) and _names(r, sig)
         and _exact(r, sig) is not False),
        None,
    )  # fmt: skip


def claimed_dkim_pass(msg: ParsedMessage) -> frozenset[str]:
    """Every d= (header.d, else header.i's domain) that some Authentication-Results or
    ARC-Authentication-Results field of the message says passed DKIM, trusted or not: never
    proof (anyone can write these), but enough to withhold the guess "DKIM was likely never
    set up" for that domain (diagnose.py)."""
    found: set[str] = set()
    for f in msg.headers:
        if f.lname not in ("authentication-results", "arc-authentication-results"):
            continue
        text = _ARC_INSTANCE.sub("", field_text(f.value), count=1)
        for r in _results(text, "", RecordSource.AUTHENTICATION_RESULTS):
            if r.method == "dkim" and r.result == "pass":
                d = r.prop("header.d") or _identity_domain(r.prop("header.i") or "")
                found |= {d.lower().rstrip(".")} if d else set()
    return frozenset(found)


def passed_at_delivery(rx: Receiver | None, v: SignatureVerdict) -> RecordedResult | None:
    """The trusted dkim=pass for a signature that fails now only as a changed key would make
    it fail (RFC 6376 §3.6.1 lets a signer remove a selector once its mail is delivered)."""
    if v.signature is None or v.reason not in ROTATION or v.body_hash_valid is False:
        return None
    seen = recorded_dkim(rx, v.signature)
    return seen if seen is not None and seen.result == "pass" else None


def receiver_dmarc(
    rx: Receiver | None, from_domain: str, *, strict_spf: bool = False
) -> ReceiverDmarc | None:
    """The receiver's own dmarc= and spf= results (RFC 8601 §2.7.2, §2.7.3), if it recorded any."""
    if rx is None:
        return None
    own = [r for r in rx.results if r.by_receiver]
    dmarc = next(
        (r for r in own if r.method == "dmarc"
         and (r.prop("header.from") or from_domain).lower().rstrip(".") == from_domain),
        None,
    )  # fmt: skip
    spf = next((r for r in own if r.method == "spf"), None)
    if dmarc is None and spf is None:
        return None
    mailfrom = spf and (spf.prop("smtp.mailfrom") or spf.prop("smtp.mail"))
    aligned = None
    if mailfrom:
        domain = _identity_domain(mailfrom)
        aligned = (
            domain == from_domain
            if strict_spf
            else (organizational_domain(domain) == organizational_domain(from_domain))
        )
    by = (dmarc or spf).recorded_by  # type: ignore[union-attr]
    evidence = tuple(dict.fromkeys(f"{_name(r)}: {r.field}" for r in (dmarc, spf) if r))
    return ReceiverDmarc(by, dmarc.result if dmarc else None, spf.result if spf else None,
                         mailfrom or None, aligned, evidence)  # fmt: skip


def _name(r: RecordedResult) -> str:
    return (
        "ARC-Authentication-Results" if r.source is RecordSource.ARC else "Authentication-Results"
    )


def evidence(r: RecordedResult) -> str:
    """The field a recorded result came from, as one line of evidence."""
    if r.source is RecordSource.ARC:
        return f"ARC-Authentication-Results i={r.instance} (sealed by {r.sealer}): {r.field}"
    return f"{_name(r)}: {r.field}"


# --- SPF: what the receiver recorded, and the inputs of a re-evaluation (issue 13) ---------------

_RECEIVED_SPF = re.compile(r"^\s*([a-z]+)\b", re.I)
_COMMENT_DOMAIN = re.compile(r"^\s*\(\s*([a-z0-9.-]+\.[a-z]{2,})\s*:", re.I)
_ANGLE_ADDR = re.compile(r"<([^<>]*)>")


def boundary_client(msg: ParsedMessage, rx: Receiver) -> tuple[str | None, str | None]:
    """(client IP, HELO name) of the boundary Received field: who the receiver took the
    message from (RFC 5321 §4.4: `from` is the EHLO name, the TCP-info its address)."""
    if rx.boundary_index < 0:
        return None, None
    return _client(rx.boundary_index, msg.headers[rx.boundary_index].value)


@lru_cache(maxsize=4)  # asked 4 times a message: SPF plan and check, each with recorded_spf
def _client(index: int, value: bytes) -> tuple[str | None, str | None]:
    hop = _parsed_hop(index, value)
    helo = hop.helo.strip("[]").rstrip(".") if hop.helo else None
    return (str(_ip(hop.ip)) if hop.ip and _ip(hop.ip) else None), helo


def return_path(msg: ParsedMessage) -> str | None:
    """The topmost Return-Path's address (RFC 5321 §4.4: the final delivery adds it); ""
    for the null reverse-path <>, None when there is no Return-Path."""
    field = next((f for f in msg.headers if f.lname == "return-path"), None)
    if field is None:
        return None
    text = " ".join(field_text(field.value).split())
    m = _ANGLE_ADDR.search(text)
    value = (m.group(1) if m else text).strip()
    return value if "@" in value or not value else None


def recorded_spf(msg: ParsedMessage, rx: Receiver | None) -> SpfRecorded | None:
    """The spf= result the trusted receiver recorded (the trust rule, step 3)."""
    if rx is None or rx.organisation is None:
        return None
    own = next((r for r in rx.results if r.method == "spf" and r.by_receiver), None)
    if own is not None:
        mailfrom = own.prop("smtp.mailfrom") or own.prop("smtp.mail")
        helo = own.prop("smtp.helo")
        return SpfRecorded(
            own.recorded_by, own.result, mailfrom, helo, _spf_domain(mailfrom, helo),
            own.source.value, None, (evidence(own),),
        )  # fmt: skip
    client, _ = boundary_client(msg, rx)
    for f in msg.headers[: rx.end_index]:
        if f.lname != "received-spf":
            continue
        text = " ".join(field_text(f.value).split())
        m = _RECEIVED_SPF.match(text)
        props = dict((k.lower(), v.strip('"')) for k, v in _PROP.findall(_strip_comments(text)))
        said = _COMMENT_DOMAIN.match(text[m.end() :]) if m else None
        names = props.get("receiver") or (said.group(1) if said else "")
        if not m or not names or organisation(names.lower().rstrip(".")) != rx.organisation:
            continue
        ip = props.get("client-ip")
        if ip and client and (_ip(ip) != _ip(client)):
            continue
        mailfrom, helo = props.get("envelope-from"), props.get("helo")
        return SpfRecorded(
            names, m.group(1).lower(), mailfrom, helo, _spf_domain(mailfrom, helo),
            "received_spf", ip, (f"Received-SPF: {text[:MAX_FIELD_EVIDENCE]}",),
        )  # fmt: skip
    return None


def _spf_domain(mailfrom: str | None, helo: str | None) -> str | None:
    """The domain SPF judged: the MAIL FROM's (a bare domain, as Microsoft writes it), else
    the HELO's (RFC 7208 §2.4: the null path checks postmaster@HELO)."""
    value = (mailfrom or "").strip().strip("<>")
    if value:
        return _identity_domain(value) or None
    return helo.lower().rstrip(".") if helo else None


# Kept for callers of the first trust rule: the dkim= results the receiver recorded.
ReceiverResult = RecordedResult


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


def routes(items: Iterable[Report | Failure]) -> list[tuple[Hop, ...]]:
    """The route of each item of a text report, in order (() for an input that failed)."""
    return [route(i.message) if isinstance(i, Report) else () for i in items]


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
