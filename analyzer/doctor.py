"""The DNS set-up doctor (`dkim-analyzer dns DOMAIN`): check DKIM records before any mail exists.

For each selector it asks what a receiver asks (the TXT record at
`s._domainkey.DOMAIN`, through any CNAME), walks the CNAME chain one query per
hop so a break shows where it is, parses every key record, probes for the
usual publishing mistakes, and asks each of the zone's authoritative servers
directly, to tell a record that is still propagating from one that was never
published. Amazon SES Easy DKIM tokens are checked as the CNAMEs SES expects.

All DNS goes through the resolver given (analyzer/dns.py); findings are
values whose words come from explain.py. Nothing here prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum

from analyzer import dmarc as dmarc_lookup
from analyzer.classify import organizational_domain
from analyzer.diagnose import WEAK_RSA_BITS, dns_budget_findings, finding
from analyzer.diagnose_auth import record_findings
from analyzer.dns import (
    MAX_CNAME_HOPS,
    RUN_DNS_LOOKUPS,
    RUN_DNS_SECONDS,
    RUN_DNS_TIMEOUTS,
    BudgetResolver,
    DnsPythonResolver,
    Nameserver,
    Resolver,
)
from analyzer.keys import MAX_KEY_RECORDS, key_name, parse_key_record, service_allows_email
from analyzer.model import (
    Dmarc,
    DmarcStatus,
    DnsAnswer,
    DnsStatus,
    Finding,
    KeyProblem,
    KeyRecord,
    Outcome,
    Probe,
    ProbeKind,
    Reason,
    Severity,
    SpfEvaluation,
    Value,
    only_temporary,
    worst_first,
)
from analyzer.probes import probe_key
from analyzer.spf import lint as spf_lint
from analyzer.verify import MIN_RSA_BITS, load_public_key

SES_DKIM_DOMAIN = (
    "dkim.amazonses.com"  # Easy DKIM: <token>._domainkey.D CNAME <token>.dkim.amazonses.com
)
_SES_REGIONAL = re.compile(r"[a-z0-9]+\.dkim\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonses\.com")
WORKERS = 8  # selectors (and authoritative servers) asked in parallel

# Selectors tried when none is given: the defaults of common signers and platforms.
COMMON_SELECTORS = (
    "default",
    "dkim",
    "mail",
    "email",
    "key1",
    "dkim1",
    "s1",
    "s2",  # generic; SendGrid s1/s2
    "selector1",
    "selector2",  # Microsoft 365
    "google",  # Google Workspace
    "k1",
    "k2",
    "k3",  # Mailchimp / Mandrill, Mailgun
    "mx",
    "smtp",
    "pm",
    "mandrill",
    "mailjet",
    "zoho",
    "sig1",  # Mailgun, Postmark, iCloud ...
    "fm1",
    "fm2",
    "fm3",  # Fastmail
    "protonmail",
    "protonmail2",
    "protonmail3",  # Proton
)


class SelectorSource(StrEnum):
    SELECTOR = "selector"  # --selector
    SES_TOKEN = "ses_token"  # --ses-token (Easy DKIM)
    COMMON = "common"  # found among COMMON_SELECTORS


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """One TXT record at the selector and what it is worth as a key."""

    raw: bytes
    record: KeyRecord | None  # None when the record does not parse
    problem: KeyProblem | None  # why it is unusable (parse or key decoding), if it is
    bits: int | None

    @property
    def usable(self) -> bool:
        r = self.record
        return (
            r is not None
            and self.problem is None
            and bool(r.public_key)
            and service_allows_email(r)
            and (r.key_type != "rsa" or (self.bits or 0) >= MIN_RSA_BITS)
        )


@dataclass(frozen=True, slots=True)
class ServerView:
    """What one authoritative server holds at a name, asked directly."""

    server: str
    answer: DnsAnswer
    holds: tuple[str, ...] | None  # None: no answer; (): nothing; else the CNAME or TXT values


@dataclass(frozen=True, slots=True)
class SelectorCheck:
    selector: str
    domain: str
    source: SelectorSource
    answer: DnsAnswer  # the TXT query, as a receiver makes it
    hops: tuple[DnsAnswer, ...]  # one CNAME query per hop, from the selector's name on
    keys: tuple[KeyCheck, ...]
    probes: tuple[Probe, ...]
    propagation: tuple[ServerView, ...]
    findings: tuple[Finding, ...]
    expected_target: str | None  # Easy DKIM: the CNAME target SES expects
    usable: bool

    @property
    def name(self) -> str:
        return key_name(self.selector, self.domain)

    @property
    def outcome(self) -> Outcome:
        """PASS when usable; TEMPORARY when only temporary errors (DNS failures, a record
        still propagating) stand in the way; FAIL otherwise."""
        return Outcome.decide(self.usable, only_temporary(self.findings))


@dataclass(frozen=True, slots=True)
class Authority:
    """The zone's authoritative servers and the lookups that found them."""

    zone: str | None
    servers: tuple[Nameserver, ...]
    answers: tuple[DnsAnswer, ...] = ()
    given: bool = False  # from --authoritative rather than looked up


@dataclass(frozen=True, slots=True)
class DoctorReport:
    domain: str
    selectors: tuple[SelectorCheck, ...]
    common_tried: tuple[str, ...]  # the selectors tried when none was given
    authority: Authority | None  # None: propagation not checked
    dmarc: Dmarc
    findings: tuple[Finding, ...]  # about the domain rather than one selector
    spf: SpfEvaluation | None = None  # the domain's SPF record, linted (issue 13)

    @property
    def outcome(self) -> Outcome:
        """Asked selectors: all usable. Common selectors: at least one found usable."""
        results = [c.outcome for c in self.selectors]
        if self.common_tried:
            passed = Outcome.PASS in results
            return Outcome.decide(passed, Outcome.TEMPORARY in results)
        return Outcome.worst(results) if results else Outcome.FAIL


def ses_target(token: str) -> str:
    return f"{token}.{SES_DKIM_DOMAIN}"


def ses_target_ok(expected: str, target: str | None) -> bool:
    """The usual target, or a regional one (<token>.dkim.<region>.amazonses.com), which
    some newer SES regions likely hand out."""
    if target is None:
        return False
    token = expected.split(".", 1)[0]
    return target == expected or (
        bool(_SES_REGIONAL.fullmatch(target)) and target.startswith(token + ".")
    )


def run(
    resolver: Resolver,
    domain: str,
    *,
    selectors: Sequence[str] = (),
    ses_tokens: Sequence[str] = (),
    authority: Authority | None = None,
    propagation: bool = True,
    ns_port: int = 53,
    timeout: float = 5.0,
    zones_only: bool = False,
) -> DoctorReport:
    """Check every selector (or the common ones), the authoritative servers and DMARC.

    `zones_only`: the resolver answers only from zone files (--zone), so the domain's NS
    servers are not asked beyond them; servers given in `authority` still are."""
    propagation = propagation and (not zones_only or authority is not None)
    domain = domain.lower().rstrip(".")
    # One DNS deadline and lookup count for the whole run (issue 11.8, README "Limits").
    seconds = max(RUN_DNS_SECONDS, RUN_DNS_TIMEOUTS * timeout)
    resolver = budget = BudgetResolver(resolver, seconds=seconds, lookups=RUN_DNS_LOOKUPS)
    asked: list[tuple[str, SelectorSource, str | None]]
    asked = [(s, SelectorSource.SELECTOR, None) for s in selectors]
    asked += [(t, SelectorSource.SES_TOKEN, ses_target(t)) for t in ses_tokens]
    common = not asked
    if common:
        asked = [(s, SelectorSource.COMMON, None) for s in COMMON_SELECTORS]

    # Step 1: the selectors as a receiver sees them.
    with ThreadPoolExecutor(WORKERS) as pool:
        checks = list(pool.map(lambda a: _check(resolver, domain, a[0], a[1], a[2], common), asked))
    if common:
        # Only what exists is worth reporting (or might exist: a temporary failure; a
        # selector left unasked by the budget is told once, by dns_budget_exhausted).
        checks = [
            c
            for c in checks
            if c.answer.status is DnsStatus.OK
            or (c.answer.status.temporary and c.answer.status is not DnsStatus.BUDGET)
        ]

    # Step 2: each authoritative server, asked directly.
    if propagation:
        authority = authority or find_authority(resolver, domain, ns_port)
        checks = [_with_propagation(c, authority, timeout) for c in checks]
    else:
        authority = None
    checks = [_with_findings(c) for c in checks]

    # Step 3: what the domain's DMARC record asks of DKIM.
    dmarc = dmarc_lookup.lookup(resolver, domain)
    found = _domain_findings(domain, checks, authority, dmarc, common)
    # Step 4: the domain's SPF record: syntax, lookups, void lookups (issue 13).
    spf = spf_lint(resolver, domain)
    found = worst_first([*found, *record_findings(spf), *dns_budget_findings(budget)])
    tried = COMMON_SELECTORS if common else ()
    return DoctorReport(domain, tuple(checks), tried, authority, dmarc, found, spf)


def _domain_findings(
    domain: str,
    checks: Sequence[SelectorCheck],
    authority: Authority | None,
    dmarc: Dmarc,
    common: bool,
) -> tuple[Finding, ...]:
    fields: dict[str, Value] = {"d": domain, "org": organizational_domain(domain)}
    out: list[Finding] = []
    if common and not any(c.usable for c in checks):
        tried = ", ".join(COMMON_SELECTORS)
        out.append(_finding("no_common_selector", Severity.ERROR,
                            {**fields, "count": len(COMMON_SELECTORS), "detail": tried}))  # fmt: skip
    if authority is not None and not authority.servers:
        out.append(_finding("authoritative_unknown", Severity.INFO, fields,
                            evidence=authority.answers))  # fmt: skip
    bad = dmarc_lookup.malformed(dmarc)
    if bad is not None:
        out.append(_finding("dmarc_invalid", Severity.WARNING,
                            {**fields, "name": bad[0], "detail": bad[1]},
                            evidence=dmarc.answers))  # fmt: skip
    elif dmarc.status is DmarcStatus.NONE:
        names = " or ".join(a.name.rstrip(".") for a in dmarc.answers if a.rdtype == "TXT")
        out.append(_finding("dmarc_not_found", Severity.WARNING, {**fields, "names": names},
                            evidence=dmarc.answers))  # fmt: skip
    return worst_first(out)


# --- one selector -----------------------------------------------------------------------------


def _check(
    resolver: Resolver,
    domain: str,
    selector: str,
    source: SelectorSource,
    expected: str | None,
    quick: bool,
) -> SelectorCheck:
    name = key_name(selector, domain)
    answer = resolver.query(name, "TXT")
    if quick and answer.status in (DnsStatus.NXDOMAIN, DnsStatus.NODATA):
        # A common selector that is simply absent: no forensics, it is not reported.
        return SelectorCheck(selector, domain, source, answer, (), (), (), (), (), None, False)
    hops = cname_hops(resolver, name)
    keys: tuple[KeyCheck, ...] = ()
    if answer.status is DnsStatus.OK:
        keys = tuple(key_check(raw) for raw in answer.joined()[:MAX_KEY_RECORDS])
    usable = any(k.usable for k in keys)
    if expected is not None:
        # Easy DKIM: SES looks for the CNAME itself, not just for a key behind the name.
        usable = usable and ses_target_ok(expected, _cname_target(hops))
    probes = () if usable else probe_key(resolver, selector, domain, answer)
    return SelectorCheck(
        selector, domain, source, answer, hops, keys, probes, (), (), expected, usable
    )


def check_selector(resolver: Resolver, domain: str, selector: str) -> SelectorCheck:
    """One selector as `run` checks it, without propagation (for `byodkim --check-dns`)."""
    domain = domain.lower().rstrip(".")
    check = _check(resolver, domain, selector, SelectorSource.SELECTOR, None, False)
    return _with_findings(check)


def cname_hops(resolver: Resolver, name: str) -> tuple[DnsAnswer, ...]:
    """Ask for the CNAME at `name`, then at its target, and so on: one answer per hop.

    The last answer is the one that is not a CNAME (NODATA at a name holding the
    TXT record, NXDOMAIN at a dangling target, a failure); none when `name`
    itself is no CNAME.
    """
    hops: list[DnsAnswer] = []
    seen = {name.lower().rstrip(".")}
    current = name
    for _ in range(MAX_CNAME_HOPS):
        answer = resolver.query(current, "CNAME")
        if answer.status is not DnsStatus.OK and not hops:
            return (answer,) if answer.status.temporary else ()
        hops.append(answer)
        if answer.status is not DnsStatus.OK:
            break
        current = answer.records[0][0].decode("ascii", "replace").rstrip(".").lower()
        if current in seen:
            break
        seen.add(current)
    return tuple(hops)


def _cname_target(hops: tuple[DnsAnswer, ...]) -> str | None:
    """The selector's own CNAME target, when the first hop is one."""
    if hops and hops[0].status is DnsStatus.OK:
        return hops[0].records[0][0].decode("ascii", "replace").rstrip(".").lower()
    return None


def key_check(raw: bytes) -> KeyCheck:
    parsed = parse_key_record(raw)
    if isinstance(parsed, KeyProblem):
        return KeyCheck(raw, None, parsed, None)
    if not parsed.public_key:  # revoked: nothing to decode
        return KeyCheck(raw, parsed, None, None)
    loaded = load_public_key(parsed)
    if isinstance(loaded, KeyProblem):
        return KeyCheck(raw, parsed, loaded, None)
    return KeyCheck(raw, parsed, None, loaded.bits)


# --- propagation ------------------------------------------------------------------------------


def find_authority(resolver: Resolver, domain: str, port: int = 53) -> Authority:
    """The zone cut above `domain` (NS records, walking up to the organizational domain),
    and the addresses of its servers, all asked through the resolver."""
    answers: list[DnsAnswer] = []
    org = organizational_domain(domain)
    name = domain
    while True:
        answer = resolver.query(name, "NS")
        answers.append(answer)
        if answer.status is DnsStatus.OK:
            break
        if answer.status.temporary or name == org or "." not in name:
            return Authority(None, (), tuple(answers))
        name = name.split(".", 1)[1]
    servers: list[Nameserver] = []
    for ns in sorted({r[0].decode("ascii", "replace").rstrip(".").lower() for r in answer.records}):
        for rdtype in ("A", "AAAA"):
            addresses = resolver.query(ns, rdtype)
            answers.append(addresses)
            if addresses.status is DnsStatus.OK:
                for (address,) in addresses.records:
                    host = address.decode("ascii")
                    shown = Nameserver(host, port)
                    servers.append(Nameserver(host, port, f"{ns} ({shown})"))
                break
    return Authority(name, tuple(servers), tuple(answers))


def holds(answer: DnsAnswer) -> tuple[str, ...] | None:
    """What an answer says is published at its own name: its CNAME, its TXT values,
    nothing (NXDOMAIN, NODATA) or None when there was no real answer."""
    own = answer.name.lower()
    if answer.cname_chain and answer.cname_chain[0][0] == own:
        return (f"CNAME {answer.cname_chain[0][1]}",)
    if answer.status is DnsStatus.OK:
        return tuple(sorted(r.decode("utf-8", "replace") for r in answer.joined()))
    if answer.status.temporary:
        return None
    return ()


def _with_propagation(check: SelectorCheck, authority: Authority, timeout: float) -> SelectorCheck:
    def ask(ns: Nameserver) -> ServerView:
        answer = DnsPythonResolver([ns], timeout).ask(check.name, "TXT")
        return ServerView(str(ns), answer, holds(answer))

    with ThreadPoolExecutor(WORKERS) as pool:
        views = tuple(pool.map(ask, authority.servers))
    return replace(check, propagation=views)


# --- findings ---------------------------------------------------------------------------------


def _finding(
    code: str,
    severity: Severity,
    fields: Mapping[str, Value],
    *,
    variant: str | None = None,
    evidence: Iterable[DnsAnswer] = (),
) -> Finding:
    """diagnose.finding, with DNS answers as its evidence."""
    return finding(code, severity, fields, variant=variant, evidence=evidence)


_PENDING = ("propagation_incomplete", "resolver_cache_stale")  # the record is on its way


def _with_findings(check: SelectorCheck) -> SelectorCheck:
    own = _selector_findings(check)
    spread = _propagation_findings(check)
    if holds(check.answer) == () and any(f.code in _PENDING for f in spread):
        # Published, but not visible here yet: that is the explanation, not "no key" (which
        # would tell the user to publish what they already have), and it is temporary.
        own = [f for f in own if f.code != "key_not_found"]
        spread = [replace(f, severity=Severity.ERROR) if f.code in _PENDING else f for f in spread]
    return replace(check, findings=worst_first(own + spread))


class _Collector:
    """Findings about one selector: the catalogue fields and evidence they share."""

    def __init__(self, c: SelectorCheck, evidence: Sequence[DnsAnswer]) -> None:
        self.fields: dict[str, Value] = {"d": c.domain, "s": c.selector, "key": c.name}
        self.evidence = evidence
        self.found: list[Finding] = []

    def add(
        self,
        code: str,
        severity: Severity,
        *,
        variant: str | None = None,
        evidence: Iterable[DnsAnswer] | None = None,
        **more: Value,
    ) -> None:
        self.found.append(
            _finding(code, severity, {**self.fields, **more}, variant=variant,
                     evidence=self.evidence if evidence is None else evidence)
        )  # fmt: skip


def _selector_findings(c: SelectorCheck) -> list[Finding]:
    answer = c.answer
    out = _Collector(c, (answer,))
    add = out.add
    target = _cname_target(c.hops)
    doubled = next(
        (
            p.answer
            for p in c.probes
            if p.kind is ProbeKind.DOUBLED_NAME and (p.found or p.answer.cname_chain)
        ),
        None,
    )
    explained = False  # a finding above already says why there is no key

    # Easy DKIM: the selector must be a CNAME to <token>.dkim.amazonses.com (RFC 1034 §3.6.2).
    if c.expected_target is not None:
        if target is None and doubled is not None:
            add("dns_name_doubled", Severity.ERROR, variant="dns", evidence=(answer, doubled),
                doubled=doubled.name.rstrip("."))  # fmt: skip
            explained = True
        elif target is None and not (c.hops and c.hops[0].status.temporary):
            txt_instead = answer.status is DnsStatus.OK
            add("cname_missing", Severity.ERROR, expected=c.expected_target,
                variant="txt" if txt_instead else None)  # fmt: skip
            explained = True
        elif target is not None and not ses_target_ok(c.expected_target, target):
            add("cname_wrong_target", Severity.ERROR, evidence=c.hops[:1],
                expected=c.expected_target, target=target)  # fmt: skip
            explained = True  # a key missing behind the wrong target is its consequence

    # What was pasted into the record: PEM armour, quotes, line breaks.
    for raw in answer.joined():
        if b"-----BEGIN" in raw or b"-----END" in raw:
            add("key_record_has_pem_armor", Severity.ERROR)
        if b'"' in raw:
            add("key_record_has_quotes", Severity.ERROR)
        if b"\n" in raw or b"\r" in raw:
            add("key_record_has_line_breaks", Severity.WARNING)

    if answer.status.temporary:
        if target is not None and answer.status is DnsStatus.SERVFAIL:
            # The guide's case: the CNAME answers, the TXT query through it fails.
            add("dns_servfail", Severity.ERROR, variant="cname", target=target,
                evidence=(*c.hops, answer), server=answer.server or "the resolver")  # fmt: skip
        else:
            code = {DnsStatus.SERVFAIL: "dns_servfail", DnsStatus.TIMEOUT: "dns_timeout"}.get(
                answer.status, "dns_error"
            )
            detail = f"{answer.status.value} for {answer.name}"
            detail += f" from {answer.server}" if answer.server else ""
            detail += f" ({answer.detail})" if answer.detail else ""
            add(code, Severity.ERROR, detail=detail)
    elif answer.status is not DnsStatus.OK:
        chain_end = answer.cname_chain[-1][1] if answer.cname_chain else target
        if explained:
            pass
        elif chain_end is not None:
            add("cname_target_missing", Severity.ERROR, variant="dns",
                target=chain_end.rstrip("."),
                status=answer.status.value, evidence=(*c.hops, answer))  # fmt: skip
        elif doubled is not None:
            add("dns_name_doubled", Severity.ERROR, variant="dns", evidence=(answer, doubled),
                doubled=doubled.name.rstrip("."))  # fmt: skip
        else:
            add("key_not_found", Severity.ERROR, variant=answer.status.value)
    else:
        _key_findings(c, out)
    return out.found


def _key_findings(c: SelectorCheck, out: _Collector) -> None:
    if len(c.answer.records) > 1:
        out.add("multiple_key_records", Severity.WARNING, count=len(c.answer.records))
    for k in c.keys:
        r = k.record
        if k.problem is not None:  # key_syntax or key_too_long
            out.add(k.problem.reason.value, Severity.ERROR, detail=k.problem.detail)
            continue
        assert r is not None
        if not r.public_key:
            out.add(Reason.KEY_REVOKED.value, Severity.ERROR)
            continue
        if not service_allows_email(r):
            out.add(Reason.KEY_SERVICE_MISMATCH.value, Severity.ERROR,
                    detail="s=" + ":".join(r.services))  # fmt: skip
        bits = k.bits or 0
        if r.key_type == "rsa" and bits < MIN_RSA_BITS:
            out.add(Reason.KEY_TOO_SHORT.value, Severity.ERROR, variant="dns",
                    bits=bits)  # fmt: skip
        elif r.key_type == "rsa" and bits < WEAK_RSA_BITS:
            out.add("weak_key", Severity.WARNING, bits=bits)
        if r.testing:
            out.add("key_testing_mode", Severity.WARNING)


def _propagation_findings(c: SelectorCheck) -> list[Finding]:
    """Compare the authoritative servers with each other and with the resolver (RFC 1034 §4.3.2:
    a resolver keeps an answer, negative ones too (RFC 2308), until its TTL runs out)."""
    views = c.propagation
    if not views:
        return []
    out = _Collector(c, [v.answer for v in views])
    out.fields["total"] = len(views)
    silent = [v for v in views if v.holds is None]
    having = [v for v in views if v.holds]
    lacking = [v for v in views if v.holds == ()]
    if silent:
        out.add("authoritative_unreachable", Severity.WARNING, servers=_names(silent))
    if having and lacking:
        out.add("propagation_incomplete", Severity.WARNING, servers=_names(lacking),
                having=_names(having))  # fmt: skip
    values = {v.holds for v in having}
    if len(values) > 1:
        out.add("authoritative_disagree", Severity.WARNING, count=len(values))
    ours = holds(c.answer)
    if lacking and not having and not silent and not ours:
        out.add("not_on_authoritative", Severity.INFO)
    elif len(values) == 1 and not lacking and ours is not None and ours not in values:
        ttl = c.answer.ttl if c.answer.ttl is not None else "?"
        out.add("resolver_cache_stale", Severity.WARNING, ttl=ttl,
                evidence=[c.answer, *out.evidence])  # fmt: skip
    return out.found


def _names(views: Iterable[ServerView]) -> str:
    return ", ".join(v.server for v in views)
