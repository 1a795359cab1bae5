"""Tests for safe mode (vcid.jsonld.safe): nothing may be silently dropped."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcid._json import JsonObject, JsonValue
from vcid.errors import DocumentLoadError, JSONLDError, UndefinedTermError
from vcid.jsonld import JsonLdProcessor, StaticLoader, bundled_loader
from vcid.rdf import IRI, Literal

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"

SAFE = JsonLdProcessor()
UNSAFE = JsonLdProcessor(safe=False)

V1_CREDENTIAL: JsonObject = {
    "@context": [VC_V1],
    "id": "urn:uuid:7d2c8e1a-0000-4000-8000-000000000001",
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "issuanceDate": "2024-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:child"},
}

V2_CREDENTIAL: JsonObject = {
    "@context": [VC_V2],
    "id": "urn:uuid:7d2c8e1a-0000-4000-8000-000000000002",
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "validFrom": "2024-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:child"},
}


def _with(base: JsonObject, **changes: Any) -> JsonObject:
    document = copy.deepcopy(base)
    document.update(changes)
    return document


def _subject(**fields: JsonValue) -> JsonObject:
    return {"id": "did:example:child", **fields}


# --- positives ----------------------------------------------------------------


@pytest.mark.parametrize("document", [V1_CREDENTIAL, V2_CREDENTIAL])
def test_well_defined_credentials_pass(document: JsonObject) -> None:
    assert len(SAFE.to_rdf(document)) == len(UNSAFE.to_rdf(document)) >= 4


def test_issuer_dependent_terms_pass_with_vocab() -> None:
    # VCDM 2.0 §5.2: undefined terms are allowed when a context maps them
    # through @vocab to the issuer-dependent namespace.
    document = _with(
        V2_CREDENTIAL,
        **{
            "@context": [VC_V2, {"@vocab": ISSUER_DEPENDENT}],
            "type": ["VerifiableCredential", "ChildCredential"],
            "credentialSubject": _subject(nickname="Ada"),
        },
    )
    dataset = SAFE.to_rdf(document)
    predicates = {q.predicate for q in dataset}
    assert IRI(ISSUER_DEPENDENT + "nickname") in predicates
    assert IRI(ISSUER_DEPENDENT + "ChildCredential") in {q.object for q in dataset}
    assert dataset == UNSAFE.to_rdf(document)


def test_relative_id_allowed_with_absolute_base() -> None:
    document = _with(
        V1_CREDENTIAL,
        **{"@context": [VC_V1, {"@base": "https://vcid.example/creds/"}], "id": "c-1"},
    )
    subjects = {q.subject for q in SAFE.to_rdf(document)}
    assert IRI("https://vcid.example/creds/c-1") in subjects


def test_null_property_value_is_allowed() -> None:
    document = _with(V2_CREDENTIAL, name=None)
    assert SAFE.to_rdf(document) == SAFE.to_rdf(V2_CREDENTIAL)


def test_blank_node_and_compact_iri_references_are_absolute() -> None:
    document = _with(
        V2_CREDENTIAL,
        credentialSubject={"id": "_:child", "type": "https://vcid.example/Child"},
    )
    assert len(SAFE.to_rdf(document)) == len(UNSAFE.to_rdf(document))


def test_valid_language_tags_pass() -> None:
    document = _with(
        V2_CREDENTIAL,
        name={"@value": "Geburtsurkunde", "@language": "de-CH"},
        description=[{"@value": "x", "@language": "zh-Hant-TW", "@direction": "ltr"}],
    )
    dataset = SAFE.to_rdf(document)
    assert len(dataset) == len(SAFE.to_rdf(V2_CREDENTIAL)) + 2
    languages = {q.object.language for q in dataset if isinstance(q.object, Literal)}
    assert {"de-ch", "zh-hant-tw"} <= languages


# --- negatives: each names the term or the key path, never values -------------


def _expect(document: JsonObject, *fragments: str) -> UndefinedTermError:
    with pytest.raises(UndefinedTermError) as caught:
        SAFE.to_rdf(document)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    with pytest.raises(UndefinedTermError):
        SAFE.expand(document)
    UNSAFE.to_rdf(document)  # the unsafe processor silently accepts it
    return caught.value


def test_v1_undefined_property() -> None:
    document = _with(V1_CREDENTIAL, credentialSubject=_subject(favouriteColour="secret-value"))
    error = _expect(document, "undefined term", "'favouriteColour'", "credentialSubject")
    assert "secret-value" not in str(error)
    assert error.code == "UNDEFINED_TERM"


def test_v2_rec_context_has_no_vocab_so_undefined_terms_fail() -> None:
    document = _with(V2_CREDENTIAL, credentialSubject=_subject(nickname="Ada"))
    _expect(document, "'nickname'", "credentialSubject")


def test_undefined_property_deep_path() -> None:
    document = _with(
        V2_CREDENTIAL,
        **{
            "@context": [VC_V2, {"parent": "https://schema.org/parent"}],
            "credentialSubject": _subject(parent={"shoeSize": 3}),
        },
    )
    _expect(document, "'shoeSize'", "credentialSubject/parent")


def test_vocab_null_context() -> None:
    document = _with(
        V2_CREDENTIAL,
        **{
            "@context": [VC_V2, {"@vocab": ISSUER_DEPENDENT}, {"@vocab": None}],
            "credentialSubject": _subject(nickname="Ada"),
        },
    )
    _expect(document, "'nickname'")


def test_term_mapped_to_null() -> None:
    document = _with(
        V2_CREDENTIAL,
        **{
            "@context": [VC_V2, {"hidden": None}],
            "credentialSubject": _subject(hidden="x"),
        },
    )
    _expect(document, "'hidden'", "credentialSubject")


def test_keyword_like_key() -> None:
    document = _with(V2_CREDENTIAL, credentialSubject=_subject(**{"@weird": "x"}))
    _expect(document, "'@weird'")


def test_relative_type_v1() -> None:
    document = _with(V1_CREDENTIAL, type=["VerifiableCredential", "ChildCredential"])
    _expect(document, "relative @type", "'ChildCredential'")


def test_relative_type_nested() -> None:
    document = _with(V2_CREDENTIAL, credentialSubject=_subject(type="Child"))
    _expect(document, "relative @type", "'Child'", "credentialSubject")


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"id": "credential-1"}, "@id"),
        ({"credentialSubject": {"id": "child-42"}}, "credentialSubject"),
        ({"issuer": "registry"}, "issuer"),
        ({"issuer": {"id": "registry"}}, "issuer"),
    ],
)
def test_relative_id(changes: dict[str, JsonValue], where: str) -> None:
    document = _with(V2_CREDENTIAL, **changes)
    error = _expect(document, "relative @id reference")
    if where != "@id":
        assert where in str(error)
    for value in ("credential-1", "child-42", "registry"):
        assert value not in str(error)


def test_relative_vocab() -> None:
    document = _with(
        V1_CREDENTIAL,
        **{
            "@context": [VC_V1, {"@vocab": "terms#"}],
            "credentialSubject": _subject(x=1),
        },
    )
    _expect(document, "@vocab")


@pytest.mark.parametrize(
    "value",
    [
        {"@value": "x", "@language": "en_GB"},
        {"@value": "x", "@language": "not a tag"},
        {"@value": "x", "@language": "toolongsubtag-x"},
    ],
)
def test_invalid_language_tag(value: JsonObject) -> None:
    _expect(_with(V2_CREDENTIAL, name=value), "@language", "name")


def test_invalid_default_language_in_context() -> None:
    document = _with(
        V2_CREDENTIAL,
        **{"@context": [VC_V2, {"@language": "en GB"}], "name": "Birth record"},
    )
    _expect(document, "@language", "name")


def test_invalid_language_map_key() -> None:
    document = _with(
        V2_CREDENTIAL,
        **{
            "@context": [
                VC_V2,
                {
                    "titles": {
                        "@id": "https://vcid.example/titles",
                        "@container": "@language",
                    }
                },
            ],
            "titles": {"en": "Birth", "bad tag": "x"},
        },
    )
    _expect(document, "language map")


def test_null_value_object_is_dropped() -> None:
    _expect(_with(V2_CREDENTIAL, name={"@value": None}), "dropped value", "name")


def test_object_with_only_language_is_dropped() -> None:
    _expect(_with(V2_CREDENTIAL, name={"@language": "en"}), "dropped value", "name")


def test_empty_document() -> None:
    _expect({"@context": VC_V2}, "free-floating")


def test_free_floating_node_reference_in_graph() -> None:
    _expect(
        {
            "@context": VC_V2,
            "@graph": [V2_CREDENTIAL | {"@context": VC_V2}, {"id": "urn:x"}],
        },
        "free-floating",
    )


def test_blank_node_property() -> None:
    document = _with(
        V2_CREDENTIAL,
        **{
            "@context": [VC_V2, {"secret": "_:p"}],
            "credentialSubject": _subject(secret=1),
        },
    )
    with pytest.raises(UndefinedTermError, match="blank node"):
        SAFE.to_rdf(document)
    assert len(UNSAFE.to_rdf(document)) == len(UNSAFE.to_rdf(V2_CREDENTIAL))


def test_violation_in_scoped_context_is_reported_as_undefined_term() -> None:
    loader = bundled_loader().extended(
        {
            "https://vcid.example/scoped": {
                "@context": {
                    "Thing": {
                        "@id": "https://vcid.example/Thing",
                        "@context": {"@vocab": "relative#"},
                    }
                }
            }
        }
    )
    with pytest.raises(UndefinedTermError):
        JsonLdProcessor(loader).to_rdf(
            {
                "@context": "https://vcid.example/scoped",
                "@id": "urn:x",
                "@type": "Thing",
            }
        )


def test_safe_and_unsafe_processors_do_not_share_state() -> None:
    loader = StaticLoader({"https://vcid.example/c": {"@context": {}}})
    document: JsonObject = {
        "@context": "https://vcid.example/c",
        "@id": "urn:x",
        "p": 1,
    }
    unsafe = JsonLdProcessor(loader, safe=False)
    assert unsafe.to_rdf(document) == []
    with pytest.raises(UndefinedTermError):
        JsonLdProcessor(loader).to_rdf(document)
    assert unsafe.to_rdf(document) == []


# --- robustness: arbitrary documents only ever raise vcid errors -------------

_KEYS = st.sampled_from(
    [
        "id",
        "type",
        "@id",
        "@type",
        "@value",
        "@language",
        "@list",
        "@set",
        "@graph",
        "@context",
        "@reverse",
        "@included",
        "@nest",
        "@index",
        "@direction",
        "@json",
        "@vocab",
        "@base",
        "name",
        "description",
        "credentialSubject",
        "issuer",
        "validFrom",
        "proof",
        "foo",
        "_:x",
        "ex:y",
        "https://vcid.example/p",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "VerifiableCredential",
            "did:example:1",
            "rel",
            "_:b1",
            "en",
            "ltr",
            "@id",
            "@vocab",
            "@json",
            "https://x.example/y",
            "2020-01-01T00:00:00Z",
        ]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)
_CONTEXTS = st.one_of(
    st.just([VC_V2]),
    st.just(VC_V1),
    st.lists(
        st.one_of(st.just(VC_V2), st.dictionaries(_KEYS, _SCALARS, max_size=3)),
        max_size=3,
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(context=_CONTEXTS, body=st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_arbitrary_documents_raise_only_vcid_errors(
    context: JsonValue, body: dict[str, JsonValue]
) -> None:
    document: JsonObject = {**body, "@context": context}
    before = copy.deepcopy(document)
    for processor in (SAFE, UNSAFE):
        with contextlib.suppress(JSONLDError, DocumentLoadError):
            processor.to_rdf(document)
    assert document == before
