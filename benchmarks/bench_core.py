"""Sign and verify throughput per cryptosuite, and presentation verification.

Operations per second on one core for a ~15-field birth credential, with the
JavaScript reference stack's figures (jsonld.js with the eddsa-rdfc-2022
cryptosuite, measured on the same kind of machine) as references.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._timing import measure
from vcid._json import JsonObject
from vcid.demo import OfflineKit, sample_birth_credential
from vcid.issuer import issue, present
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.status import BitstringStatusChecker, StatusRegistry, open_sqlite_store
from vcid.verifier import CredentialVerifier

#: jsonld.js + eddsa-rdfc-2022, one core (from the project brief).
REFERENCES = {
    "sign eddsa-rdfc-2022": 500.0,
    "verify eddsa-rdfc-2022": 490.0,
    "verify presentation (4 VCs, eddsa-rdfc-2022)": 114.0,  # JS: 2 credentials
}

CASES = [
    ("eddsa-rdfc-2022", KeyType.ED25519),
    ("eddsa-jcs-2022", KeyType.ED25519),
    ("ecdsa-rdfc-2019", KeyType.P256),
    ("ecdsa-rdfc-2019", KeyType.P384),
    ("ecdsa-jcs-2019", KeyType.P256),
]
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def run(quick: bool) -> list[tuple[str, float]]:
    """Each benchmark's name and operations per second."""
    seconds, rounds = (0.05, 1) if quick else (1.0, 5)
    results: list[tuple[str, float]] = []
    verifier = CredentialVerifier()
    for suite, key_type in CASES:
        registrar = KeyFile.generate(key_type)
        parent = KeyFile.generate(KeyType.ED25519)
        unsigned = sample_birth_credential(registrar.controller, parent.controller)
        label = f"{suite} ({key_type.value})" if suite.startswith("ecdsa") else suite

        def sign(u: JsonObject = unsigned, k: KeyFile = registrar, s: str = suite) -> object:
            return issue(u, key=k, cryptosuite=s)

        signed = issue(unsigned, key=registrar, cryptosuite=suite)
        report = verifier.verify_credential(signed, now=NOW)
        if not report.verified:
            sys.exit(f"benchmark credential does not verify:\n{report.to_text()}")

        def check(d: JsonObject = signed) -> object:
            return verifier.verify_credential(d, now=NOW)

        results.append((f"sign {label}", measure(sign, seconds, rounds)))
        results.append((f"verify {label}", measure(check, seconds, rounds)))

    registrar = KeyFile.generate(KeyType.ED25519)
    holder = KeyFile.generate(KeyType.ED25519)
    credentials = []
    for given_name in ("Amara", "Chidi", "Ife", "Tolu"):
        document = sample_birth_credential(registrar.controller, holder.controller)
        subject = dict(document["credentialSubject"])  # type: ignore[arg-type]
        subject["givenName"] = given_name
        document["credentialSubject"] = subject
        credentials.append(issue(document, key=registrar))
    challenge = secrets.token_urlsafe(16)
    presentation = present(credentials, key=holder, challenge=challenge)

    def check_presentation() -> object:
        return verifier.verify_presentation(presentation, challenge=challenge, now=NOW)

    if not verifier.verify_presentation(presentation, challenge=challenge, now=NOW).verified:
        sys.exit("benchmark presentation does not verify")
    results.append(
        (
            "verify presentation (4 VCs, eddsa-rdfc-2022)",
            measure(check_presentation, seconds, rounds),
        )
    )
    results.append(
        (
            "verify presentation (4 VCs + warm status), ms",
            _presentation_with_status_ms(verifier, seconds, rounds),
        )
    )
    return results


def _presentation_with_status_ms(_: CredentialVerifier, seconds: float, rounds: int) -> float:
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
        return 1000.0 / measure(check, seconds, rounds)
