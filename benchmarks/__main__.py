"""Run vcid's benchmarks: ``python -m benchmarks [--quick] [GROUP ...]``.

Each ``benchmarks/bench_<group>.py`` module exposes ``run(quick) -> list of
(name, value)`` (operations per second unless the name gives a unit) and may
define ``REFERENCES`` (name -> reference figure, e.g. the JavaScript stack).
``--quick`` is the smoke run CI uses so that benchmarks never break.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path


def groups() -> list[str]:
    """The benchmark groups, from the ``bench_*.py`` files beside this one."""
    folder = str(Path(__file__).parent)
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([folder])
        if info.name.startswith("bench_")
    )


def main(argv: list[str] | None = None) -> int:
    available = groups()
    parser = argparse.ArgumentParser(prog="benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run for CI")
    parser.add_argument("group", nargs="*", help=f"some of: {', '.join(available)}")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.group) - set(available))
    if unknown:
        parser.error(f"unknown benchmark group(s): {', '.join(unknown)}")
    chosen = args.group or available
    print(f"{'benchmark':<56} {'value':>12}  {'reference':>10}")
    for name in chosen:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        references: dict[str, float] = getattr(module, "REFERENCES", {})
        for label, value in module.run(args.quick):
            reference = references.get(label)
            ref = f"{reference:>10.0f}" if reference is not None else ""
            print(f"{label:<56} {value:>12,.1f}  {ref}".rstrip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
