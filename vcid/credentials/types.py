"""The facts the registrar credentials record, as frozen keyword-only values.

These are the builders' inputs (:mod:`vcid.credentials.builders`); each
field is documented with the credential property it becomes. Values are not
checked when constructed: the builders check them, naming the credential
property that is wrong (:class:`~vcid.errors.CredentialDataError`).
Field sources are cited in ``docs/vocabulary.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, TypeAlias

#: The vcid JSON-LD context (bundled; immutable, a change is a new version).
VCID_CONTEXT: Final = "https://w3id.org/vcid/v1"
#: The VC Data Model 2.0 context, always first.
VC_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
#: The JSON Schemas (bundled, see :mod:`vcid.schema`).
BIRTH_SCHEMA: Final = "https://w3id.org/vcid/schemas/birth-credential-v1.json"
GUARDIANSHIP_SCHEMA: Final = "https://w3id.org/vcid/schemas/guardianship-credential-v1.json"
TRAVEL_CONSENT_SCHEMA: Final = "https://w3id.org/vcid/schemas/travel-consent-credential-v1.json"

#: Sex as registered, ICAO Doc 9303 Part 4 codes: female, male, unspecified.
Sex: TypeAlias = Literal["F", "M", "X"]
#: A legal parent's role on the birth record ("parent" for parent A/B).
ParentRole: TypeAlias = Literal["mother", "father", "parent"]
#: How a guardian stands to the child.
GuardianRole: TypeAlias = Literal["mother", "father", "parent", "legalGuardian"]
#: ``long``: names every legal parent (unabridged); ``short``: no parents.
CertificateForm: TypeAlias = Literal["long", "short"]
#: Why the guardian(s) hold parental responsibility.
GuardianshipBasis: TypeAlias = Literal["parentage", "courtOrder", "appointment"]
#: ``sole``: one guardian holds full responsibility; ``joint``: shared.
Custody: TypeAlias = Literal["sole", "joint"]
#: What a guardianship allows the guardian(s) to do for the child.
Permission: TypeAlias = Literal[
    "travel", "consentToTravel", "applyForTravelDocument", "residence", "education", "healthcare"
]

SEXES: Final[frozenset[str]] = frozenset({"F", "M", "X"})
PARENT_ROLES: Final[frozenset[str]] = frozenset({"mother", "father", "parent"})
GUARDIAN_ROLES: Final[frozenset[str]] = frozenset({"mother", "father", "parent", "legalGuardian"})
CERTIFICATE_FORMS: Final[frozenset[str]] = frozenset({"long", "short"})
GUARDIANSHIP_BASES: Final[frozenset[str]] = frozenset({"parentage", "courtOrder", "appointment"})
CUSTODIES: Final[frozenset[str]] = frozenset({"sole", "joint"})
PERMISSIONS: Final[frozenset[str]] = frozenset(
    {"travel", "consentToTravel", "applyForTravelDocument", "residence", "education", "healthcare"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A person's names as registered, and their DID where they have one.

    :param given_name: ``givenName`` (schema.org), the first name(s).
    :param family_name: ``familyName`` (schema.org), the surname(s).
    :param additional_name: ``additionalName`` (schema.org), e.g. a middle name.
    :param did: ``id``, the person's DID (a pairwise DID for a child).
    """

    given_name: str
    family_name: str
    additional_name: str | None = None
    did: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceOfBirth:
    """``birthPlace`` (schema.org): where the birth took place.

    :param locality: ``addressLocality``, the town or city.
    :param country: ``addressCountry``, ISO 3166-1 alpha-2 (``"ZA"``).
    :param region: ``addressRegion``, the province or state.
    """

    locality: str
    country: str
    region: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Registration:
    """``birthRegistration``: the civil registration of a birth.

    :param number: ``registrationNumber``, as on the register.
    :param authority: ``registrationAuthority``, the registering office.
    :param date: ``registrationDate``; required in a birth credential,
        optional in a travel consent (which needs number and authority).
    """

    number: str
    authority: str
    date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Parent:
    """A legal parent on the birth record (``parent``).

    :param person: names and DID.
    :param role: ``role``: ``mother``, ``father`` or ``parent``.
    :param nationality: ``nationality``, ISO 3166-1 alpha-2, if recorded.
    """

    person: Person
    role: ParentRole
    nationality: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BirthRecord:
    """The facts of a ``BirthCredential``; its subject is the child.

    :param child: the child's names and (optional) DID.
    :param birth_date: ``birthDate``.
    :param place_of_birth: ``birthPlace``.
    :param sex: ``sex``, ICAO 9303 code ``F``, ``M`` or ``X``.
    :param registration: ``birthRegistration`` (number, date, authority).
    :param form: ``certificateForm``: ``long`` names the legal parents
        (at least one), ``short`` names none.
    :param parents: ``parent``: the legal parents (long form only).
    :param nationality: ``nationality``, ISO 3166-1 alpha-2, if conferred.
    """

    child: Person
    birth_date: date
    place_of_birth: PlaceOfBirth
    sex: Sex
    registration: Registration
    form: CertificateForm
    parents: tuple[Parent, ...] = ()
    nationality: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CourtOrder:
    """``courtOrder``: the order a court-based guardianship rests on.

    :param reference: ``reference``, the case or order number.
    :param court: ``court``, the court's name.
    :param date: ``orderDate``.
    """

    reference: str
    court: str
    date: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Guardian:
    """A guardian (``guardian``) or the consenting guardian of a travel consent.

    :param person: names and DID (a DID is needed to issue a travel consent).
    :param role: ``role`` (guardianship) or ``relationship`` (travel
        consent): ``mother``, ``father``, ``parent`` or ``legalGuardian``.
    """

    person: Person
    role: GuardianRole


@dataclass(frozen=True, slots=True, kw_only=True)
class GuardianshipLimits:
    """``limits``: where and when the guardianship applies.

    :param jurisdictions: ``jurisdiction``, ISO 3166-1 alpha-2 codes.
    :param start_date: ``startDate``.
    :param end_date: ``endDate`` (at most the child's coming of age).
    """

    jurisdictions: tuple[str, ...] = ()
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Guardianship:
    """The facts of a ``GuardianshipCredential``: the arrangement.

    :param child: ``dependent``: the child's names and DID, as in the
        birth credential.
    :param child_birth_date: the dependent's ``birthDate``.
    :param guardians: ``guardian``: one (sole custody) or more (joint).
    :param basis: ``basis``: ``parentage``, ``courtOrder`` or ``appointment``.
    :param custody: ``custody``: ``sole`` or ``joint``.
    :param permissions: ``permission``, e.g. ``("travel", "consentToTravel")``.
    :param court_order: ``courtOrder``, required exactly when the basis is
        ``courtOrder``.
    :param limits: ``limits``, if the arrangement is limited.
    """

    child: Person
    child_birth_date: date
    guardians: tuple[Guardian, ...]
    basis: GuardianshipBasis
    custody: Custody
    permissions: tuple[Permission, ...]
    court_order: CourtOrder | None = None
    limits: GuardianshipLimits | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Companion:
    """An accompanying adult (``accompaniedBy``).

    :param person: names and DID (so the border can ask for proof of control).
    :param relationship: ``relationship`` to the child, e.g. ``father``,
        ``grandmother``, ``teacher``.
    """

    person: Person
    relationship: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PostalAddress:
    """``address`` (schema.org PostalAddress).

    :param street_address: ``streetAddress``.
    :param locality: ``addressLocality``.
    :param country: ``addressCountry``, ISO 3166-1 alpha-2.
    :param region: ``addressRegion``.
    :param postal_code: ``postalCode``.
    """

    street_address: str
    locality: str
    country: str
    region: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivingPerson:
    """``receivingPerson``: who receives a child travelling alone.

    :param person: names (a DID is not recorded).
    :param address: ``address``, the residential address.
    :param telephone: ``telephone``, E.164 (``+27215550123``).
    :param email: ``email``.
    :param relationship: ``relationship`` to the child.
    """

    person: Person
    address: PostalAddress
    telephone: str
    email: str | None = None
    relationship: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TravelConsent:
    """The facts of a ``TravelConsentCredential``.

    :param child: ``child``: names and DID, as in the birth credential.
    :param child_birth_date: the child's ``birthDate``.
    :param registration: the child's ``birthRegistration`` (number and
        authority; the date is optional).
    :param consenting_guardian: ``consentingGuardian``; its DID is the
        credential's issuer.
    :param destinations: ``destination``, ISO 3166-1 alpha-2 codes.
    :param travel_start: ``travelPeriod.startDate``.
    :param travel_end: ``travelPeriod.endDate``.
    :param accompanied_by: ``accompaniedBy``; empty when travelling alone.
    :param travels_alone: ``travelsAlone``.
    :param receiving_person: ``receivingPerson``, exactly when travelling alone.
    """

    child: Person
    child_birth_date: date
    registration: Registration
    consenting_guardian: Guardian
    destinations: tuple[str, ...]
    travel_start: date
    travel_end: date
    accompanied_by: tuple[Companion, ...] = ()
    travels_alone: bool = False
    receiving_person: ReceivingPerson | None = None
