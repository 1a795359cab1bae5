"""Shared structural checks for credentials and presentations.

Every failure is a :class:`DataModelViolation` naming the property path and
the rule broken, never the offending value (values may be personal data).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

from vcid.errors import DataModelError

Version: TypeAlias = Literal["2.0", "1.1"]

V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"

#: The most items accepted in any one array of a credential or presentation.
MAX_ITEMS: Final = 1000

# RFC 3986 §3.1 scheme, then characters allowed in a URI (§2) or an IRI
# (RFC 3987 ucschar/iprivate); "%" must start a percent-encoding.
_URL = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%\u00a0-\U0010ffff]+"
)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_WHITESPACE = re.compile(r"\s")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*", re.ASCII)
_LANGUAGE_KEYS: Final = frozenset({"@value", "@language", "@direction"})


class DataModelViolation(DataModelError):
    """A VC Data Model rule broken at one property path.

    ``field`` is the path (``credentialSubject[1]``, empty for the document
    itself) and ``rule`` the rule broken; the message is ``"field: rule"``.
    Its code is :class:`DataModelError`'s.
    """

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}" if field else rule)
        self.field = field
        self.rule = rule

    def __reduce__(self) -> tuple[type[DataModelViolation], tuple[str, str]]:
        return (DataModelViolation, (self.field, self.rule))

    def nested(self, prefix: str) -> DataModelViolation:
        """The same violation with ``prefix`` put in front of its path."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return DataModelViolation(field, self.rule)


def join(path: str, name: str) -> str:
    """The path of property ``name`` inside the object at ``path``."""
    return f"{path}.{name}" if path else name


def items(value: object, path: str, *, allow_single: bool = True) -> Iterator[tuple[str, object]]:
    """Yield (path, item) for a value that is one item or an array of items.

    :raises DataModelViolation: for an empty or too long array, or an array
        where ``allow_single`` is false and a single value is given.
    """
    if isinstance(value, list | tuple):
        if not value:
            raise DataModelViolation(path, "must not be an empty array")
        if len(value) > MAX_ITEMS:
            raise DataModelViolation(path, f"must have at most {MAX_ITEMS} items")
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item
    elif allow_single:
        yield path, value
    else:
        raise DataModelViolation(path, "must be an array")


def require_object(value: object, path: str) -> Mapping[str, object]:
    """Return ``value`` as a mapping.

    :raises DataModelViolation: if it is not a JSON object.
    """
    if not isinstance(value, Mapping):
        raise DataModelViolation(path, "must be an object")
    return value


def objects(value: object, path: str) -> list[tuple[str, Mapping[str, object]]]:
    """An object or a non-empty array of objects, as (path, object) pairs.

    :raises DataModelViolation: if any item is not an object.
    """
    return [(p, require_object(item, p)) for p, item in items(value, path)]


def readonly(obj: Mapping[str, object]) -> Mapping[str, object]:
    """A read-only view of ``obj`` (not a copy)."""
    if isinstance(obj, MappingProxyType):
        return obj
    return MappingProxyType(obj)


def is_url(value: object) -> bool:
    """True for a string that is an absolute URL (RFC 3986 §4.3) or IRI."""
    return (
        isinstance(value, str)
        and _URL.fullmatch(value) is not None
        and _BAD_PERCENT.search(value) is None
        and _WHITESPACE.search(value) is None
    )


def check_url(value: object, path: str) -> str:
    """Return ``value`` if it is a single absolute URL (VCDM 2.0 §4.4).

    :raises DataModelViolation: otherwise.
    """
    if isinstance(value, list | tuple):
        raise DataModelViolation(path, "must be a single URL, not an array")
    if not isinstance(value, str) or not is_url(value):
        raise DataModelViolation(path, "must be a URL")
    return value


def check_optional_id(obj: Mapping[str, object], path: str) -> str | None:
    """Return the object's ``id`` if present; it must be a single URL.

    :raises DataModelViolation: if present and not a single URL.
    """
    if "id" not in obj:
        return None
    return check_url(obj["id"], join(path, "id"))


def check_context(
    value: object, path: str, *, versions: tuple[Version, ...] = ("2.0", "1.1")
) -> Version:
    """Check ``@context`` and return the data model version it declares.

    VCDM 2.0 §4.3: an ordered set whose first item is the v2 base context and
    whose other items are URLs or objects. VCDM 1.1 §4.1 (v1 base context)
    also allows a single string.

    :raises DataModelViolation: if the rule is broken.
    """
    if value is None:
        raise DataModelViolation(path, "is required")
    if isinstance(value, str):
        if value == V1_CONTEXT and "1.1" in versions:
            return "1.1"
        raise DataModelViolation(path, "must be an array")
    entries = list(items(value, path, allow_single=False))
    first = entries[0][1]
    version: Version
    if first == V2_CONTEXT and "2.0" in versions:
        version = "2.0"
    elif first == V1_CONTEXT and "1.1" in versions:
        version = "1.1"
    else:
        raise DataModelViolation(f"{path}[0]", "must be the base context of a supported data model")
    for item_path, item in entries[1:]:
        check_context_item(item, item_path)
    return version


def check_context_item(item: object, path: str) -> None:
    """A context entry is a URL or an object (VCDM 2.0 §4.3).

    :raises DataModelViolation: otherwise.
    """
    if isinstance(item, Mapping):
        return
    if not is_url(item):
        raise DataModelViolation(path, "must be a URL or an object")


def check_types(value: object, path: str, *, required: str | None = None) -> tuple[str, ...]:
    """Check a ``type`` value: one or more terms or URLs (VCDM 2.0 §4.5).

    :param required: a type the value must include.
    :raises DataModelViolation: if missing, malformed, or lacking ``required``.
    """
    if value is None:
        raise DataModelViolation(path, "is required")
    types: list[str] = []
    for item_path, item in items(value, path):
        if not isinstance(item, str):
            raise DataModelViolation(item_path, "must be a string")
        if not item or _WHITESPACE.search(item):
            raise DataModelViolation(
                item_path, "must be a non-empty term or URL without whitespace"
            )
        types.append(item)
    if required is not None and required not in types:
        raise DataModelViolation(path, f"must include {required}")
    return tuple(types)


def check_language_text(value: object, path: str) -> None:
    """Check ``name``/``description``: text or language value objects.

    VCDM 2.0 §4.6: a string, an object with ``@value`` and optional
    ``@language`` and ``@direction``, or an array of those.

    :raises DataModelViolation: otherwise.
    """
    for item_path, item in items(value, path):
        if isinstance(item, str):
            continue
        if not isinstance(item, Mapping):
            raise DataModelViolation(item_path, "must be a string or a language value object")
        if not set(item) <= _LANGUAGE_KEYS:
            raise DataModelViolation(
                item_path,
                "language value object allows only @value, @language, @direction",
            )
        if not isinstance(item.get("@value"), str):
            raise DataModelViolation(join(item_path, "@value"), "must be a string")
        language = item.get("@language")
        if "@language" in item and (
            not isinstance(language, str) or not _LANGUAGE_TAG.fullmatch(language)
        ):
            raise DataModelViolation(join(item_path, "@language"), "must be a BCP 47 language tag")
        if "@direction" in item and item["@direction"] not in ("ltr", "rtl"):
            raise DataModelViolation(join(item_path, "@direction"), 'must be "ltr" or "rtl"')


def check_typed_objects(
    document: Mapping[str, object],
    name: str,
    *,
    path: str = "",
    id_required: bool = False,
) -> tuple[Mapping[str, object], ...]:
    """Check an optional property holding typed objects and return them.

    Used for credentialStatus, credentialSchema, evidence, termsOfUse,
    refreshService and proof: each is an object or an array of objects that
    MUST have ``type``; an ``id``, if present or required, is a single URL.

    :raises DataModelViolation: if the rule is broken.
    """
    if name not in document:
        return ()
    found: list[Mapping[str, object]] = []
    for item_path, obj in objects(document[name], join(path, name)):
        check_types(obj.get("type"), join(item_path, "type"))
        if id_required and "id" not in obj:
            raise DataModelViolation(join(item_path, "id"), "is required")
        check_optional_id(obj, item_path)
        found.append(obj)
    return tuple(found)
