"""The builders: what they make, and each error for bad facts (named by field, never by value)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.credentials.conftest import (
    AUNT,
    CHILD,
    FATHER,
    MOTHER,
    NOW,
    REGISTRAR,
    REGISTRATION,
    arrangement,
    birth_record,
    consent,
)
from vcid._json import JsonObject
from vcid.credentials import (
    BIRTH_SCHEMA,
    GUARDIANSHIP_SCHEMA,
    TRAVEL_CONSENT_SCHEMA,
    VCID_CONTEXT,
    Companion,
    CourtOrder,
    Guardian,
    GuardianshipLimits,
    Parent,
    Person,
    PlaceOfBirth,
    PostalAddress,
    ReceivingPerson,
    Registration,
    birth_credential,
    credential_digest_multibase,
    guardianship_credential,
    travel_consent_credential,
)
from vcid.errors import CredentialDataError, DataModelError, UsageError
from vcid.model import validate_credential
from vcid.schema import validate_credential_schemas

RECEIVER = ReceivingPerson(
    person=Person(given_name="Marieke", family_name="de Vries"),
    address=PostalAddress(street_address="Keizersgracht 1", locality="Amsterdam", country="NL"),
    telephone="+31205550123",
    email="marieke@example.org",
    relationship="aunt",
)


def build_birth(**changes: object) -> JsonObject:
    return birth_credential(birth_record(**changes), issuer=REGISTRAR, now=NOW)


def build_guardianship(birth: JsonObject, **changes: object) -> JsonObject:
    return guardianship_credential(
        arrangement(**changes), issuer=REGISTRAR, birth_credential=birth, now=NOW
    )


def build_consent(birth: JsonObject, guardianship: JsonObject, **changes: object) -> JsonObject:
    return travel_consent_credential(
        consent(**changes),
        issuer=FATHER.did or "",
        birth_credential=birth,
        guardianship_credential=guardianship,
        now=NOW,
    )


# --- what is built ------------------------------------------------------------------


def test_birth_credential_shape(birth: JsonObject) -> None:
    """A birth credential: both contexts, its type, schema, issuer, validFrom = now."""
    assert birth["@context"] == ["https://www.w3.org/ns/credentials/v2", VCID_CONTEXT]
    assert birth["type"] == ["VerifiableCredential", "BirthCredential"]
    assert birth["credentialSchema"] == {"id": BIRTH_SCHEMA, "type": "JsonSchema"}
    assert birth["issuer"] == REGISTRAR
    assert birth["validFrom"] == "2026-01-15T09:00:00Z"
    assert "validUntil" not in birth
    assert isinstance(birth["id"], str)
    assert birth["id"].startswith("urn:uuid:")
    subject = birth["credentialSubject"]
    assert isinstance(subject, dict)
    assert subject["birthDate"] == "2019-03-14"
    assert subject["certificateForm"] == "long"
    assert subject["birthRegistration"] == {
        "registrationNumber": "B-2019-0314-0042",
        "registrationDate": "2019-03-20",
        "registrationAuthority": "Civil Registry Office, Cape Town",
    }
    parents = subject["parent"]
    assert isinstance(parents, list)
    assert [p["role"] for p in parents if isinstance(p, dict)] == ["mother", "father"]
    assert validate_credential_schemas(birth) == (BIRTH_SCHEMA,)


def test_random_ids_differ_and_fixed_ids_are_kept() -> None:
    """Each credential gets a fresh urn:uuid unless one is given."""
    first, second = build_birth(), build_birth()
    assert first["id"] != second["id"]
    fixed = "urn:uuid:00000000-0000-4000-8000-000000000001"
    made = birth_credential(birth_record(), issuer=REGISTRAR, credential_id=fixed, now=NOW)
    assert made["id"] == fixed


def test_long_compound_names_in_any_script_pass_the_schema() -> None:
    """Names up to the schema's name limit (1000 characters) build and pass the schema."""
    from vcid.credentials.limits import MAX_NAME, MAX_TEXT  # noqa: PLC0415

    assert MAX_NAME == 1000
    assert MAX_TEXT == 200
    long_names = (
        "Ngozi" + " Chukwuemeka-Adaeze" * 52,  # Latin, 993 characters
        "\u0928\u093e\u0930\u093e\u092f\u0923\u0940 " * 125,  # Devanagari with marks
        "\u0645\u062d\u0645\u062f \u0628\u0646 " * 100,  # Arabic
    )
    for long_name in long_names:
        name = long_name[:MAX_NAME].strip()
        built = build_birth(child=replace(CHILD, given_name=name, family_name=name))
        subject = built["credentialSubject"]
        assert isinstance(subject, dict)
        assert subject["givenName"] == name
        assert validate_credential_schemas(built)


def test_short_form_names_no_parents() -> None:
    """The short form has no parent property."""
    made = build_birth(form="short", parents=())
    subject = made["credentialSubject"]
    assert isinstance(subject, dict)
    assert "parent" not in subject
    assert subject["certificateForm"] == "short"


def test_guardianship_links_birth_and_ends_at_majority(
    birth: JsonObject, guardianship: JsonObject
) -> None:
    """The dependent's birth credential is linked by digest; validUntil is the 18th birthday."""
    assert guardianship["relatedResource"] == [
        {"id": birth["id"], "digestMultibase": credential_digest_multibase(birth)}
    ]
    assert guardianship["validUntil"] == "2037-03-14T00:00:00Z"
    assert guardianship["credentialSchema"] == {"id": GUARDIANSHIP_SCHEMA, "type": "JsonSchema"}
    subject = guardianship["credentialSubject"]
    assert isinstance(subject, dict)
    assert subject["type"] == "GuardianshipArrangement"
    assert subject["dependent"] == {
        "givenName": "Lerato",
        "familyName": "van der Berg",
        "birthDate": "2019-03-14",
    }


def test_majority_age_is_a_parameter(birth: JsonObject) -> None:
    """With majority at 19 the guardianship runs a year longer."""
    made = guardianship_credential(
        arrangement(), issuer=REGISTRAR, birth_credential=birth, majority_age=19, now=NOW
    )
    assert made["validUntil"] == "2038-03-14T00:00:00Z"


def test_leap_day_birth_comes_of_age_on_28_february() -> None:
    """A child born on 29 February comes of age on 28 February (the earlier reading)."""
    leap = replace(CHILD, given_name="Sipho")
    birth = build_birth(child=leap, birth_date=date(2016, 2, 29))
    made = guardianship_credential(
        arrangement(child=leap, child_birth_date=date(2016, 2, 29)),
        issuer=REGISTRAR,
        birth_credential=birth,
        now=NOW,
    )
    assert made["validUntil"] == "2034-02-28T00:00:00Z"


def test_court_order_guardianship(birth: JsonObject) -> None:
    """A court-appointed sole guardian with limits is recorded with the order."""
    made = build_guardianship(
        birth,
        guardians=(Guardian(person=AUNT, role="legalGuardian"),),
        basis="courtOrder",
        custody="sole",
        court_order=CourtOrder(reference="WC-2024-117", court="High Court", date=date(2024, 5, 2)),
        limits=GuardianshipLimits(jurisdictions=("ZA", "NA"), end_date=date(2030, 1, 1)),
    )
    subject = made["credentialSubject"]
    assert isinstance(subject, dict)
    assert subject["courtOrder"] == {
        "reference": "WC-2024-117",
        "court": "High Court",
        "orderDate": "2024-05-02",
    }
    assert subject["limits"] == {"jurisdiction": ["ZA", "NA"], "endDate": "2030-01-01"}
    assert validate_credential_schemas(made) == (GUARDIANSHIP_SCHEMA,)


def test_travel_consent_links_both_and_is_self_issued(
    birth: JsonObject, guardianship: JsonObject
) -> None:
    """The consent's issuer is the consenting guardian; both credentials are linked."""
    made = build_consent(birth, guardianship)
    assert made["issuer"] == FATHER.did
    assert made["validUntil"] == "2026-03-02T00:00:00Z"
    assert made["relatedResource"] == [
        {"id": birth["id"], "digestMultibase": credential_digest_multibase(birth)},
        {"id": guardianship["id"], "digestMultibase": credential_digest_multibase(guardianship)},
    ]
    subject = made["credentialSubject"]
    assert isinstance(subject, dict)
    assert subject["child"]["birthRegistration"] == {  # type: ignore[index,call-overload]
        "registrationNumber": "B-2019-0314-0042",
        "registrationAuthority": "Civil Registry Office, Cape Town",
    }
    assert validate_credential_schemas(made) == (TRAVEL_CONSENT_SCHEMA,)


def test_travel_alone_with_receiving_person(birth: JsonObject, guardianship: JsonObject) -> None:
    """A child travelling alone has travelsAlone and a receiving person, no companions."""
    made = build_consent(
        birth, guardianship, accompanied_by=(), travels_alone=True, receiving_person=RECEIVER
    )
    subject = made["credentialSubject"]
    assert isinstance(subject, dict)
    assert subject["travelsAlone"] is True
    assert "accompaniedBy" not in subject
    assert subject["receivingPerson"]["telephone"] == "+31205550123"  # type: ignore[index,call-overload]


def test_inputs_are_not_mutated(birth: JsonObject, guardianship: JsonObject) -> None:
    """Linked credentials are read, never changed."""
    before = copy.deepcopy((birth, guardianship))
    build_consent(birth, guardianship)
    assert (birth, guardianship) == before


def test_output_passes_the_data_model(birth: JsonObject, guardianship: JsonObject) -> None:
    """Every builder's output is a valid VC 2.0 credential."""
    for made in (birth, guardianship, build_consent(birth, guardianship)):
        assert validate_credential(made).version == "2.0"


# --- errors for bad facts --------------------------------------------------------------


def _future() -> date:
    return (NOW + timedelta(days=2)).date()


BIRTH_ERRORS: list[tuple[str, dict[str, object], str, str]] = [
    (
        "empty given name",
        {"child": replace(CHILD, given_name="  ")},
        "credentialSubject.givenName",
        "is empty",
    ),
    (
        "missing family name",
        {"child": replace(CHILD, family_name="")},
        "credentialSubject.familyName",
        "is empty",
    ),
    (
        "birth date in the future",
        {"birth_date": _future()},
        "credentialSubject.birthDate",
        "in the future",
    ),
    (
        "datetime as birth date",
        {"birth_date": datetime(2019, 3, 14, tzinfo=UTC)},
        "credentialSubject.birthDate",
        "must be a date",
    ),
    (
        "registration before birth",
        {"registration": replace(REGISTRATION, date=date(2019, 3, 1))},
        "credentialSubject.birthRegistration.registrationDate",
        "before the birth date",
    ),
    (
        "registration in the future",
        {"registration": replace(REGISTRATION, date=_future())},
        "credentialSubject.birthRegistration.registrationDate",
        "in the future",
    ),
    (
        "registration date missing",
        {"registration": replace(REGISTRATION, date=None)},
        "credentialSubject.birthRegistration.registrationDate",
        "is required",
    ),
    (
        "unknown country code",
        {"place_of_birth": PlaceOfBirth(locality="Cape Town", country="XX")},
        "credentialSubject.birthPlace.addressCountry",
        "ISO 3166-1",
    ),
    (
        "lower-case country code",
        {"place_of_birth": PlaceOfBirth(locality="Cape Town", country="za")},
        "credentialSubject.birthPlace.addressCountry",
        "ISO 3166-1",
    ),
    ("bad sex code", {"sex": "female"}, "credentialSubject.sex", "one of"),
    ("long form without parents", {"parents": ()}, "credentialSubject.parent", "long form"),
    ("short form with parents", {"form": "short"}, "credentialSubject.parent", "short form"),
    ("unknown form", {"form": "abridged"}, "credentialSubject.certificateForm", "one of"),
    (
        "bad parent role",
        {"parents": (Parent(person=MOTHER, role="guardian"),)},  # type: ignore[arg-type]
        "credentialSubject.parent[0].role",
        "one of",
    ),
    (
        "same parent twice",
        {"parents": (Parent(person=MOTHER, role="mother"), Parent(person=MOTHER, role="parent"))},
        "credentialSubject.parent[1].id",
        "same DID twice",
    ),
    (
        "parent DID malformed",
        {"parents": (Parent(person=replace(MOTHER, did="mother"), role="mother"),)},
        "credentialSubject.parent[0].id",
        "must be a DID",
    ),
    (
        "too many parents",
        {
            "parents": tuple(
                Parent(person=replace(MOTHER, did=None), role="parent") for _ in range(5)
            )
        },
        "credentialSubject.parent",
        "more than 4",
    ),
    (
        "control character in a name",
        {"child": replace(CHILD, given_name="Le\x00rato")},
        "credentialSubject.givenName",
        "control",
    ),
    (
        "bidi override in a name",
        {"child": replace(CHILD, family_name="\u202eBerg")},
        "credentialSubject.familyName",
        "bidirectional",
    ),
    (
        "name too long",
        {"child": replace(CHILD, given_name="A" * 1001)},
        "credentialSubject.givenName",
        "longer than 1000",
    ),
    ("nationality unknown", {"nationality": "ZZ"}, "credentialSubject.nationality", "ISO"),
    ("parents not a tuple", {"parents": "mother"}, "credentialSubject.parent", "tuple"),
]


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [case[1:] for case in BIRTH_ERRORS],
    ids=[case[0] for case in BIRTH_ERRORS],
)
def test_birth_errors(changes: dict[str, object], field: str, rule: str) -> None:
    """Each bad birth fact is a CredentialDataError naming the field, not the value."""
    with pytest.raises(CredentialDataError) as caught:
        build_birth(**changes)
    assert caught.value.field == field
    assert rule in caught.value.rule
    assert str(caught.value).startswith(field + ": ")
    assert isinstance(caught.value, DataModelError)
    assert caught.value.code == "CREDENTIAL_DATA"
    for secret in ("Lerato", "Naledi", "2019-03", "XX", "female", "za"):
        assert secret not in str(caught.value)


GUARDIANSHIP_ERRORS: list[tuple[str, dict[str, object], str, str]] = [
    (
        "dependent not the birth child",
        {"child": replace(CHILD, given_name="Sipho")},
        "credentialSubject.dependent.givenName",
        "does not match the birth credential",
    ),
    (
        "dependent birth date differs",
        {"child_birth_date": date(2019, 3, 15)},
        "credentialSubject.dependent.birthDate",
        "does not match",
    ),
    (
        "sole custody with two guardians",
        {"custody": "sole"},
        "credentialSubject.guardian",
        "sole custody",
    ),
    (
        "joint custody with one guardian",
        {"guardians": (Guardian(person=MOTHER, role="mother"),)},
        "credentialSubject.guardian",
        "joint custody",
    ),
    ("no guardian", {"guardians": ()}, "credentialSubject.guardian", "is required"),
    (
        "parentage guardian who is no parent",
        {
            "guardians": (
                Guardian(person=MOTHER, role="mother"),
                Guardian(person=AUNT, role="legalGuardian"),
            )
        },
        "credentialSubject.guardian[1]",
        "not a legal parent",
    ),
    (
        "court order missing",
        {"basis": "courtOrder"},
        "credentialSubject.courtOrder",
        "required for basis courtOrder",
    ),
    (
        "court order without that basis",
        {"court_order": CourtOrder(reference="X-1", court="High Court", date=date(2024, 1, 1))},
        "credentialSubject.courtOrder",
        "only for basis courtOrder",
    ),
    (
        "court order in the future",
        {
            "basis": "courtOrder",
            "court_order": CourtOrder(reference="X-1", court="High Court", date=_future()),
        },
        "credentialSubject.courtOrder.orderDate",
        "in the future",
    ),
    ("unknown basis", {"basis": "kinship"}, "credentialSubject.basis", "one of"),
    (
        "unknown permission",
        {"permissions": ("travel", "marry")},
        "credentialSubject.permission[1]",
        "one of",
    ),
    (
        "duplicate permission",
        {"permissions": ("travel", "travel")},
        "credentialSubject.permission",
        "duplicate",
    ),
    ("no permission", {"permissions": ()}, "credentialSubject.permission", "is required"),
    (
        "unknown jurisdiction",
        {"limits": GuardianshipLimits(jurisdictions=("ZA", "EU"))},
        "credentialSubject.limits.jurisdiction[1]",
        "ISO 3166-1",
    ),
    (
        "limits end before start",
        {"limits": GuardianshipLimits(start_date=date(2027, 1, 1), end_date=date(2026, 1, 1))},
        "credentialSubject.limits.endDate",
        "before startDate",
    ),
    (
        "limits past majority",
        {"limits": GuardianshipLimits(end_date=date(2037, 3, 15))},
        "credentialSubject.limits.endDate",
        "coming of age",
    ),
    ("empty limits", {"limits": GuardianshipLimits()}, "credentialSubject.limits", "empty"),
    (
        "bad guardian role",
        {
            "guardians": (
                Guardian(person=MOTHER, role="aunt"),  # type: ignore[arg-type]
                Guardian(person=FATHER, role="father"),
            )
        },
        "credentialSubject.guardian[0].role",
        "one of",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [case[1:] for case in GUARDIANSHIP_ERRORS],
    ids=[case[0] for case in GUARDIANSHIP_ERRORS],
)
def test_guardianship_errors(
    birth: JsonObject, changes: dict[str, object], field: str, rule: str
) -> None:
    """Each bad guardianship fact is a CredentialDataError naming the field."""
    with pytest.raises(CredentialDataError) as caught:
        build_guardianship(birth, **changes)
    assert caught.value.field == field
    assert rule in caught.value.rule
    for secret in ("Lerato", "Sipho", "Naledi", "marry", "kinship", "X-1"):
        assert secret not in str(caught.value)


def test_guardianship_valid_until_past_majority(birth: JsonObject) -> None:
    """validUntil may not run past the child's coming of age."""
    with pytest.raises(CredentialDataError, match=r"^validUntil: is after the child's coming"):
        guardianship_credential(
            arrangement(),
            issuer=REGISTRAR,
            birth_credential=birth,
            valid_until=datetime(2037, 3, 14, 0, 0, 1, tzinfo=UTC),
            now=NOW,
        )
    made = guardianship_credential(
        arrangement(),
        issuer=REGISTRAR,
        birth_credential=birth,
        valid_until=datetime(2037, 3, 14, tzinfo=UTC),
        now=NOW,
    )
    assert made["validUntil"] == "2037-03-14T00:00:00Z"


def test_guardianship_for_a_child_come_of_age(birth: JsonObject) -> None:
    """No guardianship is issued once the child has come of age."""
    with pytest.raises(CredentialDataError, match="has come of age"):
        guardianship_credential(
            arrangement(),
            issuer=REGISTRAR,
            birth_credential=birth,
            now=datetime(2037, 3, 14, tzinfo=UTC),
        )


def test_guardianship_valid_until_before_valid_from(birth: JsonObject) -> None:
    """A validity period that ends before it starts is refused."""
    with pytest.raises(CredentialDataError, match=r"^validUntil: is not after validFrom"):
        guardianship_credential(
            arrangement(),
            issuer=REGISTRAR,
            birth_credential=birth,
            valid_until=NOW - timedelta(days=1),
            now=NOW,
        )


def test_guardianship_needs_a_birth_credential(birth: JsonObject) -> None:
    """The linked credential must be a schema-valid BirthCredential with an id."""
    other = copy.deepcopy(birth)
    other["type"] = ["VerifiableCredential"]
    with pytest.raises(CredentialDataError) as caught:
        build_guardianship(other)
    assert caught.value.field.startswith("birthCredential.")
    broken = copy.deepcopy(birth)
    del broken["credentialSubject"]["birthDate"]  # type: ignore[union-attr,arg-type]
    with pytest.raises(CredentialDataError) as caught:
        build_guardianship(broken)
    assert caught.value.field == "birthCredential.credentialSubject.birthDate"
    unschema = copy.deepcopy(birth)
    del unschema["credentialSchema"]
    with pytest.raises(CredentialDataError, match=r"^birthCredential.credentialSchema"):
        build_guardianship(unschema)


def test_guardianship_birth_credential_not_a_mapping() -> None:
    """Passing something other than a JSON object is misuse."""
    with pytest.raises(UsageError):
        guardianship_credential(
            arrangement(),
            issuer=REGISTRAR,
            birth_credential=["x"],  # type: ignore[arg-type]
            now=NOW,
        )


CONSENT_ERRORS: list[tuple[str, dict[str, object], str, str]] = [
    (
        "period ends before it starts",
        {"travel_start": date(2026, 3, 1), "travel_end": date(2026, 2, 1)},
        "credentialSubject.travelPeriod.endDate",
        "before startDate",
    ),
    (
        "trip starts before the consent",
        {"travel_start": date(2026, 1, 10)},
        "credentialSubject.travelPeriod.startDate",
        "before the consent's validFrom",
    ),
    (
        "trip after the guardianship ends",
        {"travel_end": date(2037, 3, 14)},
        "credentialSubject.travelPeriod.endDate",
        "after the guardianship's validUntil",
    ),
    (
        "unknown destination",
        {"destinations": ("NL", "UK")},
        "credentialSubject.destination[1]",
        "ISO 3166-1",
    ),
    ("no destination", {"destinations": ()}, "credentialSubject.destination", "is required"),
    (
        "duplicate destination",
        {"destinations": ("NL", "NL")},
        "credentialSubject.destination",
        "duplicate",
    ),
    (
        "child differs from the birth credential",
        {"child": replace(CHILD, family_name="Mokoena")},
        "credentialSubject.child.familyName",
        "does not match the birth credential",
    ),
    (
        "registration number differs",
        {"registration": Registration(number="B-1", authority=REGISTRATION.authority)},
        "credentialSubject.child.birthRegistration.registrationNumber",
        "does not match",
    ),
    (
        "consenting guardian is not the issuer",
        {"consenting_guardian": Guardian(person=MOTHER, role="mother")},
        "credentialSubject.consentingGuardian.id",
        "must be the issuer",
    ),
    (
        "consenting guardian without a DID",
        {"consenting_guardian": Guardian(person=replace(FATHER, did=None), role="father")},
        "credentialSubject.consentingGuardian.id",
        "is required",
    ),
    (
        "companions and travelling alone",
        {"travels_alone": True},
        "credentialSubject.accompaniedBy",
        "not allowed when the child travels alone",
    ),
    (
        "neither companions nor alone",
        {"accompanied_by": ()},
        "credentialSubject.accompaniedBy",
        "required unless the child travels alone",
    ),
    (
        "alone without a receiving person",
        {"accompanied_by": (), "travels_alone": True},
        "credentialSubject.receivingPerson",
        "required when the child travels alone",
    ),
    (
        "receiving person for an accompanied child",
        {"receiving_person": RECEIVER},
        "credentialSubject.receivingPerson",
        "only for a child travelling alone",
    ),
    (
        "bad telephone",
        {
            "accompanied_by": (),
            "travels_alone": True,
            "receiving_person": replace(RECEIVER, telephone="020 555 0123"),
        },
        "credentialSubject.receivingPerson.telephone",
        "E.164",
    ),
    (
        "bad e-mail",
        {
            "accompanied_by": (),
            "travels_alone": True,
            "receiving_person": replace(RECEIVER, email="marieke at example"),
        },
        "credentialSubject.receivingPerson.email",
        "e-mail",
    ),
    (
        "receiving address country unknown",
        {
            "accompanied_by": (),
            "travels_alone": True,
            "receiving_person": replace(
                RECEIVER, address=replace(RECEIVER.address, country="Netherlands")
            ),
        },
        "credentialSubject.receivingPerson.address.addressCountry",
        "ISO 3166-1",
    ),
    (
        "companion relationship empty",
        {"accompanied_by": (Companion(person=MOTHER, relationship=""),)},
        "credentialSubject.accompaniedBy[0].relationship",
        "is empty",
    ),
    (
        "travelsAlone not a bool",
        {"travels_alone": "yes"},
        "credentialSubject.travelsAlone",
        "true or false",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [case[1:] for case in CONSENT_ERRORS],
    ids=[case[0] for case in CONSENT_ERRORS],
)
def test_consent_errors(
    birth: JsonObject,
    guardianship: JsonObject,
    changes: dict[str, object],
    field: str,
    rule: str,
) -> None:
    """Each bad consent fact is a CredentialDataError naming the field."""
    with pytest.raises(CredentialDataError) as caught:
        build_consent(birth, guardianship, **changes)
    assert caught.value.field == field
    assert rule in caught.value.rule
    for secret in ("Lerato", "Mokoena", "UK", "020 555", "marieke", "B-1", "Netherlands"):
        assert secret not in str(caught.value)


def test_consent_period_outside_a_given_validity(
    birth: JsonObject, guardianship: JsonObject
) -> None:
    """A consent must cover the whole last travel day; its period must not be inverted."""
    with pytest.raises(CredentialDataError, match="after the consent's validUntil"):
        travel_consent_credential(
            consent(),
            issuer=FATHER.did or "",
            birth_credential=birth,
            guardianship_credential=guardianship,
            valid_until=datetime(2026, 3, 1, 12, tzinfo=UTC),
            now=NOW,
        )
    with pytest.raises(CredentialDataError, match=r"^validUntil: is not after validFrom"):
        travel_consent_credential(
            consent(),
            issuer=FATHER.did or "",
            birth_credential=birth,
            guardianship_credential=guardianship,
            valid_until=NOW - timedelta(seconds=1),
            now=NOW,
        )


def test_consent_needs_a_guardian_with_consent_permission(birth: JsonObject) -> None:
    """Without consentToTravel in the guardianship, no consent is built."""
    travel_only = build_guardianship(birth, permissions=("travel",))
    with pytest.raises(CredentialDataError) as caught:
        build_consent(birth, travel_only)
    assert caught.value.field == "guardianshipCredential.credentialSubject.permission"


def test_consent_guardian_must_be_a_guardian(birth: JsonObject) -> None:
    """A consenting guardian not named in the guardianship is refused."""
    mother_only = build_guardianship(
        birth, guardians=(Guardian(person=MOTHER, role="mother"),), custody="sole"
    )
    with pytest.raises(CredentialDataError) as caught:
        build_consent(birth, mother_only)
    assert caught.value.field == "credentialSubject.consentingGuardian.id"
    assert "not a guardian" in caught.value.rule


def test_consent_guardianship_must_link_this_birth(
    birth: JsonObject, guardianship: JsonObject
) -> None:
    """A guardianship linking another (or a changed) birth credential is refused."""
    changed = copy.deepcopy(birth)
    changed["validFrom"] = "2026-01-15T09:00:01Z"
    with pytest.raises(CredentialDataError) as caught:
        build_consent(changed, guardianship)
    assert caught.value.field == "guardianshipCredential.relatedResource"


# --- misuse ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: birth_credential(birth_record(), issuer=REGISTRAR, now=datetime(2026, 1, 15)),
        lambda: birth_credential(
            birth_record(), issuer=REGISTRAR, valid_from=datetime(2026, 1, 15), now=NOW
        ),
        lambda: birth_credential(birth_record(), issuer="registrar", now=NOW),
        lambda: birth_credential(
            birth_record(), issuer=REGISTRAR, credential_id="urn:uuid:NOT-A-UUID", now=NOW
        ),
        lambda: birth_credential(
            birth_record(), issuer=REGISTRAR, credential_id="https://x.example/1", now=NOW
        ),
    ],
    ids=["naive now", "naive valid_from", "issuer not a DID", "bad urn:uuid", "id not urn:uuid"],
)
def test_misuse_is_a_usage_error(call: Callable[[], object]) -> None:
    """Naive datetimes and bad options are UsageError, not data errors."""
    with pytest.raises(UsageError):
        call()


def test_majority_age_bounds(birth: JsonObject) -> None:
    """majority_age outside 1-25 is misuse."""
    for age in (0, 26, True):
        with pytest.raises(UsageError):
            guardianship_credential(
                arrangement(),
                issuer=REGISTRAR,
                birth_credential=birth,
                majority_age=age,
                now=NOW,
            )


def test_person_of_the_wrong_type() -> None:
    """A value of the wrong type where a Person belongs is named by field."""
    with pytest.raises(CredentialDataError, match=r"^credentialSubject: must be a Person"):
        build_birth(child="Lerato")


def test_data_error_survives_pickling() -> None:
    """CredentialDataError keeps its field and rule across processes (batch workers)."""
    import pickle  # noqa: PLC0415

    error = CredentialDataError("credentialSubject.birthDate", "is in the future")
    copy_ = pickle.loads(pickle.dumps(error))
    assert (copy_.field, copy_.rule, str(copy_)) == (error.field, error.rule, str(error))
    assert isinstance(copy_, CredentialDataError)
