"""Benchmark helper (not a test): warm expand / to_rdf of a VC 2.0 credential.

Run: ``.venv/bin/python tests/jsonld/bench_jsonld.py [rounds]``. It prints the
median microseconds per call of a warm :class:`JsonLdProcessor` on the sample
birth-record credential from this folder's ``conftest.py`` (VC 2.0 context
plus a 27-term ``@protected`` context with a type-scoped context).
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from vcid._json import JsonObject
from vcid.jsonld import JsonLdProcessor, StaticLoader


def _samples() -> tuple[StaticLoader, JsonObject]:
    spec = importlib.util.spec_from_file_location(
        "jsonld_bench_samples", Path(__file__).with_name("conftest.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loader = cast("Callable[[], StaticLoader]", module.birth_loader)()
    return loader, cast("JsonObject", module.BIRTH_CREDENTIAL)


def _median_us(call: Callable[[], object], rounds: int, batch: int = 50) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            call()
        timings.append((time.perf_counter() - start) / batch * 1e6)
    return statistics.median(timings)


def main(rounds: int = 11) -> None:
    """Print cold and warm timings, in microseconds per call."""
    loader, credential = _samples()
    processor = JsonLdProcessor(loader)
    start = time.perf_counter()
    dataset = processor.to_rdf(credential)
    cold = (time.perf_counter() - start) * 1e6
    print(f"quads: {len(dataset)}")
    print(f"to_rdf cold (first call, new processor): {cold:8.0f} us")
    expand_us = _median_us(lambda: processor.expand(credential), rounds)
    to_rdf_us = _median_us(lambda: processor.to_rdf(credential), rounds)
    print(f"expand warm: {expand_us:8.0f} us")
    print(f"to_rdf warm: {to_rdf_us:8.0f} us")
    unsafe = JsonLdProcessor(loader, safe=False)
    unsafe.to_rdf(credential)
    print(
        f"to_rdf warm (safe=False): {_median_us(lambda: unsafe.to_rdf(credential), rounds):8.0f} us"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
