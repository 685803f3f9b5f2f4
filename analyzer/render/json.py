"""The versioned JSON schema (README, "JSON output"). Scripts depend on every key here.

Every document and line is written through `dumps`: unsafe characters as JSON escapes and
the source name lossless (render/escape.py, README "Output safety")."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from itertools import repeat
from typing import Any, TypeVar

from analyzer import __version__
from analyzer.explain import reads, worded
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
    RecordedResult,
    Report,
    SignatureVerdict,
    SpfCheck,
    SpfEvaluation,
    SpfRecorded,
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


def signature_dict(v: SignatureVerdict) -> dict[str, Any]:
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
        "dns": dns_dict(v.key_evidence.answer) if v.key_evidence else None,
        "key": None if v.key is None else key_dict(v.key, v.key_bits),
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
    summary, explanation, remedy, _ = _words(f, lang)
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


def _words(f: Finding, lang: str) -> tuple[str, str, str, str]:
    """worded(f.code, f.variant, f.values, lang), and the three as the (escaped) JSON text
    of their names and values, made once for equal codes, variants and values read
    (explain.reads): many recur from message to message (a domain's DMARC alignment, a
    platform's signature) though values that no word reads differ (a body's size, a time in
    a detail). The type of each value is in the key because == is not enough: True == 1,
    but the words differ."""
    values = f.values
    read, types = _read(values, reads(f.code, f.variant, lang))
    key = (f.code, f.variant, lang, bool(values), read, types)
    return WORDS.get(key, lambda: _worded(f.code, f.variant, values, lang), _words_size)


_ABSENT = object()  # a name the values do not hold (the template writes "?")


def _worded(
    code: str, variant: str | None, values: Mapping[str, Value], lang: str
) -> tuple[str, str, str, str]:
    summary, explanation, remedy = worded(code, variant, values, lang)
    text = (f'"summary": {_string(summary)}, "explanation": {_string(explanation)}, '
            f'"remedy": {_string(remedy)}')  # fmt: skip
    return summary, explanation, remedy, json_text(text)


def _words_size(words: tuple[str, str, str, str]) -> int:
    return 2 * len(words[3])


def _described(item: Evidence, lang: str) -> str:
    """describe(item, lang): a DNS answer's line made once for equal answers (a key record
    is quoted by every finding about its signature), a quotation as it is."""
    if isinstance(item, str):
        return item
    return _described_answer(item, lang, _ttls((item,)))


@functools.lru_cache(maxsize=256)
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
        "results": [recorded_result_dict(r) for r in rx.results],
    }


def recorded_result_dict(r: RecordedResult) -> dict[str, Any]:
    return {
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


def message_dict(r: Report, lang: str = "en") -> dict[str, Any]:
    """One message's object (scan's lines: `message_line`, the same text)."""
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
        "signatures": [signature_dict(v) for v in r.verdicts],
        "findings": [finding_dict(f, lang) for f in r.findings],
        "dmarc": dmarc_dict(r.dmarc) if r.dmarc else None,
        "arc": arc_dict(r.arc),
        "receiver": receiver_dict(r.receiver),
        # Added (issue 13): SPF as recorded and as of today, and the DMARC result.
        "spf": spf_dict(r.spf) if r.spf else None,
        "dmarc_result": dmarc_result_dict(r.dmarc_result) if r.dmarc_result else None,
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
        "recorded": None if rec is None else spf_recorded_dict(rec),
        "today": None if ev is None else spf_evaluation_dict(ev),
    }  # fmt: skip


def spf_recorded_dict(rec: SpfRecorded) -> dict[str, Any]:
    return {
        "recorded_by": rec.recorded_by, "result": rec.result, "mailfrom": rec.mailfrom,
        "helo": rec.helo, "domain": rec.domain, "source": rec.source,
        "client_ip": rec.client_ip, "evidence": list(rec.evidence),
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


# --- scan's lines, written directly, what recurs made once (issue 15) ----------------------
#
# Much of a scanned message's line recurs from message to message: its DNS answers (a key
# record is ~1.3 KB of it, written twice), its keys, its From domain's DMARC, its ARC (none),
# its DMARC result, its findings' words and evidence lines. `message_line` writes the text of
# line(message_dict(r)) directly: the names as constants, each value of the message's own
# as its JSON text (_scalar), and what recurs as text made once per process and held
# (the C encoder costs ~1 k instructions for each value and name it writes, whatever its
# size: a dict line's ~470 cost more than all the rest). Every piece is escaped (json_text)
# apart: json_text works one character at a time, so pieces escaped and joined are the
# whole line escaped, and a held piece is escaped once. tests/test_render_json.py holds
# the two the same for every fixture, real message and field of the values written here.


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
_string = json.encoder.encode_basestring  # a str's JSON text, as _encode writes it


def _scalar(value: object) -> str:
    """_encode(value), without the encoder for a str, an int, a bool or None."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is str:
        return _string(value)
    return str(value) if type(value) is int else _encode(value)


def _strings(items: tuple[str, ...]) -> str:
    """_encode(list(items)) for strings: the encoder writes a list's items joined by ", "
    (item_separator), each str (or StrEnum member) as _string writes it. Anything else is
    the encoder's (_string takes only a str)."""
    if not items:
        return "[]"
    try:
        return f"[{', '.join(map(_string, items))}]"
    except TypeError:
        return _encode(list(items))


def _escaped(obj: object) -> str:
    """A value's text in a line: json_text(_encode(obj))."""
    return json_text(_encode(obj))


_T = TypeVar("_T")
_O = TypeVar("_O")


class Held:
    """A bounded cache of rendered values, shared by the threads of a process (a Dask
    worker runs several partitions at once): at most `entries`, `size` characters in all,
    none bigger than `largest` (a huge TXT answer is rendered each time, never kept). The
    oldest goes first: a run's keys and DMARC records are a small set seen again and again,
    and a lookup is one dict access (an LRU's reordering cost about what it saved).

    A key holds the value itself, so what is held is only ever reused for an equal value
    (dataclass equality: every field), and the type of each number it writes (_ttls: ==
    says True == 1, JSON writes true and 1). `same` holds by the object instead.
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
        self._put(key, made, size(made))
        return made

    def same(self, obj: _O, make: Callable[[_O], _T], size: Callable[[_T], int]) -> _T:
        """What is held for this very object, else make(obj): no hashing and no comparing of
        a value, one id() (a worker's resolver hands one DNS answer to every message that
        asks its name). The object is held beside what was made, so its id is nobody
        else's while it is held; frozen values only (what is made from them never
        changes)."""
        found = self._held.get(id(obj))
        if found is not None and found[0][0] is obj:
            held: _T = found[0][1]
            return held
        made = make(obj)
        self._put(id(obj), (obj, made), size(made))
        return made

    def _put(self, key: Hashable, made: object, n: int) -> None:
        if n > self.largest:
            return
        with self._lock:
            if key not in self._held:
                self._held[key] = (made, n)
                self._size += n
                while len(self._held) > self.entries or self._size > self.size:
                    self._size -= self._held.pop(next(iter(self._held)))[1]

    def clear(self) -> None:
        with self._lock:
            self._held.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._held)


# A worker's share of a run: the keys and DMARC records of a mailbox's few hundred recurring
# senders, and the words of their findings; ~1 M characters at most in all, whatever the
# mailbox (issue 15: a scan of new domains filled 2,048-entry ones, a fifth of a worker's
# memory, and asked none of it again).
HELD = Held(entries=256, size=250_000, largest=65_536)
WORDS = Held(entries=2048, size=1_000_000, largest=65_536)
HEADS = Held(entries=512, size=250_000, largest=65_536)  # scan's findings' (_finding_head)
# Held by the object (`same`): the DNS answers a worker's resolver hands out, and apart (an
# object is one key in each) the evidence lines made of them, in English (scan's).
ANSWERS = Held(entries=256, size=250_000, largest=65_536)
LINES = Held(entries=256, size=250_000, largest=65_536)


def clear() -> None:
    """Nothing held (tests, benchmarks)."""
    for held in (HELD, WORDS, HEADS, ANSWERS, LINES):
        held.clear()
    _described_answer.cache_clear()


def _dns_text(a: DnsAnswer) -> str:
    """An answer's text: held by the object, else by its value (and its TTL's type)."""
    return ANSWERS.same(a, _dns_by_value, len)


def _dns_by_value(a: DnsAnswer) -> str:
    return HELD.get(("dns", a, type(a.ttl)), lambda: _escaped(dns_dict(a)), len)


def _key_text(key: KeyRecord, bits: int | None) -> str:
    held = ("key", key, bits, type(bits))
    return HELD.get(held, lambda: _escaped(key_dict(key, bits)), len)


def _dmarc_text(d: Dmarc) -> str:
    rx, walk = d.receiver, d.walk
    key = (
        "dmarc", d, type(d.dkim_aligned_pass), type(d.signature_index),
        type(d.passed_at_delivery), rx and type(rx.spf_aligned), walk and type(walk.from_exists),
        _ttls(d.answers),
    )  # fmt: skip
    return HELD.get(key, lambda: _escaped(dmarc_dict(d)), len)


def _arc_text(chain: ArcChain) -> str:
    if chain.sets or chain.dns:  # a chain's sets are its message's own: not kept
        return _escaped(arc_dict(chain))
    key = ("arc", chain, type(chain.temporary), type(chain.failed_instance))
    return HELD.get(key, lambda: _escaped(arc_dict(chain)), len)


def _dmarc_result_text(v: DmarcVerdict) -> str:
    numbers = (v.dkim_aligned_pass, v.spf_aligned_pass, v.spf_aligned_at_delivery, v.testing,
               v.pct, v.signature_index)  # fmt: skip
    key = ("dmarc_result", v, tuple(map(type, numbers)))
    return HELD.get(key, lambda: _escaped(dmarc_result_dict(v)), len)


def _signature_text(v: SignatureVerdict) -> str:
    """signature_dict(v)'s text, its key's answer and record held."""
    sig, ev, s = v.signature, v.key_evidence, _scalar
    own = f'{{"index": {s(v.index)}, {_verdict_text(v)}'
    if sig:
        own += (
            f'"canonicalization": {_string(f"{sig.header_canon}/{sig.body_canon}")}, '
            f'"identity": {s(sig.identity)}, "body_length": {s(sig.length)}, '
            f'"timestamp": {s(sig.timestamp)}, "expiration": {s(sig.expiration)}, '
            f'"signed_headers": {_strings(sig.signed_headers)}, '
        )
    else:
        own += (
            '"canonicalization": null, "identity": null, "body_length": null, '
            '"timestamp": null, "expiration": null, "signed_headers": null, '
        )
    dns = _dns_text(ev.answer) if ev else "null"
    key = "null" if v.key is None else _key_text(v.key, v.key_bits)
    probes = _escaped([probe_dict(p) for p in v.probes]) if v.probes else "[]"
    return (
        f'{json_text(own)}"dns": {dns}, "key": {key}, '
        f'"key_records": {len(ev.keys) if ev else 0}, "probes": {probes}}}'
    )


def _verdict_text(v: SignatureVerdict) -> str:
    """The text of signature_dict(v) from "domain" to "body_hash_valid". A verdict without
    a detail (a pass) recurs from message to message for a domain and selector: held by
    the values it writes, and the types of those that are bools (True == 1, but JSON writes
    true and 1); `benign` is the classification's (SignatureVerdict.benign). A detail is
    often the message's own (a body's hash): made each time, never held."""
    if v.detail is not None:
        return _verdict_made(v)
    a = v.alignment
    numbers = (a.relaxed, a.strict, v.header_signature_valid, v.body_hash_valid)
    key = (
        "verdict", v.domain, v.selector, v.algorithm, v.result, v.reason, v.tag,
        a.classification, a.provider, *numbers, *map(type, numbers),
    )  # fmt: skip
    return HELD.get(key, lambda: _verdict_made(v), len)


def _verdict_made(v: SignatureVerdict) -> str:
    a, s, reason = v.alignment, _scalar, v.reason
    # A StrEnum member is a str holding its value: _string(member) is _string(member.value)
    # (and no call of Enum.value's descriptor).
    return json_text(
        f'"domain": {s(v.domain)}, "selector": {s(v.selector)}, '
        f'"algorithm": {s(v.algorithm)}, "result": {_string(v.result)}, '
        f'"reason": {_string(reason) if reason else "null"}, "detail": {s(v.detail)}, '
        f'"tag": {s(v.tag)}, "classification": {_string(a.classification)}, '
        f'"provider": {s(a.provider)}, "benign": {s(v.benign)}, '
        f'"aligned": {{"relaxed": {s(a.relaxed)}, "strict": {s(a.strict)}}}, '
        f'"header_signature_valid": {s(v.header_signature_valid)}, '
        f'"body_hash_valid": {s(v.body_hash_valid)}, '
    )


def _finding_text(f: Finding) -> str:
    """finding_dict(f)'s text (English), its head held (_finding_head) and its DNS evidence
    lines."""
    # The evidence: a quotation of the message (its own) made each time, a DNS answer's or
    # probe's English line held by the object.
    evidence = ", ".join([
        json_text(_string(e)) if type(e) is str else LINES.same(e, _english_line, len)
        for e in f.evidence
    ])  # fmt: skip
    index = f.signature_index
    index_text = str(index) if type(index) is int else _scalar(index)
    return f'{_finding_head(f)}"signature_index": {index_text}, "evidence": [{evidence}]}}'


def _read(
    values: Mapping[str, Any], names: tuple[str, ...] | None
) -> tuple[tuple[Any, ...], tuple[type, ...]]:
    """The values a finding's words read (all of them when `names` is None: not known) and
    their types, for a key of what the words are made from."""
    if names is None:
        return tuple(values.items()), tuple(map(type, values.values()))
    read = tuple(map(values.get, names, repeat(_ABSENT)))
    return read, tuple(map(type, read))


def _finding_head(f: Finding) -> str:
    """The escaped text of finding_dict(f)'s code, severity, words and permanence: what
    recurs of a finding, made once for equal codes, variants, severities and values read
    (as _words: the words are all of it that reads a value, and permanence is the code's
    and the variant's, model.permanence). Words that read a value of the message's own
    (_OWN_VALUES) are made each time: held, they would only push out the ones that recur."""
    code, variant, values = f.code, f.variant, f.values
    names = reads(code, variant, "en")
    if names is not None and not _OWN_VALUES.isdisjoint(names):
        return _head(f)
    read, types = _read(values, names)
    key = (code, variant, f.severity, bool(values), read, types)
    return HEADS.get(key, lambda: _head(f), len)


# Values that are a message's own, whatever the sender: the SMTP client's address (SPF),
# a changed header's received and original texts (forensics).
_OWN_VALUES = frozenset({"ip", "received", "original"})


def _head(f: Finding) -> str:
    summary, explanation, remedy = worded(f.code, f.variant, f.values, "en")
    # A StrEnum member is a str holding its value: its JSON text is the value's.
    return json_text(
        f'{{"code": {_string(f.code)}, "severity": {_string(f.severity)}, '
        f'"summary": {_string(summary)}, "explanation": {_string(explanation)}, '
        f'"remedy": {_string(remedy)}, "permanent": {_scalar(f.permanent)}, '
    )


def _english_line(item: Evidence) -> str:
    return json_text(_string(_described(item, "en")))


def _spf_text(s: SpfCheck) -> str:
    """spf_dict(s)'s text, today's DNS answers held."""
    rec, ev, x = s.recorded, s.today, _scalar
    own = (
        f'{{"client_ip": {x(s.client_ip)}, "helo": {x(s.helo)}, "mailfrom": {x(s.mailfrom)}, '
        f'"identity": {x(s.identity)}, "domain": {x(s.domain)}, "boundary": {x(s.boundary)}, '
        f'"skipped": {x(s.skipped)}, '
        f'"recorded": {"null" if rec is None else _encode(spf_recorded_dict(rec))}, "today": '
    )
    if ev is None:
        return json_text(own + "null}")
    today = (
        f'{{"result": {x(ev.result.value)}, '
        f'"problem": {x(ev.problem.value if ev.problem else None)}, "detail": {x(ev.detail)}, '
        f'"domain": {x(ev.domain)}, "sender": {x(ev.sender)}, "ip": {x(ev.ip)}, '
        f'"matched": {x(ev.matched)}, "matched_in": {x(ev.matched_in)}, '
        f'"record": {x(ev.record)}, '
        f'"records": {_records(ev.records)}, '
        f'"lookups": {_strings(ev.counted)}, "void_lookups": {_strings(ev.voids)}, '
        f'"explanation": {x(ev.explanation)}, "all": {x(ev.all_qualifier)}, "dns": ['
    )
    dns = ", ".join([_dns_text(a) for a in ev.answers])
    return f"{json_text(own + today)}{dns}]}}}}"


def _records(records: tuple[tuple[str, str], ...]) -> str:
    """The text of a list of {"domain", "record"} objects (SPF's, usually none)."""
    return _encode([{"domain": d, "record": r} for d, r in records]) if records else "[]"


def _receiver_text(rx: Receiver | None) -> str:
    """receiver_dict(rx)'s text: the receiver's own fields written here, what it recorded
    (usually nothing) by the encoder."""
    if rx is None:
        return "null"
    x = _scalar
    text = (
        f'{{"organisation": {x(rx.organisation)}, "boundary": {x(rx.boundary)}, '
        f'"delivered_at": {x(rx.delivered_at)}, "results": '
    )
    results = _encode([recorded_result_dict(r) for r in rx.results]) if rx.results else "[]"
    return f"{json_text(text)}{json_text(results)}}}"


def message_line(r: Report) -> str:
    """line(message_dict(r)), the same text, written directly with what recurs from message
    to message made once and held (scan's JSONL)."""
    msg, result, x = r.message, r.outcome, _scalar
    own = (
        f'{{"source": {x(source_text(r.source))}, "from_domain": {x(msg.from_domain)}, '
        f'"from": {_strings(msg.from_addresses)}, "subject": {x(msg.subject)}, '
        f'"message_id": {x(msg.message_id)}, "line_endings": {x(msg.line_endings.value)}, '
        f'"headers_only": {x(msg.headers_only)}, "verified_at": {x(r.verified_at)}, '
        f'"clock": {x(r.clock.value)}, "outcome": {x(result.name.lower())}, '
        f'"exit_code": {x(int(result))}, "signatures": ['
    )
    signatures = ", ".join([_signature_text(v) for v in r.verdicts])
    findings = ", ".join([_finding_text(f) for f in r.findings])
    dmarc = _dmarc_text(r.dmarc) if r.dmarc else "null"
    receiver = _receiver_text(r.receiver)
    spf = _spf_text(r.spf) if r.spf else "null"
    dmarc_result = _dmarc_result_text(r.dmarc_result) if r.dmarc_result else "null"
    return (
        f'{json_text(own)}{signatures}], "findings": [{findings}], "dmarc": {dmarc}, '
        f'"arc": {_arc_text(r.arc)}, "receiver": {receiver}, "spf": {spf}, '
        f'"dmarc_result": {dmarc_result}}}\n'
    )
