"""Build the registrar credentials: frozen facts in, unsigned credential JSON out.

Each builder checks the facts, naming the credential property at fault
(:class:`~vcid.errors.CredentialDataError`, never the value), builds a VC
Data Model 2.0 credential with the vcid context and its ``credentialSchema``,
and checks the result against the data model (:func:`vcid.model.validate_credential`).
Sign the result with :func:`vcid.issuer.issue`, which checks it against the
bundled JSON Schema (:func:`vcid.schema.validate_credential_schemas`) once.

Time is a parameter: ``now`` (aware) decides what "in the future" means.
A calendar date is in the future when it is later than today's date
anywhere on Earth (UTC+14), since registrations carry local dates.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, TypeGuard

from vcid._json import JsonObject, JsonValue
from vcid.credentials.countries import is_country_code
from vcid.credentials.limits import (
    MAX_IDENTIFIER,
    MAX_NAME,
    MAX_TEXT,
    StringRule,
    string_rule,
)
from vcid.credentials.links import digest_link, matches_digest
from vcid.credentials.types import (
    BIRTH_SCHEMA,
    CERTIFICATE_FORMS,
    CUSTODIES,
    GUARDIAN_ROLES,
    GUARDIANSHIP_BASES,
    GUARDIANSHIP_SCHEMA,
    PARENT_ROLES,
    PERMISSIONS,
    SEXES,
    TRAVEL_CONSENT_SCHEMA,
    VC_CONTEXT,
    VCID_CONTEXT,
    BirthRecord,
    Companion,
    CourtOrder,
    Guardian,
    Guardianship,
    GuardianshipLimits,
    Parent,
    Person,
    PlaceOfBirth,
    PostalAddress,
    ReceivingPerson,
    Registration,
    TravelConsent,
)
from vcid.errors import (
    CredentialDataError,
    DataModelError,
    SchemaViolation,
    UsageError,
)
from vcid.model import (
    DataModelViolation,
    format_datetime,
    require_aware,
    validate_credential,
)
from vcid.schema import validate_credential_schemas

#: Legal parents on one birth record.
MAX_PARENTS: Final = 4
#: Guardians in one arrangement; accompanying adults on one trip.
MAX_PERSONS: Final = 8
#: Destinations of one trip; jurisdictions of one guardianship.
MAX_COUNTRIES: Final = 50
#: The default age of majority (coming of age), in years.
DEFAULT_MAJORITY_AGE: Final = 18
#: The latest local date anywhere is UTC+14 (Line Islands).
_LATEST_OFFSET: Final = timedelta(hours=14)
_MAX_YEAR: Final = 9998

# Lengths and patterns come from schemas/vcid-defs-v1.json (vcid.credentials.limits).
_TEXT: Final = string_rule("text")
_NAME: Final = string_rule("name")
_IDENTIFIER: Final = string_rule("identifier")
_PLAIN: Final = string_rule("plainText")
_DID: Final = string_rule("did")
_URN_UUID: Final = string_rule("urnUuid")
_TELEPHONE: Final = string_rule("telephone")
_EMAIL: Final = string_rule("email")


# --- the builders -------------------------------------------------------------


def birth_credential(
    record: BirthRecord,
    *,
    issuer: str,
    credential_id: str | None = None,
    valid_from: datetime | None = None,
    now: datetime,
) -> JsonObject:
    """Build an unsigned ``BirthCredential`` whose subject is the child.

    :param record: the registered facts.
    :param issuer: the civil registrar's DID.
    :param credential_id: a ``urn:uuid:`` id; a random one by default.
    :param valid_from: the start of validity (aware); ``now`` by default.
    :param now: the current time (aware).
    :raises CredentialDataError: for bad facts: an empty name, a birth date
        in the future, a registration date before the birth or in the
        future, an unknown country code or sex code, a long form naming no
        parent or a short form naming some.
    :raises UsageError: for misuse (naive datetimes, an issuer that is not a
        DID, an id that is not a ``urn:uuid``, a record of the wrong type).
    """
    _require(record, BirthRecord, "record")
    start = _start(valid_from, now)
    latest = _latest_date(now)
    subject: JsonObject = _person(record.child, "credentialSubject")
    birth = _date(record.birth_date, "credentialSubject.birthDate")
    if birth > latest:
        raise CredentialDataError("credentialSubject.birthDate", "is in the future")
    subject["birthDate"] = birth.isoformat()
    subject["birthPlace"] = _place_of_birth(record.place_of_birth)
    subject["sex"] = _choice(record.sex, SEXES, "credentialSubject.sex")
    if record.nationality is not None:
        subject["nationality"] = _country(record.nationality, "credentialSubject.nationality")
    form = _choice(record.form, CERTIFICATE_FORMS, "credentialSubject.certificateForm")
    parents = _items(record.parents, "credentialSubject.parent", maximum=MAX_PARENTS)
    if form == "long" and not parents:
        raise CredentialDataError("credentialSubject.parent", "the long form names the parents")
    if form == "short" and parents:
        raise CredentialDataError("credentialSubject.parent", "the short form names no parents")
    if parents:
        subject["parent"] = _parents(parents, child_did=record.child.did)
    registration = _registration(
        record.registration, "credentialSubject.birthRegistration", date_required=True
    )
    registered = record.registration.date
    assert registered is not None
    if registered < birth:
        raise CredentialDataError(
            "credentialSubject.birthRegistration.registrationDate", "is before the birth date"
        )
    if registered > latest:
        raise CredentialDataError(
            "credentialSubject.birthRegistration.registrationDate", "is in the future"
        )
    subject["birthRegistration"] = registration
    subject["certificateForm"] = form
    document = _envelope(
        "BirthCredential",
        BIRTH_SCHEMA,
        issuer=issuer,
        credential_id=credential_id,
        valid_from=start,
        valid_until=None,
        related=(),
        subject=subject,
    )
    return _finish(document, BIRTH_SCHEMA)


def guardianship_credential(
    arrangement: Guardianship,
    *,
    issuer: str,
    birth_credential: Mapping[str, JsonValue],
    credential_id: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    majority_age: int = DEFAULT_MAJORITY_AGE,
    now: datetime,
) -> JsonObject:
    """Build an unsigned ``GuardianshipCredential``; its subject is the arrangement.

    The dependent must be the birth credential's child (names, birth date,
    DID), linked by a ``relatedResource`` digest of that credential
    (:func:`~vcid.credentials.links.credential_digest_multibase`). The
    credential is valid at most until the child comes of age.

    :param arrangement: the guardianship's facts.
    :param issuer: the registrar's or court's DID.
    :param birth_credential: the child's birth credential, as the holder
        will present it (normally signed): its digest is linked.
    :param credential_id: a ``urn:uuid:`` id; a random one by default.
    :param valid_from: the start of validity (aware); ``now`` by default.
    :param valid_until: the end of validity (aware); by default the child's
        coming of age (00:00 UTC on the ``majority_age`` birthday; 28
        February for a 29 February birth).
    :param majority_age: the age of majority in years (18; 19 in some
        Canadian provinces).
    :param now: the current time (aware).
    :raises CredentialDataError: for bad facts: a dependent that is not the
        birth credential's child or has come of age, an empty name, a
        sole custody with several guardians (or joint with one), a
        parentage basis with a guardian who is not a legal parent, a court
        order missing or not expected, unknown permissions or country codes,
        limits that end before they start or after coming of age, a
        ``valid_until`` past the coming of age or before ``valid_from``, a
        birth credential that is not a valid vcid ``BirthCredential``.
    :raises UsageError: for misuse (naive datetimes, bad issuer or id,
        ``majority_age`` outside 1-25, inputs of the wrong type).
    """
    _require(arrangement, Guardianship, "arrangement")
    if isinstance(majority_age, bool) or not isinstance(majority_age, int):
        raise UsageError("majority_age must be an integer")
    if not 1 <= majority_age <= 25:
        raise UsageError("majority_age must be between 1 and 25")
    start = _start(valid_from, now)
    latest = _latest_date(now)
    birth_subject, _ = _linked(birth_credential, "birthCredential", "BirthCredential", BIRTH_SCHEMA)
    dependent = _person(arrangement.child, "credentialSubject.dependent")
    birth = _date(arrangement.child_birth_date, "credentialSubject.dependent.birthDate")
    dependent["birthDate"] = birth.isoformat()
    _same_child(dependent, birth_subject, "credentialSubject.dependent")
    majority = _anniversary(birth, majority_age, "credentialSubject.dependent.birthDate")
    coming_of_age = datetime.combine(majority, time(), UTC)
    if now >= coming_of_age:
        raise CredentialDataError("credentialSubject.dependent.birthDate", "has come of age")
    end = coming_of_age if valid_until is None else require_aware(valid_until, "valid_until")
    if end > coming_of_age:
        raise CredentialDataError("validUntil", "is after the child's coming of age")
    if end <= start:
        raise CredentialDataError("validUntil", "is not after validFrom")

    subject: JsonObject = {"type": "GuardianshipArrangement", "dependent": dependent}
    custody = _choice(arrangement.custody, CUSTODIES, "credentialSubject.custody")
    guardians = _items(
        arrangement.guardians, "credentialSubject.guardian", minimum=1, maximum=MAX_PERSONS
    )
    if custody == "sole" and len(guardians) != 1:
        raise CredentialDataError("credentialSubject.guardian", "sole custody names one guardian")
    if custody == "joint" and len(guardians) < 2:
        raise CredentialDataError("credentialSubject.guardian", "joint custody names several")
    guardian_items = _guardians(guardians, child_did=arrangement.child.did)
    subject["guardian"] = guardian_items
    basis = _choice(arrangement.basis, GUARDIANSHIP_BASES, "credentialSubject.basis")
    subject["basis"] = basis
    if basis == "parentage":
        _guardians_are_parents(guardian_items, birth_subject)
    if basis == "courtOrder":
        subject["courtOrder"] = _court_order(arrangement.court_order, birth, latest)
    elif arrangement.court_order is not None:
        raise CredentialDataError("credentialSubject.courtOrder", "is only for basis courtOrder")
    subject["custody"] = custody
    permissions = _items(
        arrangement.permissions,
        "credentialSubject.permission",
        minimum=1,
        maximum=len(PERMISSIONS),
    )
    subject["permission"] = _unique(
        [
            _choice(item, PERMISSIONS, f"credentialSubject.permission[{index}]")
            for index, item in enumerate(permissions)
        ],
        "credentialSubject.permission",
    )
    if arrangement.limits is not None:
        subject["limits"] = _limits(arrangement.limits, birth, majority)
    document = _envelope(
        "GuardianshipCredential",
        GUARDIANSHIP_SCHEMA,
        issuer=issuer,
        credential_id=credential_id,
        valid_from=start,
        valid_until=end,
        related=(digest_link(birth_credential, field="birthCredential"),),
        subject=subject,
    )
    return _finish(document, GUARDIANSHIP_SCHEMA)


def travel_consent_credential(
    consent: TravelConsent,
    *,
    issuer: str,
    birth_credential: Mapping[str, JsonValue],
    guardianship_credential: Mapping[str, JsonValue],
    credential_id: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    now: datetime,
) -> JsonObject:
    """Build an unsigned ``TravelConsentCredential``, self-issued by a guardian.

    The issuer is the consenting guardian's DID, who must be a guardian in
    the guardianship credential, which must grant ``consentToTravel`` and
    link the birth credential given; the child must be that credential's
    child, with its birth registration number and authority. Both
    credentials are linked by ``relatedResource`` digests. The consent is
    valid from its signing day until the end (UTC) of the last travel day.

    :param consent: the consent's facts.
    :param issuer: the consenting guardian's DID.
    :param birth_credential: the child's birth credential (as presented).
    :param guardianship_credential: the guardianship credential naming the
        consenting guardian (as presented).
    :param credential_id: a ``urn:uuid:`` id; a random one by default.
    :param valid_from: the start of validity (aware); ``now`` by default.
    :param valid_until: the end of validity (aware); by default 00:00 UTC
        on the day after the travel period ends.
    :param now: the current time (aware).
    :raises CredentialDataError: for bad facts: a travel period that ends
        before it starts or lies outside the consent's validity or the
        guardianship's, a child who is not the birth credential's child, a
        consenting guardian who is not the issuer or not a guardian, a
        guardianship that does not grant ``consentToTravel`` or does not
        link the birth credential, companions and "travels alone" together
        (or neither), a receiving person missing for a child travelling
        alone, unknown country codes, empty names.
    :raises UsageError: for misuse (naive datetimes, bad issuer or id,
        inputs of the wrong type).
    """
    _require(consent, TravelConsent, "consent")
    start = _start(valid_from, now)
    issuer_did = _issuer(issuer)
    birth_subject, _ = _linked(birth_credential, "birthCredential", "BirthCredential", BIRTH_SCHEMA)
    guardianship, guardianship_end = _linked(
        guardianship_credential,
        "guardianshipCredential",
        "GuardianshipCredential",
        GUARDIANSHIP_SCHEMA,
    )
    _links_birth(guardianship_credential, birth_credential)

    child = _person(consent.child, "credentialSubject.child")
    birth = _date(consent.child_birth_date, "credentialSubject.child.birthDate")
    child["birthDate"] = birth.isoformat()
    _same_child(child, birth_subject, "credentialSubject.child")
    registration = _registration(
        consent.registration, "credentialSubject.child.birthRegistration", date_required=False
    )
    _same_registration(registration, birth_subject)
    child["birthRegistration"] = registration

    _require(consent.consenting_guardian, Guardian, "credentialSubject.consentingGuardian")
    consenting = _person(
        consent.consenting_guardian.person, "credentialSubject.consentingGuardian", did=True
    )
    consenting["relationship"] = _choice(
        consent.consenting_guardian.role,
        GUARDIAN_ROLES,
        "credentialSubject.consentingGuardian.relationship",
    )
    if consenting["id"] != issuer_did:
        raise CredentialDataError(
            "credentialSubject.consentingGuardian.id", "must be the issuer (self-issued consent)"
        )
    _may_consent(issuer_did, guardianship)
    subject: JsonObject = {"type": "TravelConsent", "child": child}
    subject["consentingGuardian"] = consenting

    alone = consent.travels_alone
    if not isinstance(alone, bool):
        raise CredentialDataError("credentialSubject.travelsAlone", "must be true or false")
    companions = _items(consent.accompanied_by, "credentialSubject.accompaniedBy")
    if alone:
        if companions:
            raise CredentialDataError(
                "credentialSubject.accompaniedBy", "is not allowed when the child travels alone"
            )
        if consent.receiving_person is None:
            raise CredentialDataError(
                "credentialSubject.receivingPerson", "is required when the child travels alone"
            )
        subject["travelsAlone"] = True
        subject["receivingPerson"] = _receiving_person(consent.receiving_person)
    else:
        if not companions:
            raise CredentialDataError(
                "credentialSubject.accompaniedBy", "is required unless the child travels alone"
            )
        if consent.receiving_person is not None:
            raise CredentialDataError(
                "credentialSubject.receivingPerson", "is only for a child travelling alone"
            )
        subject["accompaniedBy"] = _companions(companions, child_did=consent.child.did)

    destinations = _items(
        consent.destinations, "credentialSubject.destination", minimum=1, maximum=MAX_COUNTRIES
    )
    subject["destination"] = _unique(
        [
            _country(code, f"credentialSubject.destination[{index}]")
            for index, code in enumerate(destinations)
        ],
        "credentialSubject.destination",
    )
    first = _date(consent.travel_start, "credentialSubject.travelPeriod.startDate")
    last = _date(consent.travel_end, "credentialSubject.travelPeriod.endDate")
    if last < first:
        raise CredentialDataError("credentialSubject.travelPeriod.endDate", "is before startDate")
    after_last = datetime.combine(last + timedelta(days=1), time(), UTC)
    end = after_last if valid_until is None else require_aware(valid_until, "valid_until")
    if end <= start:
        raise CredentialDataError("validUntil", "is not after validFrom")
    if first < start.astimezone(UTC).date():
        raise CredentialDataError(
            "credentialSubject.travelPeriod.startDate", "is before the consent's validFrom"
        )
    if end < after_last:
        raise CredentialDataError(
            "credentialSubject.travelPeriod.endDate", "is after the consent's validUntil"
        )
    if guardianship_end is not None and after_last > guardianship_end:
        raise CredentialDataError(
            "credentialSubject.travelPeriod.endDate", "is after the guardianship's validUntil"
        )
    subject["travelPeriod"] = {"startDate": first.isoformat(), "endDate": last.isoformat()}
    document = _envelope(
        "TravelConsentCredential",
        TRAVEL_CONSENT_SCHEMA,
        issuer=issuer_did,
        credential_id=credential_id,
        valid_from=start,
        valid_until=end,
        related=(
            digest_link(birth_credential, field="birthCredential"),
            digest_link(guardianship_credential, field="guardianshipCredential"),
        ),
        subject=subject,
    )
    return _finish(document, TRAVEL_CONSENT_SCHEMA)


# --- the credential around the subject ------------------------------------------


def _envelope(
    type_name: str,
    schema_id: str,
    *,
    issuer: str,
    credential_id: str | None,
    valid_from: datetime,
    valid_until: datetime | None,
    related: Sequence[JsonObject],
    subject: JsonObject,
) -> JsonObject:
    document: JsonObject = {
        "@context": [VC_CONTEXT, VCID_CONTEXT],
        "id": _credential_id(credential_id),
        "type": ["VerifiableCredential", type_name],
        "issuer": _issuer(issuer),
        "validFrom": _timestamp(valid_from, "validFrom"),
    }
    if valid_until is not None:
        document["validUntil"] = _timestamp(valid_until, "validUntil")
    document["credentialSchema"] = {"id": schema_id, "type": "JsonSchema"}
    if related:
        document["relatedResource"] = list(related)
    document["credentialSubject"] = subject
    return document


def _finish(document: JsonObject, schema_id: str) -> JsonObject:
    """The data model must accept what was built.

    The bundled JSON Schema is checked once, where every credential passes:
    :func:`vcid.issuer.issue` (about 1 ms; the tests check that every
    builder's output is schema-valid).
    """
    del schema_id  # named by credentialSchema; validated at issue
    validate_credential(document)
    return document


def _credential_id(value: str | None) -> str:
    if value is None:
        return f"urn:uuid:{uuid.uuid4()}"
    if not _conforms(value, _URN_UUID):
        raise UsageError("credential_id must be a lower-case urn:uuid")
    return value


def _issuer(value: object) -> str:
    if not _conforms(value, _DID):
        raise UsageError("issuer must be a DID")
    return value


def _start(valid_from: datetime | None, now: datetime) -> datetime:
    require_aware(now, "now")
    if valid_from is None:
        return now.astimezone(UTC).replace(microsecond=0)
    return require_aware(valid_from, "valid_from")


def _timestamp(value: datetime, field: str) -> str:
    try:
        return format_datetime(value)
    except DataModelError:
        raise CredentialDataError(field, "is out of range") from None


def _latest_date(now: datetime) -> date:
    """Today's date where it is latest (UTC+14)."""
    return (now.astimezone(UTC) + _LATEST_OFFSET).date()


def _anniversary(birth: date, years: int, field: str) -> date:
    """The ``years``-th birthday (28 February for a 29 February birth)."""
    year = birth.year + years
    if year > _MAX_YEAR:
        raise CredentialDataError(field, "is out of range")
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year: the earlier reading
        return date(year, 2, 28)


# --- linked credentials ----------------------------------------------------------


def _linked(
    credential: Mapping[str, JsonValue], field: str, type_name: str, schema_id: str
) -> tuple[Mapping[str, JsonValue], datetime | None]:
    """Check a credential to be linked; return its subject and ``validUntil``."""
    if not isinstance(credential, Mapping):
        raise UsageError(f"{field} must be a JSON object")
    try:
        view = validate_credential(credential)
        checked = validate_credential_schemas(credential)
    except DataModelViolation as exc:
        raise CredentialDataError(_join(field, exc.field), exc.rule) from None
    except SchemaViolation as exc:
        raise CredentialDataError(_join(field, exc.field), exc.rule) from None
    except DataModelError:
        raise CredentialDataError(field, "breaks the VC data model") from None
    if type_name not in view.types:
        raise CredentialDataError(f"{field}.type", f"must include {type_name}")
    if schema_id not in checked:
        raise CredentialDataError(f"{field}.credentialSchema", "must name the vcid schema")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping):  # pragma: no cover - the schema requires it
        raise CredentialDataError(f"{field}.credentialSubject", "must be an object")
    return subject, view.valid_until


def _join(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if path else prefix


def _same_child(built: JsonObject, birth_subject: Mapping[str, JsonValue], path: str) -> None:
    """The child named here must be the birth credential's child."""
    for key in ("id", "givenName", "familyName", "additionalName", "birthDate"):
        if built.get(key) != birth_subject.get(key):
            raise CredentialDataError(f"{path}.{key}", "does not match the birth credential")


def _same_registration(built: JsonObject, birth_subject: Mapping[str, JsonValue]) -> None:
    registered = birth_subject.get("birthRegistration")
    assert isinstance(registered, Mapping)
    for key, value in built.items():
        if registered.get(key) != value:
            raise CredentialDataError(
                f"credentialSubject.child.birthRegistration.{key}",
                "does not match the birth credential",
            )


def _links_birth(
    guardianship_credential: Mapping[str, JsonValue], birth_credential: Mapping[str, JsonValue]
) -> None:
    """The guardianship credential must link this very birth credential."""
    birth_id = birth_credential.get("id")
    related = guardianship_credential.get("relatedResource")
    for entry in related if isinstance(related, list) else []:
        if (
            isinstance(entry, dict)
            and entry.get("id") == birth_id
            and matches_digest(birth_credential, entry.get("digestMultibase"))
        ):
            return
    raise CredentialDataError(
        "guardianshipCredential.relatedResource", "does not link this birth credential"
    )


def _may_consent(did: str, guardianship: Mapping[str, JsonValue]) -> None:
    """The consenting guardian is a guardian allowed to consent to travel."""
    guardians = guardianship.get("guardian")
    listed = guardians if isinstance(guardians, list) else []
    ids = [item.get("id") for item in listed if isinstance(item, dict)]
    if did not in ids:
        raise CredentialDataError(
            "credentialSubject.consentingGuardian.id",
            "is not a guardian in the guardianship credential",
        )
    permissions = guardianship.get("permission")
    if not isinstance(permissions, list) or "consentToTravel" not in permissions:
        raise CredentialDataError(
            "guardianshipCredential.credentialSubject.permission",
            "does not grant consentToTravel",
        )


def _guardians_are_parents(
    guardians: list[JsonValue], birth_subject: Mapping[str, JsonValue]
) -> None:
    """Parentage: every guardian is a legal parent on the long-form birth record."""
    parents = birth_subject.get("parent")
    listed = [p for p in parents if isinstance(p, dict)] if isinstance(parents, list) else []
    for index, guardian in enumerate(guardians):
        assert isinstance(guardian, dict)
        if not any(_same_parent(guardian, parent) for parent in listed):
            raise CredentialDataError(
                f"credentialSubject.guardian[{index}]",
                "is not a legal parent in the birth credential (basis parentage)",
            )


def _same_parent(guardian: Mapping[str, JsonValue], parent: Mapping[str, JsonValue]) -> bool:
    if "id" in guardian and "id" in parent:
        return guardian["id"] == parent["id"]
    return all(
        guardian.get(key) == parent.get(key)
        for key in ("givenName", "familyName", "additionalName")
    )


# --- parts of subjects -------------------------------------------------------------


def _person(person: Person, path: str, *, did: bool = False) -> JsonObject:
    _require(person, Person, path)
    built: JsonObject = {}
    if person.did is not None or did:
        built["id"] = _did(person.did, f"{path}.id")
    built["givenName"] = _text(person.given_name, f"{path}.givenName", rule=_NAME)
    built["familyName"] = _text(person.family_name, f"{path}.familyName", rule=_NAME)
    if person.additional_name is not None:
        built["additionalName"] = _text(
            person.additional_name, f"{path}.additionalName", rule=_NAME
        )
    return built


def _place_of_birth(place: PlaceOfBirth) -> JsonObject:
    path = "credentialSubject.birthPlace"
    _require(place, PlaceOfBirth, path)
    built: JsonObject = {"addressLocality": _text(place.locality, f"{path}.addressLocality")}
    if place.region is not None:
        built["addressRegion"] = _text(place.region, f"{path}.addressRegion")
    built["addressCountry"] = _country(place.country, f"{path}.addressCountry")
    return built


def _registration(registration: Registration, path: str, *, date_required: bool) -> JsonObject:
    _require(registration, Registration, path)
    built: JsonObject = {
        "registrationNumber": _text(
            registration.number, f"{path}.registrationNumber", rule=_IDENTIFIER
        )
    }
    if registration.date is not None:
        built["registrationDate"] = _date(registration.date, f"{path}.registrationDate").isoformat()
    elif date_required:
        raise CredentialDataError(f"{path}.registrationDate", "is required")
    built["registrationAuthority"] = _text(registration.authority, f"{path}.registrationAuthority")
    return built


def _parents(parents: Sequence[object], *, child_did: str | None) -> list[JsonValue]:
    built: list[JsonValue] = []
    seen: set[str] = set() if child_did is None else {child_did}
    for index, parent in enumerate(parents):
        path = f"credentialSubject.parent[{index}]"
        _require(parent, Parent, path)
        assert isinstance(parent, Parent)
        item = _person(parent.person, path)
        _distinct(item, seen, path)
        if parent.nationality is not None:
            item["nationality"] = _country(parent.nationality, f"{path}.nationality")
        item["role"] = _choice(parent.role, PARENT_ROLES, f"{path}.role")
        built.append(item)
    return built


def _guardians(guardians: Sequence[object], *, child_did: str | None) -> list[JsonValue]:
    built: list[JsonValue] = []
    seen: set[str] = set() if child_did is None else {child_did}
    for index, guardian in enumerate(guardians):
        path = f"credentialSubject.guardian[{index}]"
        _require(guardian, Guardian, path)
        assert isinstance(guardian, Guardian)
        item = _person(guardian.person, path)
        _distinct(item, seen, path)
        item["role"] = _choice(guardian.role, GUARDIAN_ROLES, f"{path}.role")
        built.append(item)
    return built


def _companions(companions: Sequence[object], *, child_did: str | None) -> list[JsonValue]:
    built: list[JsonValue] = []
    seen: set[str] = set() if child_did is None else {child_did}
    if len(companions) > MAX_PERSONS:
        raise CredentialDataError("credentialSubject.accompaniedBy", f"maxItems {MAX_PERSONS}")
    for index, companion in enumerate(companions):
        path = f"credentialSubject.accompaniedBy[{index}]"
        _require(companion, Companion, path)
        assert isinstance(companion, Companion)
        item = _person(companion.person, path)
        _distinct(item, seen, path)
        item["relationship"] = _text(companion.relationship, f"{path}.relationship")
        built.append(item)
    return built


def _distinct(item: JsonObject, seen: set[str], path: str) -> None:
    did = item.get("id")
    if isinstance(did, str):
        if did in seen:
            raise CredentialDataError(f"{path}.id", "names the same DID twice")
        seen.add(did)


def _court_order(order: object, birth: date, latest: date) -> JsonObject:
    path = "credentialSubject.courtOrder"
    if order is None:
        raise CredentialDataError(path, "is required for basis courtOrder")
    _require(order, CourtOrder, path)
    assert isinstance(order, CourtOrder)
    ordered = _date(order.date, f"{path}.orderDate")
    if ordered < birth:
        raise CredentialDataError(f"{path}.orderDate", "is before the birth date")
    if ordered > latest:
        raise CredentialDataError(f"{path}.orderDate", "is in the future")
    return {
        "reference": _text(order.reference, f"{path}.reference", rule=_IDENTIFIER),
        "court": _text(order.court, f"{path}.court"),
        "orderDate": ordered.isoformat(),
    }


def _limits(limits: GuardianshipLimits, birth: date, majority: date) -> JsonObject:
    path = "credentialSubject.limits"
    _require(limits, GuardianshipLimits, path)
    built: JsonObject = {}
    jurisdictions = _items(limits.jurisdictions, f"{path}.jurisdiction", maximum=MAX_COUNTRIES)
    if jurisdictions:
        built["jurisdiction"] = _unique(
            [
                _country(code, f"{path}.jurisdiction[{index}]")
                for index, code in enumerate(jurisdictions)
            ],
            f"{path}.jurisdiction",
        )
    first = None if limits.start_date is None else _date(limits.start_date, f"{path}.startDate")
    last = None if limits.end_date is None else _date(limits.end_date, f"{path}.endDate")
    if first is not None:
        if first < birth:
            raise CredentialDataError(f"{path}.startDate", "is before the birth date")
        built["startDate"] = first.isoformat()
    if last is not None:
        if first is not None and last < first:
            raise CredentialDataError(f"{path}.endDate", "is before startDate")
        if last > majority:
            raise CredentialDataError(f"{path}.endDate", "is after the child's coming of age")
        built["endDate"] = last.isoformat()
    if not built:
        raise CredentialDataError(path, "is empty (leave it out)")
    return built


def _receiving_person(receiver: object) -> JsonObject:
    path = "credentialSubject.receivingPerson"
    _require(receiver, ReceivingPerson, path)
    assert isinstance(receiver, ReceivingPerson)
    built = _person(receiver.person, path)
    if "id" in built:
        raise CredentialDataError(f"{path}.id", "is not recorded for the receiving person")
    if receiver.relationship is not None:
        built["relationship"] = _text(receiver.relationship, f"{path}.relationship")
    built["address"] = _address(receiver.address, f"{path}.address")
    telephone = receiver.telephone
    if not _conforms(telephone, _TELEPHONE):
        raise CredentialDataError(f"{path}.telephone", "must be E.164 (+ and 7 to 15 digits)")
    built["telephone"] = telephone
    if receiver.email is not None:
        email = receiver.email
        if not _conforms(email, _EMAIL) or not _conforms(email, _PLAIN):
            raise CredentialDataError(f"{path}.email", "is not an e-mail address")
        built["email"] = email
    return built


def _address(address: PostalAddress, path: str) -> JsonObject:
    _require(address, PostalAddress, path)
    built: JsonObject = {"streetAddress": _text(address.street_address, f"{path}.streetAddress")}
    if address.postal_code is not None:
        built["postalCode"] = _text(address.postal_code, f"{path}.postalCode", rule=_IDENTIFIER)
    built["addressLocality"] = _text(address.locality, f"{path}.addressLocality")
    if address.region is not None:
        built["addressRegion"] = _text(address.region, f"{path}.addressRegion")
    built["addressCountry"] = _country(address.country, f"{path}.addressCountry")
    return built


# --- values --------------------------------------------------------------------------


def _require(value: object, kind: type, path: str) -> None:
    if not isinstance(value, kind):
        raise CredentialDataError(path, f"must be a {kind.__name__}")


def _conforms(value: object, rule: StringRule) -> TypeGuard[str]:
    """Whether ``value`` is a string the schema rule accepts."""
    return (
        isinstance(value, str)
        and len(value) >= rule.min_length
        and (rule.max_length is None or len(value) <= rule.max_length)
        and rule.failed(value) is None
    )


def _text(value: object, path: str, *, rule: StringRule = _TEXT) -> str:
    """A value of one of the schema's text types (``text`` by default)."""
    if not isinstance(value, str):
        raise CredentialDataError(path, "must be text")
    if len(value) < rule.min_length:
        raise CredentialDataError(path, "is empty")
    if rule.max_length is not None and len(value) > rule.max_length:
        raise CredentialDataError(path, f"is longer than {rule.max_length} characters")
    failed = rule.failed(value)
    if failed is not None:
        raise CredentialDataError(path, failed)
    return value


def _did(value: object, path: str) -> str:
    if value is None:
        raise CredentialDataError(path, "is required")
    if not _conforms(value, _DID):
        raise CredentialDataError(path, "must be a DID")
    return value


def _date(value: object, path: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise CredentialDataError(path, "must be a date (not a datetime)")
    if value.year > _MAX_YEAR:
        raise CredentialDataError(path, "is out of range")
    return value


def _country(value: object, path: str) -> str:
    if not is_country_code(value):
        raise CredentialDataError(path, "is not an ISO 3166-1 alpha-2 country code")
    assert isinstance(value, str)
    return value


def _choice(value: object, allowed: frozenset[str], path: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise CredentialDataError(path, "must be one of: " + ", ".join(sorted(allowed)))
    return value


def _items(
    value: object, path: str, *, minimum: int = 0, maximum: int = MAX_PERSONS
) -> Sequence[object]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise CredentialDataError(path, "must be a tuple")
    if len(value) < minimum:
        raise CredentialDataError(path, "is required" if minimum == 1 else f"minItems {minimum}")
    if len(value) > maximum:
        raise CredentialDataError(path, f"has more than {maximum} items")
    return value


def _unique(values: list[str], path: str) -> list[JsonValue]:
    if len(set(values)) != len(values):
        raise CredentialDataError(path, "has duplicate items")
    return list(values)


__all__ = [
    "DEFAULT_MAJORITY_AGE",
    "MAX_COUNTRIES",
    "MAX_IDENTIFIER",
    "MAX_NAME",
    "MAX_PARENTS",
    "MAX_PERSONS",
    "MAX_TEXT",
    "birth_credential",
    "guardianship_credential",
    "travel_consent_credential",
]
