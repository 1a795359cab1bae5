"""Holder binding: the adult at the border is someone the child's credentials name.

A genuine birth credential carried by the wrong adult is the second forgery
a trafficker uses. After the presentation verified (signatures, status,
challenge), :func:`check_binding` checks what ties its parts together:

``binding.holder``
    the presentation names a ``holder`` and one of its valid proofs is the
    holder's (``presentation.proof.holder`` passed);
``binding.birth_credential``
    it carries exactly one ``BirthCredential``, and that credential verified;
``binding.child``
    every guardianship credential and travel consent is about the same
    child: it links the birth credential by ``relatedResource`` (a digest
    the verifier checked) or, without a link, names the same child id;
``binding.relationship``
    the holder is a parent in the birth credential, a guardian in a verified
    guardianship credential, or a companion a verified consent names;
``binding.consent[i]``
    each travel consent is issued by a holder of parental responsibility
    (a parent or guardian named above) and names that person as the one
    consenting.

Details name roles and credential positions, never names or dates. Whether
a consent covers this trip (dates, destination) and whether consent is
needed at all are a rule set's questions, not binding's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from vcid._json import JsonValue
from vcid.errors import (
    ChildMismatch,
    ConsentNotAuthorised,
    CredentialMissing,
    HolderNotBound,
    UsageError,
    VcidError,
)
from vcid.report import (
    Check,
    CredentialResult,
    Outcome,
    PresentationResult,
    Verdict,
    VerificationReport,
)

BIRTH_CREDENTIAL: Final = "BirthCredential"
GUARDIANSHIP_CREDENTIAL: Final = "GuardianshipCredential"
TRAVEL_CONSENT_CREDENTIAL: Final = "TravelConsentCredential"
#: The most people one credential may name for binding (parents, guardians, companions).
MAX_NAMED: Final = 16

_TRUSTED_VERDICTS: Final = frozenset({Verdict.VALID, Verdict.ALERT})


@dataclass(frozen=True, slots=True)
class _Presented:
    """One presented credential: its verification result and its raw JSON."""

    result: CredentialResult
    document: Mapping[str, JsonValue]

    @property
    def verified(self) -> bool:
        return self.result.verdict in _TRUSTED_VERDICTS

    def has_type(self, name: str) -> bool:
        view = self.result.view
        return view is not None and name in view.types

    @property
    def label(self) -> str:
        return f"credential[{self.result.index}]"

    @property
    def subject(self) -> Mapping[str, JsonValue]:
        subject = self.document.get("credentialSubject")
        return subject if isinstance(subject, dict) else {}


def _people(value: JsonValue) -> Iterator[tuple[str, str | None]]:
    """``(id, role)`` for each person object with a string ``id``."""
    items = value if isinstance(value, list) else [value]
    for item in items[:MAX_NAMED]:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            role = item.get("role", item.get("relationship"))
            yield str(item["id"]), role if isinstance(role, str) else None


def _links(document: Mapping[str, JsonValue]) -> set[str]:
    related = document.get("relatedResource")
    items = related if isinstance(related, list) else [related]
    return {str(item["id"]) for item in items if isinstance(item, dict) and "id" in item}


def _same_child(item: _Presented, birth: _Presented, child_key: str) -> bool:
    """Linked by a checked digest, or naming the birth credential's subject id."""
    birth_id = birth.result.view.id if birth.result.view is not None else None
    related = item.result.check("related_resource")
    if birth_id is not None and birth_id in _links(item.document):
        return related is not None and related.outcome is Outcome.PASSED
    subject_id = birth.subject.get("id")
    child = item.subject.get(child_key)
    return isinstance(subject_id, str) and isinstance(child, dict) and child.get("id") == subject_id


def check_binding(
    presentation: Mapping[str, JsonValue], report: VerificationReport
) -> tuple[Check, ...]:
    """The binding checks of a verified presentation (see the module docs).

    :param presentation: the presentation as parsed JSON (the one verified).
    :param report: its verification report.
    :raises UsageError: if ``report`` is not a presentation's report.
    """
    own = report.presentation
    if report.kind != "presentation" or own is None:
        raise UsageError("check_binding needs a presentation's report")
    if not isinstance(presentation, Mapping):
        raise UsageError("presentation must be a JSON object")
    raw = presentation.get("verifiableCredential")
    documents = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    embedded = [d for d in documents if isinstance(d, dict)]
    presented = [
        _Presented(result, embedded[result.index])
        for result in report.credentials
        if result.index is not None and result.index < len(embedded)
    ]
    checks = [_holder_check(own)]
    births = [p for p in presented if p.has_type(BIRTH_CREDENTIAL)]
    birth_check, birth = _birth_check(births)
    checks.append(birth_check)
    guardianships = [p for p in presented if p.has_type(GUARDIANSHIP_CREDENTIAL)]
    consents = [p for p in presented if p.has_type(TRAVEL_CONSENT_CREDENTIAL)]
    if birth is None:
        return tuple(checks)
    checks.append(_child_check(birth, guardianships, consents))
    parents = dict(_people(birth.subject.get("parent")))
    guardians: dict[str, str | None] = {}
    for item in guardianships:
        if item.verified and _same_child(item, birth, "dependent"):
            guardians.update(_people(item.subject.get("guardian")))
    checks.append(_relationship_check(own.holder, parents, guardians, consents, birth))
    responsible = set(parents) | set(guardians)
    checks.extend(_consent_check(index, item, responsible) for index, item in enumerate(consents))
    return tuple(checks)


def _holder_check(own: PresentationResult) -> Check:
    name = "binding.holder"
    if own.holder is None:
        return Check.from_error(name, HolderNotBound("the presentation names no holder"))
    signed = own.check("proof.holder")
    if signed is None or signed.outcome is not Outcome.PASSED:
        error = HolderNotBound("no valid proof of the presentation is the holder's")
        return Check.from_error(name, error)
    return Check.passed(name, "the holder signed the presentation")


def _birth_check(births: Sequence[_Presented]) -> tuple[Check, _Presented | None]:
    name = "binding.birth_credential"
    if not births:
        return Check.from_error(name, CredentialMissing("no birth credential is presented")), None
    if len(births) > 1:
        error = CredentialMissing("more than one birth credential is presented")
        return Check.from_error(name, error), None
    (birth,) = births
    if not birth.verified:
        error = CredentialMissing(f"the birth credential ({birth.label}) did not verify")
        return Check.from_error(name, error), None
    return Check.passed(name, f"{birth.label}"), birth


def _child_check(
    birth: _Presented, guardianships: Sequence[_Presented], consents: Sequence[_Presented]
) -> Check:
    name = "binding.child"
    others = [(item, "dependent") for item in guardianships] + [
        (item, "child") for item in consents
    ]
    for item, key in others:
        if not _same_child(item, birth, key):
            error = ChildMismatch(
                f"{item.label} is not linked to the birth credential ({birth.label})"
            )
            return Check.from_error(name, error)
    if not others:
        return Check.skipped(name, "only the birth credential names the child")
    return Check.passed(name, f"{len(others)} linked to {birth.label}")


def _relationship_check(
    holder: str | None,
    parents: Mapping[str, str | None],
    guardians: Mapping[str, str | None],
    consents: Sequence[_Presented],
    birth: _Presented,
) -> Check:
    name = "binding.relationship"
    if holder is None:
        return Check.from_error(name, HolderNotBound("the presentation names no holder"))
    if holder in parents:
        role = parents[holder] or "parent"
        return Check.passed(name, f"the holder is the child's {role} ({birth.label})")
    if holder in guardians:
        role = guardians[holder] or "guardian"
        return Check.passed(name, f"the holder is the child's guardian ({role})")
    for item in consents:
        if item.verified and holder in dict(_people(item.subject.get("accompaniedBy"))):
            return Check.passed(name, f"the holder is the companion {item.label} names")
    error = HolderNotBound("the holder is not a parent, guardian or named companion of the child")
    return Check.from_error(name, error)


def _consent_check(index: int, item: _Presented, responsible: set[str]) -> Check:
    name = f"binding.consent[{index}]"
    view = item.result.view
    try:
        if not item.verified or view is None:
            raise ConsentNotAuthorised(f"the consent ({item.label}) did not verify")
        if view.issuer not in responsible:
            raise ConsentNotAuthorised(
                f"the consent ({item.label}) is not issued by a holder of parental "
                "responsibility named in the birth or guardianship credentials"
            )
        consenting = dict(_people(item.subject.get("consentingGuardian")))
        if view.issuer not in consenting:
            raise ConsentNotAuthorised(
                f"the consent ({item.label}) names someone else as the consenting guardian"
            )
    except VcidError as exc:
        return Check.from_error(name, exc)
    return Check.passed(name, f"{item.label} is given by a holder of parental responsibility")


def bind(presentation: Mapping[str, JsonValue], report: VerificationReport) -> VerificationReport:
    """``report`` with the binding checks added to the presentation's own checks."""
    own = report.presentation
    if own is None:
        raise UsageError("bind needs a presentation's report")
    extra = check_binding(presentation, report)
    bound = PresentationResult(
        holder=own.holder,
        verification_methods=own.verification_methods,
        checks=(*own.checks, *extra),
    )
    return VerificationReport.for_presentation(bound, report.credentials)


__all__ = [
    "BIRTH_CREDENTIAL",
    "GUARDIANSHIP_CREDENTIAL",
    "TRAVEL_CONSENT_CREDENTIAL",
    "bind",
    "check_binding",
]
