"""`dkim-analyzer dns DOMAIN`: a domain's DKIM set-up in DNS, before any message exists."""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer.cli import options
from analyzer.cli.output import write_stdout
from analyzer.errors import UsageError

SUMMARY = "Check a domain's DKIM records: selectors, SES CNAMEs, DMARC."
EXIT_CODES = """\
  0    every selector asked has a usable key (Easy DKIM: and the right CNAME)
  1    one does not
  75   only temporary problems: SERVFAIL, a timeout, a record still spreading
  2    usage error (a bad DOMAIN, a token with dots, a bad --authoritative)
  70   a bug in this tool;  130 interrupted"""


app = options.app()


@options.register(
    app,
    "dns",
    usage="[OPTIONS] DOMAIN",
    description=SUMMARY + "\n\nWithout --selector or --ses-token, the common selectors "
    "are tried and\nthose found reported.",
    examples=[
        "dkim-analyzer dns example.com --selector s2025",
        "dkim-analyzer dns example.com --ses-token TOKEN1 --ses-token TOKEN2",
        "dkim-analyzer dns example.com",
    ],
    exit_codes=EXIT_CODES,
)
def dns(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", hidden=True)],
    selector: Annotated[list[str] | None, options.option("--selector", group="What to check",
                        metavar="S", help="Check S._domainkey.DOMAIN; repeatable.")] = None,
    ses_token: Annotated[list[str] | None, options.option("--ses-token",
                         group="What to check", metavar="T", help="An Amazon SES Easy DKIM "
                         "token: check the CNAME to T.dkim.amazonses.com and its key; "
                         "repeatable.")] = None,
    authoritative: Annotated[list[str] | None, options.option("--authoritative",
                             group="Propagation", metavar="HOST[:PORT]", help="Ask these "
                             "servers as the zone's authoritative servers; repeatable. "
                             "Default: the domain's NS records.")] = None,
    ns_port: Annotated[int, options.option("--ns-port", group="Propagation", metavar="PORT",
                       parser=options.integer("--ns-port", 1, 65535), help="Port of the "
                       "servers found from NS records: 53 by default.")] = 53,
    no_propagation: Annotated[bool, options.option("--no-propagation", group="Propagation",
                              help="Do not ask the authoritative servers.")] = False,
    fmt: options.TextOrJson = "text",
    lang: options.FindingsLang = None,
    nameserver: options.Nameservers = None,
    timeout: options.Timeout = 5.0,
    zone: options.Zones = None,
) -> int:  # fmt: skip
    from analyzer import doctor
    from analyzer.dns import parse_nameserver
    from analyzer.render import doctor as doctor_render

    name = options.domain_name(domain, "DOMAIN")
    selectors = [options.domain_name(s, "--selector") for s in selector or ()]
    tokens = list(ses_token or ())
    for token in tokens:
        if not token.isalnum():
            raise UsageError(
                f"--ses-token {token!r}: expected the token alone (letters "
                "and digits), as the SES console lists it"
            )
    authority = None
    if authoritative:
        servers = tuple(parse_nameserver(s, "--authoritative") for s in authoritative)
        authority = doctor.Authority(None, servers, given=True)
    lang = options.output_lang(lang, fmt)
    with options.resolver(nameserver, timeout, zone)() as resolver:
        report = doctor.run(
            resolver,
            name,
            selectors=selectors,
            ses_tokens=tokens,
            authority=authority,
            propagation=not no_propagation,
            zones_only=bool(zone),
            ns_port=ns_port,
            timeout=timeout,
        )
    if fmt == "json":
        write_stdout(doctor_render.render_json(report, lang=lang) + "\n")
    else:
        write_stdout(doctor_render.render_text(report, lang=lang, width=options.terminal_width()))
    return int(report.outcome)
