"""validate_credential: one negative case per VCDM rule, the typed view,
privacy of error messages, and immutability of the input."""

from __future__ import annotations

import contextlib
import copy
import json
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcid.errors import DataModelError
from vcid.model import (
    MAX_ITEMS,
    DataModelViolation,
    RelatedResource,
    is_url,
    related_resources,
    validate_credential,
)

Doc = dict[str, Any]
SECRET = "Zanele-Secret-Name"
SHA256_SRI = "sha256-" + "A" * 43 + "="
SHA384_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"


def _set(key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc[key] = value

    return mutate


def _drop(key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del doc[key]

    return mutate


def _related(*entries: Any) -> Callable[[Doc], None]:
    return _set("relatedResource", list(entries))


# (rule id, mutation, expected error field)
RULES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("context-missing", _drop("@context"), "@context"),
    ("context-null", _set("@context", None), "@context"),
    (
        "context-v2-string",
        _set("@context", "https://www.w3.org/ns/credentials/v2"),
        "@context",
    ),
    ("context-empty", _set("@context", []), "@context"),
    ("context-object", _set("@context", {"@vocab": "https://e.org/"}), "@context"),
    (
        "context-first-not-base",
        _set("@context", ["https://www.w3.org/ns/credentials/examples/v2"]),
        "@context[0]",
    ),
    (
        "context-base-not-first",
        _set("@context", [{}, "https://www.w3.org/ns/credentials/v2"]),
        "@context[0]",
    ),
    (
        "context-item-number",
        _set("@context", ["https://www.w3.org/ns/credentials/v2", 7]),
        "@context[1]",
    ),
    (
        "context-item-not-url",
        _set("@context", ["https://www.w3.org/ns/credentials/v2", "https ://x/y"]),
        "@context[1]",
    ),
    (
        "context-item-list",
        _set("@context", ["https://www.w3.org/ns/credentials/v2", ["https://e.org/"]]),
        "@context[1]",
    ),
    ("id-list", _set("id", ["urn:uuid:1", "urn:uuid:2"]), "id"),
    ("id-null", _set("id", None), "id"),
    ("id-relative", _set("id", "credentials/1"), "id"),
    ("id-space", _set("id", "https://example.org/a b"), "id"),
    ("id-bad-percent", _set("id", "https://example.org/%zz"), "id"),
    ("id-object", _set("id", {"id": "urn:x:1"}), "id"),
    ("type-missing", _drop("type"), "type"),
    ("type-without-vc", _set("type", ["ExampleCredential"]), "type"),
    ("type-empty-list", _set("type", []), "type"),
    ("type-number", _set("type", ["VerifiableCredential", 2]), "type[1]"),
    ("type-whitespace", _set("type", ["VerifiableCredential", "A B"]), "type[1]"),
    ("type-empty-string", _set("type", ["VerifiableCredential", ""]), "type[1]"),
    ("type-too-many", _set("type", ["VerifiableCredential"] * (MAX_ITEMS + 1)), "type"),
    ("issuer-missing", _drop("issuer"), "issuer"),
    ("issuer-null", _set("issuer", None), "issuer"),
    ("issuer-not-url", _set("issuer", "fake-issuer"), "issuer"),
    ("issuer-list", _set("issuer", ["did:example:a"]), "issuer"),
    ("issuer-number", _set("issuer", 1), "issuer"),
    ("issuer-object-no-id", _set("issuer", {"name": "Acme"}), "issuer.id"),
    ("issuer-object-id-null", _set("issuer", {"id": None}), "issuer.id"),
    ("issuer-object-id-not-url", _set("issuer", {"id": "fake"}), "issuer.id"),
    (
        "issuer-name-extra",
        _set("issuer", {"id": "did:example:i", "name": {"@value": "A", "url": "x:y"}}),
        "issuer.name",
    ),
    (
        "issuer-description-number",
        _set("issuer", {"id": "did:example:i", "description": 5}),
        "issuer.description",
    ),
    ("name-number", _set("name", 3), "name"),
    ("name-null", _set("name", None), "name"),
    (
        "name-extra-key",
        _set("name", {"@value": "A", "@language": "en", "url": "x:y"}),
        "name",
    ),
    ("name-no-value", _set("name", {"@language": "en"}), "name.@value"),
    ("name-value-number", _set("name", {"@value": 1}), "name.@value"),
    (
        "name-bad-language",
        _set("name", {"@value": "A", "@language": "en us"}),
        "name.@language",
    ),
    (
        "name-bad-direction",
        _set("name", {"@value": "A", "@direction": "up"}),
        "name.@direction",
    ),
    ("name-nested-list", _set("name", [["A"]]), "name[0]"),
    ("name-empty-list", _set("name", []), "name"),
    (
        "description-extra-key",
        _set("description", {"@value": "A", "@id": "x:y"}),
        "description",
    ),
    ("subject-missing", _drop("credentialSubject"), "credentialSubject"),
    ("subject-empty", _set("credentialSubject", {}), "credentialSubject"),
    ("subject-empty-list", _set("credentialSubject", []), "credentialSubject"),
    ("subject-string", _set("credentialSubject", "did:example:s"), "credentialSubject"),
    ("subject-null", _set("credentialSubject", None), "credentialSubject"),
    (
        "subject-second-empty",
        _set("credentialSubject", [{"id": "did:example:s"}, {}]),
        "credentialSubject[1]",
    ),
    (
        "subject-id-list",
        _set("credentialSubject", {"id": ["did:example:a", "did:example:b"]}),
        "credentialSubject.id",
    ),
    (
        "subject-id-not-url",
        _set("credentialSubject", {"id": "subject"}),
        "credentialSubject.id",
    ),
    ("valid-from-no-offset", _set("validFrom", "2023-02-26T01:02:58"), "validFrom"),
    ("valid-from-garbage", _set("validFrom", "yesterday"), "validFrom"),
    ("valid-from-number", _set("validFrom", 1677373378), "validFrom"),
    ("valid-until-null", _set("validUntil", None), "validUntil"),
    ("valid-until-no-offset", _set("validUntil", "2023-02-26T01:02:58"), "validUntil"),
    (
        "status-string",
        _set("credentialStatus", "https://e.org/status"),
        "credentialStatus",
    ),
    (
        "status-no-type",
        _set("credentialStatus", {"id": "https://e.org/s"}),
        "credentialStatus.type",
    ),
    (
        "status-type-number",
        _set("credentialStatus", {"type": 2}),
        "credentialStatus.type",
    ),
    (
        "status-second-no-type",
        _set("credentialStatus", [{"type": "S"}, {"id": "https://e.org/s"}]),
        "credentialStatus[1].type",
    ),
    (
        "status-id-not-url",
        _set("credentialStatus", {"type": "S", "id": "https ://e.org/s"}),
        "credentialStatus.id",
    ),
    (
        "status-id-list",
        _set("credentialStatus", {"type": "S", "id": ["urn:a:1", "urn:a:2"]}),
        "credentialStatus.id",
    ),
    (
        "schema-no-id",
        _set("credentialSchema", {"type": "JsonSchema"}),
        "credentialSchema.id",
    ),
    (
        "schema-no-type",
        _set("credentialSchema", {"id": "https://e.org/s"}),
        "credentialSchema.type",
    ),
    (
        "schema-id-not-url",
        _set("credentialSchema", {"type": "JsonSchema", "id": "schema.json"}),
        "credentialSchema.id",
    ),
    ("evidence-no-type", _set("evidence", {}), "evidence.type"),
    ("evidence-not-object", _set("evidence", ["x"]), "evidence[0]"),
    ("terms-no-type", _set("termsOfUse", {"id": "did:example:t"}), "termsOfUse.type"),
    (
        "terms-id-not-url",
        _set("termsOfUse", {"type": "P", "id": "terms"}),
        "termsOfUse.id",
    ),
    (
        "refresh-no-type",
        _set("refreshService", {"id": "https://e.org/r"}),
        "refreshService.type",
    ),
    ("proof-string", _set("proof", "z3abc"), "proof"),
    ("proof-no-type", _set("proof", {"proofValue": "z3abc"}), "proof.type"),
    ("proof-empty-list", _set("proof", []), "proof"),
    ("proof-list-item-string", _set("proof", [{"type": "P"}, "x"]), "proof[1]"),
    (
        "related-not-object",
        _set("relatedResource", "https://e.org/r"),
        "relatedResource",
    ),
    ("related-no-id", _related({"digestSRI": SHA384_SRI}), "relatedResource[0].id"),
    (
        "related-id-not-url",
        _related({"id": "r", "digestSRI": SHA384_SRI}),
        "relatedResource[0].id",
    ),
    (
        "related-duplicate-id",
        _related(
            {"id": "https://e.org/r", "digestSRI": SHA384_SRI},
            {"id": "https://e.org/r", "digestSRI": SHA256_SRI},
        ),
        "relatedResource[1].id",
    ),
    ("related-no-digest", _related({"id": "https://e.org/r"}), "relatedResource[0]"),
    (
        "related-sri-md5",
        _related({"id": "https://e.org/r", "digestSRI": "md5-AAAAAAAAAAAAAAAAAAAAAA=="}),
        "relatedResource[0].digestSRI",
    ),
    (
        "related-sri-wrong-length",
        _related({"id": "https://e.org/r", "digestSRI": "sha384-" + SHA256_SRI[7:]}),
        "relatedResource[0].digestSRI",
    ),
    (
        "related-sri-bad-base64",
        _related({"id": "https://e.org/r", "digestSRI": "sha256-A"}),
        "relatedResource[0].digestSRI",
    ),
    (
        "related-sri-not-string",
        _related({"id": "https://e.org/r", "digestSRI": ["sha256-x"]}),
        "relatedResource[0].digestSRI",
    ),
    (
        "related-multibase-prefix",
        _related({"id": "https://e.org/r", "digestMultibase": "mAAAA"}),
        "relatedResource[0].digestMultibase",
    ),
    (
        "related-multibase-alphabet",
        _related({"id": "https://e.org/r", "digestMultibase": "z0OIl"}),
        "relatedResource[0].digestMultibase",
    ),
    (
        "related-multibase-empty",
        _related({"id": "https://e.org/r", "digestMultibase": "u"}),
        "relatedResource[0].digestMultibase",
    ),
    (
        "related-media-type",
        _related({"id": "https://e.org/r", "digestSRI": SHA384_SRI, "mediaType": 1}),
        "relatedResource[0].mediaType",
    ),
]


@pytest.mark.parametrize(("mutate", "field"), [pytest.param(m, f, id=i) for i, m, f in RULES])
def test_rule_violation_is_reported_at_its_path(
    vc: Doc, mutate: Callable[[Doc], None], field: str
) -> None:
    """Each broken rule raises DataModelViolation naming the property path."""
    mutate(vc)
    with pytest.raises(DataModelViolation) as info:
        validate_credential(vc)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert info.value.code == "DATA_MODEL"
    assert isinstance(info.value, DataModelError)


def test_valid_until_before_valid_from(vc: Doc) -> None:
    """VCDM 2.0 §4.9: validFrom must not be later than validUntil."""
    vc["validFrom"] = "2023-02-26T01:00:00Z"
    vc["validUntil"] = "2023-02-26T00:59:59.999Z"
    with pytest.raises(DataModelViolation) as info:
        validate_credential(vc)
    assert info.value.field == "validUntil"
    vc["validUntil"] = "2023-02-25T19:00:00-06:00"  # the same instant
    credential = validate_credential(vc)
    assert credential.valid_from == credential.valid_until


def test_document_must_be_an_object() -> None:
    """A JSON array or string is not a credential."""
    values: list[object] = [[], "vc", None]
    for value in values:
        with pytest.raises(DataModelViolation):
            validate_credential(value)  # type: ignore[arg-type]


def test_typed_view(vc: Doc) -> None:
    """The view carries the parsed fields; raw is the caller's document."""
    vc["id"] = "urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008"
    vc["issuer"] = {"id": "did:example:issuer", "name": "Acme"}
    vc["credentialSubject"] = [{"id": "did:example:s"}, {"name": "no id"}]
    vc["validFrom"] = "2023-02-25T19:10:39-06:00"
    vc["credentialStatus"] = {
        "type": "BitstringStatusListEntry",
        "id": "https://e.org/s#1",
    }
    vc["credentialSchema"] = [{"type": "JsonSchema", "id": "https://e.org/s.json"}]
    credential = validate_credential(vc)
    assert credential.version == "2.0"
    assert credential.id == vc["id"]
    assert credential.types == ("VerifiableCredential",)
    assert credential.issuer_id == "did:example:issuer"
    assert credential.subject_ids == ("did:example:s", None)
    assert credential.valid_from == datetime(2023, 2, 26, 1, 10, 39, tzinfo=UTC)
    assert credential.valid_until is None
    assert credential.status_entries == (vc["credentialStatus"],)
    assert credential.schemas == tuple(vc["credentialSchema"])
    assert credential.raw == vc
    assert credential.raw["credentialSubject"] is vc["credentialSubject"]
    with pytest.raises(TypeError):
        credential.raw["id"] = "urn:x:y"  # type: ignore[index]
    with pytest.raises(AttributeError):
        credential.issuer_id = "did:example:other"  # type: ignore[misc]


def test_single_string_type_is_accepted(vc: Doc) -> None:
    """type may be a single string (VCDM 2.0 §4.5)."""
    vc["type"] = "VerifiableCredential"
    assert validate_credential(vc).types == ("VerifiableCredential",)


def test_related_resources(vc: Doc) -> None:
    """related_resources returns each entry's id and digests in order."""
    vc["relatedResource"] = [
        {
            "id": "https://www.w3.org/ns/credentials/v2",
            "mediaType": "application/ld+json",
            "digestSRI": SHA384_SRI,
            "digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k",
        },
        {
            "id": "https://e.org/img.png",
            "digestMultibase": "zQmYtUc4iTCbbfVSDNKvtQqrfyezPPnFvE33wFmutw9PBBk",
        },
        {"id": "https://e.org/two", "digestSRI": f"{SHA256_SRI} {SHA384_SRI}?opt"},
    ]
    resources = related_resources(validate_credential(vc))
    assert resources == (
        RelatedResource(
            id="https://www.w3.org/ns/credentials/v2",
            digest_sri=SHA384_SRI,
            digest_multibase="uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k",
            media_type="application/ld+json",
        ),
        RelatedResource(
            id="https://e.org/img.png",
            digest_multibase="zQmYtUc4iTCbbfVSDNKvtQqrfyezPPnFvE33wFmutw9PBBk",
        ),
        RelatedResource(id="https://e.org/two", digest_sri=f"{SHA256_SRI} {SHA384_SRI}?opt"),
    )


def test_related_resources_empty(vc: Doc) -> None:
    """A credential without relatedResource has none."""
    assert related_resources(validate_credential(vc)) == ()


def test_suite_related_resource_fixture_is_accepted(vc: Doc, vectors_dir: Path) -> None:
    """The suite's relatedResource fixture passes the structural checks."""
    fixtures = json.loads((vectors_dir / "vc-data-model-2.0" / "fixtures.json").read_text("utf-8"))
    vc["relatedResource"] = [fixtures["relatedResource"]]
    (resource,) = related_resources(validate_credential(vc))
    assert resource.id == fixtures["relatedResource"]["id"]


# --- VCDM 1.1 -------------------------------------------------------------


def test_v11_credential(vc11: Doc) -> None:
    """A v1 context selects the 1.1 rules; issuanceDate feeds valid_from."""
    vc11["expirationDate"] = "2030-01-01T00:00:00"
    credential = validate_credential(vc11)
    assert credential.version == "1.1"
    assert credential.valid_from == datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)
    assert credential.valid_until == datetime(2030, 1, 1, tzinfo=UTC)


def test_v11_context_may_be_a_string(vc11: Doc) -> None:
    """VCDM 1.1 allows @context to be the base context URL alone."""
    vc11["@context"] = "https://www.w3.org/2018/credentials/v1"
    assert validate_credential(vc11).version == "1.1"


V11_RULES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("issuance-date-missing", _drop("issuanceDate"), "issuanceDate"),
    ("issuance-date-garbage", _set("issuanceDate", "01/01/2010"), "issuanceDate"),
    (
        "expiration-before-issuance",
        _set("expirationDate", "2009-01-01T00:00:00Z"),
        "expirationDate",
    ),
    ("status-no-id", _set("credentialStatus", {"type": "S"}), "credentialStatus.id"),
    ("refresh-no-id", _set("refreshService", {"type": "R"}), "refreshService.id"),
    ("schema-no-id", _set("credentialSchema", {"type": "S"}), "credentialSchema.id"),
    ("type-without-vc", _set("type", "Other"), "type"),
    ("subject-empty", _set("credentialSubject", {}), "credentialSubject"),
]


@pytest.mark.parametrize(("mutate", "field"), [pytest.param(m, f, id=i) for i, m, f in V11_RULES])
def test_v11_rule_violation(vc11: Doc, mutate: Callable[[Doc], None], field: str) -> None:
    """VCDM 1.1 §4 rules are reported at their path."""
    mutate(vc11)
    with pytest.raises(DataModelViolation) as info:
        validate_credential(vc11)
    assert info.value.field == field


# --- privacy and immutability ---------------------------------------------

LEAKS: list[tuple[str, Callable[[Doc], None]]] = [
    ("id", _set("id", SECRET)),
    ("issuer", _set("issuer", SECRET)),
    ("issuer-id", _set("issuer", {"id": SECRET})),
    ("subject-id", _set("credentialSubject", {"id": SECRET})),
    ("subject-list", _set("credentialSubject", [{"name": SECRET}, SECRET])),
    ("type", _set("type", [f"{SECRET} X"])),
    ("type-missing-vc", _set("type", [SECRET])),
    (
        "context",
        _set("@context", ["https://www.w3.org/ns/credentials/v2", f"{SECRET} x"]),
    ),
    ("context-first", _set("@context", [SECRET])),
    ("valid-from", _set("validFrom", SECRET)),
    ("valid-from-dateish", _set("validFrom", f"2023-01-01T00:00:00{SECRET}")),
    ("name-extra", _set("name", {"@value": SECRET, "x": SECRET})),
    ("name-language", _set("name", {"@value": SECRET, "@language": SECRET + " "})),
    ("status-id", _set("credentialStatus", {"type": "S", "id": SECRET})),
    (
        "schema-type",
        _set("credentialSchema", {"id": "https://e.org/s", "type": [SECRET + " "]}),
    ),
    ("related", _related({"id": "https://e.org/r", "digestSRI": SECRET})),
    (
        "related-mb",
        _related({"id": "https://e.org/r", "digestMultibase": "z" + SECRET}),
    ),
]


@pytest.mark.parametrize("mutate", [pytest.param(m, id=i) for i, m in LEAKS])
def test_errors_never_echo_values(vc: Doc, mutate: Callable[[Doc], None]) -> None:
    """Error messages name the field and rule, never the offending value."""
    mutate(vc)
    with pytest.raises(DataModelViolation) as info:
        validate_credential(vc)
    err = info.value
    for text in (str(err), repr(err), err.field, err.rule, *map(str, err.args)):
        assert SECRET not in text
        assert "Zanele" not in text


def test_validation_does_not_mutate_valid_input(vc: Doc) -> None:
    """A full credential is unchanged (deeply) after validation."""
    vc.update(
        {
            "id": "urn:uuid:1",
            "name": [{"@value": "A", "@language": "en"}],
            "validFrom": "2023-01-01T00:00:00+01:00",
            "credentialStatus": {"type": "S"},
            "relatedResource": {"id": "https://e.org/r", "digestSRI": SHA384_SRI},
            "proof": [{"type": "DataIntegrityProof"}],
        }
    )
    before = copy.deepcopy(vc)
    validate_credential(vc)
    assert vc == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
KEYS = st.sampled_from(
    [
        "@context",
        "id",
        "type",
        "issuer",
        "name",
        "description",
        "credentialSubject",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "credentialSchema",
        "evidence",
        "termsOfUse",
        "refreshService",
        "proof",
        "relatedResource",
    ]
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)
@given(key=KEYS, value=JSON)
def test_fuzz_only_data_model_errors_and_no_mutation(vc: Doc, key: str, value: Any) -> None:
    """Any JSON at any property: a view or DataModelError; input unchanged."""
    doc = copy.deepcopy(vc)
    doc[key] = value
    before = copy.deepcopy(doc)
    with contextlib.suppress(DataModelError):
        validate_credential(doc)
    assert doc == before


@given(st.text(max_size=30))
def test_urls_never_contain_whitespace(text: str) -> None:
    """is_url rejects any string containing whitespace or lacking a scheme."""
    if any(ch.isspace() for ch in text) or ":" not in text:
        assert not is_url(text)


def test_violation_pickles_with_its_path(vc: Doc) -> None:
    """A violation survives pickling (process pools) with field and rule."""
    del vc["issuer"]
    with pytest.raises(DataModelViolation) as info:
        validate_credential(vc)
    copy_ = pickle.loads(pickle.dumps(info.value))
    assert (copy_.field, copy_.rule, str(copy_)) == (
        info.value.field,
        info.value.rule,
        str(info.value),
    )
