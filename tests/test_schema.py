"""JSON Schema validation against the bundled schemas: field and rule named, value never."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from vcid._json import JsonObject
from vcid.credentials.countries import COUNTRY_CODES
from vcid.errors import InvalidError, SchemaViolation, UsageError
from vcid.schema import (
    _validator,
    bundled_schema,
    bundled_schema_ids,
    validate_credential_schemas,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
BIRTH = "https://w3id.org/vcid/schemas/birth-credential-v1.json"
GUARDIANSHIP = "https://w3id.org/vcid/schemas/guardianship-credential-v1.json"
CONSENT = "https://w3id.org/vcid/schemas/travel-consent-credential-v1.json"
DEFS = "https://w3id.org/vcid/schemas/vcid-defs-v1.json"


def example(name: str) -> JsonObject:
    document = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def subject(document: JsonObject) -> JsonObject:
    value = document["credentialSubject"]
    assert isinstance(value, dict)
    return value


def violation(document: JsonObject) -> SchemaViolation:
    with pytest.raises(SchemaViolation) as caught:
        validate_credential_schemas(document)
    return caught.value


# --- the bundled files --------------------------------------------------------------


def test_schemas_are_shipped_in_the_package() -> None:
    """importlib.resources sees schemas/*.json through the vcid/schemas link."""
    names = sorted(e.name for e in (resources.files("vcid") / "schemas").iterdir())
    assert names == [
        "birth-credential-v1.json",
        "guardianship-credential-v1.json",
        "travel-consent-credential-v1.json",
        "vcid-defs-v1.json",
    ]
    link = ROOT / "vcid" / "schemas"
    assert link.is_symlink()
    assert os.readlink(link) == "../schemas"
    assert bundled_schema_ids() == {BIRTH, GUARDIANSHIP, CONSENT, DEFS}


@pytest.mark.parametrize("schema_id", sorted([BIRTH, GUARDIANSHIP, CONSENT, DEFS]))
def test_each_schema_is_valid_2020_12(schema_id: str) -> None:
    """Every bundled schema is a valid JSON Schema 2020-12 document with its $id."""
    schema = bundled_schema(schema_id)
    assert schema is not None
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_id
    Draft202012Validator.check_schema(schema)
    file = ROOT / "schemas" / schema_id.rsplit("/", 1)[1]
    assert json.loads(file.read_text(encoding="utf-8")) == schema


def test_bundled_schema_is_a_copy() -> None:
    """Changing a returned schema does not change what is validated."""
    schema = bundled_schema(BIRTH)
    assert schema is not None
    schema["required"] = []
    assert "credentialSubject" in (bundled_schema(BIRTH) or {})["required"]  # type: ignore[operator]
    assert bundled_schema("https://example.org/unknown.json") is None


def test_country_enum_is_the_iso_list() -> None:
    """The schemas' country codes are exactly vcid.credentials.countries."""
    defs = bundled_schema(DEFS)
    assert defs is not None
    assert tuple(defs["$defs"]["countryCode"]["enum"]) == COUNTRY_CODES  # type: ignore[index,call-overload,arg-type]


def test_validators_are_cached() -> None:
    """The compiled validator of a schema is built once."""
    assert _validator(BIRTH) is _validator(BIRTH)


# --- valid credentials ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "schema_id"),
    [
        ("birth-credential", BIRTH),
        ("guardianship-credential", GUARDIANSHIP),
        ("travel-consent-credential", CONSENT),
    ],
)
def test_examples_pass_their_schema(name: str, schema_id: str) -> None:
    """Each example passes the schema it names, and only that one is reported."""
    assert validate_credential_schemas(example(name)) == (schema_id,)


def test_input_is_not_changed() -> None:
    """Validation reads the document only."""
    document = example("birth-credential")
    before = copy.deepcopy(document)
    validate_credential_schemas(document)
    assert document == before


def test_schemas_not_bundled_are_not_checked() -> None:
    """An unknown schema is never fetched: it is left out of the ids checked."""
    document = example("birth-credential")
    subject(document)["birthDate"] = "not a date"
    document["credentialSchema"] = {"id": "https://127.0.0.1:9/schema.json", "type": "JsonSchema"}
    assert validate_credential_schemas(document) == ()
    del document["credentialSchema"]
    assert validate_credential_schemas(document) == ()


def test_other_schema_types_are_skipped() -> None:
    """A JsonSchemaCredential entry (or any other type) is not checked here."""
    document = example("birth-credential")
    subject(document)["birthDate"] = "not a date"
    document["credentialSchema"] = {"id": BIRTH, "type": "JsonSchemaCredential"}
    assert validate_credential_schemas(document) == ()


def test_array_of_schemas_checks_the_bundled_ones_once() -> None:
    """In an array, bundled schemas are checked (once each), others skipped."""
    document = example("birth-credential")
    document["credentialSchema"] = [
        {"id": "https://example.org/other.json", "type": "JsonSchema"},
        {"id": BIRTH, "type": "JsonSchema"},
        {"id": BIRTH, "type": "JsonSchema"},
        "not an object",
    ]
    assert validate_credential_schemas(document) == (BIRTH,)


def test_a_credential_naming_a_schema_it_breaks() -> None:
    """A birth credential that names the guardianship schema fails it."""
    document = example("birth-credential")
    document["credentialSchema"] = {"id": GUARDIANSHIP, "type": "JsonSchema"}
    error = violation(document)
    assert error.code == "SCHEMA_VIOLATION"
    assert isinstance(error, InvalidError)


def test_too_many_schema_entries() -> None:
    """More than 16 credentialSchema entries is a violation, not unbounded work."""
    document = example("birth-credential")
    document["credentialSchema"] = [{"id": BIRTH, "type": "JsonSchema"}] * 17
    assert violation(document).field == "credentialSchema"


def test_not_a_mapping_is_misuse() -> None:
    """A non-object document is a UsageError."""
    with pytest.raises(UsageError):
        validate_credential_schemas(["x"])  # type: ignore[arg-type]


# --- violations: the field and the rule, never the value -----------------------------------

Mutation = Callable[[JsonObject], None]


def _set(path: list[str | int], value: object) -> Mutation:
    def apply(document: JsonObject) -> None:
        target: object = document
        for part in path[:-1]:
            target = target[part]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]

    return apply


def _delete(path: list[str | int]) -> Mutation:
    def apply(document: JsonObject) -> None:
        target: object = document
        for part in path[:-1]:
            target = target[part]  # type: ignore[index]
        del target[path[-1]]  # type: ignore[attr-defined]

    return apply


def _both(*mutations: Mutation) -> Mutation:
    def apply(document: JsonObject) -> None:
        for mutate in mutations:
            mutate(document)

    return apply


RECEIVER: JsonObject = {
    "givenName": "Marieke",
    "familyName": "de Vries",
    "address": {
        "streetAddress": "Keizersgracht 1",
        "addressLocality": "Amsterdam",
        "addressCountry": "NL",
    },
    "telephone": "+31205550123",
}

CASES: list[tuple[str, str, Mutation, str, str, str]] = [
    (
        "missing birth date",
        "birth-credential",
        _delete(["credentialSubject", "birthDate"]),
        "credentialSubject.birthDate",
        "is required",
        "",
    ),
    (
        "missing registration",
        "birth-credential",
        _delete(["credentialSubject", "birthRegistration"]),
        "credentialSubject.birthRegistration",
        "is required",
        "",
    ),
    ("missing context", "birth-credential", _delete(["@context"]), "@context", "is required", ""),
    (
        "extra subject property",
        "birth-credential",
        _set(["credentialSubject", "eyeColour"], "SECRET-brown"),
        "credentialSubject.eyeColour",
        "not allowed",
        "SECRET-brown",
    ),
    (
        "extra parent property",
        "birth-credential",
        _set(["credentialSubject", "parent", 0, "phone"], "SECRET-555"),
        "credentialSubject.parent[0].phone",
        "not allowed",
        "SECRET-555",
    ),
    (
        "bad birth date format",
        "birth-credential",
        _set(["credentialSubject", "birthDate"], "14/03/2019"),
        "credentialSubject.birthDate",
        "format 'date'",
        "14/03/2019",
    ),
    (
        "impossible birth date",
        "birth-credential",
        _set(["credentialSubject", "birthDate"], "2019-02-30"),
        "credentialSubject.birthDate",
        "format 'date'",
        "2019-02-30",
    ),
    (
        "bad country code",
        "birth-credential",
        _set(["credentialSubject", "birthPlace", "addressCountry"], "XX"),
        "credentialSubject.birthPlace.addressCountry",
        "allowed values",
        "'XX'",
    ),
    (
        "bad sex code",
        "birth-credential",
        _set(["credentialSubject", "sex"], "SECRET-female"),
        "credentialSubject.sex",
        "allowed values",
        "SECRET-female",
    ),
    (
        "name wrong type",
        "birth-credential",
        _set(["credentialSubject", "givenName"], 12345678),
        "credentialSubject.givenName",
        "type 'string'",
        "12345678",
    ),
    (
        "name too long",
        "birth-credential",
        _set(["credentialSubject", "givenName"], "SECRET-" + "x" * 1000),
        "credentialSubject.givenName",
        "maxLength 1000",
        "SECRET-",
    ),
    (
        "control character in a name",
        "birth-credential",
        _set(["credentialSubject", "familyName"], "SECRET\x07"),
        "credentialSubject.familyName",
        "pattern",
        "SECRET",
    ),
    (
        "short form naming parents",
        "birth-credential",
        _set(["credentialSubject", "certificateForm"], "short"),
        "credentialSubject.parent",
        "not allowed here",
        "",
    ),
    (
        "wrong credential type",
        "birth-credential",
        _set(["type"], ["VerifiableCredential"]),
        "type",
        "contains",
        "",
    ),
    (
        "context order",
        "birth-credential",
        _set(["@context"], ["https://w3id.org/vcid/v1", "https://www.w3.org/ns/credentials/v2"]),
        "@context[0]",
        "const",
        "",
    ),
    (
        "bad credential id",
        "birth-credential",
        _set(["id"], "urn:uuid:SECRET"),
        "id",
        "pattern",
        "SECRET",
    ),
    (
        "court order missing",
        "guardianship-credential",
        _set(["credentialSubject", "basis"], "courtOrder"),
        "credentialSubject.courtOrder",
        "is required",
        "",
    ),
    (
        "sole custody with two guardians",
        "guardianship-credential",
        _set(["credentialSubject", "custody"], "sole"),
        "credentialSubject.guardian",
        "maxItems 1",
        "",
    ),
    (
        "unknown permission",
        "guardianship-credential",
        _set(["credentialSubject", "permission", 1], "SECRET-marry"),
        "credentialSubject.permission[1]",
        "allowed values",
        "SECRET-marry",
    ),
    (
        "guardianship without validUntil",
        "guardianship-credential",
        _delete(["validUntil"]),
        "validUntil",
        "is required",
        "",
    ),
    (
        "guardianship without link",
        "guardianship-credential",
        _delete(["relatedResource"]),
        "relatedResource",
        "is required",
        "",
    ),
    (
        "bad destination",
        "travel-consent-credential",
        _set(["credentialSubject", "destination", 0], "UK"),
        "credentialSubject.destination[0]",
        "allowed values",
        "'UK'",
    ),
    (
        "bad travel date",
        "travel-consent-credential",
        _set(["credentialSubject", "travelPeriod", "endDate"], "2026-13-01"),
        "credentialSubject.travelPeriod.endDate",
        "format 'date'",
        "2026-13-01",
    ),
    (
        "alone and accompanied",
        "travel-consent-credential",
        _both(
            _set(["credentialSubject", "travelsAlone"], True),
            _set(["credentialSubject", "receivingPerson"], RECEIVER),
        ),
        "credentialSubject.accompaniedBy",
        "not allowed here",
        "",
    ),
    (
        "consenting guardian without DID",
        "travel-consent-credential",
        _delete(["credentialSubject", "consentingGuardian", "id"]),
        "credentialSubject.consentingGuardian.id",
        "is required",
        "",
    ),
    (
        "consent with one link",
        "travel-consent-credential",
        _set(
            ["relatedResource"],
            [
                {
                    "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
                    "digestMultibase": "u" + "A" * 43,
                }
            ],
        ),
        "relatedResource",
        "minItems 2",
        "",
    ),
]


@pytest.mark.parametrize(
    ("name", "mutate", "field", "rule", "value"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_violation_names_field_and_rule_not_value(
    name: str, mutate: Mutation, field: str, rule: str, value: str
) -> None:
    """Each schema violation is reported by path and rule; the value never appears."""
    document = example(name)
    mutate(document)
    error = violation(document)
    assert error.field == field
    assert rule in error.rule
    assert str(error).startswith(f"{field}: ")
    if value:
        assert value not in str(error)
    for personal in ("Lerato", "van der Berg", "Naledi", "Mokoena", "Cape Town", "2019-03-14"):
        assert personal not in str(error)


def test_more_violations_are_counted() -> None:
    """The message counts the other properties at fault, not other rules of the same one."""
    document = example("birth-credential")
    subject(document)["birthDate"] = "14/03/2019"  # breaks both format and pattern
    assert violation(document).more == 0
    subject(document)["sex"] = "y"
    error = violation(document)
    assert error.more == 1
    assert str(error).endswith("(and 1 more)")


@settings(max_examples=60, deadline=None)
@given(
    field=st.sampled_from(["givenName", "familyName", "birthDate", "sex", "certificateForm"]),
    text=st.text(min_size=1, max_size=40),
)
def test_arbitrary_bad_values_are_never_echoed(field: str, text: str) -> None:
    """Whatever invalid text a field holds, the error never contains it."""
    document = example("birth-credential")
    secret = "Q7Z" + text + "\x01"  # a control character makes every field invalid
    subject(document)[field] = secret
    error = violation(document)
    assert error.field == f"credentialSubject.{field}"
    assert secret not in str(error)
    assert "Q7Z" not in str(error)


def test_violation_survives_pickling() -> None:
    """SchemaViolation keeps field, rule and count across processes (xdist, pools)."""
    import pickle  # noqa: PLC0415

    error = SchemaViolation("credentialSubject.sex", "must be one of the allowed values", more=2)
    copy_ = pickle.loads(pickle.dumps(error))
    assert (copy_.field, copy_.rule, copy_.more, str(copy_)) == (
        error.field,
        error.rule,
        2,
        str(error),
    )


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(-3, 3, allow_nan=False)
    | st.sampled_from(["", "ZA", "NL", "x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b"]), children, max_size=2)
    ),
    max_leaves=6,
)


@given(instance=_JSON, allowed=st.lists(_JSON, min_size=1, max_size=5))
def test_fast_enum_agrees_with_jsonschema(instance: object, allowed: list[object]) -> None:
    """The set-based enum accepts exactly what jsonschema's own enum accepts."""
    from jsonschema import Draft202012Validator  # noqa: PLC0415

    from vcid.schema import _FastValidator  # noqa: PLC0415

    schema = {"enum": allowed}
    expected = Draft202012Validator(schema).is_valid(instance)
    assert _FastValidator(schema).is_valid(instance) == expected
