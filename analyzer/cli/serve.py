"""`dkim-analyzer serve`: a local web page to paste headers or drop a message (analyzer/web/)."""

from __future__ import annotations

from typing import Annotated

from analyzer.cli import options

SUMMARY = "Serve a local web page: paste headers or drop a message."
EXIT_CODES = """\
  0    stopped with Ctrl-C
  2    usage error (a bad --now, a zone file that does not parse, a port in use)
  70   a bug in this tool"""


app = options.app()


@options.register(
    app,
    "serve",
    usage="[OPTIONS]",
    description=SUMMARY + "\n\nPrints the URL and serves until Ctrl-C, on loopback unless "
    "--host says\notherwise. Nothing pasted is stored or logged.",
    examples=[
        "dkim-analyzer serve --open",
        "dkim-analyzer serve --port 8080 --zone fixtures/ses-two-signatures/zone",
    ],
    exit_codes=EXIT_CODES,
)
def serve(
    host: Annotated[str, options.option("--host", group="Where to listen", metavar="HOST",
                    help="Address to listen on: 127.0.0.1 (loopback only) by default; "
                    "a warning when it is not loopback.")] = "127.0.0.1",
    port: Annotated[int, options.option("--port", group="Where to listen", metavar="N",
                    parser=options.integer("--port", 0, 65535), help="Port to listen on: "
                    "8025 by default, 0 for any free port.")] = 8025,
    open_browser: Annotated[bool, options.option("--open", group="Where to listen",
                            help="Open the page in a web browser.")] = False,
    now: options.Now = None,
    nameserver: options.Nameservers = None,
    timeout: options.Timeout = 5.0,
    zone: options.Zones = None,
) -> int:  # fmt: skip
    from analyzer.web.app import Settings, serve_command

    options.parse_now(now)  # refused here, not at the first request
    dns = options.resolver(nameserver, timeout, zone)  # one resolver per request
    with dns():
        pass  # a zone file that does not parse is refused here too
    settings = Settings(dns, lambda: options.parse_now(now), host=host, port=port)
    serve_command(settings, open_browser=open_browser, say=lambda line: print(line, flush=True))
    return 0
