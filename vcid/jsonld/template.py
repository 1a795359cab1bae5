"""Canonical N-Quads of one-node documents from cached templates.

A Data Integrity proof configuration is one blank node whose shape is fixed
by the cryptosuite (its ``@context``, ``type``, ``cryptosuite`` and
``proofPurpose``); only a few string values change from one proof to the
next (``created``, ``verificationMethod``, ``challenge`` ...). Running JSON-LD
and RDFC-1.0 on it for every proof repeats the same work, so
:class:`NodeTemplates` canonicalizes each *shape* once through the general
path, with unique sentinel strings in place of the variable values, and then
fills the sentinels in.

The template is used only when it provably gives the general path's bytes:

* every line is ``_:c14n0 <predicate> object .`` (one blank node, no graph),
  with pairwise distinct predicates, so the sort order does not depend on
  the values and the blank node is always ``_:c14n0``;
* each sentinel occurs exactly once, as a whole object: ``<sentinel>`` for a
  value that is an absolute IRI of plain ASCII characters (the sentinel has
  the same scheme, so a scheme that the context defines as a prefix changes
  the sentinel too, and the template is refused), or ``"sentinel"`` (a
  literal, whatever its datatype or language) for any other string, which is
  then escaped exactly as RDFC-1.0 escapes literals.

Anything else (a value that is not a string, a shape whose sentinel document
fails or does not meet these rules) takes the general path, which then
gives its own bytes or its own error. ``tests/jsonld/test_template.py``
checks both paths give identical bytes and identical errors.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Collection, Mapping
from typing import Final

from vcid._json import JsonValue
from vcid.cache import LRUCache
from vcid.canon.nquads import escape_literal

#: Shapes kept per processor.
MAX_TEMPLATES: Final = 256

# An absolute IRI of RFC 3986 characters only (nothing N-Quads escapes,
# nothing a safe-mode check could refuse); ``_:`` never matches.
_IRI: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_SUBJECT: Final = "_:c14n0 <"

# (line head, slot index or -1, line tail, is the slot a literal)
_Line = tuple[str, int, str, bool]
_Kind = tuple[str, str]  # ("iri", scheme) or ("literal", "")


class _Refused:
    """A shape whose template cannot be trusted (the general path decides)."""


_REFUSED: Final = _Refused()


def _encodable(value: str) -> bool:
    """No lone surrogates (the general path reports those itself)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(value: str) -> _Kind:
    match = _IRI.fullmatch(value)
    return ("iri", match.group(1)) if match is not None else ("literal", "")


class NodeTemplates:
    """Cached canonical templates of one-node documents, by shape.

    :param canonicalize: the general path (canonical N-Quads of a document).
    :param max_templates: shapes kept before the least recently used goes.
    """

    __slots__ = ("_canonicalize", "_templates", "_token")

    def __init__(
        self,
        canonicalize: Callable[[dict[str, JsonValue]], str],
        *,
        max_templates: int = MAX_TEMPLATES,
    ) -> None:
        self._canonicalize = canonicalize
        self._templates: LRUCache[tuple[str, tuple[tuple[str, _Kind], ...]], object] = LRUCache(
            max_templates
        )
        # random, so that no document can contain a sentinel on purpose
        self._token = secrets.token_hex(8)

    def canonical_nquads(self, document: Mapping[str, JsonValue], variable: Collection[str]) -> str:
        """The document's canonical N-Quads, the same as the general path's.

        :param document: a JSON-LD object describing one node.
        :param variable: the keys whose string values may be filled into a
            template (the others are part of the shape).
        :raises: whatever the general path raises for ``document``.
        """
        source = dict(document)
        slots: list[tuple[str, str, _Kind]] = []
        for key in sorted(variable):
            if key not in source:
                continue
            value = source[key]
            if type(value) is not str or not _encodable(value):
                return self._canonicalize(source)
            slots.append((key, value, _kind(value)))
        fixed = {k: v for k, v in source.items() if k not in variable}
        try:
            fixed_key = json.dumps(fixed, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):
            return self._canonicalize(source)
        shape = (fixed_key, tuple((key, kind) for key, _, kind in slots))
        template = self._templates.get(shape)
        if template is None:
            template = self._build(fixed, slots)
            self._templates.put(shape, template)
        if template is _REFUSED:
            return self._canonicalize(source)
        lines: list[_Line] = template  # type: ignore[assignment]
        out = []
        for head, slot, tail, literal in lines:
            if slot < 0:
                out.append(head)
            else:
                value = slots[slot][1]
                out.append(f"{head}{escape_literal(value) if literal else value}{tail}")
        return "".join(out)

    def _sentinel(self, index: int, kind: _Kind) -> str:
        core = f"vcidslot{index}x{self._token}"
        return f"{kind[1]}:{core}" if kind[0] == "iri" else core

    def _build(self, fixed: dict[str, JsonValue], slots: list[tuple[str, str, _Kind]]) -> object:
        sentinels = [self._sentinel(i, kind) for i, (_, _, kind) in enumerate(slots)]
        document = dict(fixed)
        for (key, _, _), sentinel in zip(slots, sentinels, strict=True):
            document[key] = sentinel
        try:
            text = self._canonicalize(document)
        except Exception:  # the general path will raise it for the real document
            return _REFUSED
        if not text.endswith("\n"):
            return _REFUSED
        if any(text.count(f"vcidslot{i}x{self._token}") != 1 for i in range(len(slots))):
            return _REFUSED
        lines: list[_Line] = []
        predicates: set[str] = set()
        used: set[int] = set()
        for raw in text[:-1].split("\n"):
            line = raw + "\n"
            if not line.startswith(_SUBJECT) or not line.endswith(" .\n"):
                return _REFUSED
            end = line.find("> ", len(_SUBJECT))
            if end < 0:
                return _REFUSED
            predicate = line[len(_SUBJECT) - 1 : end + 1]
            if predicate in predicates:
                return _REFUSED
            predicates.add(predicate)
            head = line[: end + 2]
            rest = line[end + 2 :]
            if self._token in head:
                return _REFUSED
            parsed = self._slot(rest, sentinels, slots)
            if parsed is None:
                if self._token in rest:
                    return _REFUSED
                if rest.startswith("_:"):
                    return _REFUSED  # a second blank node
                lines.append((line, -1, "", False))
                continue
            index, tail, literal = parsed
            used.add(index)
            lines.append((head + ('"' if literal else "<"), index, tail, literal))
        if len(used) != len(slots):
            return _REFUSED
        return lines

    @staticmethod
    def _slot(
        rest: str, sentinels: list[str], slots: list[tuple[str, str, _Kind]]
    ) -> tuple[int, str, bool] | None:
        """Which slot the object ``rest`` is, its tail and whether it is a literal."""
        for index, sentinel in enumerate(sentinels):
            iri = f"<{sentinel}> .\n"
            if slots[index][2][0] == "iri" and rest == iri:
                return index, "> .\n", False
            quoted = f'"{sentinel}"'
            if rest.startswith(quoted):
                tail = rest[len(quoted) :]
                if tail == " .\n" or tail.startswith(("^^<", "@")):
                    return index, '"' + tail, True
        return None
