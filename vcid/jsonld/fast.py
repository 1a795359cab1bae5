"""A compiled fast path from compact JSON-LD to RDF quads (JSON-LD 1.1 API §4.1, §7, §8.2).

The general path (pyld, through :class:`~vcid.jsonld.safe.StrictPyld`)
expands the whole document, builds a node map and only then converts it to
RDF, re-deriving every term's meaning on every call. This module does the
same work in one walk over the compact document, for documents in a common
subset, with everything derived from the contexts compiled once and reused:

* contexts are still *processed* by pyld (so protected terms, scoped
  contexts, ``@propagate``, errors ... behave exactly as in the general
  path); each processing step is memoised per (active context, local
  context), keyed by immutable content: a static context's URL, an inline
  context's ``repr``, a scoped context's term;
* each active context compiles its term definitions lazily into small
  records (IRI, keyword, coercion, container, language, scoped context);
* the walk follows pyld's ``_expand`` / ``_expand_object`` / ``_expand_value``
  steps (type-scoped context reverting, property-scoped contexts, type-scoped
  contexts applied in sorted order) and issues blank node labels in the order
  pyld's node map does (``_:b0``, ``_:b1`` ...), so the quads are the same.

Anything outside the subset - ``@list``, ``@reverse``, ``@nest``,
``@included``, ``@index``, ``@json``, ``@direction``, language / index / id /
type maps, ``@graph`` keys, relative IRIs, blank node types or predicates,
non-JSON values, and *every* input the general path would reject - makes the
walk give up (:class:`_Bail`): the caller then runs the general path, which
returns its result or raises its error. So errors always come from the general
path, and the fast path never accepts a document the general path refuses.

Caches are bounded: at most ``max_contexts`` compiled contexts (then all are
dropped and rebuilt), each with bounded term and IRI memos.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any, Final

from pyld import jsonld as _pyld

from vcid.canon.rdfc10 import RawLiteral, RawQuad
from vcid.jsonld.cache import MAX_CONTEXT_NESTING, MAX_CONTEXTS_PER_DOCUMENT
from vcid.jsonld.safe import BCP47, SafeModeViolation, StrictPyld
from vcid.rdf import RDF_LANG_STRING, XSD_STRING

RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_BOOLEAN: Final = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_DOUBLE: Final = "http://www.w3.org/2001/XMLSchema#double"
XSD_INTEGER: Final = "http://www.w3.org/2001/XMLSchema#integer"

MAX_DEPTH: Final = 64
"""Deepest node nesting the fast path walks (deeper documents take the general path)."""
MAX_REMOTE_CONTEXTS: Final = min(MAX_CONTEXT_NESTING, MAX_CONTEXTS_PER_DOCUMENT)
"""Remote context URLs (with everything they may load) one fast document may use."""
DEFAULT_MAX_CONTEXTS: Final = 512
_MAX_TERMS: Final = 512
_MAX_DERIVED: Final = 128
_MAX_MEMO_LENGTH: Final = 256

# pyld's absolute-IRI test (keys, predicates) and vcid's (safe mode: @id, @type).
_PYLD_ABSOLUTE: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_VCID_ABSOLUTE: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*|_):[^\s]*$")
_KEYWORDS: Final = frozenset(_pyld.KEYWORDS)
_canonicalize_double: Final[Callable[[Any], str]] = _pyld._canonicalize_double

# Term kinds.
_PROPERTY: Final = 0
_ID: Final = 1
_TYPE: Final = 2
_VALUE: Final = 3
_LANGUAGE: Final = 4
_OTHER: Final = 5  # undefined, unsupported keyword or blank node predicate
_KEYWORD_KINDS: Final = {"@id": _ID, "@type": _TYPE, "@value": _VALUE, "@language": _LANGUAGE}

# Container kinds.
_PLAIN: Final = 0
_GRAPH: Final = 1
_UNSUPPORTED: Final = 2
_CONTAINERS: Final = {
    (): _PLAIN,
    ("@set",): _PLAIN,
    ("@graph",): _GRAPH,
    ("@graph", "@set"): _GRAPH,
    ("@set", "@graph"): _GRAPH,
}
_NO_COERCION: Final = (None, "@id", "@vocab", "@none")


_UNSET: Final = object()


class _Bail(Exception):
    """Internal: the fast path does not cover this document."""


class _Term:
    """One key compiled against one active context."""

    __slots__ = ("coerce", "container", "direction", "iri", "kind", "language", "scoped")

    def __init__(self, active: Any, key: object, pyld: StrictPyld) -> None:
        # JSON-LD 1.1 API §6.3 IRI Expansion, with vocab=true (as for keys).
        iri = pyld._expand_iri(active, key, vocab=True)
        self.iri: str | None = iri if isinstance(iri, str) else None
        if self.iri is None or not (self.iri in _KEYWORDS or _PYLD_ABSOLUTE.match(self.iri)):
            self.kind = _OTHER  # dropped key: a safe-mode violation
        elif self.iri in _KEYWORDS:
            self.kind = _KEYWORD_KINDS.get(self.iri, _OTHER)
        elif self.iri.startswith("_:"):
            self.kind = _OTHER  # blank node predicate: not RDF
        else:
            self.kind = _PROPERTY
        # get_context_value semantics: default language/direction, then the term's.
        self.language: object = active.get("@language")
        self.direction: object = active.get("@direction")
        mapping = active["mappings"].get(key) if isinstance(key, str) else None
        self.scoped: object = None
        self.coerce: object = None
        self.container = _PLAIN
        if mapping is None:
            return
        self.scoped = mapping.get("@context")
        self.coerce = mapping.get("@type")
        if "@language" in mapping:
            self.language = mapping["@language"]
        if "@direction" in mapping:
            self.direction = mapping["@direction"]
        container = mapping.get("@container", [])
        container = tuple(container) if isinstance(container, list) else (container,)
        self.container = _CONTAINERS.get(container, _UNSUPPORTED)
        if mapping.get("reverse") or self.coerce == "@json":
            self.kind = _OTHER


class _Step:
    """A derived active context and the remote context URLs deriving it may load.

    ``source`` keeps an identity-keyed local context alive (so its ``id`` is
    never reused while the entry exists) and is checked on every hit.
    """

    __slots__ = ("ctx", "source", "urls")

    def __init__(self, ctx: _Context, urls: frozenset[str], source: object = None) -> None:
        self.ctx = ctx
        self.urls = urls
        self.source = source


class _Context:
    """A pyld active context with its compiled terms and derived contexts."""

    __slots__ = ("_prefixes", "_previous", "active", "derived", "terms", "vocab")

    def __init__(self, active: Any) -> None:
        self.active = active
        self.terms: dict[object, _Term] = {}
        self.vocab: dict[str, str | None] = {}
        self.derived: dict[object, _Step] = {}
        self._previous: object = _UNSET
        self._prefixes: dict[str, str] | None = None

    def prefixes(self) -> dict[str, str]:
        """Terms usable as compact IRI prefixes (§4.3), term -> IRI."""
        if self._prefixes is None:
            self._prefixes = {
                term: mapping["@id"]
                for term, mapping in self.active["mappings"].items()
                if mapping and mapping.get("_prefix") and isinstance(mapping.get("@id"), str)
            }
        return self._prefixes


class FastPath:
    """Converts documents in the covered subset straight to quads.

    Not thread-safe: the owning processor serialises calls.
    """

    __slots__ = ("_contexts", "_loader", "_max_contexts", "_options", "_pyld", "_root")

    def __init__(
        self,
        pyld: StrictPyld,
        options: Callable[[], dict[str, Any]],
        loader: Callable[[str], object],
        *,
        max_contexts: int = DEFAULT_MAX_CONTEXTS,
    ) -> None:
        """:param pyld: the processor's pyld instance (safe mode on).
        :param options: makes pyld options (loader and context resolver) for one call.
        :param loader: the processor's document loader (to bound remote contexts).
        :param max_contexts: compiled active contexts kept before all are dropped.
        """
        self._pyld = pyld
        self._options = options
        self._loader = loader
        self._max_contexts = max_contexts
        self._contexts: dict[int, _Context] = {}
        self._root: _Context | None = None

    def quads(self, document: dict[str, Any]) -> list[RawQuad] | None:
        """The document's quads, or None if the general path must decide.

        Blank nodes are labelled as pyld's node map labels them.
        """
        walk = _Walk(self)
        try:
            walk.top(document)
        except _Bail:
            return None
        except (RecursionError, SafeModeViolation):
            return None
        return walk.quads

    # --- compiled contexts ---------------------------------------------------

    def root(self) -> _Context:
        """The initial active context."""
        if self._root is None:
            self._root = self.context_for(self._pyld._get_initial_context(self._new_options()))
        return self._root

    def context_for(self, active: Any) -> _Context:
        """The compiled context for a pyld active context (kept alive while cached)."""
        key = id(active)
        found = self._contexts.get(key)
        if found is not None and found.active is active:
            return found
        if len(self._contexts) >= self._max_contexts:
            self._contexts.clear()
            self._root = None
        created = _Context(active)
        self._contexts[key] = created
        return created

    def previous(self, ctx: _Context) -> _Context | None:
        """The context a type-scoped context reverts to (§4.1.2 step 7)."""
        found = ctx._previous
        if found is _UNSET:
            previous = ctx.active.get("previousContext")
            found = ctx._previous = None if previous is None else self.context_for(previous)
        return found  # type: ignore[return-value]

    def term(self, ctx: _Context, key: object) -> _Term:
        """``key`` compiled against ``ctx``."""
        term = ctx.terms.get(key)
        if term is None:
            if type(key) is not str:
                raise _Bail
            try:
                term = _Term(ctx.active, key, self._pyld)
            except Exception:  # any pyld failure: the general path decides
                raise _Bail from None
            if len(ctx.terms) >= _MAX_TERMS:
                ctx.terms.clear()
            ctx.terms[key] = term
        return term

    def vocab_iri(self, ctx: _Context, value: str) -> str:
        """A ``@type`` or ``@type: @vocab`` value, expanded as safe mode expands it."""
        iri = ctx.vocab.get(value)
        if iri is None:
            try:
                expanded = self._pyld._expand_iri(ctx.active, value, base="", vocab=True)
            except Exception:  # a safe-mode violation or pyld failure
                raise _Bail from None
            if not isinstance(expanded, str) or expanded in _KEYWORDS:
                raise _Bail
            iri = expanded
            if len(value) <= _MAX_MEMO_LENGTH:
                if len(ctx.vocab) >= _MAX_TERMS:
                    ctx.vocab.clear()
                ctx.vocab[value] = iri
        return iri

    def derive(
        self,
        ctx: _Context,
        key: object,
        local: Any,
        *,
        propagate: bool = True,
        override_protected: bool = False,
        by_identity: bool = False,
    ) -> _Step:
        """Process ``local`` against ``ctx`` with pyld (§4.1 Context Processing), memoised.

        :param key: what identifies ``local`` in ``ctx``'s memo.
        :param by_identity: ``key`` holds ``id(local)`` (an immutable scoped
            context owned by a compiled context).
        """
        step = ctx.derived.get(key)
        if step is not None and (not by_identity or step.source is local):
            return step
        try:
            active = self._pyld._process_context(
                ctx.active,
                local,
                self._new_options(),
                override_protected=override_protected,
                propagate=propagate,
            )
        except Exception:  # errors are the general path's to raise
            raise _Bail from None
        step = _Step(
            self.context_for(active), self._remote_urls(local), local if by_identity else None
        )
        if len(ctx.derived) >= _MAX_DERIVED:
            ctx.derived.clear()
        ctx.derived[key] = step
        return step

    def _new_options(self) -> dict[str, Any]:
        options = self._options()
        options.setdefault("isFrame", False)
        options.setdefault("keepFreeFloatingNodes", False)
        return options

    def _remote_urls(self, local: Any) -> frozenset[str]:
        """Every context URL processing ``local`` could load, transitively.

        An over-approximation of what the general path counts against
        :data:`~vcid.jsonld.cache.MAX_CONTEXTS_PER_DOCUMENT`; too many (or a
        cycle) makes the step unusable, so the general path decides.
        """
        found: set[str] = set()
        pending = list(_context_urls(local))
        while pending:
            url = pending.pop()
            if url in found:
                continue
            found.add(url)
            if len(found) > MAX_REMOTE_CONTEXTS:
                raise _Bail
            try:
                document = self._loader(url)
            except Exception:
                raise _Bail from None
            pending.extend(_context_urls(document, nested=True))
        return frozenset(found)


def _context_urls(value: object, *, nested: bool = False) -> Iterator[str]:
    """Strings that are (or may be) context URLs in a context value.

    :param nested: ``value`` is a loaded document; look under its ``@context``.
    """
    stack: list[tuple[object, bool]] = [(value, not nested)]
    seen = 0
    while stack:
        node, in_context = stack.pop()
        seen += 1
        if seen > 100_000:
            raise _Bail
        if isinstance(node, str):
            if in_context:
                yield node
        elif isinstance(node, dict):
            for key, item in node.items():
                stack.append((item, key in ("@context", "@import")))
        elif isinstance(node, list):
            stack.extend((item, in_context) for item in node)


def _items(value: object) -> list[object]:
    """A property value as a flat list of items."""
    if type(value) is not list:
        return [value]
    return list(_flatten(value))


class _Walk:
    """One document's conversion: pyld's expansion, node map and toRdf in one pass."""

    __slots__ = ("_fast", "_issued", "counter", "depth", "quads", "urls")

    def __init__(self, fast: FastPath) -> None:
        self._fast = fast
        self.quads: list[RawQuad] = []
        self._issued: dict[str, str] = {}
        self.counter = 0
        self.depth = 0
        self.urls: set[str] = set()

    # --- blank nodes (pyld IdentifierIssuer('_:b')) --------------------------

    def _new_label(self) -> str:
        label = f"_:b{self.counter}"
        self.counter += 1
        return label

    def _relabel(self, label: str) -> str:
        issued = self._issued.get(label)
        if issued is None:
            issued = self._issued[label] = self._new_label()
        return issued

    def _use(self, step: _Step) -> _Context:
        if step.urls:
            self.urls.update(step.urls)
            if len(self.urls) > MAX_REMOTE_CONTEXTS:
                raise _Bail
        return step.ctx

    # --- IRIs ----------------------------------------------------------------

    def _node_iri(self, ctx: _Context, value: str) -> str:
        """An ``@id`` (or ``@type: @id``) value: document-relative IRI expansion
        (§6.3 with vocab=false), absolute only, as safe mode requires."""
        if value[:1] == "@":
            raise _Bail  # keyword or keyword-like: reserved
        colon = value.find(":")
        if colon <= 0:
            raise _Bail  # relative reference
        prefix = value[:colon]
        iri = value
        if prefix != "_" and not value.startswith("//", colon + 1):
            mapped = ctx.prefixes().get(prefix)
            if mapped is not None:
                iri = mapped + value[colon + 1 :]
        if _VCID_ABSOLUTE.match(iri) is None:
            raise _Bail
        if iri.startswith("_:"):
            return self._relabel(iri)
        return iri

    # --- the walk --------------------------------------------------------------

    def top(self, document: dict[str, Any]) -> None:
        """Expand the document as the top-level element (§4.1 with no active property)."""
        fast = self._fast
        self._node(fast.root(), None, None, document, None)

    def _node(  # noqa: PLR0917
        self,
        term_ctx: _Context,
        key: str | None,
        value_term: _Term | None,
        element: dict[str, Any],
        graph: str | None,
        link: tuple[str, str, str | None] | None = None,
    ) -> None:
        """A map element: node object or value object (§4.1.2 steps 7-20).

        :param term_ctx: the active context for the property's value.
        :param key: the active property (None at the top level).
        :param value_term: ``key`` compiled in ``term_ctx``.
        :param graph: the graph the node's quads go to (None: default).
        :param link: subject, predicate and graph of the quad pointing at
            this element; emitted before the node's own quads, as the node
            map adds the reference before descending.
        """
        fast = self._fast
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Bail
        # Step 7: revert a type-scoped context unless this is a value object
        # or a node reference with only an @id.
        ctx = term_ctx
        previous = fast.previous(term_ctx)
        if previous is not None:
            revert = True
            if len(element) <= 2 and "@context" not in element:
                for name in sorted(element):
                    kind = fast.term(term_ctx, name).kind
                    if kind == _VALUE or (kind == _ID and len(element) == 1):
                        revert = False
                        break
            if revert:
                ctx = previous
        # Step 8: the active property's scoped context, over the reverted one.
        if value_term is not None and value_term.scoped is not None:
            scoped = value_term.scoped
            ctx = self._use(
                fast.derive(
                    ctx, ("p", id(scoped)), scoped, override_protected=True, by_identity=True
                )
            )
        # Step 9: an embedded context.
        if "@context" in element:
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise _Bail  # keyword redefinition
            try:
                identity = ("e", repr(local))
            except Exception:
                raise _Bail from None
            step = ctx.derived.get(identity)
            if step is None:
                step = fast.derive(ctx, identity, _private_copy(local))
            ctx = self._use(step)
        # Steps 11-12: type-scoped contexts, in sorted order of the types.
        try:
            names = sorted(element)
        except TypeError:
            raise _Bail from None
        type_ctx = ctx
        type_key: str | None = None
        for name in names:
            if name != "@context" and (ctx.terms.get(name) or fast.term(ctx, name)).kind == _TYPE:
                if type_key is not None:
                    raise _Bail  # two keys for @type
                type_key = name
        types: list[str] = []
        if type_key is not None:
            raw = element[type_key]
            if type(raw) is str:
                types = [raw]
            elif type(raw) is list and all(type(item) is str for item in raw):
                types = raw
            else:
                raise _Bail  # null, non-string: invalid type value
            if types:
                ordered = tuple(sorted(types))
                step = ctx.derived.get(("t", ordered))
                if step is None:
                    step = self._type_scoped(ctx, ordered)
                ctx = self._use(step)
        # Step 13: each key, in order, expanded against the final context.
        node_id: str | None = None
        has_value = False
        seen_language = False
        language: object = None
        properties: list[tuple[str, str, _Term]] = []
        for name in names:
            if name == "@context":
                continue
            term = ctx.terms.get(name) or fast.term(ctx, name)
            kind = term.kind
            if kind == _PROPERTY:
                properties.append((term.iri, name, term))  # type: ignore[arg-type]
            elif kind == _ID:
                if node_id is not None:
                    raise _Bail  # colliding keywords
                raw_id = element[name]
                if type(raw_id) is not str:
                    raise _Bail
                node_id = raw_id
            elif kind == _TYPE:
                if name != type_key:
                    raise _Bail
            elif kind == _VALUE:
                if has_value:
                    raise _Bail  # colliding keywords
                has_value = True
            elif kind == _LANGUAGE:
                if seen_language:
                    raise _Bail  # colliding keywords
                seen_language = True
                language = element[name]
                if language is not None and type(language) is not str:
                    raise _Bail
            else:
                raise _Bail
        if type_key is not None and fast.term(ctx, type_key).kind != _TYPE:
            raise _Bail
        if has_value:
            if key is None:
                raise _Bail  # a top-level value object is dropped
            literal = self._value_object(
                ctx, type_ctx, element, type_key, node_id, properties, language
            )
            if link is not None:
                self.quads.append((link[0], link[1], literal, link[2]))
            self.depth -= 1
            return
        if seen_language:
            raise _Bail  # @language in a node object
        expanded_types = [fast.vocab_iri(type_ctx, name) for name in types]
        for iri in expanded_types:
            if iri.startswith("_:"):
                raise _Bail  # blank node types: labelled early by pyld; not covered
        # The node's identifier, as the node map issues it (§7.2 step 6).
        node = self._node_iri(ctx, node_id) if node_id is not None else self._new_label()
        quads = self.quads
        if link is not None:
            quads.append((link[0], link[1], node, link[2]))
        for iri in expanded_types:
            quads.append((node, RDF_TYPE, iri, graph))
        # Properties in the node map's order: by expanded IRI, then by key.
        properties.sort(key=itemgetter(0))
        added = False
        for iri, name, term in properties:
            if self._property(ctx, node, iri, name, term, element[name], graph):
                added = True
        if key is None and not added and not expanded_types:
            raise _Bail  # a top-level node with nothing but (maybe) @id is dropped
        self.depth -= 1

    def _type_scoped(self, ctx: _Context, ordered: tuple[str, ...]) -> _Step:
        """Apply the types' scoped contexts (non-propagating) in sorted order."""
        fast = self._fast
        current = ctx
        urls: set[str] = set()
        for name in ordered:
            mapping = ctx.active["mappings"].get(name)
            scoped = mapping.get("@context") if mapping else None
            if scoped is not None and scoped is not False:
                step = fast.derive(
                    current, ("s", id(scoped)), scoped, propagate=False, by_identity=True
                )
                urls.update(step.urls)
                current = step.ctx
        result = _Step(current, frozenset(urls))
        if len(ctx.derived) >= _MAX_DERIVED:
            ctx.derived.clear()
        ctx.derived[("t", ordered)] = result
        return result

    def _property(  # noqa: PLR0917
        self,
        ctx: _Context,
        node: str,
        iri: str,
        key: str,
        term: _Term,
        value: object,
        graph: str | None,
    ) -> bool:
        """Expand one property's value(s) and emit its quads (§4.1.2 step 13.7-13.13).

        :returns: whether pyld would add the property (its value is not null).
        """
        if value is None:
            return False
        fast = self._fast
        if term.container == _UNSUPPORTED:
            raise _Bail
        # Step 13.7: the term's scoped context (propagating, may override protected).
        term_ctx = ctx
        value_term: _Term | None = term
        if term.scoped is not None:
            term_ctx = self._use(fast.derive(ctx, ("k", key), term.scoped, override_protected=True))
            scoped_term = fast.term(term_ctx, key)
            if scoped_term.kind == _PROPERTY and scoped_term.container != _UNSUPPORTED:
                value_term = scoped_term
            elif all(type(item) is dict for item in _items(value)):
                # The scoped context leaves the key undefined (the VC v2
                # context's "@context": null on verifiableCredential): node
                # values then expand with no definition for it (§4.1.2 step 3).
                value_term = None
            else:
                raise _Bail
        items: Any = value if type(value) is list else (value,)
        if type(value) is list and any(type(item) is list or item is None for item in value):
            items = list(_flatten(items))
        if term.container == _GRAPH:
            for item in items:
                if type(item) is not dict:
                    raise _Bail
                # {"@graph": [item]}: a blank node named graph, labelled first.
                name = self._new_label()
                self.quads.append((node, iri, name, graph))
                self._node(term_ctx, key, value_term, item, name)
            return True
        quads = self.quads
        link = (node, iri, graph)
        for item in items:
            kind = type(item)
            if kind is dict:
                self._node(term_ctx, key, value_term, item, graph, link)
            elif value_term is not None and (
                kind is str or kind is int or kind is float or kind is bool
            ):
                quads.append((node, iri, self._scalar(term_ctx, value_term, item), graph))
            else:
                raise _Bail
        return True

    def _scalar(self, ctx: _Context, term: _Term, value: Any) -> str | RawLiteral:
        """Value Expansion (§5.3.2) of a scalar, then its RDF term (§8.6)."""
        coerce = term.coerce
        if type(value) is str:
            if coerce == "@id":
                return self._node_iri(ctx, value)
            if coerce == "@vocab":
                iri = self._fast.vocab_iri(ctx, value)
                return self._relabel(iri) if iri.startswith("_:") else iri
            if coerce not in _NO_COERCION:
                return _literal(value, coerce, None)  # type: ignore[arg-type]
            if term.direction is not None:
                raise _Bail
            language = term.language
            if language is not None:
                if type(language) is not str or BCP47.match(language) is None:
                    raise _Bail
                return (value, RDF_LANG_STRING, language)
            return (value, XSD_STRING, None)
        if coerce not in _NO_COERCION:
            return _literal(value, coerce, None)  # type: ignore[arg-type]
        return _literal(value, None, None)

    def _value_object(  # noqa: PLR0917
        self,
        ctx: _Context,
        type_ctx: _Context,
        element: dict[str, Any],
        type_key: str | None,
        node_id: str | None,
        properties: list[tuple[str, str, _Term]],
        language: object,
    ) -> RawLiteral:
        """A value object (§4.1.2 step 15-16), as its literal."""
        if node_id is not None or properties:
            raise _Bail  # invalid value object
        value = None
        for name, item in element.items():
            if name != "@context" and self._fast.term(ctx, name).kind == _VALUE:
                value = item
        kind = type(value)
        if not (kind is str or kind is int or kind is float or kind is bool):
            raise _Bail  # null (dropped), object or array
        datatype: str | None = None
        if type_key is not None:
            raw = element[type_key]
            if raw is not None:
                if type(raw) is not str:
                    raise _Bail
                datatype = self._fast.vocab_iri(type_ctx, raw)
                if datatype.startswith("_:") or _PYLD_ABSOLUTE.match(datatype) is None:
                    raise _Bail
        if language is not None:
            if datatype is not None or kind is not str:
                raise _Bail
            tag = str(language).lower()
            if BCP47.match(tag) is None:
                raise _Bail
            return (value, RDF_LANG_STRING, tag)  # type: ignore[return-value]
        return _literal(value, datatype, None)


def _flatten(items: Any) -> Iterator[Any]:
    """Array items, nested arrays flattened and nulls dropped (§4.1.2 step 5)."""
    for item in items:
        if type(item) is list:
            yield from _flatten(item)
        elif item is not None:
            yield item


def _literal(value: Any, datatype: str | None, language: str | None) -> RawLiteral:
    """A JSON value as an RDF literal (JSON-LD 1.1 API §8.6 Object to RDF), as pyld does."""
    kind = type(value)
    if kind is bool:
        return ("true" if value else "false", datatype or XSD_BOOLEAN, None)
    if kind is int:
        if abs(value) >= 10**21:
            raise _Bail
    elif kind is float:
        if not math.isfinite(value):
            raise _Bail
        if not value.is_integer():
            return (_canonicalize_double(value), datatype or XSD_DOUBLE, None)
    if datatype == XSD_DOUBLE:
        try:
            number = float(value)
        except (ValueError, TypeError):
            return (value, XSD_DOUBLE, None)
        return (_canonicalize_double(number), XSD_DOUBLE, None)
    if kind is int or kind is float:
        if abs(value) >= 1e21:
            return (_canonicalize_double(value), datatype or XSD_DOUBLE, None)
        return (str(int(value)), datatype or XSD_INTEGER, None)
    if language is not None:
        return (value, datatype or RDF_LANG_STRING, language)
    return (value, datatype or XSD_STRING, None)


def _private_copy(value: Any) -> Any:
    """A copy of a caller's inline context, so cached state never aliases it."""
    if isinstance(value, dict):
        return {key: _private_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_private_copy(item) for item in value]
    return value


__all__ = ["DEFAULT_MAX_CONTEXTS", "MAX_DEPTH", "FastPath", "RawLiteral", "RawQuad"]
