"""ADMIT, REFER or DENY: an alert always refers, a failure denies, doubt refers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vcid.border import Ruling, decide
from vcid.report import Check, Outcome, VerificationReport

OK = Check.passed("data_model")
FORGED = Check("proof[0].signature", Outcome.FAILED, "INVALID_SIGNATURE", "does not verify")
UNREACHABLE = Check(
    "status[0].revocation", Outcome.INDETERMINATE, "STATUS_LIST_UNAVAILABLE", "no list"
)
MISSING = Check("status[2].message", Outcome.ALERT, "MISSING_CHILD_ALERT", "reported missing")
SKIPPED = Check.skipped("schema")


def _decide(*checks: Check) -> tuple[Ruling, tuple[str, ...]]:
    decision = decide(VerificationReport("credential", checks))
    return decision.ruling, tuple(c.code for c in decision.reasons)


def test_each_ruling_and_its_reasons() -> None:
    """All passed admits; a failure denies; doubt refers; an alert refers, first."""
    assert _decide(OK, SKIPPED) == (Ruling.ADMIT, ())
    assert _decide(OK, FORGED) == (Ruling.DENY, ("INVALID_SIGNATURE",))
    assert _decide(OK, UNREACHABLE) == (Ruling.REFER, ("STATUS_LIST_UNAVAILABLE",))
    assert _decide(FORGED, UNREACHABLE) == (Ruling.DENY, ("INVALID_SIGNATURE",))
    assert _decide(FORGED, MISSING) == (Ruling.REFER, ("MISSING_CHILD_ALERT", "INVALID_SIGNATURE"))


def test_text_and_json_lead_with_the_ruling() -> None:
    """The officer reads the ruling and its reason before the checks."""
    decision = decide(VerificationReport("credential", (OK, FORGED)))
    assert decision.to_text().startswith(
        "DENY\n  because proof[0].signature: INVALID_SIGNATURE: does not verify\n"
    )
    document = decision.to_json()
    assert document["ruling"] == "deny"
    assert document["report"]["verdict"] == "invalid"  # type: ignore[index,call-overload]


_CHECKS = st.sampled_from([OK, FORGED, UNREACHABLE, MISSING, SKIPPED])


@given(st.lists(_CHECKS, max_size=8))
def test_never_admit_unless_every_check_passed(checks: list[Check]) -> None:
    """ADMIT exactly when nothing failed, alerted or was left undecided."""
    ruling, _ = _decide(*checks)
    clean = all(c.outcome in (Outcome.PASSED, Outcome.SKIPPED) for c in checks)
    assert (ruling is Ruling.ADMIT) == clean
    if any(c.outcome is Outcome.ALERT for c in checks):
        assert ruling is Ruling.REFER
