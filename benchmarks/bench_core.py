"""Sign and verify throughput per cryptosuite, beside the JavaScript reference.

Operations per second on one core for a ~15-field birth credential. When node
is available the JavaScript reference stack (``benchmarks/js``: Digital
Bazaar's ``@digitalbazaar/vc`` 7.3, eddsa-rdfc-2022 and ecdsa-rdfc-2019
cryptosuites, jsonld 9) runs first in the same invocation, pinned to the same
core, on the same unsigned credentials: it signs them, and both stacks then
verify the JavaScript-signed credential and 2-credential presentation (the JS
stack also checks vcid-signed copies once). Each such figure is printed with
the JavaScript figure and the ratio. ``VCID_BENCH_CPU`` picks the core (0 by
default; ``none`` leaves the affinity alone).

Rates are per second of CPU time of the benchmarking process (Python's
``time.process_time``, node's ``process.cpuUsage``, user + system), not of
wall time: on a shared machine the other jobs then change the figures much
less, and on an idle one the two are the same. ``VCID_BENCH_CLOCK=wall``
measures wall time instead (both sides).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import vcid
from benchmarks import js_reference
from benchmarks._timing import batch, calibrate, measure
from vcid._json import JsonObject
from vcid.demo import OfflineKit, sample_birth_credential
from vcid.issuer import issue, present
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.status import BitstringStatusChecker, StatusRegistry, open_sqlite_store
from vcid.verifier import CredentialVerifier

#: The suites the JavaScript stack is run for (its labels are vcid's).
CASES = [
    ("eddsa-rdfc-2022", KeyType.ED25519),
    ("eddsa-jcs-2022", KeyType.ED25519),
    ("ecdsa-rdfc-2019", KeyType.P256),
    ("ecdsa-rdfc-2019", KeyType.P384),
    ("ecdsa-jcs-2019", KeyType.P256),
]
NOW = datetime(2026, 6, 1, tzinfo=UTC)
PRESENTATION = "verify presentation (2 VCs, eddsa-rdfc-2022)"

#: name, vcid's rate, the JavaScript rate, the median ratio of alternated rounds
Row = tuple[str, float, float | None, float | None]


def _label(suite: str, key_type: KeyType) -> str:
    return f"{suite} ({key_type.value})" if suite.startswith("ecdsa") else suite


def _wall() -> bool:
    return os.environ.get("VCID_BENCH_CLOCK", "cpu") == "wall"


#: The clock of every rate in this group (see the module docstring).
CLOCK = time.perf_counter if _wall() else time.process_time


def _cpu() -> int | None:
    chosen = os.environ.get("VCID_BENCH_CPU", "0")
    if chosen == "none" or not hasattr(os, "sched_setaffinity"):
        return None
    return int(chosen)


@contextlib.contextmanager
def pinned(cpu: int | None) -> Iterator[None]:
    """Run the block on one core (as the JavaScript stack is run)."""
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _birth(registrar: str, parent: str, given_name: str) -> JsonObject:
    document = sample_birth_credential(registrar, parent)
    subject = dict(document["credentialSubject"])  # type: ignore[arg-type]
    subject["givenName"] = given_name
    document["credentialSubject"] = subject
    return document


def _contexts() -> dict[str, str]:
    folder = Path(vcid.__file__).resolve().parent / "contexts"
    index = json.loads((folder / "index.json").read_text())
    return {url: str(folder / entry["file"]) for url, entry in index.items()}


def _vcid_signed(unsigned: list[JsonObject], challenge: str) -> dict[str, JsonObject]:
    """vcid-signed copies of the documents the JavaScript stack signs."""
    ed25519 = KeyFile.generate(KeyType.ED25519)
    p256 = KeyFile.generate(KeyType.P256)
    holder = KeyFile.generate(KeyType.ED25519)

    def own(document: JsonObject, key: KeyFile) -> JsonObject:
        return {**document, "issuer": key.controller}

    members = [issue(own(each, ed25519), key=ed25519) for each in unsigned[:2]]
    return {
        "eddsa-rdfc-2022": issue(own(unsigned[0], ed25519), key=ed25519),
        "ecdsa-rdfc-2019 (P-256)": issue(
            own(unsigned[0], p256), key=p256, cryptosuite="ecdsa-rdfc-2019"
        ),
        "presentation": present(members, key=holder, challenge=challenge),
    }


def run(quick: bool) -> list[Row]:
    """Each benchmark's name, operations per second and JavaScript figure."""
    seconds, rounds = (0.05, 1) if quick else (1.0, 5)
    cpu = _cpu()
    parent = KeyFile.generate(KeyType.ED25519).controller
    unsigned = [_birth("did:example:registrar", parent, n) for n in ("Amara", "Chidi")]
    challenge = secrets.token_urlsafe(16)
    fixture: dict[str, Any] = {
        "seconds": seconds,
        "rounds": rounds,
        "now": NOW.isoformat().replace("+00:00", "Z"),
        "challenge": challenge,
        "contexts": _contexts(),
        "unsigned": unsigned,
        "vcidSigned": _vcid_signed(unsigned, challenge),
    }
    with tempfile.TemporaryDirectory() as folder:
        js = js_reference.start(fixture, cpu, Path(folder))
    try:
        if js is not None:
            versions = ", ".join(f"{k} {v}" for k, v in js.setup["versions"].items())
            print(f"[js reference] {versions}", file=sys.stderr)
            refused = [name for name, ok in js.setup["crossVerified"].items() if not ok]
            if refused:
                sys.exit(f"the JS stack does not verify vcid's {', '.join(refused)}")
        with pinned(cpu):
            return _run_vcid(
                seconds=seconds, rounds=rounds, unsigned=unsigned, js=js, challenge=challenge
            )
    finally:
        if js is not None:
            js.close()


def _timed(
    name: str,
    action: Callable[[], object],
    js: js_reference.Reference | None,
    seconds: float,
    rounds: int,
) -> Row:
    """vcid's rate, and the JavaScript stack's in alternated rounds when it has one."""
    if js is None or name not in js.setup["names"]:
        return (name, measure(action, seconds, rounds, CLOCK), None, None)
    count = calibrate(action, seconds, CLOCK)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        theirs.append(js.rate(name))
        ours.append(batch(action, count, CLOCK))
    ratio = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
    return (name, statistics.median(ours), statistics.median(theirs), ratio)


def _run_vcid(
    *,
    seconds: float,
    rounds: int,
    unsigned: list[JsonObject],
    js: js_reference.Reference | None,
    challenge: str,
) -> list[Row]:
    results: list[Row] = []
    verifier = CredentialVerifier()
    for suite, key_type in CASES:
        registrar = KeyFile.generate(key_type)
        document = {**unsigned[0], "issuer": registrar.controller}
        label = _label(suite, key_type)

        def sign(u: JsonObject = document, k: KeyFile = registrar, s: str = suite) -> object:
            return issue(u, key=k, cryptosuite=s)

        # the JavaScript-signed credential where there is one, else vcid's own
        signed: JsonObject = (
            js.setup["signed"][label]
            if js and label in js.setup["signed"]
            else issue(document, key=registrar, cryptosuite=suite)
        )
        report = verifier.verify_credential(signed, now=NOW)
        if not report.verified:
            sys.exit(f"benchmark credential ({label}) does not verify:\n{report.to_text()}")

        def check(d: JsonObject = signed) -> object:
            return verifier.verify_credential(d, now=NOW)

        for name, action in ((f"sign {label}", sign), (f"verify {label}", check)):
            results.append(_timed(name, action, js, seconds, rounds))

    presentation: JsonObject
    if js is not None:
        presentation = js.setup["signed"]["presentation"]
    else:
        holder = KeyFile.generate(KeyType.ED25519)
        registrar = KeyFile.generate(KeyType.ED25519)
        members = [issue({**u, "issuer": registrar.controller}, key=registrar) for u in unsigned]
        presentation = present(members, key=holder, challenge=challenge)

    def check_presentation(p: JsonObject = presentation) -> object:
        return verifier.verify_presentation(p, challenge=challenge, now=NOW)

    report = verifier.verify_presentation(presentation, challenge=challenge, now=NOW)
    if not report.verified:
        sys.exit(f"benchmark presentation does not verify:\n{report.to_text()}")
    results.append(_timed(PRESENTATION, check_presentation, js, seconds, rounds))
    four = _four_credential_presentation()
    results.append(
        (
            "verify presentation (4 VCs, eddsa-rdfc-2022)",
            measure(lambda: verifier.verify_presentation(**four, now=NOW), seconds, rounds, CLOCK),
            None,
            None,
        )
    )
    results.append(
        (
            "verify presentation (4 VCs + warm status), ms",
            _presentation_with_status_ms(seconds, rounds),
            None,
            None,
        )
    )
    return results


def _four_credential_presentation() -> dict[str, Any]:
    registrar = KeyFile.generate(KeyType.ED25519)
    holder = KeyFile.generate(KeyType.ED25519)
    credentials = [
        issue(_birth(registrar.controller, holder.controller, given_name), key=registrar)
        for given_name in ("Amara", "Chidi", "Ife", "Tolu")
    ]
    challenge = secrets.token_urlsafe(16)
    presentation = present(credentials, key=holder, challenge=challenge)
    return {"presentation": presentation, "challenge": challenge}


def _presentation_with_status_ms(seconds: float, rounds: int) -> float:
    """Milliseconds to verify a 4-credential presentation, status lists cached.

    Each credential carries revocation, suspension and missing-child entries;
    the border's offline kit holds the registrar's published lists.
    """
    with tempfile.TemporaryDirectory() as folder:
        registrar = KeyFile.generate(KeyType.ED25519)
        holder = KeyFile.generate(KeyType.ED25519)
        status = StatusRegistry(
            open_sqlite_store(Path(folder) / "status.db"),
            key=registrar,
            base_url="https://registrar.example/status",
        )
        allocator = status.allocator()
        credentials = []
        for index, given_name in enumerate(("Amara", "Chidi", "Ife", "Tolu")):
            document = sample_birth_credential(registrar.controller, holder.controller)
            subject = dict(document["credentialSubject"])  # type: ignore[arg-type]
            subject["givenName"] = given_name
            document["credentialSubject"] = subject
            document["id"] = f"urn:uuid:00000000-0000-4000-8000-00000000000{index}"
            document["credentialStatus"] = allocator.allocate(str(document["id"]))  # type: ignore[assignment]
            credentials.append(issue(document, key=registrar))
        kit = OfflineKit()
        kit.sync(status.publish(now=NOW))
        border = CredentialVerifier(status_checker=BitstringStatusChecker(fetcher=kit))
        challenge = secrets.token_urlsafe(16)
        presentation = present(credentials, key=holder, challenge=challenge)

        def check() -> object:
            return border.verify_presentation(presentation, challenge=challenge, now=NOW)

        report = border.verify_presentation(presentation, challenge=challenge, now=NOW)
        if not report.verified:
            sys.exit(f"benchmark presentation does not verify:\n{report.to_text()}")
        return 1000.0 / measure(check, seconds, rounds, CLOCK)
