"""Differential tests: the compiled fast path gives pyld's quads, or gives up.

For every document the fast path's own answer (``FastPath.quads``, no
fallback) must be either ``None`` ("the general path decides") or exactly
the general path's dataset - same quads, same blank node labels, same order -
and never an answer where the general path raises. The processor's public
methods (``to_rdf``, ``canonical_nquads``, ``check``) must then agree with a
processor that never uses the fast path, errors included (same class).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcid._json import JsonObject, JsonValue, load_object
from vcid.canon.rdfc10 import canonical_nquads
from vcid.demo import sample_birth_credential
from vcid.errors import VcidError
from vcid.issuer import issue, present
from vcid.jsonld import JsonLdProcessor, StaticLoader, bundled_loader
from vcid.jsonld.fast import FastPath
from vcid.jsonld.processor import _dataset_from_raw
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.rdf import Dataset

from .conftest import BIRTH_CONTEXT, BIRTH_CONTEXT_URL, BIRTH_CREDENTIAL

ROOT = Path(__file__).resolve().parents[2]
VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
VECTOR_FOLDERS = ("vc-di-eddsa", "vc-di-ecdsa", "vc-data-model-2.0", "bitstring-status-list")


class Outcome:
    """What one document gave on both paths."""

    def __init__(self) -> None:
        self.compared = 0
        self.covered = 0
        self.errors = 0


def _fast_only(processor: JsonLdProcessor) -> FastPath:
    fast = processor._fast
    assert fast is not None
    return fast


def _general(processor: JsonLdProcessor, document: JsonObject) -> Dataset | type[VcidError]:
    try:
        return processor.to_rdf(document)
    except VcidError as exc:
        return type(exc)


def _canonical(run: Any) -> str | type[VcidError]:
    try:
        result: str = run()
    except VcidError as exc:
        return type(exc)
    return result


def compare(
    document: JsonObject, fast: JsonLdProcessor, general: JsonLdProcessor, outcome: Outcome
) -> None:
    """Assert that both paths agree on ``document`` (twice: cold, then warm)."""
    before = copy.deepcopy(document)
    expected = _general(general, document)
    outcome.compared += 1
    for _ in range(2):
        quads = _fast_only(fast).quads(copy.deepcopy(document))
        if isinstance(expected, type):
            assert quads is None, "the fast path accepted a document the general path rejects"
            with pytest.raises(expected):
                fast.to_rdf(document)
            continue
        if quads is not None:
            assert _dataset_from_raw(quads) == expected
        assert fast.to_rdf(document) == expected
        assert _canonical(lambda: fast.canonical_nquads(document)) == _canonical(
            lambda: canonical_nquads(expected)
        )
    if isinstance(expected, type):
        outcome.errors += 1
    elif quads is not None:
        outcome.covered += 1
    # check() raises exactly what expand() raises.
    try:
        general.expand(document)
    except VcidError as exc:
        with pytest.raises(type(exc)):
            fast.check(document)
    else:
        fast.check(document)
    assert document == before


def _processors(loader: StaticLoader) -> tuple[JsonLdProcessor, JsonLdProcessor]:
    return JsonLdProcessor(loader), JsonLdProcessor(loader, fast=False)


def _vector_loader(vectors_dir: Path) -> StaticLoader:
    contexts = vectors_dir / "contexts"
    return bundled_loader().extended(
        {
            EXAMPLES_V2: load_object((contexts / "credentials-examples-v2.jsonld").read_bytes()),
            CITIZENSHIP: load_object((contexts / "citizenship-v4rc1.jsonld").read_bytes()),
        }
    )


def _variants(document: JsonObject) -> Iterator[JsonObject]:
    """The document, its unsecured form and each proof's configuration (DI §4.2)."""
    yield document
    proofs = document.get("proof")
    if proofs is None:
        return
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    yield unsecured
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict):
            config = {key: value for key, value in proof.items() if key != "proofValue"}
            config.setdefault("@context", document.get("@context"))
            yield config


def _vector_documents(vectors_dir: Path) -> Iterator[tuple[str, JsonObject]]:
    for folder in VECTOR_FOLDERS:
        for path in sorted((vectors_dir / folder).rglob("*.json")):
            data = json.loads(path.read_text("utf-8"))
            candidates = data if isinstance(data, list) else [data]
            if isinstance(data, dict) and "@context" not in data:
                candidates = [v for v in data.values() if isinstance(v, dict)]
            for item in candidates:
                if isinstance(item, dict) and "@context" in item:
                    for variant in _variants(item):
                        yield str(path.relative_to(vectors_dir)), variant


# --- the corpora ------------------------------------------------------------------


def test_vector_corpus(vectors_dir: Path) -> None:
    """Every JSON-LD document in the spec vectors, with its proof configurations."""
    fast, general = _processors(_vector_loader(vectors_dir))
    outcome = Outcome()
    for name, document in _vector_documents(vectors_dir):
        try:
            compare(document, fast, general, outcome)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc
    assert outcome.compared >= 150
    # The fast path must keep covering the ordinary credentials of the corpus.
    assert outcome.covered >= 100, vars(outcome)


def test_project_examples_and_presentations() -> None:
    """The demo credential, docs/examples, and presentations made by vcid itself."""
    loader = bundled_loader().extended({BIRTH_CONTEXT_URL: BIRTH_CONTEXT})
    fast, general = _processors(loader)
    outcome = Outcome()
    registrar = KeyFile.generate(KeyType.ED25519)
    holder = KeyFile.generate(KeyType.P256)
    signed = []
    for suite, key in (
        ("eddsa-rdfc-2022", registrar),
        ("ecdsa-rdfc-2019", KeyFile.generate(KeyType.P384)),
    ):
        unsigned = sample_birth_credential(key.controller, holder.controller)
        signed.append(issue(unsigned, key=key, cryptosuite=suite))
    birth = copy.deepcopy(BIRTH_CREDENTIAL)
    birth["issuer"] = {"id": registrar.controller, "name": "Civil Registry"}
    signed.append(issue(birth, key=registrar, jsonld=general))
    presentation = present(
        signed, key=holder, challenge="nonce-1", domain="border.example", jsonld=general
    )
    documents: list[JsonObject] = [*signed, presentation]
    for path in sorted((ROOT / "docs" / "examples").glob("*.json")):
        documents.append(load_object(path.read_bytes()))
    for document in documents:
        for variant in _variants(document):
            compare(variant, fast, general, outcome)
    assert outcome.covered >= 10, vars(outcome)
    # Presentations (credentials as named graphs under "@context": null) are
    # covered too: they are what a border verifies.
    unsecured = {k: v for k, v in presentation.items() if k != "proof"}
    assert _fast_only(fast).quads(copy.deepcopy(unsecured)) is not None


# --- generated credentials -----------------------------------------------------------

EX = "https://vcid.example/vocab#"
INLINE_CONTEXT: JsonObject = {
    "ex": EX,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "Person": "ex:Person",
    "Red": "ex:Red",
    "Scoped": {
        "@id": "ex:Scoped",
        "@context": {
            "inner": "ex:inner",
            "innerRef": {"@id": "ex:innerRef", "@type": "@id"},
            "shared": "ex:sharedInner",
            "ScopedType": "ex:ScopedType",
        },
    },
    "shared": "ex:sharedOuter",
    "nickname": "ex:nickname",
    "birthDate": {"@id": "ex:birthDate", "@type": "xsd:date"},
    "ref": {"@id": "ex:ref", "@type": "@id"},
    "kind": {"@id": "ex:kind", "@type": "@vocab"},
    "label": {"@id": "ex:label", "@language": "fr"},
    "plain": {"@id": "ex:plain", "@language": None},
    "count": {"@id": "ex:count", "@type": "xsd:integer"},
    "ratio": {"@id": "ex:ratio", "@type": "xsd:double"},
    "tags": {"@id": "ex:tags", "@container": "@set"},
    "items": {"@id": "ex:items", "@container": "@list"},
    "attachment": {"@id": "ex:attachment", "@container": "@graph"},
    "wrapped": {
        "@id": "ex:wrapped",
        "@context": {"deep": "ex:deep", "kind": {"@id": "ex:kind2", "@type": "@vocab"}},
    },
    "data": {"@id": "ex:data", "@type": "@json"},
    "back": {"@reverse": "ex:back"},
}
PROTECTED_CONTEXT: JsonObject = {"@protected": True, "nickname": "ex:other"}

_KEYS = st.sampled_from(
    [
        "id",
        "type",
        "@id",
        "@type",
        "nickname",
        "birthDate",
        "ref",
        "kind",
        "label",
        "plain",
        "count",
        "ratio",
        "tags",
        "items",
        "attachment",
        "wrapped",
        "inner",
        "innerRef",
        "deep",
        "data",
        "back",
        "name",
        "description",
        "undefinedTerm",
        "ex:compact",
        "https://vcid.example/absolute",
        "_:blankPredicate",
        "@value",
        "@language",
        "@foo",
    ]
)
_TEXT = st.one_of(
    st.sampled_from(
        [
            "did:example:1",
            "urn:uuid:7d4b0d5a-1111-4c8e-9d3e-000000000001",
            "https://vcid.example/thing",
            "_:b1",
            "_:x",
            "ex:thing",
            "Red",
            "Person",
            "relative/path",
            "@id",
            "2024-02-29",
            "3.5",
            "with space:x",
        ]
    ),
    st.text(max_size=8),
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**22), max_value=10**22),
    st.floats(allow_nan=False, allow_infinity=False),
    _TEXT,
)
_LANGUAGES = st.sampled_from(["en", "EN-gb", "fr-CA", "bad tag", "toolongsubtag", None])
_DATATYPES = st.sampled_from(["xsd:date", "ex:dt", "Person", "relative", "@json", None, ["ex:a"]])
_VALUE_OBJECTS = st.one_of(
    st.builds(lambda v, lang: {"@value": v, "@language": lang}, _SCALARS, _LANGUAGES),
    st.builds(lambda v, dt: {"@value": v, "@type": dt}, _SCALARS, _DATATYPES),
    st.builds(lambda v: {"@value": v}, _SCALARS),
)
_TYPES = st.one_of(
    st.sampled_from(["Person", "Scoped", "ex:Thing", "VerifiableCredential", "Undefined", "_:t"]),
    st.lists(st.sampled_from(["Person", "Scoped", "ex:Thing", "Red"]), max_size=3),
)


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda body, node_id, types: {
            **body,
            **({"id": node_id} if node_id is not None else {}),
            **({"type": types} if types is not None else {}),
        },
        st.dictionaries(_KEYS, children, max_size=5),
        st.one_of(st.none(), _TEXT),
        st.one_of(st.none(), _TYPES),
    )


_VALUES = st.recursive(
    st.one_of(_SCALARS, _VALUE_OBJECTS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), _node(inner)),
    max_leaves=14,
)
_CONTEXTS = st.sampled_from(
    [
        [VC_V2, INLINE_CONTEXT],
        [VC_V2, INLINE_CONTEXT, {"@vocab": EX}],
        [VC_V2, {**INLINE_CONTEXT, "@language": "en"}],
        [VC_V2, INLINE_CONTEXT, PROTECTED_CONTEXT],
        [VC_V2, BIRTH_CONTEXT_URL, INLINE_CONTEXT],
        VC_V2,
    ]
)
_GENERATED_LOADER = bundled_loader().extended({BIRTH_CONTEXT_URL: BIRTH_CONTEXT})
FAST, GENERAL = _processors(_GENERATED_LOADER)


@settings(max_examples=350, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=_CONTEXTS,
    subject=_node(_VALUES),
    extra=st.dictionaries(_KEYS, _VALUES, max_size=3),
    types=_TYPES,
    issuer=st.one_of(_TEXT, _node(_SCALARS)),
    embedded=st.one_of(st.none(), st.just({"nickname": "ex:embedded"}), st.just(VC_V2)),
)
def test_generated_credentials(
    context: JsonValue,
    subject: dict[str, JsonValue],
    extra: dict[str, JsonValue],
    types: JsonValue,
    issuer: JsonValue,
    embedded: JsonValue,
) -> None:
    if embedded is not None:
        subject = {**subject, "@context": embedded}
    document: JsonObject = {
        **extra,
        "@context": context,
        "type": ["VerifiableCredential", *(types if isinstance(types, list) else [types])],
        "issuer": issuer,
        "credentialSubject": subject,
    }
    compare(document, FAST, GENERAL, Outcome())


# Valid credentials, without the features the fast path leaves to pyld: the
# fast path must cover every one of them.
_IDS = st.sampled_from(
    [
        "did:example:1",
        "urn:uuid:7d4b0d5a-1111-4c8e-9d3e-000000000001",
        "https://vcid.example/thing",
        "_:b1",
        "_:x",
        "ex:thing",
    ]
)
_GOOD_SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**21) + 1, max_value=10**21 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
_GOOD_VALUE_OBJECTS = st.one_of(
    st.builds(
        lambda v, lang: {"@value": v, "@language": lang},
        st.text(max_size=6),
        st.sampled_from(["en", "EN-gb", "fr-CA", None]),
    ),
    st.builds(
        lambda v, dt: {"@value": v, "@type": dt},
        _GOOD_SCALARS,
        st.sampled_from(["xsd:date", "ex:dt", "http://www.w3.org/2001/XMLSchema#string"]),
    ),
    st.builds(lambda v: {"@value": v}, _GOOD_SCALARS),
)
_GOOD_TYPES = st.one_of(
    st.sampled_from(["Person", "ex:Thing", "Red", "https://vcid.example/T"]),
    st.lists(st.sampled_from(["Person", "ex:Thing", "Red"]), max_size=3),
)


def _good_node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    literal = st.one_of(_GOOD_SCALARS, _GOOD_VALUE_OBJECTS, st.lists(_GOOD_SCALARS, max_size=3))
    values = st.one_of(literal, children, st.lists(children, max_size=2))
    fields = st.fixed_dictionaries(
        {},
        optional={
            "id": _IDS,
            "type": _GOOD_TYPES,
            "nickname": values,
            "name": values,
            "ex:compact": values,
            "https://vcid.example/absolute": values,
            "tags": values,
            "plain": literal,
            "label": literal,
            "birthDate": _GOOD_SCALARS,
            "count": _GOOD_SCALARS,
            "ratio": _GOOD_SCALARS,
            "ref": st.one_of(_IDS, children, st.lists(_IDS, max_size=2)),
            "kind": st.sampled_from(["Red", "Person", "ex:thing", "https://x.example/y", "_:k"]),
            "attachment": st.one_of(children, st.lists(children, max_size=2)),
            "wrapped": st.fixed_dictionaries({"deep": st.text(max_size=4), "kind": st.just("Red")}),
            "shared": literal,
        },
    )
    scoped = st.fixed_dictionaries(
        {"type": st.just(["Scoped", "Person"])},
        optional={
            "inner": literal,
            "innerRef": _IDS,
            "nickname": literal,
            "shared": st.one_of(literal, children),  # the type-scoped meaning
            "ex:child": children,  # nested: "shared" reverts to the outer meaning
            "tags": st.builds(lambda v: {"@value": v, "@type": "ScopedType"}, st.text(max_size=3)),
        },
    )
    embedded = st.fixed_dictionaries(
        {"@context": st.just({"alias": "ex:embedded"}), "alias": literal}
    )
    return st.one_of(fields, scoped, embedded)


_GOOD_NODES: st.SearchStrategy[dict[str, Any]] = st.recursive(
    st.just({}), _good_node, max_leaves=10
)
_GOOD_CONTEXTS = st.sampled_from(
    [
        [VC_V2, INLINE_CONTEXT],
        [VC_V2, INLINE_CONTEXT, {"@vocab": EX}],
        [VC_V2, {**INLINE_CONTEXT, "@language": "en"}],
        [VC_V2, INLINE_CONTEXT, PROTECTED_CONTEXT],
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=_GOOD_CONTEXTS,
    subject=_good_node(_GOOD_NODES),
    issuer=st.one_of(_IDS.filter(lambda i: not i.startswith("_")), st.just({"id": "did:ex:i"})),
    valid_from=st.sampled_from([None, "2024-01-01T00:00:00Z"]),
)
def test_generated_valid_credentials_take_the_fast_path(
    context: JsonValue, subject: dict[str, JsonValue], issuer: JsonValue, valid_from: str | None
) -> None:
    document: JsonObject = {
        "@context": context,
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": subject,
    }
    if valid_from is not None:
        document["validFrom"] = valid_from
    outcome = Outcome()
    compare(document, FAST, GENERAL, outcome)
    assert outcome.covered == 1, "a valid credential in the covered subset took the general path"


# One defect in an otherwise valid credential: the general path's verdict
# (usually an error) must be the fast path's too.
DEFECTS: list[tuple[str, JsonValue]] = [
    ("undefinedTerm", "x"),
    ("_:blankPredicate", "x"),
    ("@foo", 1),
    ("ref", "relative/path"),
    ("ref", "@id"),
    ("id", "relative"),
    ("id", "_:with space"),
    ("type", "Undefined"),
    ("type", "_:t"),
    ("kind", "@type"),
    ("nickname", {"@value": "x", "@language": "bad tag"}),
    ("nickname", {"@value": "x", "@language": "en", "@type": "ex:dt"}),
    ("nickname", {"@value": 1, "@language": "en"}),
    ("nickname", {"@value": None}),
    ("nickname", {"@language": "en"}),
    ("nickname", {"@value": "x", "@type": "relative"}),
    ("nickname", {"@value": "x", "@type": "ScopedType"}),
    ("nickname", {"@value": "x", "@type": ["ex:a"]}),
    ("nickname", {"@value": {"a": 1}}),
    ("nickname", {"@value": "x", "ex:p": "y"}),
    ("inner", "only defined inside Scoped nodes"),
    ("items", ["a", "b"]),
    ("data", {"any": "json"}),
    ("back", {"id": "did:example:1"}),
    ("label", "bonjour"),
    ("plain", 10**22),
    ("ratio", "not a number"),
    ("@context", {"@context": {}}),
    ("@context", {"nickname": None}),
    ("@context", "https://unknown.example/ctx"),
    ("@context", {"@language": "not a tag"}),
    ("@context", {"@language": "de", "@direction": "rtl"}),
]


def _nodes(value: JsonValue) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "@value" not in item:
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=_GOOD_CONTEXTS,
    subject=_good_node(_GOOD_NODES),
    defect=st.sampled_from(DEFECTS),
    where=st.integers(min_value=0),
)
def test_generated_credentials_with_one_defect(
    context: JsonValue, subject: dict[str, JsonValue], defect: tuple[str, JsonValue], where: int
) -> None:
    document: JsonObject = {
        "@context": context,
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": subject,
    }
    nodes = _nodes(subject)
    key, value = defect
    nodes[where % len(nodes)][key] = copy.deepcopy(value)
    compare(document, FAST, GENERAL, Outcome())


def test_generated_credentials_are_mostly_covered() -> None:
    """A valid credential of the generated kind takes the fast path."""
    document: JsonObject = {
        "@context": [VC_V2, INLINE_CONTEXT],
        "type": ["VerifiableCredential", "Scoped"],
        "issuer": {"id": "did:example:issuer", "name": "Registry"},
        "validFrom": "2024-01-01T00:00:00Z",
        "inner": "x",
        "credentialSubject": {
            "id": "_:child",
            "type": "Person",
            "nickname": ["A", {"@value": "B", "@language": "EN"}],
            "label": "bonjour",
            "plain": "no language",
            "birthDate": "2024-02-29",
            "ref": "ex:parent",
            "kind": "Red",
            "count": 3,
            "ratio": 2,
            "tags": [[1.5, True], None, "x"],
            "attachment": {"id": "_:child", "nickname": "in a graph"},
            "wrapped": {"deep": "d", "kind": "ex:thing"},
            "ex:compact": {"https://vcid.example/absolute": 10**20},
        },
    }
    outcome = Outcome()
    compare(document, FAST, GENERAL, outcome)
    assert outcome.covered == 1


# --- cache safety -------------------------------------------------------------------


def test_inline_context_changed_in_place_is_not_served_from_cache() -> None:
    context: JsonObject = {"nickname": "https://a.example/nickname"}
    document: JsonObject = {"@context": [VC_V2, context], "id": "urn:x:1", "nickname": "n"}
    processor = JsonLdProcessor()
    first = processor.to_rdf(document)
    context["nickname"] = "https://b.example/nickname"
    second = processor.to_rdf(document)
    assert {q.predicate.value for q in first} == {"https://a.example/nickname"}
    assert {q.predicate.value for q in second} == {"https://b.example/nickname"}


def test_compiled_contexts_are_bounded() -> None:
    processor = JsonLdProcessor()
    fast = _fast_only(processor)
    fast._max_contexts = 8
    for index in range(40):
        document: JsonObject = {
            "@context": [VC_V2, {"nickname": f"https://vcid.example/{index}#n"}],
            "id": "urn:x:1",
            "nickname": "n",
        }
        assert fast.quads(document) is not None
        assert len(fast._contexts) <= 8
    # Still right after the caches were dropped.
    assert processor.to_rdf(document) == JsonLdProcessor(fast=False).to_rdf(document)


def test_too_many_remote_contexts_take_the_general_path() -> None:
    urls = [f"https://vcid.example/ctx/{index}" for index in range(40)]
    loader = bundled_loader().extended(
        {
            url: {"@context": {f"t{index}": f"https://vcid.example/t{index}"}}
            for index, url in enumerate(urls)
        }
    )
    fast, general = _processors(loader)
    document: JsonObject = {"@context": [VC_V2, *urls], "id": "urn:x:1", "t1": "v"}
    assert _fast_only(fast).quads(document) is None
    compare(document, fast, general, Outcome())


def test_deep_nesting_takes_the_general_path() -> None:
    node: JsonObject = {"nickname": "leaf"}
    for _ in range(100):
        node = {"nickname": node}
    document: JsonObject = {"@context": [VC_V2, INLINE_CONTEXT], **node}
    fast, general = FAST, GENERAL
    assert _fast_only(fast).quads(document) is None
    compare(document, fast, general, Outcome())


# --- corner cases of the expansion rules (each: does the fast path cover it?) ---------

LOCAL_CONTEXT: JsonObject = {
    **INLINE_CONTEXT,
    "local": {"@id": "ex:local", "@context": {"@propagate": False, "lp": "ex:lp"}},
}
CORNER_CASES: list[tuple[bool, JsonObject]] = [
    # Type-scoped contexts revert in nested nodes, except value objects and
    # node references with only an @id.
    (False, {"type": "Scoped", "ex:child": {"id": "did:ex:1", "inner": "x"}}),
    (True, {"type": "Scoped", "ex:child": {"id": "did:ex:1"}}),
    (False, {"type": "Scoped", "ex:child": {"inner": "x"}}),
    (True, {"type": "Scoped", "ex:child": {"@value": "x", "@type": "ScopedType"}}),
    (False, {"type": "Scoped", "ex:child": {"@value": "x", "@type": "ScopedType", "id": "a:b"}}),
    (True, {"type": "Scoped", "ex:child": {"shared": "outer"}, "shared": "inner"}),
    (True, {"type": "Scoped", "ex:child": [{"id": "did:ex:1", "shared": "outer"}]}),
    (True, {"type": ["Scoped"], "innerRef": "ex:x", "inner": {"@value": 1}}),
    (False, {"type": "Person", "innerRef": "ex:x"}),
    # Property-scoped contexts, propagating or not.
    (True, {"wrapped": {"deep": "x", "kind": "Red", "ex:c": {"deep": "y"}}}),
    (True, {"local": {"lp": 1}}),
    (False, {"local": {"lp": 1, "ex:c": {"lp": 2}}}),
    # Languages: default, term, value object (lower-cased), and bad tags.
    (True, {"nickname": {"@value": "x", "@language": "EN-GB"}, "label": "y"}),
    (False, {"@context": {"@language": "not a tag"}, "nickname": "x"}),
    (True, {"@context": {"@language": "DE"}, "nickname": "x", "count": 1, "plain": "p"}),
    (False, {"@context": {"n": {"@id": "ex:n", "@language": "bad tag"}}, "n": "v"}),
    (False, {"nickname": {"@value": "x", "@language": "en", "@direction": "rtl"}}),
    # Numbers, booleans and coercions.
    (True, {"nickname": [1.0, 5, 1e21, 1.5e300, -0.0, 10**20, True, 0.1]}),
    (True, {"ratio": ["1.5", "abc", 3, True, 2.5], "count": [1.5, "7", False]}),
    (True, {"birthDate": [1, True, 2.5, "2024-01-01"]}),
    (False, {"nickname": 10**21}),
    # Identifiers: compact IRIs, blank nodes shared across graphs, collisions.
    (True, {"id": "ex:me", "ref": ["ex:you", "_:b0", "did:ex:1"]}),
    (True, {"id": "_:me", "attachment": {"id": "_:me", "ref": "_:me"}}),
    (True, {"attachment": [{"nickname": "x"}, {"id": "_:a", "nickname": "y"}], "ref": "_:a"}),
    (False, {"attachment": "did:ex:1"}),
    (False, {"id": "did:ex:1", "@id": "did:ex:2"}),
    (False, {"id": "did:ex:1", "ex:p": {"@id": "did:ex:2", "id": "did:ex:2"}}),
    (False, {"@type": "Person", "type": "Red"}),
    (True, {"type": ["Person", "Person", "ex:Thing"], "kind": ["Red", "_:k", "ex:k"]}),
    # Top-level nodes pyld drops.
    (False, {}),
    (False, {"id": "did:ex:1"}),
    (False, {"id": "did:ex:1", "nickname": None}),
    (True, {"id": "did:ex:1", "tags": []}),
    (False, {"type": []}),
    (True, {"type": "Person"}),
    (False, {"@value": "x"}),
]


@pytest.mark.parametrize(("covered", "body"), CORNER_CASES)
def test_corner_cases(covered: bool, body: JsonObject) -> None:
    document: JsonObject = copy.deepcopy(body)
    embedded = document.pop("@context", None)
    context: list[JsonValue] = [VC_V2, LOCAL_CONTEXT]
    if embedded is not None:
        context.append(embedded)
    document = {"@context": context, **document}
    outcome = Outcome()
    compare(document, FAST, GENERAL, outcome)
    assert outcome.covered == int(covered), vars(outcome)
