"""`dkim-analyzer dns DOMAIN`: a domain's DKIM set-up in DNS, before any message exists."""

from __future__ import annotations

import argparse

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


def define() -> options.Parser:
    parser = options.command_parser(
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
    parser.add_argument("domain", metavar="DOMAIN", help=argparse.SUPPRESS)
    what = parser.add_argument_group("What to check")
    what.add_argument("--selector", metavar="S", action="append", default=[],
                      help="Check S._domainkey.DOMAIN; repeatable.")  # fmt: skip
    what.add_argument("--ses-token", metavar="T", action="append", default=[],
                      help="An Amazon SES Easy DKIM token: check the CNAME to "
                      "T.dkim.amazonses.com and its key; repeatable.")  # fmt: skip
    prop = parser.add_argument_group("Propagation")
    prop.add_argument("--authoritative", metavar="HOST[:PORT]", action="append", default=[],
                      help="Ask these servers as the zone's authoritative servers; "
                      "repeatable. Default: the domain's NS records.")  # fmt: skip
    prop.add_argument("--ns-port", metavar="PORT", type=options.integer("--ns-port", 1, 65535),
                      default=53, help="Port of the servers found from NS records: 53 by "
                      "default.")  # fmt: skip
    prop.add_argument("--no-propagation", action="store_true",
                      help="Do not ask the authoritative servers.")  # fmt: skip
    out = parser.add_argument_group("Output")
    options.add_format(out, ("text", "json"), "text (the default) or json.")
    options.add_lang(out, "the findings")
    return options.finish(parser)


def run(args: argparse.Namespace) -> int:
    from analyzer import doctor
    from analyzer.dns import parse_nameserver
    from analyzer.render import doctor as doctor_render

    name = options.domain_name(args.domain, "DOMAIN")
    selectors = [options.domain_name(s, "--selector") for s in args.selector]
    tokens: list[str] = list(args.ses_token)
    for token in tokens:
        if not token.isalnum():
            raise UsageError(
                f"--ses-token {token!r}: expected the token alone (letters "
                "and digits), as the SES console lists it"
            )
    authority = None
    if args.authoritative:
        servers = tuple(parse_nameserver(s, "--authoritative") for s in args.authoritative)
        authority = doctor.Authority(None, servers, given=True)
    lang = options.output_lang(args, args.format)
    with options.resolver(args)() as resolver:
        report = doctor.run(
            resolver,
            name,
            selectors=selectors,
            ses_tokens=tokens,
            authority=authority,
            propagation=not args.no_propagation,
            zones_only=bool(args.zone),
            ns_port=args.ns_port,
            timeout=args.timeout,
            lang=lang,
        )
    if args.format == "json":
        write_stdout(doctor_render.render_json(report, lang=lang) + "\n")
    else:
        write_stdout(doctor_render.render_text(report, lang=lang, width=options.terminal_width()))
    return int(report.outcome)
