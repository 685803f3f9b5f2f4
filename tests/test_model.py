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
