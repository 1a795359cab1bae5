"""Per-processor context caches for pyld (no process-global state).

pyld 3.3 caches resolved contexts in a module-global LRU keyed by URL alone,
so one loader's context could be served to a processor with another loader.
Every :class:`vcid.jsonld.JsonLdProcessor` instead owns a :class:`ContextCache`
and passes pyld a fresh :class:`BoundedResolver` on it for each call, which
never touches pyld's global cache.

The loader adapter tags every document ``'static'`` so pyld keeps it, and
counts the remote contexts one document refers to (bounded). Inline scoped
contexts found in loaded documents are remembered by identity, so pyld does
not JCS-hash them again for every document (they are copies owned here and
never mutated).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any, Final

from pyld.context_resolver import ContextResolver

from vcid.errors import DocumentLoadError, JSONLDError, VcidError
from vcid.jsonld.loader import DocumentLoader

MAX_CONTEXTS_PER_DOCUMENT: Final = 32
"""Distinct remote context URLs one document may refer to (any depth)."""
MAX_CONTEXT_NESTING: Final = 16
"""Remote contexts fetched within one ``@context`` value, nested ones included
(pyld's ``max_context_urls``: a chain or a list longer than this fails)."""
_MAX_PINNED: Final = 4096
_MAX_PIN_WALK: Final = 100_000


class LRU:
    """A small least-recently-used map with the ``get``/``[]=`` pyld needs."""

    __slots__ = ("_data", "maxsize")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = max(1, maxsize)
        self._data: OrderedDict[str, Any] = OrderedDict()

    def get(self, key: str, default: Any = None) -> Any:
        try:
            value = self._data[key]
        except KeyError:
            return default
        self._data.move_to_end(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()


class ContextCache:
    """Everything one processor caches about contexts."""

    __slots__ = ("memo", "pinned", "resolved")

    def __init__(self, size: int) -> None:
        self.resolved = LRU(size)
        # id(obj) -> (obj, resolved list); obj is kept alive so ids stay unique.
        self.memo: dict[int, tuple[object, Any]] = {}
        self.pinned: dict[int, object] = {}

    def pin(self, document: object) -> None:
        """Remember every scoped context inside a loaded context document."""
        if len(self.pinned) > _MAX_PINNED:
            self.pinned.clear()
            self.memo.clear()
        stack: list[tuple[object, bool]] = [(document, False)]
        seen = 0
        while stack and seen < _MAX_PIN_WALK:
            node, under_context = stack.pop()
            seen += 1
            if isinstance(node, dict):
                if under_context:
                    self.pinned[id(node)] = node
                for key, value in node.items():
                    stack.append((value, under_context or key == "@context"))
            elif isinstance(node, list):
                if under_context:
                    self.pinned[id(node)] = node
                stack.extend((item, under_context) for item in node)


class LoaderAdapter:
    """pyld ``documentLoader`` calling a vcid :class:`DocumentLoader`."""

    __slots__ = ("_cache", "_loader")

    def __init__(self, loader: DocumentLoader, cache: ContextCache) -> None:
        self._loader = loader
        self._cache = cache

    def __call__(self, url: str, options: object = None) -> dict[str, Any]:
        try:
            document = self._loader(url)
        except VcidError:
            raise
        except Exception as exc:  # a caller-supplied loader failed
            raise DocumentLoadError(
                f"loading context {url!r} failed ({type(exc).__name__})"
            ) from None
        if not isinstance(document, dict):
            raise DocumentLoadError(f"context {url!r} is not a JSON object")
        # Own a private copy: pyld may edit context documents in place.
        document = copy.deepcopy(document)
        self._cache.pin(document)
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
            "contentType": "application/ld+json",
            "tag": "static",
        }


class BoundedResolver(ContextResolver):  # type: ignore[misc]
    """A one-call pyld ContextResolver over a processor's own cache."""

    def __init__(self, cache: ContextCache, adapter: LoaderAdapter) -> None:
        super().__init__(cache.resolved, adapter, MAX_CONTEXT_NESTING)
        self._cache = cache
        self._adapter = adapter
        self._remote: set[str] = set()

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        key = id(context)
        hit = self._cache.memo.get(key)
        if hit is not None and hit[0] is context:
            return hit[1]
        self._count_remote(context)
        resolved = super().resolve(active_ctx, context, base, cycles)
        if self._cache.pinned.get(key) is context:
            self._cache.memo[key] = (context, resolved)
        return resolved

    def _count_remote(self, context: Any) -> None:
        items = context if isinstance(context, list) else [context]
        for item in items:
            if isinstance(item, str):
                self._remote.add(item)
        if len(self._remote) > MAX_CONTEXTS_PER_DOCUMENT:
            raise JSONLDError(f"document refers to more than {MAX_CONTEXTS_PER_DOCUMENT} contexts")


__all__ = [
    "LRU",
    "MAX_CONTEXTS_PER_DOCUMENT",
    "MAX_CONTEXT_NESTING",
    "BoundedResolver",
    "ContextCache",
    "LoaderAdapter",
]
