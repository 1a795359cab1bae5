"""Verification outcomes: one :class:`Check` per step, folded into a report.

Lower layers raise exceptions from :mod:`vcid.errors`; the verifier turns
each into a :class:`Check` with a stable code and a human reason. A report
never carries personal data from the credential: details name fields and
rules, never their values.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

from vcid._json import JsonObject, JsonValue
from vcid.errors import OK, SKIPPED, IndeterminateError, InvalidError, VcidError


class Outcome(enum.Enum):
    """The result of one check."""

    PASSED = "passed"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"
    SKIPPED = "skipped"
    #: Genuine and current, but flagged for a person to look at (for
    #: example a missing-child alert on the credential's status).
    ALERT = "alert"


class Verdict(enum.Enum):
    """The overall answer: valid, invalid, or no decision reached."""

    VALID = "valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"
    #: Every check passed, but at least one raised an alert: refer to a person.
    ALERT = "alert"


@dataclass(frozen=True, slots=True)
class Check:
    """One verification step: its name, outcome, stable code and reason.

    ``name`` is dotted and stable (``proof[0].signature``); ``code`` is
    one of :data:`vcid.errors.CHECK_CODES`: ``"OK"`` for a passed check,
    ``"SKIPPED"`` for a skipped one, otherwise an alert code or the
    :attr:`VcidError.code` of the failure.
    """

    name: str
    outcome: Outcome
    code: str = OK
    detail: str = ""

    @classmethod
    def passed(cls, name: str, detail: str = "") -> Check:
        return cls(name, Outcome.PASSED, OK, detail)

    @classmethod
    def skipped(cls, name: str, detail: str = "") -> Check:
        return cls(name, Outcome.SKIPPED, SKIPPED, detail)

    @classmethod
    def from_error(cls, name: str, error: VcidError) -> Check:
        """The check that ``error`` stands for (failed or indeterminate)."""
        outcome = Outcome.INDETERMINATE if isinstance(error, IndeterminateError) else Outcome.FAILED
        return cls(name, outcome, error.code, str(error))

    def to_json(self) -> JsonObject:
        return {
            "name": self.name,
            "outcome": self.outcome.value,
            "code": self.code,
            "detail": self.detail,
        }


_MARKS = {
    Outcome.PASSED: "ok  ",
    Outcome.FAILED: "FAIL",
    Outcome.INDETERMINATE: "??  ",
    Outcome.SKIPPED: "--  ",
    Outcome.ALERT: "WARN",
}


def fold(checks: Iterable[Check]) -> Verdict:
    """Fold outcomes: failed > indeterminate > alert > valid."""
    outcomes = {check.outcome for check in checks}
    if Outcome.FAILED in outcomes:
        return Verdict.INVALID
    if Outcome.INDETERMINATE in outcomes:
        return Verdict.INDETERMINATE
    if Outcome.ALERT in outcomes:
        return Verdict.ALERT
    return Verdict.VALID


def _time(value: datetime | None) -> JsonValue:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialView:
    """What a border policy branches on, read from a structurally valid credential.

    Only identifiers, types and dates: never the claims about the child
    (names, places, registration numbers). Present whenever the
    credential passed its ``data_model`` check, whatever the other checks
    found; read it together with :attr:`CredentialResult.verdict`.
    """

    id: str | None
    types: tuple[str, ...]
    issuer: str
    subject_ids: tuple[str | None, ...]
    valid_from: datetime | None
    valid_until: datetime | None
    version: str

    def to_json(self) -> JsonObject:
        return {
            "id": self.id,
            "types": list(self.types),
            "issuer": self.issuer,
            "subjectIds": list(self.subject_ids),
            "validFrom": _time(self.valid_from),
            "validUntil": _time(self.valid_until),
            "version": self.version,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialResult:
    """One credential's checks (names without a prefix) and its parsed view.

    :param index: its position in the presentation, ``None`` for a lone
        credential.
    :param view: the parsed credential; ``None`` when its data model check
        failed.
    :param checks: every check of this credential, in order.
    """

    index: int | None
    view: CredentialView | None
    checks: tuple[Check, ...]
    verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", fold(self.checks))

    @property
    def prefix(self) -> str:
        """The prefix of this credential's checks in the flat report."""
        return "" if self.index is None else f"credential[{self.index}]."

    def check(self, name: str) -> Check | None:
        """The check called ``name`` (unprefixed), if it ran."""
        return next((c for c in self.checks if c.name == name), None)

    def checks_under(self, name: str) -> tuple[Check, ...]:
        """The checks called ``name`` or ``name[...]``/``name.…`` (``status``, ``ledger``)."""
        return tuple(
            c for c in self.checks if c.name == name or c.name.startswith((name + ".", name + "["))
        )

    @property
    def status(self) -> tuple[Check, ...]:
        """The status checks (``status`` and ``status[i]...``)."""
        return self.checks_under("status")

    @property
    def receipt(self) -> tuple[Check, ...]:
        """The transparency-log receipt checks (``ledger.*``); empty if none ran."""
        return self.checks_under("ledger")

    def to_json(self) -> JsonObject:
        checks: list[JsonValue] = [check.to_json() for check in self.checks]
        return {
            "index": self.index,
            "verdict": self.verdict.value,
            "view": None if self.view is None else self.view.to_json(),
            "checks": checks,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PresentationResult:
    """A presentation's own checks, its holder and the keys that signed it.

    :param holder: the presentation's ``holder`` id, if it has one.
    :param verification_methods: the verification methods of the
        presentation's proofs whose signatures verified, in proof order.
    :param checks: the presentation's own checks (names without the
        ``presentation.`` prefix).
    """

    holder: str | None
    verification_methods: tuple[str, ...]
    checks: tuple[Check, ...]
    verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", fold(self.checks))

    def check(self, name: str) -> Check | None:
        """The check called ``name`` (unprefixed), if it ran."""
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> JsonObject:
        checks: list[JsonValue] = [check.to_json() for check in self.checks]
        return {
            "holder": self.holder,
            "verificationMethods": list(self.verification_methods),
            "verdict": self.verdict.value,
            "checks": checks,
        }


def _prefixed(prefix: str, checks: Iterable[Check]) -> tuple[Check, ...]:
    return tuple(Check(prefix + c.name, c.outcome, c.code, c.detail) for c in checks)


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """What a verification found: the verdict and every check behind it.

    ``checks`` is every check in one flat tuple, each credential's prefixed
    with ``credential[i].`` and the presentation's with ``presentation.``
    (stable names for logs and the CLI). ``credentials`` and
    ``presentation`` hold the same checks grouped per document, each next
    to what was read from it, for policies that decide per credential.
    """

    kind: str  # "credential" or "presentation"
    checks: tuple[Check, ...]
    credentials: tuple[CredentialResult, ...] = ()
    presentation: PresentationResult | None = None
    verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", fold(self.checks))

    @classmethod
    def for_credential(cls, result: CredentialResult) -> VerificationReport:
        """The report of one credential verified on its own."""
        return cls("credential", result.checks, (result,))

    @classmethod
    def for_presentation(
        cls,
        presentation: PresentationResult,
        credentials: Iterable[CredentialResult],
    ) -> VerificationReport:
        """The report of a presentation: its own checks, then each credential's."""
        held = tuple(credentials)
        flat = list(_prefixed("presentation.", presentation.checks))
        for result in held:
            flat.extend(_prefixed(result.prefix, result.checks))
        return cls("presentation", tuple(flat), held, presentation)

    @property
    def verified(self) -> bool:
        """True only when the verdict is VALID."""
        return self.verdict is Verdict.VALID

    def __bool__(self) -> NoReturn:
        raise TypeError(
            "a VerificationReport has no truth value: use report.verified or report.verdict"
        )

    def alerts(self) -> tuple[Check, ...]:
        """The checks that raised an alert."""
        return tuple(c for c in self.checks if c.outcome is Outcome.ALERT)

    def failures(self) -> tuple[Check, ...]:
        """The checks that failed or could not decide."""
        return tuple(c for c in self.checks if c.outcome in (Outcome.FAILED, Outcome.INDETERMINATE))

    def raise_for_verdict(self) -> None:
        """Raise the first failure unless the verdict is VALID or ALERT.

        :raises InvalidError: if the verdict is INVALID.
        :raises IndeterminateError: if the verdict is INDETERMINATE.
        """
        if self.verdict in (Verdict.VALID, Verdict.ALERT):
            return
        first = self.failures()[0]
        error_type = InvalidError if self.verdict is Verdict.INVALID else IndeterminateError
        raise error_type(f"{first.name}: {first.code}: {first.detail}")

    def to_text(self) -> str:
        """The report as lines for a terminal: verdict, then one line a check."""
        lines = [f"{self.verdict.value.upper()} {self.kind}"]
        width = max((len(check.name) for check in self.checks), default=0)
        for check in self.checks:
            reason = check.detail
            if check.outcome in (Outcome.FAILED, Outcome.INDETERMINATE, Outcome.ALERT):
                reason = f"{check.code}: {check.detail}"
            mark = _MARKS[check.outcome]
            lines.append(f"  {mark} {check.name.ljust(width)}  {reason}".rstrip())
        return "\n".join(lines) + "\n"

    def to_json(self) -> JsonObject:
        checks: list[JsonValue] = [check.to_json() for check in self.checks]
        report: JsonObject = {
            "kind": self.kind,
            "verified": self.verified,
            "verdict": self.verdict.value,
            "checks": checks,
        }
        if self.presentation is not None:
            report["presentation"] = self.presentation.to_json()
        if self.credentials:
            report["credentials"] = [result.to_json() for result in self.credentials]
        return report


__all__ = [
    "Check",
    "CredentialResult",
    "CredentialView",
    "Outcome",
    "PresentationResult",
    "Verdict",
    "VerificationReport",
    "fold",
]


# --- pickling ---------------------------------------------------------------
# Reports cross process boundaries (vcid.bulk.verify_many). The generic
# pickling of slotted dataclasses calls dataclasses.fields() twice per object,
# which made a report cost more to pickle and unpickle than a third of a
# verification; a tuple of the slots in declaration order is the same state.


def _fast_pickling(cls: type) -> None:
    names: tuple[str, ...] = cls.__slots__  # type: ignore[attr-defined]
    getter = operator.attrgetter(*names)

    def getstate(self: object) -> tuple[object, ...]:
        state: tuple[object, ...] = getter(self)
        return state

    def setstate(self: object, state: tuple[object, ...]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    setattr(cls, "__getstate__", getstate)  # noqa: B010 - replaces the generated one
    setattr(cls, "__setstate__", setstate)  # noqa: B010


for _cls in (Check, CredentialView, CredentialResult, PresentationResult, VerificationReport):
    _fast_pickling(_cls)
del _cls
