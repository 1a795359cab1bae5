"""EVM tooling for vcid: install the pinned npm tools, compile VcidAnchor, find anvil.

Standard library only. The npm packages (``solc`` 0.8.37 and
``@foundry-rs/anvil`` 1.7.1, exact pins in ``tools/evm/package.json``) are
installed with ``npm install --no-audit --no-fund --ignore-scripts``: ``npm ci``
fails because the lock file records only this platform's optional anvil binary
(npm/cli#4828), and no install script is needed.

Usage::

    python scripts/evm.py install      # npm install in tools/evm when missing or stale
    python scripts/evm.py compile      # write vcid/ledger/contracts/VcidAnchor.json
    python scripts/evm.py check        # recompile; exit 1 if the committed build differs
    python scripts/evm.py anvil-path   # print the platform anvil binary

Exit codes: 0 success, 1 the committed build differs, 2 the tools are unavailable
or the compiler reported an error.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "evm"
SOURCE = ROOT / "contracts" / "VcidAnchor.sol"
BUILD = ROOT / "vcid" / "ledger" / "contracts" / "VcidAnchor.json"
CONTRACT = "VcidAnchor"
SOURCE_NAME = "VcidAnchor.sol"
SETTINGS: dict[str, object] = {
    "evmVersion": "paris",
    "optimizer": {"enabled": True, "runs": 200},
}
NPM_INSTALL = ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"]

# solcjs standard JSON in, our build JSON's raw parts out (stdin -> stdout).
_COMPILE_JS = r"""
const solc = require("solc");
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const output = solc.compile(input);
  process.stdout.write(JSON.stringify({version: solc.version(), output: JSON.parse(output)}));
});
"""


class ToolError(RuntimeError):
    """The npm tools are missing or failed."""


def _platform_package() -> str:
    system = {"linux": "linux", "darwin": "darwin", "windows": "win32"}.get(
        platform.system().lower()
    )
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    if system is None or arch is None:
        raise ToolError(f"no anvil binary for {platform.system()} {platform.machine()}")
    return f"anvil-{system}-{arch}"


def anvil_path() -> Path:
    """The platform anvil binary inside tools/evm/node_modules (may not exist yet)."""
    name = "anvil.exe" if platform.system().lower() == "windows" else "anvil"
    return TOOLS / "node_modules" / "@foundry-rs" / _platform_package() / "bin" / name


def _wanted() -> dict[str, str]:
    manifest = json.loads((TOOLS / "package.json").read_text(encoding="utf-8"))
    deps: dict[str, str] = manifest["dependencies"]
    return deps


def _installed_version(package: str) -> str | None:
    path = TOOLS / "node_modules" / package / "package.json"
    try:
        version = json.loads(path.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None
    return version if isinstance(version, str) else None


def is_installed() -> bool:
    """Whether every pinned package is installed at its pinned version."""
    wanted = _wanted()
    if any(_installed_version(name) != version for name, version in wanted.items()):
        return False
    anvil_version = wanted.get("@foundry-rs/anvil")
    return (
        anvil_path().is_file()
        and _installed_version(f"@foundry-rs/{_platform_package()}") == anvil_version
    )


@contextlib.contextmanager
def _install_lock() -> Iterator[None]:
    """One installer at a time (parallel test workers share tools/evm)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    with (TOOLS / ".install.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(*, force: bool = False) -> None:
    """Run ``npm install`` in tools/evm when node_modules is missing or stale."""
    if not force and is_installed():
        return
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise ToolError("node and npm are needed (apt-get install nodejs npm)")
    with _install_lock():
        if force or not is_installed():
            _npm_install()


def _npm_install() -> None:
    result = subprocess.run(
        NPM_INSTALL, cwd=TOOLS, capture_output=True, text=True, check=False, timeout=600
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ToolError("npm install failed: " + " | ".join(tail))
    if not is_installed():
        raise ToolError("npm install finished but the pinned packages are not all present")


def _standard_json() -> str:
    source = SOURCE.read_text(encoding="utf-8")
    return json.dumps(
        {
            "language": "Solidity",
            "sources": {SOURCE_NAME: {"content": source}},
            "settings": {
                **SETTINGS,
                "outputSelection": {
                    "*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
                },
            },
        }
    )


def build_json() -> bytes:
    """Compile the contract and return the build file's exact bytes."""
    if shutil.which("node") is None:
        raise ToolError("node is needed to compile (apt-get install nodejs npm)")
    if _installed_version("solc") != _wanted()["solc"]:
        raise ToolError("solc is not installed: run python scripts/evm.py install")
    result = subprocess.run(
        ["node", "-e", _COMPILE_JS],
        cwd=TOOLS,
        input=_standard_json(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise ToolError("solcjs failed: " + result.stderr.strip()[-500:])
    compiled = json.loads(result.stdout)
    output = compiled["output"]
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise ToolError("compile errors: " + "; ".join(e["formattedMessage"] for e in errors))
    contract = output["contracts"][SOURCE_NAME][CONTRACT]
    source_bytes = SOURCE.read_bytes()
    build = {
        "contractName": CONTRACT,
        "source": SOURCE.relative_to(ROOT).as_posix(),
        "sourceSha256": hashlib.sha256(source_bytes).hexdigest(),
        "compiler": {"name": "solc", "version": compiled["version"]},
        "settings": SETTINGS,
        "abi": contract["abi"],
        "bytecode": "0x" + contract["evm"]["bytecode"]["object"],
        "deployedBytecode": "0x" + contract["evm"]["deployedBytecode"]["object"],
    }
    return (json.dumps(build, indent=2, sort_keys=True) + "\n").encode("utf-8")


def compile_contract() -> Path:
    """Write the build file atomically (temp file, then rename)."""
    data = build_json()
    BUILD.parent.mkdir(parents=True, exist_ok=True)
    tmp = BUILD.with_suffix(".json.tmp")
    tmp.write_bytes(data)
    tmp.replace(BUILD)
    return BUILD


def check() -> bool:
    """Whether the committed build equals a fresh compile, byte for byte."""
    try:
        committed = BUILD.read_bytes()
    except OSError:
        return False
    return committed == build_json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/evm.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="npm install the pinned tools when missing or stale")
    sub.add_parser("compile", help="compile contracts/VcidAnchor.sol into the package")
    sub.add_parser("check", help="fail (exit 1) unless the committed build matches")
    sub.add_parser("anvil-path", help="print the platform anvil binary's path")
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            install()
            print(f"installed in {TOOLS.relative_to(ROOT)}")
        elif args.command == "compile":
            install()
            print(f"wrote {compile_contract().relative_to(ROOT)}")
        elif args.command == "check":
            install()
            if not check():
                print(f"{BUILD.relative_to(ROOT)} differs from a fresh compile", file=sys.stderr)
                return 1
            print(f"{BUILD.relative_to(ROOT)} matches a fresh compile")
        else:
            path = anvil_path()
            if not path.is_file():
                print(f"anvil not installed at {path}", file=sys.stderr)
                return 2
            print(path)
    except ToolError as exc:
        print(f"evm.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
