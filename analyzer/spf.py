"""SPF (RFC 7208): check_host() over this tool's Resolver, every DNS answer kept as evidence.

Why an evaluator of its own rather than pyspf: pyspf asks the DNS through a module-global
hook and keeps only the records it liked, so NXDOMAIN, NODATA, SERVFAIL and a spent message
budget would be folded into its strings, and the scan's threads would share one hook. Here
every query goes through analyzer.dns (one deadline and lookup budget per message, the
loopback server in tests) and comes back as a DnsAnswer kept in order, so a report can say
which include answered what, and which terms spent the 10 DNS-querying lookups. The RFC 7208
test suite (bench/spfsuite.py, tests/test_spf.py) measures the agreement.

The limits (RFC 7208 §4.6.4): at most 10 terms that cause DNS queries (include, a, mx, ptr,
exists, redirect), at most 2 of them "void" (NXDOMAIN or no records), at most 10 names per
MX or PTR answer; beyond these, permerror. A record with any syntax error is a permerror
before any term is evaluated (§4.6).
"""

from __future__ import annotations

import functools
import ipaddress
import re
import urllib.parse
from dataclasses import dataclass, field

from analyzer import trace
from analyzer.dns import Resolver
from analyzer.model import (
    DnsAnswer,
    DnsStatus,
    ParsedMessage,
    Receiver,
    SpfCheck,
    SpfEvaluation,
    SpfProblem,
    SpfRecorded,
    SpfResult,
    evolve,
    quick_init,
)
from analyzer.replay import Replayed

MAX_DNS_TERMS = 10  # RFC 7208 §4.6.4
MAX_VOID_LOOKUPS = 2  # §4.6.4 ("SHOULD be 2")
MAX_NAMES = 10  # addresses looked up per MX or PTR answer (§4.6.4)
MAX_DOMAIN = 253  # §7.3: an expanded name is cut from the left to fit
MAX_RECORD = 4096  # characters of one SPF record parsed (a TXT RRset fits in a 4 KB answer)

_QUALIFIERS = {
    "+": SpfResult.PASS,
    "-": SpfResult.FAIL,
    "~": SpfResult.SOFTFAIL,
    "?": SpfResult.NEUTRAL,
}
_MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
_DNS_TERMS = frozenset({"include", "a", "mx", "ptr", "exists"})
_MODIFIER = re.compile(r"^([A-Za-z][A-Za-z0-9._-]*)=(.*)$", re.S)
_MECHANISM = re.compile(r"^([+\-~?]?)([A-Za-z][A-Za-z0-9._-]*)(.*)$", re.S)
_CIDR = re.compile(r"^(.*?)(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?$", re.S)
_MACRO = re.compile(r"%(?:\{([A-Za-z])([0-9]*)(r?)([.\-+,/_=]*)\}|(.))", re.S | re.I)
_TOPLABEL = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9-]*[A-Za-z0-9])?$")
_VERSION = re.compile(rb"^v=spf1(?: |$)", re.I)


class _Abort(Exception):
    """Ends check_host() with a result: a limit, a syntax error, a temporary DNS failure."""

    def __init__(self, result: SpfResult, problem: SpfProblem, detail: str) -> None:
        super().__init__(detail)
        self.result, self.problem, self.detail = result, problem, detail


@dataclass(slots=True)
class _State:
    """What one evaluation shares across include and redirect: the limits and the evidence.

    `ip` says when the client's address is read (`family` is its version, 4 or 6): an
    evaluation that never read it gives the same result for every client of that family
    (check_host keeps it so)."""

    resolver: Resolver
    client: ipaddress.IPv4Address | ipaddress.IPv6Address
    sender: str
    helo: str
    answers: list[DnsAnswer] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)  # "term (in domain)" per DNS term
    voids: list[str] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)  # (domain, record) read
    ip_read: bool = False  # the address itself was read (not only its family)

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        self.ip_read = True
        return self.client

    @property
    def family(self) -> int:
        return self.client.version

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        answer = self.resolver.query(name, rdtype)
        self.answers.append(answer)
        return answer

    def count(self, term: str, domain: str) -> None:
        self.counted.append(f"{term} (in {domain})")
        if len(self.counted) > MAX_DNS_TERMS:
            raise _Abort(
                SpfResult.PERMERROR, SpfProblem.TOO_MANY_LOOKUPS,
                f"more than {MAX_DNS_TERMS} DNS-querying terms (RFC 7208 §4.6.4): {term} in {domain}",
            )  # fmt: skip

    def void(self, answer: DnsAnswer) -> None:
        if answer.status in (DnsStatus.NXDOMAIN, DnsStatus.NODATA):
            self.voids.append(answer.name.rstrip("."))
            if len(self.voids) > MAX_VOID_LOOKUPS:
                raise _Abort(
                    SpfResult.PERMERROR, SpfProblem.TOO_MANY_VOID_LOOKUPS,
                    f"more than {MAX_VOID_LOOKUPS} lookups found nothing (RFC 7208 §4.6.4): "
                    + ", ".join(self.voids),
                )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    qualifier: str  # "+", "-", "~", "?" (mechanisms); "" for modifiers
    name: str  # lowercase
    arg: str  # domain-spec or address (without ":"), or a modifier's value
    cidr4: int | None = None
    cidr6: int | None = None


def for_message(
    msg: ParsedMessage, rx: Receiver, resolver: Resolver, found: Identity | None = None
) -> SpfCheck:
    """SPF for one message: the trusted receiver's recorded spf= (trace.recorded_spf) and
    today's check_host() for the client and HELO of the boundary Received field and the
    final Return-Path (else the MAIL FROM the receiver recorded). Headers-only input is
    the same: all of it is in the header. `found`: identify(msg, rx), when the caller
    holds it (made for plan_message)."""
    found = found or identify(msg, rx)
    today = None
    if found.skipped is None and found.ip and found.domain:
        today = check_host(resolver, found.ip, found.domain, found.sender, found.helo)
    return SpfCheck(found.ip, found.helo, found.mailfrom, found.identity, found.domain,
                    rx.boundary, found.recorded, today, found.skipped)  # fmt: skip


@quick_init  # (model.quick_init)
@dataclass(frozen=True, slots=True)
class Identity:
    """What for_message checks for one message, read from its header section: the client
    and HELO of the boundary Received field, the MAIL FROM (else the HELO) identity and its
    domain, what the receiver recorded, and why it is not checked when `skipped` is set."""

    recorded: SpfRecorded | None
    ip: str | None
    helo: str | None
    mailfrom: str | None
    identity: str  # "mailfrom" or "helo"
    domain: str | None
    sender: str
    skipped: str | None
    family: int | None  # the client's address family as check_host() sees it: 4 or 6


def identify(msg: ParsedMessage, rx: Receiver) -> Identity:
    """The Identity of `msg` as seen by the receiver record `rx` (trace.receiver_record)."""
    recorded = trace.recorded_spf(msg, rx)
    ip, helo = trace.boundary_client(msg, rx)
    mailfrom = trace.return_path(msg)
    if mailfrom is None and recorded is not None and recorded.mailfrom:
        # smtp.mailfrom is often the domain alone (RFC 8601 §2.7.2 allows it); a MAIL FROM
        # without a local-part is checked as postmaster@domain (RFC 7208 §4.3).
        given = recorded.mailfrom.strip("<>").strip()
        mailfrom = given if "@" in given else (f"postmaster@{given}" if given else None)
    helo_name = helo if helo and not _is_address(helo) else None
    domain: str | None
    if mailfrom:
        identity, domain, sender = "mailfrom", mailfrom.rpartition("@")[2].lower(), mailfrom
    else:
        identity, domain = "helo", helo_name.lower() if helo_name else None
        sender = f"postmaster@{domain}" if domain else ""
    skipped = None
    address = _address(ip)
    if address is None:
        skipped = "the boundary Received field shows no client IP address"
    elif _internal(address):
        skipped = f"the boundary client {ip} is an internal address (RFC 1918, loopback)"
    elif not domain:
        skipped = "no MAIL FROM (Return-Path) and no HELO name to check"
    family = None if address is None else _family(address)
    return Identity(recorded, ip, helo, mailfrom, identity, domain, sender, skipped, family)


def plan_message(
    msg: ParsedMessage, rx: Receiver | None = None, found: Identity | None = None
) -> tuple[str, int] | None:
    """(domain, client address family: 4 or 6) of the check_host() for_message will make
    (pipeline.lookups: the scan asks ahead what check_host() may need for that domain,
    once per run, README "Performance"); None when for_message will not evaluate. The
    header section alone is enough. `rx`: trace.receiver_record(msg), and `found`:
    identify(msg, rx), when the caller holds them already."""
    found = found or identify(msg, rx or trace.receiver_record(msg))
    if found.skipped is not None or found.family is None or not found.domain:
        return None
    return found.domain.rstrip("."), found.family


def _family(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> int:
    """4 or 6, as check_host() evaluates the client (§5: an IPv4-mapped client is IPv4)."""
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return 4 if mapped is not None else address.version


# Addresses no SPF record lists, so that every term is evaluated: RFC 6676's MCAST-TEST-NET
# (IPv4) and its IPv6 multicast documentation prefix ff0X::db8:0:0/96.
LINT_ADDRESS = "233.252.0.255"
LINT_ADDRESS6 = "ff0e::db8:0:ff"


def lint(resolver: Resolver, domain: str, family: int = 4) -> SpfEvaluation:
    """`dns DOMAIN`: the domain's SPF record evaluated for a sender it does not list, which
    makes check_host() read every term: its syntax, DNS-querying terms and void lookups
    (`family` 6: for an IPv6 client, whose a and mx terms ask AAAA)."""
    domain = domain.lower().rstrip(".")
    address = LINT_ADDRESS6 if family == 6 else LINT_ADDRESS
    return check_host(resolver, address, domain, f"postmaster@{domain}", domain)


def prefetch(resolver: Resolver, domain: str, family: int) -> list[DnsAnswer]:
    """The DNS answers a check_host() of `domain` for a client of `family` is likely to
    need (scan asks them once per run, not once per message): lint()'s, which reads every
    term (includes, redirect, the names of a and mx), and the domain's DMARC tree walk.
    What depends on the client or the sender (the macros %{i} %{s} %{l} %{h}, ptr, %{p})
    is not foreseen: the scan's worker asks those names one at a time."""
    from analyzer.dmarc import walk_lookups

    return [*lint(resolver, domain, family).answers, *walk_lookups(resolver, domain)]


def _address(ip: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if ip and len(ip) > MAX_KEPT:
        return _parsed_address(ip)  # a hostile HELO name is not kept
    return _kept_address(ip)


MAX_KEPT = 255  # characters of a string whose parse is kept (below)


def _parsed_address(ip: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip) if ip else None
    except ValueError:
        return None


# A mailbox's relays and HELO names recur: parsed 2-3 times a message, most HELO names
# raising ValueError in ipaddress.
_kept_address = functools.lru_cache(maxsize=4096)(_parsed_address)


# Addresses of a receiver's own network: its boundary is then not where mail came in. (The
# documentation ranges of RFC 5737 / 3849 stay evaluable: the fixtures use them.)
_INTERNAL = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


@functools.lru_cache(maxsize=4096)
def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.is_loopback or address.is_link_local or address.is_unspecified:
        return True
    return any(address.version == n.version and address in n for n in _INTERNAL)


def _is_address(name: str) -> bool:
    return _address(name.strip("[]").removeprefix("IPv6:")) is not None


def check_host(
    resolver: Resolver, ip: str, domain: str, sender: str, helo: str | None = None
) -> SpfEvaluation:
    """RFC 7208 §4: the SPF result for `ip` sending as `sender` (MAIL FROM, or
    postmaster@HELO for the HELO identity), with the record of `domain`."""
    found = _client(ip.strip("[]"))
    if found is None or len(ip) + len(domain) + len(sender) + len(helo or "") > MAX_KEPT_KEY:
        return _check_host(resolver, ip, domain, sender, helo)[0]  # (a hostile one: not kept)
    client = found[1]

    def usable(kept: tuple[SpfEvaluation, bool]) -> bool:
        return not kept[1] or kept[0].ip == client

    key = (found[0].version, domain, sender, helo)
    run = functools.partial(_check_host, ip=ip, domain=domain, sender=sender, helo=helo)
    result, _ = _evaluations.get(key, resolver, run, usable)
    return result if result.ip == client else evolve(result, ip=client)


# A relay sends a mailbox's messages again and again for the same MAIL FROM (or HELO), and
# most evaluations never read the client's address (no record, a temporary failure, a
# syntax error, `-all`, an include that ends the same way): _check_host is pure in its
# arguments and the answers it reads, and one that did not read the address (_State.ip)
# gives the same result for every client of the family but for the address it names
# (replay.Replayed asks the answers again, in order, before giving a kept result: the same
# queries, the same DNS budget).
MAX_KEPT_KEY = 640
_evaluations: Replayed[tuple[int, str, str, str | None], tuple[SpfEvaluation, bool]] = Replayed(
    entries=1024, max_bytes=4096
)


def _check_host(
    resolver: Resolver, ip: str, domain: str, sender: str, helo: str | None
) -> tuple[SpfEvaluation, bool]:
    """check_host(), and whether it read the client's address (not only its family)."""
    result, state = _evaluate(resolver, ip, domain, sender, helo)
    return result, state is None or state.ip_read


def _evaluate(
    resolver: Resolver, ip: str, domain: str, sender: str, helo: str | None
) -> tuple[SpfEvaluation, _State | None]:
    client_address = _client(ip.strip("[]"))
    if client_address is None:
        return _result(domain, sender, ip, None, SpfResult.NONE, SpfProblem.NO_CLIENT_IP,
                       f"{ip!r} is not an IP address"), None  # fmt: skip
    addr, client = client_address
    local, at, _ = sender.rpartition("@")
    sender = f"{local or 'postmaster'}@{domain}" if at or not sender else sender
    state = _State(resolver, addr, sender, (helo or "").rstrip("."))
    domain = domain.rstrip(".").lower()
    if not _valid_domain(domain):
        return _result(domain, sender, client, state, SpfResult.NONE,
                       SpfProblem.INVALID_DOMAIN, f"{domain!r} is not a domain name (§4.3)"), state  # fmt: skip
    try:
        result, matched, explanation = _check(state, domain)
    except _Abort as e:
        return _result(domain, sender, client, state, e.result, e.problem, e.detail), state
    problem = SpfProblem.NO_RECORD if result is SpfResult.NONE else None
    return _result(
        domain, sender, client, state, result, problem, None, matched, explanation
    ), state


def _client(ip: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, str] | None:
    """The client address as check_host() evaluates it (§5: an IPv4-mapped IPv6 client is
    an IPv4 client) and as it is written in the result; None: not an address."""
    if len(ip) > MAX_KEPT:
        return _parsed_client(ip)
    return _kept_client(ip)


def _parsed_client(ip: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, str] | None:
    addr = _parsed_address(ip)
    if addr is None:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr, str(addr)


_kept_client = functools.lru_cache(maxsize=4096)(_parsed_client)  # (str() of one: ~1 µs)


def _result(
    domain: str,
    sender: str,
    ip: str,
    state: _State | None,
    result: SpfResult,
    problem: SpfProblem | None,
    detail: str | None,
    matched: tuple[str, str] | None = None,
    explanation: str | None = None,
) -> SpfEvaluation:
    records = tuple(state.records) if state else ()
    top = next((r for d, r in records if d == domain), None)
    return SpfEvaluation(
        domain, sender, ip, result, problem, detail,
        matched[1] if matched else None, matched[0] if matched else None,
        top, records, tuple(state.answers) if state else (),
        tuple(state.counted) if state else (), tuple(state.voids) if state else (),
        explanation, _all_qualifier(top),
    )  # fmt: skip


def _all_qualifier(record: str | None) -> str | None:
    """The qualifier of the record's own `all` term ("+", "-", "~", "?"), if it has one."""
    for word in (record or "").split()[1:]:
        m = _MECHANISM.match(word)
        if m and m.group(2).lower() == "all" and not m.group(3):
            return m.group(1) or "+"
    return None


def _valid_domain(domain: str) -> bool:
    return _kept_valid_domain(domain) if len(domain) <= MAX_DOMAIN else False


@functools.lru_cache(maxsize=4096)  # the same identity domains, message after message
def _kept_valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(0 < len(label) <= 63 for label in labels)
        and len(domain) <= MAX_DOMAIN
    )


def _record(state: _State, domain: str) -> str | None:
    """§4.4-4.5: the one v=spf1 TXT record of domain; None when it has none."""
    answer = state.query(domain, "TXT")
    if answer.status.temporary:
        raise _Abort(SpfResult.TEMPERROR, SpfProblem.DNS_TEMPORARY,
                     f"TXT {domain}: {answer.status.value}" + (f" ({answer.detail})" if answer.detail else ""))  # fmt: skip
    found = [r for r in answer.joined() if _VERSION.match(r)]
    if len(found) > 1:
        raise _Abort(SpfResult.PERMERROR, SpfProblem.MULTIPLE_RECORDS,
                     f"{domain} publishes {len(found)} v=spf1 records (§4.5)")  # fmt: skip
    if not found:
        return None
    text = found[0].decode("utf-8", "replace")
    state.records.append((domain, text))
    if len(text) > MAX_RECORD or not text.isascii():
        raise _Abort(SpfResult.PERMERROR, SpfProblem.SYNTAX,
                     f"the record of {domain} is not printable ASCII of a sane size (§4.6)")  # fmt: skip
    return text


def _check(
    state: _State, domain: str, *, explain: bool = True
) -> tuple[SpfResult, tuple[str, str] | None, str | None]:
    """(result, (domain, matched term), explanation) for one record and what it includes."""
    record = _record(state, domain)
    if record is None:
        return SpfResult.NONE, None, None
    terms = _parsed(record, domain)
    modifiers = {t.name: t for t in terms if not t.qualifier}
    for t in terms:
        if not t.qualifier:
            continue
        if _matches(state, t, domain):
            result = _QUALIFIERS[t.qualifier]
            explanation = None
            if explain and result is SpfResult.FAIL and "exp" in modifiers:
                explanation = _explanation(state, modifiers["exp"], domain)
            return result, (domain, t.text), explanation
    if "redirect" in modifiers:
        # §6.1: only when no mechanism matched (an `all` makes redirect moot)
        t = modifiers["redirect"]
        state.count(t.text, domain)
        target = _target(state, t.arg, domain)
        if target is None:
            raise _Abort(SpfResult.PERMERROR, SpfProblem.REDIRECT_NONE,
                         f"redirect={t.arg} of {domain} is not a domain name")  # fmt: skip
        result, matched, explanation = _check(state, target, explain=explain)
        if result is SpfResult.NONE:
            raise _Abort(SpfResult.PERMERROR, SpfProblem.REDIRECT_NONE,
                         f"redirect={target} of {domain} publishes no SPF record (§6.1)")  # fmt: skip
        return result, matched, explanation
    return SpfResult.NEUTRAL, None, None


@functools.lru_cache(maxsize=1024)  # the same records (includes) are read for every message
def _parsed(record: str, domain: str) -> tuple[_Term, ...]:
    """_parse, kept (a syntax error is raised again each time: exceptions are not kept)."""
    return tuple(_parse(record, domain))


def _parse(record: str, domain: str) -> list[_Term]:
    """§4.6, §12: every term, or a permerror for the first that does not parse."""
    out: list[_Term] = []
    seen: set[str] = set()
    for word in record.split(" ")[1:]:
        if not word:
            continue
        term = _term(word)
        if term is None:
            raise _Abort(SpfResult.PERMERROR, SpfProblem.SYNTAX,
                         f"the record of {domain} has a term that does not parse: {word[:80]!r} (§4.6.1)")  # fmt: skip
        if not term.qualifier:
            if term.name in ("redirect", "exp") and term.name in seen:
                raise _Abort(SpfResult.PERMERROR, SpfProblem.SYNTAX,
                             f"the record of {domain} has {term.name}= twice (§6)")  # fmt: skip
            seen.add(term.name)
        out.append(term)
    return out


def _term(word: str) -> _Term | None:
    m = _MODIFIER.match(word)
    if m and ":" not in m.group(1) and "/" not in m.group(1):
        name, value = m.group(1).lower(), m.group(2)
        if name in ("redirect", "exp") and not _domain_spec_ok(value):
            return None
        if not _macro_ok(value, explain=False):
            return None
        return _Term(word, "", name, value)
    m = _MECHANISM.match(word)
    if not m or m.group(2).lower() not in _MECHANISMS:
        return None
    qualifier, name, rest = m.group(1) or "+", m.group(2).lower(), m.group(3)
    if name == "all":
        return _Term(word, qualifier, name, "") if not rest else None
    if name in ("include", "exists"):
        arg = rest[1:] if rest.startswith(":") else None
        if not arg or not _domain_spec_ok(arg):
            return None
        return _Term(word, qualifier, name, arg)
    if name in ("ip4", "ip6"):
        return _ip_term(word, qualifier, name, rest)
    # a, mx, ptr: [":" domain-spec] ["/" ip4-cidr] ["//" ip6-cidr] (ptr has no cidr)
    if rest and rest[0] not in ":/":
        return None
    c = _CIDR.match(rest)
    assert c is not None  # the pattern matches any string
    spec, c4, c6 = c.group(1), c.group(2), c.group(3)
    if spec and (not spec.startswith(":") or not _domain_spec_ok(spec[1:])):
        return None
    if (c4 is not None and int(c4) > 32) or (c6 is not None and int(c6) > 128):
        return None
    if name == "ptr" and (c4 is not None or c6 is not None):
        return None
    return _Term(word, qualifier, name, spec[1:], int(c4) if c4 else None,
                 int(c6) if c6 else None)  # fmt: skip


def _ip_term(word: str, qualifier: str, name: str, rest: str) -> _Term | None:
    if not rest.startswith(":"):
        return None
    address, _, cidr = rest[1:].partition("/")
    limit = 32 if name == "ip4" else 128
    if cidr and (not cidr.isdigit() or (len(cidr) > 1 and cidr[0] == "0") or int(cidr) > limit):
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if (name == "ip4") != isinstance(ip, ipaddress.IPv4Address):
        return None
    bits = int(cidr) if cidr else limit
    return _Term(word, qualifier, name, address, bits if name == "ip4" else None,
                 bits if name == "ip6" else None)  # fmt: skip


def _macro_ok(spec: str, *, explain: bool) -> bool:
    """§7.1: every % starts a valid macro (c, r, t only in an explanation)."""
    pos = 0
    for m in _MACRO.finditer(spec):
        if spec[pos : m.start()].count("%"):
            return False
        pos = m.end()
        if m.group(5) is not None:
            if m.group(5) not in "%_-":
                return False
            continue
        letter, digits = m.group(1).lower(), m.group(2)
        if letter not in "slodiphv" + ("crt" if explain else ""):
            return False
        if digits and int(digits) == 0:
            return False  # §7.1: a DIGIT transformer is nonzero
    return "%" not in spec[pos:]


def _domain_spec_ok(spec: str) -> bool:
    """domain-spec = macro-string domain-end (§7.1): ends in a macro or in "." toplabel."""
    if not spec or not _macro_ok(spec, explain=False) or any(c in spec for c in " \t"):
        return False
    if re.search(r"%\{[^}]*\}$|%[%_-]$", spec):
        return True
    labels = (spec[:-1] if spec.endswith(".") else spec).split(".")
    return len(labels) >= 2 and bool(_TOPLABEL.match(labels[-1]))


def expand(state: _State, spec: str, domain: str, *, explain: bool = False) -> str:
    """§7.3: the macro-string with every macro expanded."""

    def one(m: re.Match[str]) -> str:
        if m.group(5) is not None:
            return {"%": "%", "_": " ", "-": "%20"}.get(m.group(5), "")
        letter = m.group(1)
        value = _macro_value(state, letter.lower(), domain)
        delimiters = m.group(4) or "."
        parts = re.split("[" + re.escape(delimiters) + "]", value)
        if m.group(3):
            parts.reverse()
        if m.group(2):
            parts = parts[-int(m.group(2)) :]
        out = ".".join(parts)
        if letter.isupper():
            out = urllib.parse.quote(out, safe="-._~")
        return out

    return _MACRO.sub(one, spec)


def _macro_value(state: _State, letter: str, domain: str) -> str:
    local, _, sender_domain = state.sender.rpartition("@")
    if letter == "s":
        return state.sender
    if letter == "l":
        return local
    if letter == "o":
        return sender_domain
    if letter == "d":
        return domain
    if letter == "h":
        return state.helo
    if letter == "v":
        return "in-addr" if state.family == 4 else "ip6"
    if letter == "i":
        ip = state.ip
        if isinstance(ip, ipaddress.IPv6Address):
            return ".".join(ip.exploded.replace(":", "").upper())  # as the RFC 7208 suite has it
        return str(ip)
    if letter == "c":
        return str(state.ip)
    if letter == "r":
        return "unknown"
    if letter == "t":
        return "0"
    if letter == "p":
        return _validated_name(state, domain) or "unknown"
    return ""


def _target(state: _State, spec: str, domain: str) -> str | None:
    """The expanded domain-spec as a query name (cut from the left past 253 characters)."""
    name = expand(state, spec, domain).rstrip(".").lower() if spec else domain
    while len(name) > MAX_DOMAIN and "." in name:
        name = name.split(".", 1)[1]
    labels = name.split(".")
    if not name or any(not 0 < len(label) <= 63 for label in labels):
        return None
    return name


def _addresses(state: _State, name: str, *, count_void: bool) -> list[str] | None:
    """The A or AAAA records of name (the client's family); None for a temporary failure."""
    rdtype = "A" if state.family == 4 else "AAAA"
    answer = state.query(name, rdtype)
    if answer.status.temporary:
        return None
    if count_void:
        state.void(answer)
    return [r.decode("ascii", "replace") for r in answer.joined()]


def _in(state: _State, addresses: list[str], cidr4: int | None, cidr6: int | None) -> bool:
    bits = (
        (cidr4 if cidr4 is not None else 32)
        if state.family == 4
        else (cidr6 if cidr6 is not None else 128)
    )
    for a in addresses:
        net = _network(f"{a}/{bits}")
        if net is not None and state.ip in net:
            return True
    return False


@functools.lru_cache(maxsize=4096)  # the same records' addresses, message after message
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _term_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An ip4 or ip6 term's network (_ip_term has checked it parses)."""
    return ipaddress.ip_network(text, strict=False)


def _temporary(answer_name: str, rdtype: str) -> _Abort:
    return _Abort(SpfResult.TEMPERROR, SpfProblem.DNS_TEMPORARY,
                  f"{rdtype} {answer_name}: the lookup failed (temporary)")  # fmt: skip


def _matches(state: _State, t: _Term, domain: str) -> bool:
    """§5: whether one mechanism matches the client."""
    if t.name == "all":
        return True
    if t.name in ("ip4", "ip6"):
        net = _term_network(f"{t.arg}/{t.cidr4 if t.name == 'ip4' else t.cidr6}")
        return state.family == net.version and state.ip in net
    state.count(t.text, domain)
    target = _target(state, t.arg, domain)
    if t.name == "include":
        if target is None:
            raise _Abort(SpfResult.PERMERROR, SpfProblem.INCLUDE_NONE,
                         f"include:{t.arg} of {domain} is not a domain name")  # fmt: skip
        result, _, _ = _check(state, target, explain=False)  # §6.2: not the include's exp
        if result is SpfResult.NONE:
            raise _Abort(SpfResult.PERMERROR, SpfProblem.INCLUDE_NONE,
                         f"include:{target} (in {domain}) publishes no SPF record (§5.2)")  # fmt: skip
        return result is SpfResult.PASS
    if target is None:
        return False  # a name that cannot be asked matches nothing
    if t.name == "a":
        found = _addresses(state, target, count_void=True)
        if found is None:
            raise _temporary(target, "A/AAAA")
        return _in(state, found, t.cidr4, t.cidr6)
    if t.name == "exists":
        answer = state.query(target, "A")  # §5.7: always A, whatever the client's family
        if answer.status.temporary:
            raise _temporary(target, "A")
        state.void(answer)
        return bool(answer.records)
    if t.name == "mx":
        answer = state.query(target, "MX")
        if answer.status.temporary:
            raise _temporary(target, "MX")
        state.void(answer)
        hosts = [r.decode("ascii", "replace").split()[-1].rstrip(".") for r in answer.joined()]
        if len(hosts) > MAX_NAMES:
            raise _Abort(SpfResult.PERMERROR, SpfProblem.TOO_MANY_LOOKUPS,
                         f"mx of {target} names {len(hosts)} hosts, more than {MAX_NAMES} (§4.6.4)")  # fmt: skip
        for host in sorted(hosts):
            if not host:
                continue
            found = _addresses(state, host, count_void=False)
            if found is None:
                raise _temporary(host, "A/AAAA")
            if _in(state, found, t.cidr4, t.cidr6):
                return True
        return False
    # ptr (§5.5): a validated reverse name at or under the target
    name = _validated_name(state, target, count=True)
    return name is not None and (name == target or name.endswith("." + target))


def _validated_name(state: _State, domain: str, *, count: bool = False) -> str | None:
    """§5.5: a name of the client's PTR records whose A/AAAA include the client, preferring
    one at or under domain; DNS errors make names not match (never temperror)."""
    answer = state.query(state.ip.reverse_pointer, "PTR")
    if count and not answer.status.temporary:
        state.void(answer)
    names = [r.decode("ascii", "replace").rstrip(".").lower() for r in answer.joined()]
    valid: list[str] = []
    for name in names[:MAX_NAMES]:
        found = _addresses(state, name, count_void=False)
        if found and _in(state, found, None, None):
            valid.append(name)
    for name in valid:
        if name == domain or name.endswith("." + domain):
            return name
    return valid[0] if valid else None


def _explanation(state: _State, term: _Term, domain: str) -> str | None:
    """§6.2: the exp= text for a fail; any problem with it gives no explanation."""
    try:
        target = _target(state, term.arg, domain)
    except _Abort:
        return None
    if target is None:
        return None
    answer = state.query(target, "TXT")
    records = answer.joined()
    if answer.status is not DnsStatus.OK or len(records) != 1:
        return None
    text = records[0].decode("utf-8", "replace")
    if not text.isascii() or not _macro_ok(text.replace(" ", ""), explain=True):
        return None
    return expand(state, text, domain, explain=True)
