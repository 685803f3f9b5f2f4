"""One outcome rule, one exit-code precedence, one severity order (issue 12)."""

from __future__ import annotations

from analyzer.model import ExitCode, Finding, Outcome, Severity, only_temporary, worst_first


def test_exit_code_precedence_is_one_rule() -> None:
    assert ExitCode.worst([]) is ExitCode.OK
    assert ExitCode.worst([0, 75, 65, 1]) is ExitCode.FAIL
    assert ExitCode.worst([0, 75, 65]) is ExitCode.DATAERR
    assert ExitCode.worst([1, 66]) is ExitCode.NOINPUT
    assert ExitCode.worst([66, 70]) is ExitCode.SOFTWARE
    assert ExitCode.worst([70, 141]) is ExitCode.BROKEN_PIPE
    assert ExitCode.worst([Outcome.TEMPORARY, Outcome.PASS]) is ExitCode.TEMPFAIL
    # Every documented code, and the outcomes are exit codes of the same numbers.
    assert {int(c) for c in ExitCode} == {0, 1, 2, 65, 66, 69, 70, 74, 75, 130, 141}
    assert {int(o) for o in Outcome} <= {int(c) for c in ExitCode}


def test_outcome_rule() -> None:
    assert Outcome.decide(True, True) is Outcome.PASS
    assert Outcome.decide(False, True) is Outcome.TEMPORARY
    assert Outcome.decide(False, False) is Outcome.FAIL
    assert Outcome.worst([Outcome.PASS, Outcome.TEMPORARY]) is Outcome.TEMPORARY
    assert Outcome.worst([Outcome.TEMPORARY, Outcome.FAIL]) is Outcome.FAIL
    assert Outcome.worst([]) is Outcome.PASS


def test_one_severity_order_and_permanence_from_the_table() -> None:
    info = Finding("headers_only", Severity.INFO)
    warn = Finding("dns_temporary", Severity.WARNING)
    err = Finding("dns_servfail", Severity.ERROR)
    err2 = Finding("key_revoked", Severity.ERROR)
    assert worst_first([info, warn, err, err2]) == (err, err2, warn, info)
    assert [s.rank for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)] == [0, 1, 2]
    assert (err.permanent, err2.permanent, info.permanent) == (False, True, None)
    assert (
        only_temporary([err, warn]) and not only_temporary([err, err2]) and not only_temporary([])
    )


def test_a_finding_holds_values_not_words() -> None:
    f = Finding("weak_key", Severity.WARNING, "signer", {"d": "example.com", "bits": 1024}, 0)
    assert not any(hasattr(f, name) for name in ("summary", "explanation", "remedy"))
    assert f.values["bits"] == 1024 and hash(f) == hash(
        Finding("weak_key", Severity.WARNING, "signer", {}, 0)
    )


# --- construction cost (issue 15): quick_init and evolve keep dataclasses' semantics ---------

import dataclasses  # noqa: E402
import inspect  # noqa: E402

import pytest  # noqa: E402

from analyzer import model, pipeline, spf, trace  # noqa: E402

QUICK = [
    v for v in vars(model).values()
    if isinstance(v, type) and v.__module__ == model.__name__ and dataclasses.is_dataclass(v)
] + [trace._Hop, spf.Identity, pipeline.Lookup]  # fmt: skip


@pytest.mark.parametrize("cls", QUICK, ids=lambda c: c.__name__)
def test_quick_init_takes_what_the_dataclass_init_takes(cls: type) -> None:
    assert cls.__init__.__code__.co_filename == "<string>"  # replaced, for each of them
    # The parameters of the __init__ dataclasses writes: the init fields, in order, with
    # their defaults (a default factory's shows as a sentinel).
    params = list(inspect.signature(cls).parameters.values())
    init = [f for f in dataclasses.fields(cls) if f.init]
    assert [p.name for p in params] == [f.name for f in init]
    for p, f in zip(params, init, strict=True):
        assert p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if f.default is not dataclasses.MISSING:
            assert p.default is f.default
        elif f.default_factory is dataclasses.MISSING:
            assert p.default is inspect.Parameter.empty
    # Every value given is kept as given, by position and by keyword; every default is the
    # field's (a factory's made afresh for each instance).
    given = {f.name: object() for f in init}
    if cls is model.HeaderField:  # __post_init__ reads the name
        given = {"name": b"From", "value": b" a@example.com\r\n"}
    for value in (cls(*given.values()), cls(**given)):
        assert all(getattr(value, name) is v for name, v in given.items())
    required = {f.name: given[f.name] for f in init
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}  # fmt: skip
    first, second = cls(**required), cls(**required)
    for f in dataclasses.fields(cls):
        if f.name in required or not f.init:
            continue
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(first, f.name) == f.default_factory()
            assert getattr(first, f.name) is not getattr(second, f.name)
        else:
            assert getattr(first, f.name) is f.default
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(first, dataclasses.fields(cls)[0].name, None)
    with pytest.raises(TypeError):
        cls(*given.values(), object())


def test_quick_init_runs_post_init_and_refuses_what_it_cannot_copy() -> None:
    assert model.HeaderField(b"DKIM-Signature ", b" v=1\r\n").lname == "dkim-signature"

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordOnly:
        a: int

    for cls in (NoSlots, NotFrozen, KeywordOnly):
        with pytest.raises(TypeError):
            model.quick_init(cls)


def test_evolve_is_dataclasses_replace() -> None:
    answer = model.DnsAnswer("a.example.", "TXT", model.DnsStatus.OK, ((b"v=1",),), ttl=60)
    dmarc = model.Dmarc("example.com", model.DmarcStatus.FOUND, (answer,), "example.com",
                        "v=DMARC1; p=none", (("p", "none"),))  # fmt: skip
    for value, changes in [
        (dmarc, {"spf_pass": True}),
        (dmarc, {"dkim_aligned_pass": True, "signature_index": 1}),
        (dmarc, {}),
        (model.Receiver("google", "by mx", 5, (), 0, 3), {"results": ()}),
        (answer, {"name": "b.example.", "cname_chain": (("b.example.", "a.example."),)}),
    ]:
        evolved = model.evolve(value, **changes)
        assert evolved == dataclasses.replace(value, **changes) and type(evolved) is type(value)
        assert evolved is not value
    with pytest.raises(TypeError):
        model.evolve(dmarc, policy="none")  # a property, not a field
    with pytest.raises(TypeError):
        model.evolve(model.HeaderField(b"From", b" x\r\n"))  # lname is not __init__'s
