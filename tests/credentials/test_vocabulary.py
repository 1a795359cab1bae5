"""The vcid JSON-LD context: bundled with its hash, protected, and defining every term used."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pytest

from vcid._json import JsonObject, JsonValue
from vcid.credentials import VCID_CONTEXT
from vcid.errors import JSONLDError, UndefinedTermError
from vcid.jsonld import JsonLdProcessor, bundled_context_bytes, bundled_loader

ROOT = Path(__file__).resolve().parent.parent.parent
CONTEXT_FILE = ROOT / "vcid" / "contexts" / "vcid-v1.jsonld"
EXAMPLES = ROOT / "docs" / "examples"
NAMES = ("birth-credential", "guardianship-credential", "travel-consent-credential")
#: Properties the VC 2.0 context defines, used at the credential's top level.
VC_TERMS = frozenset(
    {
        "@context",
        "id",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSchema",
        "credentialSubject",
        "relatedResource",
        "digestMultibase",
        "proof",
        "credentialStatus",
    }
)
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


@pytest.fixture(scope="module")
def processor() -> JsonLdProcessor:
    return JsonLdProcessor()


def terms() -> dict[str, JsonValue]:
    document = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    context = document["@context"]
    return {k: v for k, v in context.items() if not k.startswith("@")}


def example(name: str) -> JsonObject:
    document = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def keys(value: JsonValue) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            found |= keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= keys(item)
    return found


def test_context_is_bundled_with_its_hash() -> None:
    """index.json lists the context with the file's sha256 and source vcid."""
    index = json.loads((ROOT / "vcid" / "contexts" / "index.json").read_text(encoding="utf-8"))
    entry = index[VCID_CONTEXT]
    data = CONTEXT_FILE.read_bytes()
    assert entry == {
        "file": "vcid-v1.jsonld",
        "sha256": hashlib.sha256(data).hexdigest(),
        "source": "vcid",
    }
    assert bundled_context_bytes(VCID_CONTEXT) == data
    assert VCID_CONTEXT in bundled_loader().urls


def test_context_is_protected_json_ld_1_1() -> None:
    """Terms are @protected (JSON-LD 1.1 §4.1.11) so later contexts cannot redefine them."""
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    assert context["@protected"] is True
    assert context["@version"] == 1.1


@pytest.mark.parametrize("name", NAMES)
def test_every_example_term_is_defined(processor: JsonLdProcessor, name: str) -> None:
    """Safe-mode expansion accepts each example; its own terms all come from the vcid context."""
    document = example(name)
    processor.expand(document)
    assert keys(document) - VC_TERMS <= set(terms())


@pytest.mark.parametrize("name", NAMES)
def test_undefined_property_fails_safe_mode(processor: JsonLdProcessor, name: str) -> None:
    """An extra property no context defines is an UndefinedTermError."""
    document = example(name)
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    subject["eyeColour"] = "brown"
    with pytest.raises(UndefinedTermError, match="eyeColour"):
        processor.expand(document)


def test_protected_terms_cannot_be_redefined(processor: JsonLdProcessor) -> None:
    """A later context redefining givenName is refused."""
    document = example("birth-credential")
    contexts = document["@context"]
    assert isinstance(contexts, list)
    contexts.append({"givenName": "https://attacker.example/name"})
    with pytest.raises(JSONLDError):
        processor.expand(document)


def test_terms_map_to_schema_org_and_vcid(processor: JsonLdProcessor) -> None:
    """birthDate is schema.org's, typed xsd:date; sex and certificateForm are vcid's."""
    expanded = processor.expand(example("birth-credential"))
    node = expanded[0]
    assert isinstance(node, dict)
    subject = node["https://www.w3.org/2018/credentials#credentialSubject"][0]  # type: ignore[index]
    assert subject["https://schema.org/birthDate"] == [  # type: ignore[index,call-overload]
        {"@type": XSD_DATE, "@value": "2019-03-14"}
    ]
    assert "https://w3id.org/vcid/vocab#sex" in subject  # type: ignore[operator]
    assert "https://w3id.org/vcid/vocab#certificateForm" in subject  # type: ignore[operator]
    assert node["@type"] == [
        "https://www.w3.org/2018/credentials#VerifiableCredential",
        "https://w3id.org/vcid/vocab#BirthCredential",
    ]


def test_every_schema_property_is_a_defined_term() -> None:
    """Whatever the schemas accept, the context defines: schema-valid means expandable."""
    defined = set(terms()) | VC_TERMS
    for path in sorted((ROOT / "schemas").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        for name in _schema_properties(schema):
            assert name in defined, f"{path.name}: {name}"


def _schema_properties(value: object) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "properties" and isinstance(item, dict):
                found |= set(item)
            found |= _schema_properties(item)
    elif isinstance(value, list):
        for item in value:
            found |= _schema_properties(item)
    return found


def test_vocabulary_page_documents_every_term() -> None:
    """docs/vocabulary.md has a row for every term with its full IRI."""
    page = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    prefixes = {"schema:": "https://schema.org/", "vcid:": "https://w3id.org/vcid/vocab#"}
    for term, definition in terms().items():
        if term in {"xsd", "schema", "vcid"}:
            continue
        iri = definition["@id"] if isinstance(definition, dict) else definition
        assert isinstance(iri, str)
        for prefix, base in prefixes.items():
            if iri.startswith(prefix):
                iri = base + iri[len(prefix) :]
        assert re.search(rf"\| `{re.escape(term)}` \|", page), term
        assert iri in page, term


def test_examples_are_not_changed_by_expansion(processor: JsonLdProcessor) -> None:
    """Expansion reads the document only."""
    document = example("travel-consent-credential")
    before = copy.deepcopy(document)
    processor.expand(document)
    assert document == before
