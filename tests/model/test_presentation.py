"""validate_presentation: VCDM 2.0 §4.13 rules, embedded and enveloped
credentials, error paths and privacy."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from vcid.errors import DataModelError
from vcid.model import (
    DataModelViolation,
    Presentation,
    validate_credential,
    validate_presentation,
)

Doc = dict[str, Any]
SECRET = "Zanele-Secret-Name"
DATA_URL = "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln"


def _enveloped(**overrides: Any) -> Doc:
    doc: Doc = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": DATA_URL,
        "type": "EnvelopedVerifiableCredential",
    }
    doc.update(overrides)
    return {k: v for k, v in doc.items() if v is not None}


def test_view(vp: Doc) -> None:
    """The view lists embedded and enveloped credentials separately."""
    vp["id"] = "urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008"
    vp["holder"] = {"id": "did:example:holder", "name": "H"}
    vp["verifiableCredential"].append(_enveloped())
    presentation = validate_presentation(vp)
    assert isinstance(presentation, Presentation)
    assert presentation.version == "2.0"
    assert presentation.id == vp["id"]
    assert presentation.types == ("VerifiablePresentation",)
    assert presentation.holder_id == "did:example:holder"
    assert presentation.credentials == (validate_credential(vp["verifiableCredential"][0]),)
    assert presentation.enveloped == (vp["verifiableCredential"][1],)
    assert presentation.raw == vp
    with pytest.raises(TypeError):
        presentation.raw["holder"] = "did:example:x"  # type: ignore[index]


def test_minimal_and_string_holder(vp: Doc) -> None:
    """holder may be a URL; verifiableCredential may be a single object."""
    vp["holder"] = "did:example:holder"
    vp["verifiableCredential"] = vp["verifiableCredential"][0]
    presentation = validate_presentation(vp)
    assert presentation.holder_id == "did:example:holder"
    assert len(presentation.credentials) == 1
    del vp["verifiableCredential"], vp["holder"]
    presentation = validate_presentation(vp)
    assert presentation.credentials == ()
    assert presentation.holder_id is None


def test_v11_presentation(vp: Doc) -> None:
    """A v1 presentation may carry a v1 credential."""
    vp["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    vp["verifiableCredential"] = [
        {
            "@context": "https://www.w3.org/2018/credentials/v1",
            "type": "VerifiableCredential",
            "issuer": "did:example:i",
            "issuanceDate": "2010-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:s"},
        }
    ]
    presentation = validate_presentation(vp)
    assert presentation.version == "1.1"
    assert presentation.credentials[0].version == "1.1"


def _set(key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc[key] = value

    return mutate


def _vc(index: int, key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        if value is None:
            del doc["verifiableCredential"][index][key]
        else:
            doc["verifiableCredential"][index][key] = value

    return mutate


def _append(item: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc["verifiableCredential"].append(item)

    return mutate


RULES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("context-missing", _set("@context", None), "@context"),
    (
        "context-order",
        _set("@context", [{}, "https://www.w3.org/ns/credentials/v2"]),
        "@context[0]",
    ),
    (
        "context-item",
        _set("@context", ["https://www.w3.org/ns/credentials/v2", 1]),
        "@context[1]",
    ),
    ("id-not-url", _set("id", "presentation-1"), "id"),
    ("id-list", _set("id", ["urn:a:1"]), "id"),
    ("type-missing", _set("type", None), "type"),
    ("type-without-vp", _set("type", ["VerifiableCredential"]), "type"),
    (
        "holder-not-url",
        _set("holder", "z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"),
        "holder",
    ),
    ("holder-null", _set("holder", None), "holder"),
    ("holder-list", _set("holder", ["did:example:h"]), "holder"),
    ("holder-object-no-id", _set("holder", {"name": "Acme"}), "holder.id"),
    ("holder-object-bad-id", _set("holder", {"id": "h"}), "holder.id"),
    (
        "vc-string",
        _set("verifiableCredential", ["eyJhbGciOi.e30.sig"]),
        "verifiableCredential[0]",
    ),
    (
        "vc-single-string",
        _set("verifiableCredential", "eyJ.e30.sig"),
        "verifiableCredential",
    ),
    ("vc-number", _append(5), "verifiableCredential[1]"),
    ("vc-empty-list", _set("verifiableCredential", []), "verifiableCredential"),
    ("vc-type-empty", _vc(0, "type", []), "verifiableCredential[0].type"),
    ("vc-no-issuer", _vc(0, "issuer", None), "verifiableCredential[0].issuer"),
    (
        "vc-subject-empty",
        _vc(0, "credentialSubject", [{"id": "did:example:s"}, {}]),
        "verifiableCredential[0].credentialSubject[1]",
    ),
    ("vc-no-context", _vc(0, "@context", None), "verifiableCredential[0].@context"),
    (
        "enveloped-no-type",
        _append(_enveloped(type=None)),
        "verifiableCredential[1].type",
    ),
    (
        "enveloped-wrong-type",
        _append(_enveloped(type="EnvelopedVerifiablePresentation")),
        "verifiableCredential[1].type",
    ),
    (
        "enveloped-no-context",
        _append(_enveloped(**{"@context": None})),
        "verifiableCredential[1].@context",
    ),
    (
        "enveloped-bad-context",
        _append(_enveloped(**{"@context": [3]})),
        "verifiableCredential[1].@context[0]",
    ),
    (
        "enveloped-not-data-url",
        _append(_enveloped(id="https://e.org/vc.jwt")),
        "verifiableCredential[1].id",
    ),
    (
        "enveloped-data-url-no-comma",
        _append(_enveloped(id="data:application/vc+jwt;eyJ")),
        "verifiableCredential[1].id",
    ),
    ("enveloped-no-id", _append(_enveloped(id=None)), "verifiableCredential[1].id"),
    ("proof-no-type", _set("proof", {"proofValue": "z1"}), "proof.type"),
    ("terms-no-type", _set("termsOfUse", {}), "termsOfUse.type"),
]


@pytest.mark.parametrize(("mutate", "field"), [pytest.param(m, f, id=i) for i, m, f in RULES])
def test_rule_violation_is_reported_at_its_path(
    vp: Doc, mutate: Callable[[Doc], None], field: str
) -> None:
    """Each broken rule raises DataModelViolation at the property path."""
    mutate(vp)
    vp = {k: v for k, v in vp.items() if v is not None or k == "holder"}
    with pytest.raises(DataModelViolation) as info:
        validate_presentation(vp)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_document_must_be_an_object() -> None:
    """A list is not a presentation."""
    with pytest.raises(DataModelError):
        validate_presentation([])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "mutate",
    [
        _set("holder", SECRET),
        _set("holder", {"id": SECRET}),
        _vc(0, "issuer", SECRET),
        _vc(0, "credentialSubject", {"id": SECRET}),
        _append(SECRET),
        _append(_enveloped(id=SECRET)),
        _append(_enveloped(type=SECRET)),
    ],
)
def test_errors_never_echo_values(vp: Doc, mutate: Callable[[Doc], None]) -> None:
    """Nested errors also name paths, never values."""
    mutate(vp)
    with pytest.raises(DataModelViolation) as info:
        validate_presentation(vp)
    for text in (str(info.value), repr(info.value), info.value.field):
        assert "Zanele" not in text


def test_validation_does_not_mutate_input(vp: Doc) -> None:
    """A presentation and its credentials are unchanged after validation."""
    vp["holder"] = {"id": "did:example:h"}
    vp["verifiableCredential"].append(_enveloped())
    before = copy.deepcopy(vp)
    validate_presentation(vp)
    assert vp == before
    vp["verifiableCredential"][0]["type"] = []
    broken = copy.deepcopy(vp)
    with pytest.raises(DataModelError):
        validate_presentation(vp)
    assert vp == broken
