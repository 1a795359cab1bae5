"""Safe mode and scoped-context caching for pyld's expansion algorithm.

:class:`StrictPyld` subclasses ``pyld.jsonld.JsonLdProcessor`` and hooks the
few private methods where JSON-LD 1.1 expansion (JSON-LD 1.1 API §5.1)
silently drops or leaves unresolved part of a document. Hooking the exact
spot where pyld decides is more robust than comparing input and output
afterwards (aliases, containers, ``@nest`` and scoped contexts make such a
comparison guesswork). In safe mode, like jsonld.js ``safe: true``, each of
these becomes a :class:`SafeModeViolation`:

* a key that does not expand to an absolute IRI or keyword (undefined term
  without ``@vocab``, a term mapped to ``null``, a keyword-like ``@foo``) -
  pyld's ``on_property_dropped`` hook, then the key is found again;
* an ``@id`` / ``@type`` / ``@vocab`` / ``@type: @id`` value that is a
  relative IRI reference while no absolute ``@base`` is set (pyld would
  resolve it against ``http://example.org/base/``), or that expands to
  nothing - the ``_expand_iri`` hook, for calls that ask for document-relative
  resolution;
* a value dropped by expansion: free-floating scalars and node references,
  ``{"@value": null}``, objects with only ``@language`` - the ``_expand`` hook;
* a language tag that is not well-formed BCP 47 (jsonld.js drops such
  literals from RDF; pyld keeps them, so signatures would differ).

Blank-node predicates, which toRdf drops, are caught when the dataset is
converted (see :mod:`vcid.jsonld.processor`).

Terms that expand through ``@vocab`` are not undefined: under the VC 2.0
context they map to ``https://www.w3.org/ns/credentials/issuer-dependent#``,
which the VC Data Model 2.0 §5.2 allows. A property whose value is ``null``
is allowed too (JSON-LD 1.1 §4.1: it means "no value").

Caching: pyld gives every non-propagating (type-scoped) context clone a fresh
``uuid1`` and so re-processes type-scoped contexts for every document. Here
the clone of a given (cached, immutable) active context is itself cached and
gets a deterministic id, so pyld's per-context processed cache hits. The
expansion of terms and types against a frozen (finished) active context is
memoised, keyed by the context's unique ``_uuid``. Both caches are bounded and
belong to one processor.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any, Final

from frozendict import frozendict
from pyld import jsonld as _pyld

BCP47: Final = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_ABSOLUTE_IRI: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*|_):[^\s]*$")
_MAX_CLONES: Final = 256
_MAX_IRIS: Final = 16384
_MAX_MEMO_TERM: Final = 256
_MISSING: Final = object()


class SafeModeViolation(Exception):
    """Internal: expansion would lose data. Converted to UndefinedTermError."""

    def __init__(self, rule: str, *, term: str | None = None) -> None:
        super().__init__(rule)
        self.rule = rule
        self.term = term
        self.path: list[str] = []

    def describe(self) -> str:
        """A message naming the rule, the term and the key path, never values."""
        parts = [self.rule]
        if self.term is not None:
            parts.append(f"{_clip(self.term)!r}")
        if self.path:
            parts.append("at " + "/".join(_clip(p) for p in self.path))
        return " ".join(parts)


class _Dropped(Exception):
    """Internal: pyld is about to drop a property."""


def _clip(text: str) -> str:
    return text if len(text) <= 64 else text[:61] + "..."


def _raise_dropped(_expanded: object) -> None:
    raise _Dropped


def _is_absolute(value: str) -> bool:
    return _ABSOLUTE_IRI.match(value) is not None


def _prepend(violation: SafeModeViolation, active_property: object) -> None:
    if isinstance(active_property, str):
        violation.path.insert(0, active_property)


def _check_language(language: object, active_property: object) -> None:
    """JSON-LD 1.1 §4.2.4: a language tag must be well-formed BCP 47."""
    if isinstance(language, str) and BCP47.match(language) is None:
        bad = SafeModeViolation("invalid @language tag")
        _prepend(bad, active_property)
        raise bad


class _ActiveContext(dict[str, Any]):
    """An active context under construction; deleting a missing key is a no-op."""

    def __delitem__(self, key: str) -> None:
        self.pop(key, None)


class StrictPyld(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with safe-mode hooks and stable scoped-context ids.

    Not thread-safe; :class:`vcid.jsonld.JsonLdProcessor` serialises calls.
    """

    def __init__(self, *, safe: bool) -> None:
        super().__init__(on_property_dropped=_raise_dropped if safe else _pyld.noop)
        self.safe = safe
        self._clones: OrderedDict[str, Any] = OrderedDict()
        self._iris: dict[tuple[str, str, object, object], Any] = {}

    def _clone_active_context(self, active_ctx: Any) -> Any:
        # pyld does ``del rval['@vocab']`` (also @language, @direction) for a
        # ``null`` value even when it is not set; JSON-LD 1.1 API §4.1.2
        # step 5.9.2 just "removes" it, so missing keys must be tolerated.
        return _ActiveContext(super()._clone_active_context(active_ctx))

    # --- caching of non-propagating (type-scoped) context clones ----------

    def _process_context(  # noqa: PLR0917 - pyld's signature
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        if (
            not propagate
            and not active_ctx.get("previousContext")
            and "_uuid" in active_ctx
            and _declares_no_propagate(local_ctx)
        ):
            active_ctx = self._non_propagating_clone(active_ctx)
        return super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )

    def _non_propagating_clone(self, active_ctx: Any) -> Any:
        key = active_ctx["_uuid"]
        clone = self._clones.get(key)
        if clone is not None and clone["previousContext"] is active_ctx:
            self._clones.move_to_end(key)
            return clone
        child = self._clone_active_context(active_ctx)
        child["previousContext"] = active_ctx
        child["_uuid"] = key + "~non-propagating"
        clone = frozendict(child)
        self._clones[key] = clone
        if len(self._clones) > _MAX_CLONES:
            self._clones.popitem(last=False)
        return clone

    # --- safe mode hooks -----------------------------------------------------

    def _expand(  # noqa: PLR0917 - pyld's signature
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        rval = super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list=inside_list,
            inside_index=inside_index,
            type_scoped_ctx=type_scoped_ctx,
        )
        if rval is None and element is not None and self.safe:
            rule = (
                "dropped free-floating value"
                if active_property is None or active_property == "@graph"
                else "dropped value (null @value or only @language)"
            )
            violation = SafeModeViolation(rule)
            _prepend(violation, active_property)
            raise violation
        return rval

    def _expand_object(  # noqa: PLR0917 - pyld's signature
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        inside_list: bool = False,
        type_key: Any = None,
        type_scoped_ctx: Any = None,
    ) -> None:
        try:
            super()._expand_object(
                active_ctx,
                active_property,
                expanded_active_property,
                element,
                expanded_parent,
                options,
                inside_list=inside_list,
                type_key=type_key,
                type_scoped_ctx=type_scoped_ctx,
            )
        except _Dropped:
            violation = SafeModeViolation(
                "undefined term", term=self._dropped_key(active_ctx, element)
            )
            _prepend(violation, active_property)
            raise violation from None
        except SafeModeViolation as violation:
            _prepend(violation, active_property)
            raise
        if self.safe:
            _check_language(expanded_parent.get("@language"), active_property)

    def _dropped_key(self, active_ctx: Any, element: Any) -> str | None:
        """Find the key pyld dropped (error path only; same test as pyld)."""
        for key in sorted(element):
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            if expanded is None or not (
                _pyld._is_absolute_iri(expanded) or _pyld._is_keyword(expanded)
            ):
                return str(key)
        return None

    def _expand_value(self, active_ctx: Any, active_property: Any, value: Any, options: Any) -> Any:
        try:
            rval = super()._expand_value(active_ctx, active_property, value, options)
        except SafeModeViolation as violation:
            _prepend(violation, active_property)
            raise
        if self.safe and type(rval) is dict:
            _check_language(rval.get("@language"), active_property)
        return rval

    def _expand_language_map(self, active_ctx: Any, language_map: Any, direction: Any) -> Any:
        rval = super()._expand_language_map(active_ctx, language_map, direction)
        if self.safe:
            for item in rval:
                language = item.get("@language")
                if isinstance(language, str) and BCP47.match(language) is None:
                    raise SafeModeViolation("invalid @language tag in language map")
        return rval

    def _expand_iri(  # noqa: PLR0917 - pyld's signature
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: Any = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        if (
            vocab
            and local_ctx is None
            and type(value) is str
            and len(value) <= _MAX_MEMO_TERM
            and type(active_ctx) is frozendict
        ):
            # Terms and types repeat across documents (@id values do not). A
            # frozen active context is finished and never changes, and its
            # _uuid is unique, so the expansion of a string in it is fixed.
            key = (active_ctx["_uuid"], value, base, vocab)
            rval = self._iris.get(key, _MISSING)
            if rval is _MISSING:
                rval = self._expand_iri_checked(active_ctx, value, base, vocab)
                if len(self._iris) >= _MAX_IRIS:
                    self._iris.clear()
                self._iris[key] = rval
            return rval
        return self._expand_iri_checked(
            active_ctx, value, base, vocab, local_ctx=local_ctx, defined=defined
        )

    def _expand_iri_checked(
        self,
        active_ctx: Any,
        value: Any,
        base: Any,
        vocab: Any,
        *,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        if base is None or not self.safe or not isinstance(value, str):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        # Document-relative expansion (@id, @type, @vocab, @type:@id values):
        # expand without a base first, to see whether the base would be used.
        rval = super()._expand_iri(active_ctx, value, None, vocab, local_ctx, defined)
        if rval is None:
            raise SafeModeViolation(
                "reserved or null-mapped @type value" if vocab else "reserved @id value"
            )
        if _pyld._is_keyword(rval) or _is_absolute(rval):
            return rval
        base_iri = active_ctx.get("@base")
        if isinstance(base_iri, str) and _is_absolute(base_iri):
            resolved = super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
            if isinstance(resolved, str) and _is_absolute(resolved):
                return resolved
        if vocab:
            # Type names are vocabulary, not personal data: name them.
            raise SafeModeViolation("relative @type or @vocab reference", term=value)
        raise SafeModeViolation("relative @id reference")


def _declares_no_propagate(local_ctx: Any) -> bool:
    """True if the first context is an inline object without ``@propagate``.

    pyld lets such a context override ``propagate``; only the common case,
    with no override, takes the cached-clone path.
    """
    first = local_ctx
    if isinstance(first, dict | frozendict):
        inner = first.get("@context")
        if isinstance(inner, list):
            first = inner[0] if inner else None
        elif isinstance(inner, dict | frozendict):
            first = inner
    elif isinstance(first, list):
        first = first[0] if first else None
    return isinstance(first, dict | frozendict) and "@propagate" not in first


__all__ = ["BCP47", "SafeModeViolation", "StrictPyld"]
