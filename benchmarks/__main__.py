"""Run vcid's benchmarks: ``python -m benchmarks [--quick] [GROUP ...]``.

Each ``benchmarks/bench_<group>.py`` module exposes ``run(quick) -> list of
(name, value)``, ``(name, value, reference)`` or ``(name, value, reference,
ratio)`` rows (operations per second
unless the name gives a unit). The ``core`` group's reference is the
JavaScript stack measured in the same run (``benchmarks/js_reference.py``,
installed here with ``npm ci`` when node is available); a row with one is
printed with the ratio vcid / JS. ``--quick`` is the smoke run CI uses so
that benchmarks never break.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from benchmarks import js_reference


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
    if "core" in chosen:
        js_reference.ensure_installed()
    print(f"{'benchmark':<50} {'vcid':>10} {'JS (same run)':>14} {'ratio':>7}")
    for name in chosen:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        for row in module.run(args.quick):
            label, value = row[0], row[1]
            reference = row[2] if len(row) > 2 else None
            ratio = row[3] if len(row) > 3 else None
            line = f"{label:<50} {value:>10,.1f}"
            if reference:
                ratio = ratio if ratio is not None else value / reference
                line += f" {reference:>14,.1f} {ratio:>6.2f}x"
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
