"""The versioned JSON schema (README, "JSON output"). Scripts depend on every key here.

Every document and line is written through `dumps`: unsafe characters as JSON escapes and
the source name lossless (render/escape.py, README "Output safety")."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from analyzer import __version__
from analyzer.explain import worded
from analyzer.model import (
    SCHEMA_VERSION,
    ArcChain,
    Dmarc,
    DmarcVerdict,
    DnsAnswer,
    Evidence,
    Failure,
    Finding,
    KeyRecord,
    Probe,
    Receiver,
    Report,
    SignatureVerdict,
    SpfCheck,
    SpfEvaluation,
    TreeWalk,
    Value,
)
from analyzer.render.escape import json_text, source_text
from analyzer.render.evidence import describe


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def dns_dict(a: DnsAnswer) -> dict[str, Any]:
    return {
        "name": a.name,
        "type": a.rdtype,
        "status": a.status.value,
        "cname_chain": [{"owner": o, "target": t} for o, t in a.cname_chain],
        "records": [
            {"strings": [_text(s) for s in strings], "value": _text(b"".join(strings))}
            for strings in a.records
        ],
        "ttl": a.ttl,
        "server": a.server,
        "detail": a.detail,
    }


def signature_dict(v: SignatureVerdict, parts: Parts | None = None) -> dict[str, Any]:
    parts = parts or DICTS
    sig = v.signature
    return {
        "index": v.index,
        "domain": v.domain,
        "selector": v.selector,
        "algorithm": v.algorithm,
        "result": v.result.value,
        "reason": v.reason.value if v.reason else None,
        "detail": v.detail,
        "tag": v.tag,
        "classification": v.alignment.classification.value,
        "provider": v.alignment.provider,
        "benign": v.benign,
        "aligned": {"relaxed": v.alignment.relaxed, "strict": v.alignment.strict},
        "header_signature_valid": v.header_signature_valid,
        "body_hash_valid": v.body_hash_valid,
        "canonicalization": f"{sig.header_canon}/{sig.body_canon}" if sig else None,
        "identity": sig.identity if sig else None,
        "body_length": sig.length if sig else None,
        "timestamp": sig.timestamp if sig else None,
        "expiration": sig.expiration if sig else None,
        "signed_headers": list(sig.signed_headers) if sig else None,
        "dns": parts.dns(v.key_evidence.answer) if v.key_evidence else None,
        "key": None if v.key is None else parts.key(v.key, v.key_bits),
        "key_records": len(v.key_evidence.keys) if v.key_evidence else 0,
        "probes": [probe_dict(p) for p in v.probes],
    }


def key_dict(key: KeyRecord, bits: int | None) -> dict[str, Any]:
    """A signature's `key` object: the key record it was verified with, and its size."""
    return {
        "type": key.key_type,
        "bits": bits,
        "hashes": list(key.hashes) if key.hashes is not None else None,
        "services": list(key.services),
        "flags": list(key.flags),
        "testing": key.testing,
        "revoked": not key.public_key,
    }


def probe_dict(p: Probe) -> dict[str, Any]:
    return {"kind": p.kind.value, "dns": dns_dict(p.answer)}


def finding_dict(f: Finding, lang: str = "en") -> dict[str, Any]:
    """A finding; its words in `lang` (English unless asked: the JSON is the same whatever
    the locale, and scripts read the code, never the words)."""
    summary, explanation, remedy = _worded(
        f.code, f.variant, lang, tuple(f.values.items()), tuple(map(type, f.values.values()))
    )
    return {
        "code": f.code,
        "severity": f.severity.value,
        "summary": summary,
        "explanation": explanation,
        "remedy": remedy,
        "permanent": f.permanent,
        "signature_index": f.signature_index,
        "evidence": [_described(e, lang) for e in f.evidence],
    }


@functools.lru_cache(maxsize=1024)
def _worded(
    code: str, variant: str | None, lang: str, values: tuple[tuple[str, Value], ...],
    types: tuple[type, ...],
) -> tuple[str, str, str]:  # fmt: skip
    """A finding's words, made once for equal codes, variants and values: many recur from
    message to message (a domain's DMARC alignment, a platform's signature). The types of
    the values are in the key because == is not enough: True == 1, but the words differ."""
    return worded(code, variant, dict(values), lang)


def _described(item: Evidence, lang: str) -> str:
    """describe(item, lang): a DNS answer's line made once for equal answers (a key record
    is quoted by every finding about its signature), a quotation as it is."""
    if isinstance(item, str):
        return item
    return _described_answer(item, lang, _ttls((item,)))


@functools.lru_cache(maxsize=1024)
def _described_answer(item: DnsAnswer | Probe, lang: str, ttls: tuple[type, ...]) -> str:
    return describe(item, lang)  # `ttls`: the key tells a TTL of True from 1 (a bug's value)


def _ttls(items: Iterable[object]) -> tuple[type, ...]:
    """The types of the TTLs of DNS answers and probes among `items` (None for others): a
    value's key holds them, since == says True == 1 (and hash agrees) but JSON writes
    true for one and 1 for the other."""
    return tuple(
        type(i.ttl) if isinstance(i, DnsAnswer)
        else type(i.answer.ttl) if isinstance(i, Probe) else type(None)
        for i in items
    )  # fmt: skip


def dmarc_dict(d: Dmarc) -> dict[str, Any]:
    return {
        "domain": d.from_domain,
        "status": d.status.value,
        "record_domain": d.record_domain,
        "record": d.record,
        "p": d.tag("p"),
        "sp": d.tag("sp"),
        "adkim": d.adkim if d.record else None,
        "policy": d.policy,
        "dkim_aligned_pass": d.dkim_aligned_pass,
        "signature_index": d.signature_index,
        "dns": [dns_dict(a) for a in d.answers],
        # Added: what DKIM alone gives is above; what the trusted receiver recorded is here.
        "passed_at_delivery": d.passed_at_delivery,
        "receiver": None
        if d.receiver is None
        else {
            "recorded_by": d.receiver.recorded_by,
            "dmarc": d.receiver.dmarc,
            "spf": d.receiver.spf,
            "smtp_mailfrom": d.receiver.smtp_mailfrom,
            "spf_aligned": d.receiver.spf_aligned,
            "evidence": list(d.receiver.evidence),
        },
        "tree_walk": tree_walk_dict(d.walk) if d.walk else None,  # added (issue 13)
    }


def receiver_dict(rx: Receiver | None) -> dict[str, Any] | None:
    if rx is None:
        return None
    return {
        "organisation": rx.organisation,
        "boundary": rx.boundary,
        "delivered_at": rx.delivered_at,
        "results": [
            {
                "method": r.method,
                "result": r.result,
                "properties": dict(r.properties),
                "recorded_by": r.recorded_by,
                "source": r.source.value,
                "by_receiver": r.by_receiver,
                "sealer": r.sealer,
                "instance": r.instance,
                "field": r.field,
            }
            for r in rx.results
        ],
    }


def message_dict(r: Report, lang: str = "en", parts: Parts | None = None) -> dict[str, Any]:
    """One message's object (`parts`: how the values that recur are rendered, DICTS unless
    asked: _HELD for `message_line`)."""
    parts = parts or DICTS
    msg = r.message
    result = r.outcome
    return {
        "source": source_text(r.source),
        "from_domain": msg.from_domain,
        "from": list(msg.from_addresses),
        "subject": msg.subject,
        "message_id": msg.message_id,
        "line_endings": msg.line_endings.value,
        "headers_only": msg.headers_only,
        "verified_at": r.verified_at,
        "clock": r.clock.value,
        "outcome": result.name.lower(),
        "exit_code": int(result),
        "signatures": [signature_dict(v, parts) for v in r.verdicts],
        "findings": [finding_dict(f, lang) for f in r.findings],
        "dmarc": parts.dmarc(r.dmarc) if r.dmarc else None,
        "arc": parts.arc(r.arc),
        "receiver": receiver_dict(r.receiver),
        # Added (issue 13): SPF as recorded and as of today, and the DMARC result.
        "spf": spf_dict(r.spf) if r.spf else None,
        "dmarc_result": parts.dmarc_result(r.dmarc_result) if r.dmarc_result else None,
    }


# --- spf: the `spf` and `dmarc_result` objects, `dmarc.tree_walk` (issue 13) ---


def spf_dict(s: SpfCheck) -> dict[str, Any]:
    rec, ev = s.recorded, s.today
    return {
        "client_ip": s.client_ip,
        "helo": s.helo,
        "mailfrom": s.mailfrom,
        "identity": s.identity,
        "domain": s.domain,
        "boundary": s.boundary,
        "skipped": s.skipped,
        "recorded": None if rec is None else {
            "recorded_by": rec.recorded_by, "result": rec.result, "mailfrom": rec.mailfrom,
            "helo": rec.helo, "domain": rec.domain, "source": rec.source,
            "client_ip": rec.client_ip, "evidence": list(rec.evidence),
        },
        "today": None if ev is None else spf_evaluation_dict(ev),
    }  # fmt: skip


def spf_evaluation_dict(ev: SpfEvaluation) -> dict[str, Any]:
    return {
        "result": ev.result.value,
        "problem": ev.problem.value if ev.problem else None,
        "detail": ev.detail,
        "domain": ev.domain,
        "sender": ev.sender,
        "ip": ev.ip,
        "matched": ev.matched,
        "matched_in": ev.matched_in,
        "record": ev.record,
        "records": [{"domain": d, "record": r} for d, r in ev.records],
        "lookups": list(ev.counted),
        "void_lookups": list(ev.voids),
        "explanation": ev.explanation,
        "all": ev.all_qualifier,
        "dns": [dns_dict(a) for a in ev.answers],
    }


def dmarc_result_dict(v: DmarcVerdict) -> dict[str, Any]:
    return {
        "result": v.result, "via": list(v.via), "dkim_aligned_pass": v.dkim_aligned_pass,
        "spf_aligned_pass": v.spf_aligned_pass,
        "spf_aligned_at_delivery": v.spf_aligned_at_delivery, "at_delivery": v.at_delivery,
        "policy": v.policy, "policy_tag": v.policy_tag, "disposition": v.disposition,
        "testing": v.testing, "pct": v.pct, "signature_index": v.signature_index,
    }  # fmt: skip


def tree_walk_dict(w: TreeWalk) -> dict[str, Any]:
    return {
        "queried": list(w.queried), "records": [{"domain": d, "record": r} for d, r in w.records],
        "policy_domain": w.policy_domain, "org_domain": w.org_domain,
        "psl_org_domain": w.psl_org_domain, "differs_from_psl": w.differs,
        "from_exists": w.from_exists,
    }  # fmt: skip


def arc_dict(chain: ArcChain) -> dict[str, Any]:
    """The `arc` object. Fields are only ever added (README "JSON output")."""

    def result(valid: bool | None) -> str:
        return {True: "pass", False: "fail", None: "none"}[valid]  # none: not checked

    return {
        "cv": chain.cv.value,
        "detail": chain.detail,
        "temporary": chain.temporary,
        "reason": chain.reason.value if chain.reason else None,
        "failed_instance": chain.failed_instance,
        "failed_field": chain.failed_field.value if chain.failed_field else None,
        "dns": [dns_dict(a) for a in chain.dns],
        "sets": [
            {
                "instance": s.instance,
                "domain": s.domain,
                "selector": s.selector,
                "seal_result": result(s.seal_valid),
                "seal_reason": s.seal_reason.value if s.seal_reason else None,
                "message_signature_result": result(s.message_signature_valid),
                "message_signature_reason": (
                    s.message_signature_reason.value if s.message_signature_reason else None
                ),
                "message_signature_domain": s.message_signature_domain,
                "message_signature_selector": s.message_signature_selector,
                "chain_status": s.chain_status,
                "authentication_results": s.authentication_results,
                "dkim_pass_seen": bool(s.dkim_pass_domains),
                "dkim_pass_domains": list(s.dkim_pass_domains),
                "dkim_fail_domains": list(s.dkim_fail_domains),
            }
            for s in chain.sets
        ],
    }


def failure_dict(f: Failure) -> dict[str, Any]:
    return {"source": source_text(f.source), "error": f.error, "exit_code": f.exit_code}


def item_dict(item: Report | Failure, lang: str = "en") -> dict[str, Any]:
    return failure_dict(item) if isinstance(item, Failure) else message_dict(item, lang)


def render(items: Iterable[Report | Failure], *, lang: str = "en") -> str:
    """The `check --format json` document, one entry per input in input order."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "messages": [item_dict(i, lang) for i in items],
    }
    return dumps(doc, indent=2)


def dumps(obj: object, indent: int | None = None) -> str:
    """JSON text that is valid UTF-8 and shows no control, bidi or invisible character raw."""
    text = _encode(obj) if indent is None else json.dumps(obj, indent=indent, ensure_ascii=False)
    return json_text(text)


def line(obj: object) -> str:
    """One JSON Lines record. U+2028, U+2029 and U+0085 are escaped too (by `dumps`): readers
    that split lines on them (Python's str.splitlines, JavaScript) still see one object."""
    return dumps(obj) + "\n"


# --- scan's lines from values made once (issue 15) -------------------------------------------
#
# Much of a scanned message's line recurs from message to message: its DNS answers (a key
# record is ~1.3 KB of it, written twice), its keys, its From domain's DMARC, its ARC (none),
# its DMARC result. `message_line` writes the same text as line(message_dict(r)), with those
# made once per process: DNS answers and keys as dicts (spliced text would cost more than
# the C encoder takes to write them inside their signature), the others as their JSON text.
# A finding's words and evidence lines are held by _worded and _described (the dict path's).


def _encoder() -> Callable[[object], str]:
    """json.dumps(obj, ensure_ascii=False)'s text from one encoder made once (json.dumps
    makes one each call when an option is not its default), without the circular check
    (it only ever raises: a report holds no cycle). The C encoder itself where there is one
    (JSONEncoder.encode makes it anew each call, ~1 us of a ~2 us small object)."""
    options = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return options.encode
    c = make(None, options.default, json.encoder.encode_basestring, None,
             options.key_separator, options.item_separator, False, False, True)  # fmt: skip

    def encode(obj: object) -> str:
        return "".join(c(obj, 0))

    return encode


_encode = _encoder()


@dataclass(frozen=True, slots=True)
class Parts:
    """How message_dict renders the values that recur: DICTS (every document), or _HELD
    (message_line's: values made once and held, never handed to a caller)."""

    dns: Callable[[DnsAnswer], Any]
    key: Callable[[KeyRecord, int | None], Any]
    dmarc: Callable[[Dmarc], Any]
    arc: Callable[[ArcChain], Any]
    dmarc_result: Callable[[DmarcVerdict], Any]


DICTS = Parts(dns_dict, key_dict, dmarc_dict, arc_dict, dmarc_result_dict)


@dataclass(frozen=True, slots=True)
class Fragment:
    """One value's JSON text as _encode writes it (json_text escapes it with its line: it
    works character by character, so pieces joined escape as the whole would)."""

    text: str


def _spliced(obj: dict[str, Any]) -> str:
    """_encode(obj)'s text, with each Fragment value's text spliced in as it is; the items
    between fragments are encoded together, a run at a time."""
    kinds = list(map(type, obj.values()))
    items = list(obj.items())
    pieces, start = [], 0
    while Fragment in kinds[start:]:
        at = kinds.index(Fragment, start)
        if at > start:
            pieces.append(_encode(dict(items[start:at]))[1:-1])
        name, fragment = items[at]
        pieces.append(f'"{name}": {fragment.text}')  # our names: plain ASCII
        start = at + 1
    if start < len(items):
        pieces.append(_encode(dict(items[start:]))[1:-1])
    return "{" + ", ".join(pieces) + "}"


_T = TypeVar("_T")


class Held:
    """A bounded cache of rendered values, shared by the threads of a process (a Dask
    worker runs several partitions at once): at most `entries`, `size` characters in all,
    none bigger than `largest` (a huge TXT answer is rendered each time, never kept). The
    oldest goes first: a run's keys and DMARC records are a small set seen again and again,
    and a lookup is one dict access (an LRU's reordering cost about what it saved).

    A key holds the value itself, so what is held is only ever reused for an equal value
    (dataclass equality: every field), and the type of each number it writes (_ttls: ==
    says True == 1, JSON writes true and 1).
    """

    def __init__(self, entries: int, size: int, largest: int) -> None:
        self.entries, self.size, self.largest = entries, size, largest
        self._held: dict[Hashable, tuple[Any, int]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], _T], size: Callable[[_T], int]) -> _T:
        """What is held for `key`, else make() (held if size(it) <= largest)."""
        try:
            found = self._held.get(key)  # one dict access: atomic under the GIL
        except TypeError:  # unhashable (a list where the model has a tuple): never held
            return make()
        if found is not None:
            held: _T = found[0]
            return held
        made = make()
        n = size(made)
        if n <= self.largest:
            with self._lock:
                if key not in self._held:
                    self._held[key] = (made, n)
                    self._size += n
                    while len(self._held) > self.entries or self._size > self.size:
                        self._size -= self._held.pop(next(iter(self._held)))[1]
        return made

    def clear(self) -> None:
        with self._lock:
            self._held.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._held)


# A worker's share of a run: the keys and DMARC records of a few thousand domains; ~2 M
# characters at most (2-8 MB), whatever the mailbox.
HELD = Held(entries=512, size=500_000, largest=65_536)


def _text_size(f: Fragment) -> int:
    return len(f.text)


def _answer_size(a: DnsAnswer) -> int:
    """About the characters of dns_dict(a) (records are written twice: strings and value)."""
    return 200 + len(a.name) + 2 * sum(len(s) for strings in a.records for s in strings)


def _held_dns(a: DnsAnswer) -> dict[str, Any]:
    return HELD.get(("dns", a, type(a.ttl)), lambda: dns_dict(a), lambda _: _answer_size(a))


def _held_key(key: KeyRecord, bits: int | None) -> dict[str, Any]:
    size = len(key.raw) + 200
    return HELD.get(("key", key, bits, type(bits)), lambda: key_dict(key, bits), lambda _: size)


def _dmarc_fragment(d: Dmarc) -> Fragment:
    rx, walk = d.receiver, d.walk
    key = (
        "dmarc", d, type(d.dkim_aligned_pass), type(d.signature_index),
        type(d.passed_at_delivery), rx and type(rx.spf_aligned), walk and type(walk.from_exists),
        _ttls(d.answers),
    )  # fmt: skip
    return HELD.get(key, lambda: Fragment(_encode(dmarc_dict(d))), _text_size)


def _arc_fragment(chain: ArcChain) -> Fragment | dict[str, Any]:
    if chain.sets or chain.dns:  # a chain's sets are its message's own: not kept
        return arc_dict(chain)
    key = ("arc", chain, type(chain.temporary), type(chain.failed_instance))
    return HELD.get(key, lambda: Fragment(_encode(arc_dict(chain))), _text_size)


def _dmarc_result_fragment(v: DmarcVerdict) -> Fragment:
    numbers = (v.dkim_aligned_pass, v.spf_aligned_pass, v.spf_aligned_at_delivery, v.testing,
               v.pct, v.signature_index)  # fmt: skip
    key = ("dmarc_result", v, tuple(map(type, numbers)))
    return HELD.get(key, lambda: Fragment(_encode(dmarc_result_dict(v))), _text_size)


# Values shared between lines: only _encode reads them (message_line), nothing changes them.
_HELD = Parts(_held_dns, _held_key, _dmarc_fragment, _arc_fragment, _dmarc_result_fragment)


def message_line(r: Report) -> str:
    """line(message_dict(r)), the same text, with what recurs from message to message made
    once (scan's JSONL): DNS answers and keys as dicts, DMARC as its JSON text."""
    return json_text(_spliced(message_dict(r, parts=_HELD))) + "\n"
