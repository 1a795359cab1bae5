"""JSON Schema validation of credentials against the bundled schemas only.

VCDM 2.0 §5.4 (Data Schemas) lets a credential name the schemas it
conforms to in ``credentialSchema``; for type ``JsonSchema`` (VC JSON
Schema §2.1) the schema is a JSON Schema 2020-12 document.
:func:`validate_credential_schemas` checks a credential against each such
schema that vcid bundles (``schemas/*.json``, shipped in the package as
``vcid/schemas``). A schema vcid does not bundle is never fetched: it is
left out of the ids returned, and the caller reports it as not checked.

Messages name the property path and the schema rule broken, never the
value: jsonschema's own messages echo values (a child's name, a birth
date), so they are rebuilt from the error's path and keyword.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Final
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import (
    ValidationError,
    best_match,
)
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from vcid._json import JsonObject, load_object
from vcid.errors import JSONParseError, SchemaViolation, UsageError

#: The ``credentialSchema`` type this module checks (VC JSON Schema §2.1).
JSON_SCHEMA_TYPE: Final = "JsonSchema"
#: Where the vcid schemas are published; their ``$id`` starts with this.
SCHEMA_BASE: Final = "https://w3id.org/vcid/schemas/"
#: The most ``credentialSchema`` entries one credential may name.
MAX_SCHEMAS: Final = 16
#: The most violations counted (and summarised) per schema.
_MAX_ERRORS: Final = 64
_SAFE_NAME: Final = re.compile(r"^[A-Za-z0-9@_$-]{1,64}$")
_RULES_WITH_LIMIT: Final = frozenset(
    {
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "minContains",
        "maxContains",
        "minimum",
        "maximum",
    }
)


@functools.cache
def _bundled() -> dict[str, JsonObject]:
    """Every bundled schema by ``$id`` (read once, strictly parsed)."""
    folder = resources.files("vcid") / "schemas"
    found: dict[str, JsonObject] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            schema = load_object(entry.read_bytes())
        except (OSError, JSONParseError) as exc:
            raise UsageError(f"bundled schema {entry.name} is unreadable: {exc}") from None
        schema_id = schema.get("$id")
        if not isinstance(schema_id, str):
            raise UsageError(f"bundled schema {entry.name} has no $id")
        found[schema_id] = schema
    return found


@functools.cache
def _registry() -> Registry[object]:
    """A registry of the bundled schemas only: no retrieval, so no network."""
    pairs = [
        (schema_id, Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema_id, schema in _bundled().items()
    ]
    registry: Registry[object] = Registry().with_resources(pairs)
    return registry.crawl()


#: How deep ``$ref`` chains may go when a schema is flattened.
_MAX_REF_DEPTH: Final = 32


def _enum_by_set(
    validator: Validator, enums: list[object], instance: object, schema: Mapping[str, object]
) -> Iterator[ValidationError]:
    """``enum`` with a set lookup for strings (a country list has 249 values).

    Strings are looked up in a set; other values are compared with JSON
    equality (``1 == 1.0``, but ``true`` is not ``1``), as the keyword
    requires (JSON Schema 2020-12 validation §6.1.2).
    """
    del validator, schema
    if type(instance) is str:
        if instance in _string_set(tuple(e for e in enums if type(e) is str)):
            return
    elif any(_json_equal(instance, allowed) for allowed in enums):
        return
    yield ValidationError("is not one of the allowed values")


def _json_equal(left: object, right: object) -> bool:
    """Equality of JSON values: booleans are not numbers; containers compare deeply."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        return False
    return left == right


@functools.lru_cache(maxsize=256)
def _string_set(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(values)


#: Draft 2020-12, with the set-based ``enum``.
_FastValidator = validators.extend(Draft202012Validator, {"enum": _enum_by_set})


def _flatten(node: object, base: str, depth: int = 0) -> object:
    """``node`` with every ``$ref`` to a bundled schema replaced by its target.

    The bundled schemas are not recursive, so the result is a plain tree that
    jsonschema validates without resolving references on every call (about
    twice as fast); a ``$ref`` becomes an ``allOf`` member, so its siblings
    keep applying. ``$defs``, ``$id`` and ``$schema`` are dropped.
    """
    if depth > _MAX_REF_DEPTH:
        raise UsageError("a bundled schema's $ref chain is too deep (recursive?)")
    if isinstance(node, list):
        return [_flatten(item, base, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    flat: dict[str, object] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            url, fragment = urldefrag(urljoin(base, value))
            target = _bundled().get(url)
            if target is None:
                raise UsageError(f"a bundled schema refers to {url}, which is not bundled")
            resolved: object = target
            for part in (p for p in fragment.split("/") if p):
                if not isinstance(resolved, dict):
                    raise UsageError(f"a bundled schema has a broken $ref: {value}")
                resolved = resolved.get(part.replace("~1", "/").replace("~0", "~"))
            if resolved is None:
                raise UsageError(f"a bundled schema has a broken $ref: {value}")
            members = flat.setdefault("allOf", [])
            assert isinstance(members, list)
            members.append(_flatten(resolved, url, depth + 1))
        elif key not in ("$id", "$schema", "$defs"):
            flat[key] = _flatten(value, base, depth + 1)
    return flat


@functools.cache
def _validator(schema_id: str) -> Validator:
    """The compiled validator of one bundled schema (cached per process)."""
    schema = _bundled()[schema_id]
    Draft202012Validator.check_schema(schema)
    flat = _flatten(schema, schema_id)
    assert isinstance(flat, dict)
    flat["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    validator: Validator = _FastValidator(
        flat,
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return validator


def bundled_schema_ids() -> frozenset[str]:
    """The ``$id`` of every schema vcid bundles."""
    return frozenset(_bundled())


def bundled_schema(schema_id: str) -> JsonObject | None:
    """A copy of the bundled schema with this ``$id``, or None if not bundled."""
    schema = _bundled().get(schema_id)
    return None if schema is None else copy.deepcopy(schema)


def validate_credential_schemas(document: Mapping[str, object]) -> tuple[str, ...]:
    """Validate a credential against every bundled schema it names.

    Each ``credentialSchema`` entry of type ``JsonSchema`` whose ``id`` is a
    bundled schema is checked (JSON Schema 2020-12 with format checking,
    references resolved among the bundled schemas only). Entries of other
    types, and schemas vcid does not bundle, are skipped: they are not
    fetched. The document is not changed.

    :param document: the credential as parsed JSON (secured or not).
    :returns: the ids of the schemas checked, in document order, each once;
        empty when none is bundled.
    :raises UsageError: if ``document`` is not a mapping.
    :raises SchemaViolation: for the first schema broken; the message names
        the property path and the rule (``credentialSubject.birthDate:
        format 'date'``), never the value, and counts the other properties
        that break the schema.
    """
    if not isinstance(document, Mapping):
        raise UsageError("a credential must be a JSON object (mapping)")
    checked: list[str] = []
    for schema_id in _named_schemas(document):
        if schema_id not in _bundled() or schema_id in checked:
            continue
        errors = _errors(_validator(schema_id).iter_errors(document))
        if errors:
            first = _preferred(errors)
            field, rule = describe(first)
            others = {tuple(e.absolute_path) for e in errors} - {tuple(first.absolute_path)}
            raise SchemaViolation(field, rule, more=len(others))
        checked.append(schema_id)
    return tuple(checked)


def _errors(found: Iterator[ValidationError]) -> list[ValidationError]:
    errors: list[ValidationError] = []
    for error in found:
        errors.append(error)
        if len(errors) >= _MAX_ERRORS:
            break
    return errors


def _preferred(errors: list[ValidationError]) -> ValidationError:
    """The error to report: a direct one before one from an if/then/else branch
    (a wrong ``certificateForm`` before the ``parent`` it then forbids), then
    jsonschema's best match, and at its path a ``format`` error before a
    ``pattern`` one."""
    direct = [error for error in errors if not _conditional(error)]
    chosen: ValidationError = best_match(direct or errors)
    if chosen.validator != "format":
        for error in errors:
            if error.validator == "format" and error.absolute_path == chosen.absolute_path:
                return error
    return chosen


def _conditional(error: ValidationError) -> bool:
    return any(part in {"then", "else"} for part in error.schema_path)


def _named_schemas(document: Mapping[str, object]) -> list[str]:
    """The ids of the ``JsonSchema`` entries of ``credentialSchema``."""
    value = document.get("credentialSchema")
    entries: list[object] = value if isinstance(value, list) else [value]
    if len(entries) > MAX_SCHEMAS:
        raise SchemaViolation("credentialSchema", f"more than {MAX_SCHEMAS} entries")
    ids: list[str] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("type") != JSON_SCHEMA_TYPE:
            continue
        schema_id = entry.get("id")
        if isinstance(schema_id, str):
            ids.append(schema_id)
    return ids


def describe(error: ValidationError) -> tuple[str, str]:
    """The property path and the rule of a jsonschema error, without values.

    :param error: one error from a jsonschema validator.
    :returns: ``(path, rule)``, such as ``("credentialSubject.birthDate",
        "format 'date'")``.
    """
    path = _path(error.absolute_path)
    keyword = error.validator
    if keyword is None or (keyword == "not" and error.validator_value == {}):
        return path, "is not allowed here"  # a ``false`` or ``not {}`` schema
    value = error.validator_value
    instance = error.instance
    if keyword == "required" and isinstance(instance, Mapping) and isinstance(value, list):
        missing = [name for name in value if isinstance(name, str) and name not in instance]
        if missing:
            return _path([*error.absolute_path, missing[0]]), "is required"
    if keyword in {"additionalProperties", "unevaluatedProperties"} and isinstance(
        instance, Mapping
    ):
        extra = _extra_properties(error, instance)
        if extra is not None:
            return _path([*error.absolute_path, extra]), "is not allowed (unknown property)"
        return path, "has a property that is not allowed"
    if keyword in {"format", "type"} and isinstance(value, str):
        return path, f"{keyword} '{value}'"
    if keyword in _RULES_WITH_LIMIT and isinstance(value, int):
        return path, f"{keyword} {value}"
    if keyword == "enum":
        return path, "must be one of the allowed values (enum)"
    if keyword == "const":
        if isinstance(value, str | bool) and len(str(value)) <= 100:
            return path, f"must be {value!r} (const)"
        return path, "must be the fixed value (const)"
    if keyword == "pattern":
        return path, "does not match the required pattern"
    if keyword == "contains":
        return path, "has no item of the required shape (contains)"
    if keyword == "uniqueItems":
        return path, "has duplicate items (uniqueItems)"
    if keyword == "not":
        return path, "matches a forbidden shape (not)"
    if keyword in {"anyOf", "oneOf"}:
        return path, f"matches none of the allowed shapes ({keyword})"
    return path, str(keyword) if _SAFE_NAME.match(str(keyword)) else "schema rule"


def _extra_properties(error: ValidationError, instance: Mapping[str, object]) -> str | None:
    """The first property the schema at fault does not declare."""
    schema = error.schema
    declared: set[str] = set()
    patterns: list[str] = []
    if isinstance(schema, Mapping):
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            declared.update(key for key in properties if isinstance(key, str))
        pattern_props = schema.get("patternProperties")
        if isinstance(pattern_props, Mapping):
            patterns.extend(key for key in pattern_props if isinstance(key, str))
    for key in instance:
        if key in declared or any(re.search(p, key) for p in patterns):
            continue
        return key
    return None


def _path(parts: Iterable[object]) -> str:
    """``credentialSubject.parent[0].givenName`` from a jsonschema path."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = str(part)
            if not _SAFE_NAME.match(name):
                name = name[:32].encode("ascii", "backslashreplace").decode("ascii")
                name = repr(name)
            text = f"{text}.{name}" if text else name
    return text


__all__ = [
    "JSON_SCHEMA_TYPE",
    "MAX_SCHEMAS",
    "SCHEMA_BASE",
    "bundled_schema",
    "bundled_schema_ids",
    "describe",
    "validate_credential_schemas",
]
