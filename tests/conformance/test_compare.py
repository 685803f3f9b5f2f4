"""The comparison rules of bench/conformance.py, on made-up reports (no corpus needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.bench_modules import load

conformance = load("conformance")
CASE = Path("corpus/cases/c1")


def sig(result: str, reason: str | None = None, intact: bool | None = True) -> dict[str, Any]:
    return {"index": 0, "result": result, "reason": reason, "detail": None,
            "header_signature_valid": intact, "body_hash_valid": intact}  # fmt: skip


def expected(result: str, **extra: Any) -> dict[str, Any]:
    return {"signatures": [{"index": 0, "result": result, "asserted": True, **extra}]}


def compare(exp: dict[str, Any], message: dict[str, Any], arc: Any = None) -> Any:
    [row] = conformance.compare_case("c", CASE, exp, message, arc)
    return row


def test_rsa_sha1_pass_is_policy_agreement_only_when_intact() -> None:
    row = compare(expected("pass"), {"signatures": [sig("policy", "weak_algorithm")]})
    assert row.agrees and not row.agrees_strict and row.policy
    row = compare(expected("pass"), {"signatures": [sig("policy", "weak_algorithm", False)]})
    assert not row.agrees


def test_rfc6376_result_wins_and_unknown_is_skipped() -> None:
    row = compare(expected("pass", rfc6376_result="permerror"), {"signatures": [sig("fail")]})
    assert row.agrees and row.expected == "other"
    assert conformance.compare_case("c", CASE, expected("unknown"), {"signatures": []}) == []


def test_missing_signature_disagrees() -> None:
    row = compare(expected("pass"), {"signatures": [], "error": "not a message"})
    assert row.ours == "missing" and not row.agrees


def test_arc_verdicts_compare_once_reported() -> None:
    exp = {"signatures": [], "arc": {"cv": "Fail", "asserted": True}}
    assert compare(exp, {"signatures": []}).ours == "unavailable"
    assert compare(exp, {"signatures": [], "arc": {"cv": "fail"}}).agrees
    sealed = {"signatures": [], "arc": {"cv": "pass"}}
    assert not compare(exp, {"signatures": [], "arc": {"cv": "fail"}}, sealed).agrees
