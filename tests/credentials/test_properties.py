"""Arbitrary facts: the builders make a schema-valid credential or raise DataModelError."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.credentials.conftest import (
    BIRTH_DATE,
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
    COUNTRY_CODES,
    Companion,
    Guardian,
    GuardianshipLimits,
    Parent,
    Person,
    PlaceOfBirth,
    PostalAddress,
    ReceivingPerson,
    Registration,
    birth_credential,
    guardianship_credential,
    travel_consent_credential,
)
from vcid.errors import DataModelError
from vcid.jsonld import JsonLdProcessor
from vcid.model import validate_credential
from vcid.schema import validate_credential_schemas

T = TypeVar("T")
PROCESSOR = JsonLdProcessor()
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mostly(good: st.SearchStrategy[T], bad: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """Good values 19 times in 20, so that the success path is exercised too."""
    return st.integers(min_value=0, max_value=19).flatmap(lambda i: good if i else bad)


plausible = st.text(
    alphabet=st.characters(categories=("L", "Mn", "Nd", "Zs", "Pd", "Po")),
    min_size=1,
    max_size=30,
).filter(str.strip)
texts = mostly(
    plausible,
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(["", " ", "\t", "A" * 201, "x\u202e", "\x00", "\u3000"]),
    ),
)
countries = mostly(st.sampled_from(COUNTRY_CODES), st.text(max_size=3))
dates = mostly(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 1, 15)),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
dids = mostly(
    st.one_of(
        st.none(),
        st.sampled_from(["did:example:abc", "did:key:z6Mk", "did:web:a.example:b%20c"]),
    ),
    st.one_of(st.text(max_size=10), st.just("did:x")),
)
RECEIVER = ReceivingPerson(
    person=Person(given_name="Marieke", family_name="de Vries"),
    address=PostalAddress(street_address="Keizersgracht 1", locality="Amsterdam", country="NL"),
    telephone="+31205550123",
)
persons = st.builds(
    Person,
    given_name=texts,
    family_name=texts,
    additional_name=st.one_of(st.none(), texts),
    did=dids,
)


def _accepted(document: JsonObject) -> None:
    """Whatever a builder returns passes the data model, its schema and safe mode."""
    assert validate_credential(document).version == "2.0"
    assert len(validate_credential_schemas(document)) == 1
    PROCESSOR.expand(document)


@SETTINGS
@given(
    child=persons,
    birth_date=dates,
    locality=texts,
    country=countries,
    sex=mostly(st.sampled_from(["F", "M", "X"]), texts),
    number=texts,
    registered_after=st.integers(min_value=-3, max_value=4000),
    form=st.sampled_from(["long", "short", "x"]),
    parents=st.lists(
        st.builds(
            Parent,
            person=persons,
            role=st.sampled_from(["mother", "father", "aunt"]),
            nationality=st.one_of(st.none(), countries),
        ),
        max_size=5,
    ),
)
def test_birth_builder_is_total(
    child: Person,
    birth_date: date,
    locality: str,
    country: str,
    sex: str,
    number: str,
    registered_after: int,
    form: str,
    parents: list[Parent],
) -> None:
    """Arbitrary birth facts: a valid credential or a DataModelError, nothing else."""
    registered = min(birth_date, date(9990, 1, 1)) + timedelta(days=registered_after)
    record = birth_record(
        child=child,
        birth_date=birth_date,
        place_of_birth=PlaceOfBirth(locality=locality, country=country),
        sex=sex,
        registration=Registration(number=number, authority="Registry", date=registered),
        form=form,
        parents=tuple(parents),
    )
    try:
        made = birth_credential(record, issuer=REGISTRAR, now=NOW)
    except DataModelError:
        return
    _accepted(made)


@SETTINGS
@given(
    guardian_names=st.lists(persons, min_size=1, max_size=3, unique_by=lambda p: p.did),
    custody=mostly(st.sampled_from(["sole", "joint"]), st.just("shared")),
    basis=st.sampled_from(["appointment", "appointment", "parentage", "courtOrder"]),
    permissions=st.lists(
        st.sampled_from(["travel", "consentToTravel", "education", "marry"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    jurisdictions=st.lists(countries, max_size=3),
    start=st.one_of(st.none(), dates),
    end=st.one_of(st.none(), dates),
    majority=mostly(st.integers(min_value=7, max_value=25), st.integers(1, 6)),
)
def test_guardianship_builder_is_total(
    guardian_names: list[Person],
    custody: str,
    basis: str,
    permissions: list[str],
    jurisdictions: list[str],
    start: date | None,
    end: date | None,
    majority: int,
) -> None:
    """Arbitrary guardianship facts: a valid credential or a DataModelError."""
    birth = birth_credential(birth_record(), issuer=REGISTRAR, now=NOW)
    guardians = tuple(Guardian(person=p, role="legalGuardian") for p in guardian_names)
    limits = GuardianshipLimits(jurisdictions=tuple(jurisdictions), start_date=start, end_date=end)
    try:
        made = guardianship_credential(
            arrangement(
                guardians=guardians,
                custody=custody,
                basis=basis,
                permissions=tuple(permissions),
                limits=limits,
            ),
            issuer=REGISTRAR,
            birth_credential=birth,
            majority_age=majority,
            now=NOW,
        )
    except DataModelError:
        return
    _accepted(made)


@SETTINGS
@given(
    destinations=st.lists(countries, max_size=3),
    start_offset=st.integers(min_value=-5, max_value=400),
    length=st.integers(min_value=-3, max_value=60),
    alone=st.booleans(),
    coherent=mostly(st.just(True), st.just(False)),
    companions=st.lists(st.builds(Companion, person=persons, relationship=texts), max_size=2),
    receiver=st.one_of(
        st.none(),
        st.builds(
            ReceivingPerson,
            person=persons,
            address=st.builds(
                PostalAddress,
                street_address=texts,
                locality=texts,
                country=countries,
                postal_code=st.one_of(st.none(), texts),
            ),
            telephone=mostly(st.just("+31205550123"), texts),
            email=mostly(st.one_of(st.none(), st.just("a@b.example")), texts),
            relationship=st.one_of(st.none(), texts),
        ),
    ),
    registration_number=mostly(st.just(REGISTRATION.number), texts),
)
def test_consent_builder_is_total(
    destinations: list[str],
    start_offset: int,
    length: int,
    alone: bool,
    coherent: bool,
    companions: list[Companion],
    receiver: ReceivingPerson | None,
    registration_number: str,
) -> None:
    """Arbitrary consent facts: a valid credential or a DataModelError."""
    birth = birth_credential(birth_record(), issuer=REGISTRAR, now=NOW)
    guardianship = guardianship_credential(
        arrangement(), issuer=REGISTRAR, birth_credential=birth, now=NOW
    )
    first = NOW.date() + timedelta(days=start_offset)
    if coherent and alone:  # mostly the shapes the schema allows
        companions, receiver = [], receiver or RECEIVER
    elif coherent:
        companions, receiver = companions or [Companion(person=MOTHER, relationship="mother")], None
    try:
        made = travel_consent_credential(
            consent(
                destinations=tuple(destinations),
                travel_start=first,
                travel_end=first + timedelta(days=length),
                travels_alone=alone,
                accompanied_by=tuple(companions),
                receiving_person=receiver,
                registration=Registration(
                    number=registration_number, authority=REGISTRATION.authority
                ),
            ),
            issuer=FATHER.did or "",
            birth_credential=birth,
            guardianship_credential=guardianship,
            now=NOW,
        )
    except DataModelError:
        return
    _accepted(made)


def test_fixtures_are_consistent() -> None:
    """The fixed facts the properties vary around are themselves accepted."""
    assert CHILD.did is None
    assert MOTHER.did
    assert NOW.date() > BIRTH_DATE
