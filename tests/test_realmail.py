"""Real mail as the specification (issue 10): every message of ../shared/realmail in three
DNS worlds: "keys" (the recovered records of keys.zone, the messages' domains and TLDs
existing, as today), "empty" (every record gone, the domains still there: archived mail) and
"nothing" (a DNS that knows no name: an offline machine, issue 10 item 10).

ONE table, written after reading each message's headers by hand: per message, the expected
verdict of every signature (d=, result, reason, classification), the finding codes a
postmaster expects and those that would mislead, words that must (not) be said, the exit
code, and why. Each message is judged as of its delivery (`--now` = the date of its topmost
Received field), so t=/x= do not expire it by surprise.

`pending` expectations name the item of issue 10 they waited for; an item not yet in MERGED
makes them xfail(strict=True), so they fail loudly once they pass. All are merged now. The
corpus is not part of the project: the module skips when it is absent.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, message_domains, records_gone_zone, run_cli, top_level_zone
from tests.nanoserver import ZoneServer

REALMAIL = ROOT.parent / "shared" / "realmail"
pytestmark = pytest.mark.skipif(not REALMAIL.is_dir(), reason="../shared/realmail is absent")

Sig = tuple[str, str, str | None, str]  # d=, result, reason, classification
KNF = ("permerror", "key_not_found")


@dataclass(frozen=True)
class Row:
    message: str
    why: str  # what a postmaster sees in the headers, and so expects
    sigs: tuple[Sig, ...]  # with keys.zone; with the empty zone every key is gone
    exit: int = 1
    must: frozenset[str] = frozenset()  # finding codes, both zones
    keys_must: frozenset[str] = frozenset()  # ... with keys.zone only
    never: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()  # said somewhere in the JSON report, both zones
    keys_words: tuple[str, ...] = ()
    never_words: tuple[str, ...] = ()
    empty_must: frozenset[str] = frozenset()
    empty_words: tuple[str, ...] = ()
    exit_empty: int = 1
    # (zone "keys"|"empty", issue item, kind "must"|"never"|"never_words", value)
    pending: tuple[tuple[str, str, str, str], ...] = ()
    error: str | None = None  # the message is refused: this one-line error, exit 65


def R(message: str, why: str, *sigs: Sig, **kw: Any) -> Row:
    for key in ("must", "keys_must", "never", "empty_must"):
        if key in kw:
            kw[key] = frozenset(kw[key])
    return Row(message, why, tuple(sigs), **kw)


def gone(*zones_items: tuple[str, str]) -> tuple[tuple[str, str, str, str], ...]:
    """key_rotated expected where a trusted receiver recorded dkim=pass (issue 10 item 3)."""
    return tuple((zone, item, "must", "key_rotated") for zone, item in zones_items)


NO_ARC_FAIL_KEYS = ("keys", "10.1", "never", "arc_chain_failed")  # kernel.org ARC-Seal:i=1;
NO_ARC_FAIL_EMPTY = ("empty", "10.2", "never", "arc_chain_failed")  # a missing ARC key
# Microsoft 365's sets, then subspace.kernel.org's, whose own seal says cv=fail: the chain was
# failed when kernel.org received it (RFC 8617 §5.2 step 2), and the report must say so.
BROKEN_BEFORE_KERNELORG = "already broken when subspace.kernel.org sealed the message"
# Items of issue 10 merged on main: their pending expectations are plain assertions now.
MERGED = {"10.1", "10.2", "10.3", "10.6", "10.10", "10.11"}

TABLE: list[Row] = [
    R("blaze-001-github-sendgrid.eml",
      "GitHub notification through SendGrid, 2016: both signatures rsa-sha1 (RFC 8301 makes them "
      "fail), sendgrid.info is SendGrid's own; mx.google.com saw dmarc=pass (spf).",
      ("github.com", "policy", "weak_algorithm", "author"),
      ("sendgrid.info", "policy", "weak_algorithm", "provider"),
      must={"provider_signature"}, keys_must={"weak_algorithm", "weak_key"},
      keys_words=("SendGrid's own signature (d=sendgrid.info, s=smtpapi) uses rsa-sha1",
                  "SendGrid's key for its own signature (d=sendgrid.info, s=smtpapi)"),
      never_words=("gave you at smtpapi._domainkey.sendgrid.info",),
      pending=(("keys", "10.11", "never_words", "receivers apply p=reject"),
               *gone(("empty", "10.3")))),
    R("blaze-002-github.eml",
      "GitHub notification, Gmail download (Received by 2002:… IPv6 literal); key recovered.",
      ("github.com", "pass", None, "author"), exit=0, keys_must={"weak_key"},
      pending=(*gone(("empty", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("blaze-003-janestreet-google.eml",
      "Jane Street via Google Workspace, d=janestreet.com s=google; key recovered.",
      ("janestreet.com", "pass", None, "author"), exit=0, keys_must={"weak_key"},
      pending=gone(("empty", "10.3"))),
    R("blaze-004-discoursemail.eml",
      "Discourse forum mail: From and d= discoursemail.com (a List-ID, but the author signed).",
      ("discoursemail.com", "pass", None, "author"), exit=0, never={"author_signature_missing"},
      pending=(*gone(("empty", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("blaze-006-arm-o365.eml",
      "arm.com via Microsoft 365 to vger.kernel.org: two arm.com signatures, keys gone; ARC by "
      "Microsoft and subspace.kernel.org both record dkim=pass.",
      ("arm.com", *KNF, "author"), ("arm.com", *KNF, "author"),
      must={"arc_chain_failed"}, words=(BROKEN_BEFORE_KERNELORG,),
      pending=gone(("keys", "10.3"), ("empty", "10.3"))),
    R("blaze-mdir-mailchimp.eml",
      "Mailchimp campaign for bimbimgo.com: only Mailchimp's signatures (mailchimpapp.net, "
      "mcc.mcsv.net); the List-ID is Mailchimp's (list-id.mcsv.net), so provider, not list.",
      ("mailchimpapp.net", "pass", None, "provider"), ("mcc.mcsv.net", "pass", None, "provider"),
      must={"author_signature_missing", "provider_signature"},
      words=("Only Mailchimp's own signature is on this message",),
      never_words=("Amazon SES",),
      pending=(*gone(("empty", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("cipml-groupsio.eml",
      "Sent through Amazon SES, then groups.io (List-Id, Mailing-List at lists.cip-project.org) "
      "removed the author's signatures and signed as lists.cip-project.org: the list did it.",
      ("lists.cip-project.org", *KNF, "list"),
      must={"author_signature_missing"},
      words=("The mailing list cip-testing-results.lists.cip-project.org re-signed this message",
             "ARC-seal", "DMARC mitigation"),
      # keys.zone has no name under lists.cip-project.org: there the domain does not resolve
      empty_words=("Nothing for you to publish",),
      never_words=("Amazon SES did not sign", "In the SES console")),
    R("cipml-ses-mailman2-a.eml",
      "Sent through Amazon SES (ciplatform.org + amazonses.com), then Mailman 2.1 added a "
      "footer and a subject tag without signing; both keys gone, bh= fails for both.",
      ("ciplatform.org", *KNF, "author"), ("amazonses.com", *KNF, "provider"),
      must={"provider_signature", "body_hash_also_fails", "body_appended"},
      never={"author_signature_missing"},
      empty_words=("The key of Amazon SES's own signature (d=amazonses.com",),
      never_words=("gave you at gdwg2y3kokkkj5a55z2ilkup5wp5hhxx._domainkey.amazonses.com",)),
    R("cipml-ses-mailman2-b.eml",
      "As -a, another message of the same list and day.",
      ("ciplatform.org", *KNF, "author"), ("amazonses.com", *KNF, "provider"),
      must={"provider_signature", "body_hash_also_fails", "body_appended"},
      never={"author_signature_missing"},
      never_words=("gave you at gdwg2y3kokkkj5a55z2ilkup5wp5hhxx._domainkey.amazonses.com",)),
    R("flanker-gmail-iphone.eml",
      "flanker's fixture starts with a line of spaces (skipped). From somewhere.com, signed "
      "d=gmail.com only (third party); the body was edited after mx.google.com's dkim=pass "
      "(the fixture was anonymised): bh= fails whatever the key.",
      ("gmail.com", *KNF, "third_party"), must={"author_signature_missing", "body_hash_also_fails"}),
    R("flanker-gmail-multi-received.eml",
      "From example.com sent through Gmail, signed d=gmail.com only: a third party for DMARC.",
      ("gmail.com", *KNF, "third_party"), must={"author_signature_missing"}),
    R("flanker-o365-bounce.eml",
      "Microsoft 365 bounce from example.no, signed only d=examplenorge.onmicrosoft.com: the "
      "tenant's default domain, DKIM not enabled for example.no.",
      ("examplenorge.onmicrosoft.com", *KNF, "provider"),
      must={"author_signature_missing", "provider_signature"},
      words=("Microsoft 365 signed this message with the tenant's default domain",
             "Defender portal", "selector1._domainkey.example.no")),
    R("flanker-yahoo-bilingual.eml",
      "From example.com sent through Yahoo Mail, signed d=yahoo.com only (third party); "
      "mx.google.com recorded dkim=pass for it.",
      ("yahoo.com", *KNF, "third_party"), must={"author_signature_missing"},
      pending=gone(("keys", "10.3"), ("empty", "10.3"))),
    R("flanker-yahoo-russian.eml",
      "flanker's whitespace-first Yahoo file (the line of spaces is skipped): yahoo.com signed "
      "its own mail, key gone; mx.google.com (Gmail download) recorded dkim=pass header.i=@yahoo.com.",
      ("yahoo.com", *KNF, "author"), never={"author_signature_missing"},
      pending=gone(("keys", "10.3"), ("empty", "10.3"))),
    R("linuxman-gappssmtp-kernel-dk.eml",
      "kernel.dk on Google Workspace without its own DKIM: only d=kernel-dk.20230601."
      "gappssmtp.com; kernel.org's ARC recorded dkim=pass for it.",
      ("kernel-dk.20230601.gappssmtp.com", *KNF, "provider"),
      must={"author_signature_missing", "provider_signature"},
      words=("DKIM for kernel.dk is likely not turned on in Google Workspace",
             "Authenticate email", "google._domainkey.kernel.dk"),
      pending=(# kernel.org is not trusted to vouch (the trust rule): the provider wording stands
      NO_ARC_FAIL_KEYS, NO_ARC_FAIL_EMPTY)),
    R("linuxman-gmail.eml",
      "Gmail user to linux-man (vger keeps the author's signature); Gmail's key recovered.",
      ("gmail.com", "pass", None, "author"), exit=0,
      pending=(NO_ARC_FAIL_KEYS, NO_ARC_FAIL_EMPTY)),
    R("linuxman-helgefjell.eml",
      "helgefjell.de to linux-man; key gone; kernel.org's ARC recorded dkim=pass.",
      ("helgefjell.de", *KNF, "author"),
      # kernel.org's list sealed it (ARC verifies with keys.zone) and recorded dkim=pass, but
      # kernel.org is neither the final receiver nor the signer: not proof under the trust
      # rule, yet never "likely never set up" either (key_not_found.sealer_saw_pass).
      keys_words=("subspace.kernel.org recorded that it passed",),
      pending=(NO_ARC_FAIL_KEYS, NO_ARC_FAIL_EMPTY)),
    R("linuxman-kernelorg.eml",
      "kernel.org author to linux-man; List-Id at vger.kernel.org is the author's org domain, "
      "so author; ARC i=1 sealed without a space (10.1).",
      ("kernel.org", *KNF, "author"),
      pending=(NO_ARC_FAIL_KEYS, NO_ARC_FAIL_EMPTY, *gone(("keys", "10.3")))),
    R("linuxman-linutronix-ed25519.eml",
      "linutronix.de: rsa (s=2020) and ed25519 (s=2020e) signatures, keys gone.",
      ("linutronix.de", *KNF, "author"), ("linutronix.de", *KNF, "author"),
      # kernel.org's list sealed it (ARC verifies with keys.zone) and recorded dkim=pass, but
      # kernel.org is neither the final receiver nor the signer: not proof under the trust
      # rule, yet never "likely never set up" either (key_not_found.sealer_saw_pass).
      keys_words=("subspace.kernel.org recorded that it passed",),
      pending=(NO_ARC_FAIL_KEYS, NO_ARC_FAIL_EMPTY)),
    R("linuxman-oracle-o365.eml",
      "oracle.com through Microsoft 365: the author's signature and the tenant's "
      "oracle.onmicrosoft.com one; keys gone.",
      ("oracle.com", *KNF, "author"), ("oracle.onmicrosoft.com", *KNF, "provider"),
      must={"provider_signature", "arc_chain_failed"}, never={"author_signature_missing"},
      words=(BROKEN_BEFORE_KERNELORG,),
      empty_words=("The key of Microsoft 365's own signature (d=oracle.onmicrosoft.com",),
      never_words=("gave you at selector2-oracle-onmicrosoft-com._domainkey",),
      # the chain was failed when kernel.org sealed it: no record is trusted
      pending=()),
    R("linuxman-protonmail-pm.me.eml",
      "Proton (pm.me) to linux-man; x= one week after t=: judged at delivery it has not expired.",
      ("pm.me", *KNF, "author"), never={"signature_expired"},
      # kernel.org's list sealed it (ARC verifies with keys.zone) and recorded dkim=pass, but
      # kernel.org is neither the final receiver nor the signer: not proof under the trust
      # rule, yet never "likely never set up" either (key_not_found.sealer_saw_pass).
      keys_words=("subspace.kernel.org recorded that it passed",),
      pending=(NO_ARC_FAIL_KEYS, NO_ARC_FAIL_EMPTY)),
    R("linuxman-redhat.eml",
      "redhat.com (Mimecast s=mimecast20190719 and Google s=google) to linux-man; keys gone.",
      ("redhat.com", *KNF, "author"), ("redhat.com", *KNF, "author"),
      never={"signature_expired"},
      # kernel.org's list sealed it (ARC verifies with keys.zone) and recorded dkim=pass, but
      # kernel.org is neither the final receiver nor the signer: not proof under the trust
      # rule, yet never "likely never set up" either (key_not_found.sealer_saw_pass).
      keys_words=("subspace.kernel.org recorded that it passed",),
      pending=(NO_ARC_FAIL_KEYS, NO_ARC_FAIL_EMPTY)),
    R("mailauth-arc-fail.eml",
      "mailauth's ARC failure sample: zone.ee forwarded by ZoneMTA, signed zonevs.eu and "
      "srs3.zonevs.eu (third parties); Gmail recorded dkim=pass for both.",
      ("zonevs.eu", *KNF, "third_party"), ("srs3.zonevs.eu", *KNF, "third_party"),
      must={"author_signature_missing"}, pending=gone(("keys", "10.3"))),
    R("mailauth-arc-pass.eml",
      "ekiri.ee forwarded through Gmail (ARC i=1, i=2 by google.com); key gone.",
      ("ekiri.ee", *KNF, "author"),
      pending=(*gone(("keys", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("mailauth-arc-pass2.eml",
      "As arc-fail, with an intact chain: zonevs.eu and srs3.zonevs.eu third-party signatures.",
      ("zonevs.eu", *KNF, "third_party"), ("srs3.zonevs.eu", *KNF, "third_party"),
      must={"author_signature_missing"},
      pending=(*gone(("keys", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("mailauth-authtest.eml",
      "ekiri.ee to Gmail (Received by 2002:… IPv6 literal, dkim=pass); key gone.",
      ("ekiri.ee", *KNF, "author"),
      pending=(*gone(("keys", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("mailauth-bimi.eml",
      "srv.dev through Mailgun EU: d=out.srv.dev (author) and eu.mailgun.org (Mailgun's own).",
      ("out.srv.dev", *KNF, "author"), ("eu.mailgun.org", *KNF, "provider"),
      must={"provider_signature"},
      never_words=("gave you at krs._domainkey.eu.mailgun.org",),
      pending=(*gone(("keys", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("mailauth-message2.eml",
      "projectpending.com through Mailgun, d=mail.projectpending.com; the receiver recorded SPF "
      "only, so nothing says how DKIM fared at delivery.",
      ("mail.projectpending.com", *KNF, "author")),
    R("mailauth-message3.eml",
      "ttias.be newsletter through Mailgun: d=cronweekly.ma.ttias.be and eu.mailgun.org.",
      ("cronweekly.ma.ttias.be", *KNF, "author"), ("eu.mailgun.org", *KNF, "provider"),
      must={"provider_signature"}, never_words=("gave you at krs._domainkey.eu.mailgun.org",),
      pending=(*gone(("keys", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("mailauth-message4.eml",
      "srv.dev via Mailgun to zonevs.eu, whose Authentication-Results quotes reason=\"…; …\".",
      ("out.srv.dev", *KNF, "author"), pending=gone(("keys", "10.3"))),
    R("mailauth-zbimi.eml",
      "zone.ee (p=reject) to Gmail, Received by 2002:… IPv6 literal; key gone.",
      ("zone.ee", *KNF, "author"), pending=(*gone(("keys", "10.3")), NO_ARC_FAIL_EMPTY)),
    R("mailauth-zproov.eml",
      "Gmail user to zone.ee, whose receiver gives dkim=pass header.i=@gmail.com only.",
      ("gmail.com", *KNF, "author"), pending=gone(("keys", "10.3"))),
    R("spamscope-mail_test_13.eml",
      "Mailchimp campaign for continuityinsights.com, only d=mail90.suw15.mcsv.net.",
      ("mail90.suw15.mcsv.net", *KNF, "provider"),
      must={"author_signature_missing", "provider_signature"},
      words=("Only Mailchimp's own signature is on this message",)),
    R("spamscope-mail_test_5.eml",
      "carlance.fr newsletter signed d=rmh2.net (an ESP not in the catalogue): third party; its "
      "List-Unsubscribe alone does not make a list.",
      ("rmh2.net", *KNF, "third_party"), must={"author_signature_missing"}),
    R("spamscope-mail_test_6.eml",
      "ggg.com newsletter signed by itself (List-Id at ggg.com: the author's own list).",
      ("ggg.com", *KNF, "author"), never={"author_signature_missing"},
      # mxs.test.it recorded dkim=pass, but the body was edited since (bh= fails): the key
      # is not what changed, so not key_rotated
      must={"body_hash_also_fails"}),
]  # fmt: skip
BY_NAME = {r.message: r for r in TABLE}


def test_the_table_covers_every_message() -> None:
    assert sorted(BY_NAME) == sorted(p.name for p in (REALMAIL / "messages").glob("*.eml"))


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ZoneServer]]:
    """One loopback DNS server per zone for the whole module."""
    folder = tmp_path_factory.mktemp("realmail")
    # "empty": every key and DMARC record gone, the domains still there (their SOA only),
    # as for archived mail. "nothing": a zone that knows no name at all, as an offline
    # machine or a captive resolver answers (issue 10 item 10).
    empty = records_gone_zone(folder / "empty.zone", (REALMAIL / "messages").glob("*.eml"))
    nothing = folder / "nothing.zone"
    nothing.write_text("$TTL 300\n")
    # "keys": the recovered records of keys.zone, in a DNS where the messages' domains and
    # their top-level domains exist, as they do today.
    tlds = top_level_zone(folder / "tlds.zone", (REALMAIL / "messages").glob("*.eml"))
    with (
        ZoneServer([REALMAIL / "keys.zone", empty, tlds]) as keys,
        ZoneServer([empty]) as gone,
        ZoneServer([nothing]) as none,
    ):
        yield {"keys": keys, "empty": gone, "nothing": none}


def _delivery(path: Path) -> str | None:
    """The date of the topmost Received field, as Unix time (the message's delivery)."""
    head = re.split(rb"\r?\n\r?\n", path.read_bytes().lstrip(), maxsplit=1)[0]
    text = re.sub(r"\r?\n[ \t]+", " ", head.decode("utf-8", "replace"))
    for line in text.splitlines():
        if line.lower().startswith("received:") and ";" in line:
            try:
                return str(
                    int(email.utils.parsedate_to_datetime(line.rsplit(";", 1)[1]).timestamp())
                )
            except (TypeError, ValueError):
                return None
    return None


_CACHE: dict[tuple[str, str], tuple[int, str, dict[str, Any]]] = {}


def _report(row: Row, zone: str, servers: dict[str, ZoneServer]) -> tuple[int, str, dict[str, Any]]:
    key = (row.message, zone)
    if key not in _CACHE:
        path = REALMAIL / "messages" / row.message
        args = ["check", "--format", "json", "--lang", "en", "--timeout", "2",
                "--nameserver", servers[zone].address]  # fmt: skip
        when = _delivery(path)
        if when:
            args += ["--now", when]
        run = run_cli(*args, str(path))  # catch_exceptions=False: a traceback fails the test
        [message] = json.loads(run.stdout)["messages"]
        _CACHE[key] = (run.exit_code, run.stdout + run.stderr, message)
    return _CACHE[key]


@pytest.mark.parametrize("zone", ["keys", "empty"])
@pytest.mark.parametrize("row", TABLE, ids=[r.message for r in TABLE])
def test_realmail_report(row: Row, zone: str, servers: dict[str, ZoneServer]) -> None:
    code, out, message = _report(row, zone, servers)
    assert code != 70 and "Traceback" not in out
    if row.error:
        assert code == 65 and row.error in message["error"]
        return
    want = list(row.sigs) if zone == "keys" else [(d, *KNF, c) for d, _, _, c in row.sigs]
    got = [(s["domain"], s["result"], s["reason"], s["classification"])
           for s in message["signatures"]]  # fmt: skip
    assert got == want, row.why
    assert code == (row.exit if zone == "keys" else row.exit_empty), row.why
    codes = {f["code"] for f in message["findings"]}
    must = row.must | (row.empty_must if zone == "empty" else row.keys_must)
    assert must <= codes, (row.why, must - codes)
    assert not row.never & codes, (row.why, row.never & codes)
    for w in (*row.words, *(row.empty_words if zone == "empty" else row.keys_words)):
        assert w in out or w in json.dumps(message), (row.why, w)
    for w in row.never_words:
        assert w not in out and w not in json.dumps(message), (row.why, w)


PENDING = [
    pytest.param(row, zone, kind, value, id=f"{row.message}-{zone}-{kind}-{value}",
                 marks=[] if item in MERGED else pytest.mark.xfail(strict=True, reason=f"needs {item}"))
    for row in TABLE
    for zone, item, kind, value in row.pending
]  # fmt: skip


@pytest.mark.parametrize(("row", "zone", "kind", "value"), PENDING)
def test_realmail_pending(
    row: Row, zone: str, kind: str, value: str, servers: dict[str, ZoneServer]
) -> None:
    _, out, message = _report(row, zone, servers)
    codes = {f["code"] for f in message.get("findings", [])}
    if kind == "must":
        assert value in codes, row.why
    elif kind == "never":
        assert value not in codes, row.why
    else:
        assert value not in out and value not in json.dumps(message), row.why


# --- 10.10: no claim about the records of a domain the DNS does not know at all ---------------
# keys.zone has no name under most of these domains, the "nothing" zone none at all: there an
# NXDOMAIN for the key or for _dmarc says nothing about what the domain publishes, and a report
# must say the domain does not resolve, or that the DNS answers look unreliable, instead of
# "publishes no DKIM key at all", "publishes no DMARC record" or "publishes no SPF record"
# (issue 13: the SPF check answers NXDOMAIN alike). (In the "empty" zone the
# domains exist without records: there such a statement is what DNS shows.)
_CLAIMS = re.compile(r"(\S+) publishes no (?:DKIM key at all|DMARC record|SPF record)")


def _zone_names() -> set[str]:
    text = (REALMAIL / "keys.zone").read_text()
    return {ln.split()[0].lower().rstrip(".") for ln in text.splitlines() if ln[:1].isalnum()}


def _known(domain: str, zone: str) -> bool:
    """The zone holds the domain (its SOA, at least): what it publishes is a DNS fact there."""
    names = _zone_names() | message_domains(_MESSAGES) if zone == "keys" else set()
    return any(n == domain or n.endswith("." + domain) for n in names)


_MESSAGES = sorted((REALMAIL / "messages").glob("*.eml"))


@pytest.mark.parametrize("zone", ["keys", "nothing"])
@pytest.mark.parametrize("row", [r for r in TABLE if r.error is None], ids=lambda r: r.message)
def test_realmail_no_claim_about_unknown_domains(
    row: Row, zone: str, servers: dict[str, ZoneServer]
) -> None:
    code, out, message = _report(row, zone, servers)
    assert code != 70 and "Traceback" not in out
    said = {
        m.group(1).strip(".,")
        for f in message["findings"]
        for m in _CLAIMS.finditer(f["summary"] + " " + f["explanation"])
    }
    assert all(_known(d, zone) for d in said), sorted(d for d in said if not _known(d, zone))
    if zone == "nothing":  # nothing resolves: no permanent statement about any key either
        assert not [f["code"] for f in message["findings"] if f["permanent"] is True
                    and f["code"] in ("key_not_found", "arc_key_not_found")]  # fmt: skip


# --- issue 13: SPF as the trusted receiver recorded it ------------------------------------------
# One column per message, read from its headers by hand: (spf= result, the domain it judged) of
# the receiver's own Authentication-Results (or Received-SPF) under the trust rule, None where
# the receiver recorded none that the rule trusts (kernel.org's list mail: the spf= results are
# in kernel.org's ARC sets, a sealer the rule does not vouch for; mail-parser's and
# spamscope's samples whose receiver is not named by a Received field it trusts).
SPF_RECORDED: dict[str, tuple[str, str] | None] = {
    "blaze-001-github-sendgrid.eml": ("pass", "sgmail.github.com"),  # mx.google.com
    "blaze-002-github.eml": ("pass", "github.com"),
    "blaze-003-janestreet-google.eml": ("pass", "janestreet.com"),
    "blaze-004-discoursemail.eml": ("pass", "discoursemail.com"),
    "blaze-006-arm-o365.eml": ("pass", "arm.com"),  # smtp.subspace.kernel.org's own field
    "blaze-mdir-mailchimp.eml": ("pass", "mail148.suw18.rsgsv.net"),  # Mailchimp's bounce domain
    "cipml-groupsio.eml": None,
    "cipml-ses-mailman2-a.eml": None,
    "cipml-ses-mailman2-b.eml": None,
    "flanker-gmail-iphone.eml": ("pass", "somewhere.com"),  # smtp.mail= (an older Gmail form)
    "flanker-gmail-multi-received.eml": None,
    "flanker-o365-bounce.eml": None,
    "flanker-yahoo-bilingual.eml": ("pass", "example.com"),
    "flanker-yahoo-russian.eml": ("pass", "yahoo.com"),
    "linuxman-gappssmtp-kernel-dk.eml": None,
    "linuxman-gmail.eml": None,
    "linuxman-helgefjell.eml": None,
    "linuxman-kernelorg.eml": None,
    "linuxman-linutronix-ed25519.eml": None,
    "linuxman-oracle-o365.eml": None,
    "linuxman-protonmail-pm.me.eml": None,
    "linuxman-redhat.eml": None,
    # Gmail forwarded these from zone.ee's servers: SPF for the forwarder's SRS-less MAIL FROM
    # (tr.ee) is neutral at Gmail, the receiver that counts; zone.ee's own spf=pass is in ARC.
    "mailauth-arc-fail.eml": ("neutral", "tr.ee"),
    "mailauth-arc-pass.eml": ("neutral", "tr.ee"),
    "mailauth-arc-pass2.eml": ("neutral", "tr.ee"),
    "mailauth-authtest.eml": ("pass", "ekiri.ee"),
    "mailauth-bimi.eml": ("pass", "out.srv.dev"),
    "mailauth-message2.eml": ("pass", "mail.projectpending.com"),  # smtp.mailfrom=<domain>
    "mailauth-message3.eml": ("pass", "cronweekly.ma.ttias.be"),
    "mailauth-message4.eml": None,
    "mailauth-zbimi.eml": ("pass", "zone.ee"),
    "mailauth-zproov.eml": ("pass", "gmail.com"),  # zonemx.eu
    "spamscope-mail_test_13.eml": None,
    "spamscope-mail_test_5.eml": None,
    "spamscope-mail_test_6.eml": ("pass", "ggg.com"),  # mxs.test.it
}


def test_the_spf_column_covers_the_table() -> None:
    assert sorted(SPF_RECORDED) == sorted(BY_NAME)


@pytest.mark.parametrize("zone", ["keys", "empty"])
@pytest.mark.parametrize("row", [r for r in TABLE if r.error is None], ids=lambda r: r.message)
def test_realmail_spf_as_recorded(row: Row, zone: str, servers: dict[str, ZoneServer]) -> None:
    _, out, message = _report(row, zone, servers)
    recorded = message["spf"]["recorded"]
    got = (recorded["result"], recorded["domain"]) if recorded else None
    assert got == SPF_RECORDED[row.message], row.why
    # What the receiver recorded at delivery is said as such, whatever today's DNS gives.
    if got is not None and got[0] == "pass" and message["spf"]["today"]:
        today = message["spf"]["today"]["result"]
        codes = {f["code"] for f in message["findings"]}
        assert "spf_result" in codes, row.why
        said = out + json.dumps(message)
        if today == "none":  # no record in the DNS asked: said as such, no claim it changed
            assert "at delivery; today the DNS asked has no SPF record" in said, row.why
            [spf] = [f for f in message["findings"] if f["code"] == "spf_result"]
            assert "changed" not in spf["summary"] + spf["explanation"], row.why
        elif today != "pass":
            assert "but fails today" in said, row.why
    # Issue 13: never "receivers apply p=…" for a message that passed DMARC through aligned SPF
    # at delivery, or passes DMARC today.
    result = message["dmarc_result"]
    if result and (result["spf_aligned_at_delivery"] or result["result"] == "pass"):
        assert "receivers apply p=" not in out and "receivers apply p=" not in json.dumps(message)
