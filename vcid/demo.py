"""The main job, end to end, on the embedded defaults (nothing to install or run).

1. A civil registrar makes its key and did:key; so do the child's parents.
2. The registrar issues the child's birth credential and a guardianship
   credential naming both parents: each gets status entries (revocation,
   suspension, missing-child alert) from a SQLite status store, and each
   credential's commitment goes into the registrar's SQLite transparency log.
3. The father, who stays home, issues a travel consent for the child to
   travel with the mother.
4. The registrar signs a checkpoint of its log and publishes its status
   lists; the border post syncs both into its offline kit.
5. At the border the mother presents the three credentials, signed with the
   border's challenge; the verifier decides, offline, with every check.
6. The child is reported missing: the registrar flags the birth credential,
   the border's kit syncs, and the same presentation now raises an alert.
7. A forged copy (birth date altered after signing) fails its signature.

Run with ``python3 dev.py demo`` (or ``python -m vcid.demo``).
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from vcid._json import JsonObject, dumps
from vcid.border import Ruling, bind, decide
from vcid.credentials import (
    BirthRecord,
    Companion,
    Guardian,
    Guardianship,
    Parent,
    Person,
    PlaceOfBirth,
    Registration,
    TravelConsent,
    guardianship_credential,
    travel_consent_credential,
)
from vcid.errors import StatusListUnavailable
from vcid.issuer import issue, present
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.ledger import SQLiteLog, credential_commitment, receipt_for
from vcid.registrar import Registrar
from vcid.report import VerificationReport
from vcid.status import BitstringStatusChecker, StatusRegistry, open_sqlite_store
from vcid.verifier import CredentialVerifier, ReceiptPolicy

REGISTRY_ORIGIN = "civil-registry.example/births"
STATUS_BASE_URL = "https://civil-registry.example/status"
BORDER_DOMAIN = "border-post.example"

#: Terms for :func:`sample_birth_credential`, inline: schema.org where it has
#: them, else vcid's namespace. Registrar credentials use the bundled
#: ``https://w3id.org/vcid/v1`` context instead (see ``vcid.credentials``).
SAMPLE_CONTEXT: JsonObject = {
    "@protected": True,
    "BirthCredential": "https://w3id.org/vcid/vocab#BirthCredential",
    "BirthRecord": "https://w3id.org/vcid/vocab#BirthRecord",
    "givenName": "https://schema.org/givenName",
    "familyName": "https://schema.org/familyName",
    "birthDate": {
        "@id": "https://schema.org/birthDate",
        "@type": "http://www.w3.org/2001/XMLSchema#date",
    },
    "birthPlace": "https://schema.org/birthPlace",
    "addressLocality": "https://schema.org/addressLocality",
    "addressCountry": "https://schema.org/addressCountry",
    "sex": "https://w3id.org/vcid/vocab#sex",
    "parent": {"@id": "https://schema.org/parent", "@type": "@id"},
    "role": "https://schema.org/roleName",
    "registrationNumber": "https://w3id.org/vcid/vocab#registrationNumber",
    "registrationAuthority": "https://w3id.org/vcid/vocab#registrationAuthority",
    "form": "https://w3id.org/vcid/vocab#form",
}


def sample_birth_credential(registrar: str, parent: str) -> JsonObject:
    """A ~15-field birth record (fictional data) for tests and benchmarks."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", SAMPLE_CONTEXT],
        "type": ["VerifiableCredential", "BirthCredential"],
        "issuer": registrar,
        "validFrom": "2026-01-05T09:00:00Z",
        "credentialSubject": {
            "type": "BirthRecord",
            "givenName": "Amara",
            "familyName": "Okafor",
            "birthDate": "2019-04-12",
            "birthPlace": {"addressLocality": "Chisinau", "addressCountry": "MD"},
            "sex": "F",
            "parent": [
                {"id": parent, "givenName": "Ngozi", "familyName": "Okafor", "role": "mother"}
            ],
            "registrationNumber": "MD-2019-004512",
            "registrationAuthority": "Civil Registry Office, Chisinau",
            "form": "long",
        },
    }


class OfflineKit:
    """A border post's synced copy of the registrar's status lists (by URL)."""

    def __init__(self) -> None:
        self._lists: dict[str, bytes] = {}

    def sync(self, lists: tuple[JsonObject, ...]) -> None:
        for status_list in lists:
            self._lists[str(status_list["id"])] = dumps(status_list).encode()

    def fetch(self, url: str) -> bytes:
        try:
            return self._lists[url]
        except KeyError:
            raise StatusListUnavailable("status list not in the offline kit") from None


def _print(out: TextIO, report: VerificationReport, elapsed: float) -> None:
    out.write(report.to_text())
    out.write(f"   (decided in {elapsed * 1000:.1f} ms)\n")


def _failures(report: VerificationReport) -> str:
    """The verdict and only the checks that did not pass (a short report)."""
    lines = [f"{report.verdict.value.upper()} {report.kind}"]
    lines += [f"  FAIL {c.name}  {c.code}: {c.detail}" for c in report.failures()]
    return "\n".join(lines) + "\n"


def run(out: TextIO, *, workdir: Path | None = None) -> int:
    """Run the demo, writing what happens to ``out``; returns an exit code."""
    with tempfile.TemporaryDirectory(prefix="vcid-demo-") as scratch:
        return _run(out, workdir or Path(scratch))


def _run(out: TextIO, workdir: Path) -> int:
    now = datetime.now(UTC).replace(microsecond=0)
    out.write("1. Keys and DIDs for the registrar and both parents\n")
    registrar_key = KeyFile.generate(KeyType.ED25519)
    mother_key = KeyFile.generate(KeyType.P256)
    father_key = KeyFile.generate(KeyType.ED25519)
    out.write(f"   registrar: {registrar_key.controller}\n")

    log = SQLiteLog(workdir / "ledger.db", origin=REGISTRY_ORIGIN)
    status = StatusRegistry(
        open_sqlite_store(workdir / "status.db"),
        key=registrar_key,
        base_url=STATUS_BASE_URL,
        log=log,
    )
    registrar = Registrar(registrar_key, status_allocator=status.allocator(), commitment_log=log)

    out.write("2. The registrar issues the birth and guardianship credentials\n")
    mother = Person(given_name="Ngozi", family_name="Okafor", did=mother_key.controller)
    father = Person(given_name="Emeka", family_name="Okafor", did=father_key.controller)
    child = Person(given_name="Amara", family_name="Okafor")
    born = date(2019, 4, 12)
    registration = Registration(
        number="MD-2019-004512", date=date(2019, 4, 20), authority="Civil Registry, Chisinau"
    )
    birth = registrar.issue_birth(
        BirthRecord(
            child=child,
            birth_date=born,
            place_of_birth=PlaceOfBirth(locality="Chisinau", country="MD"),
            sex="F",
            registration=registration,
            form="long",
            parents=(
                Parent(person=mother, role="mother"),
                Parent(person=father, role="father"),
            ),
        ),
        credential_id=registrar.birth_credential_id(registration.number),
        now=now,
    )
    guardianship = registrar.issue_credential(
        guardianship_credential(
            Guardianship(
                child=child,
                child_birth_date=born,
                guardians=(
                    Guardian(person=mother, role="mother"),
                    Guardian(person=father, role="father"),
                ),
                basis="parentage",
                custody="joint",
                permissions=("travel", "consentToTravel"),
            ),
            issuer=registrar.issuer,
            birth_credential=birth,
            now=now,
        ),
        now=now,
    )

    out.write("3. The father consents to the child travelling with the mother\n")
    consent = issue(
        travel_consent_credential(
            TravelConsent(
                child=child,
                child_birth_date=born,
                registration=Registration(
                    number=registration.number, authority=registration.authority
                ),
                consenting_guardian=Guardian(person=father, role="father"),
                accompanied_by=(Companion(person=mother, relationship="mother"),),
                destinations=("RO", "BG"),
                travel_start=now.date() + timedelta(days=1),
                travel_end=now.date() + timedelta(days=21),
            ),
            issuer=father_key.controller,
            birth_credential=birth,
            guardianship_credential=guardianship,
            now=now,
        ),
        key=father_key,
    )

    out.write("4. The registrar signs a log checkpoint and publishes its status lists\n")
    checkpoint = log.checkpoint(registrar_key.signer, now=now)
    receipts: dict[str, Mapping[str, object]] = {
        str(c["id"]): receipt_for(log, credential_commitment(c)).to_json()
        for c in (birth, guardianship)
    }
    kit = OfflineKit()
    kit.sync(status.publish(now=now))
    out.write(f"   log size {checkpoint.checkpoint.tree_size}; the border post syncs its kit\n")

    def border_verifier() -> CredentialVerifier:
        return CredentialVerifier(
            status_checker=BitstringStatusChecker(fetcher=kit),
            receipts=ReceiptPolicy(trusted_checkpoints=(checkpoint,)),
        )

    verifier = border_verifier()
    challenge = secrets.token_urlsafe(16)
    out.write(f"5. At the border (challenge {challenge}) the mother presents all three:\n")
    presentation = present(
        [birth, guardianship, consent], key=mother_key, challenge=challenge, domain=BORDER_DOMAIN
    )
    started = time.perf_counter()
    report = bind(
        presentation,
        verifier.verify_presentation(
            presentation, challenge=challenge, domain=BORDER_DOMAIN, receipts=receipts
        ),
    )
    _print(out, report, time.perf_counter() - started)
    out.write(f"   border decision: {decide(report).ruling.name}\n")

    out.write("6. Someone copied the presentation and replays it at another post:\n")
    other_post = secrets.token_urlsafe(16)
    started = time.perf_counter()
    replayed = verifier.verify_presentation(
        presentation, challenge=other_post, domain=BORDER_DOMAIN, receipts=receipts
    )
    out.write(_failures(replayed))
    out.write(f"   border decision: {decide(replayed).ruling.name}\n")
    out.write(f"   (decided in {(time.perf_counter() - started) * 1000:.1f} ms)\n")

    out.write("7. A stranger presents the family's genuine credentials under their own key:\n")
    stranger = KeyFile.generate(KeyType.ED25519)
    fresh = secrets.token_urlsafe(16)
    carried = present(
        [birth, guardianship, consent], key=stranger, challenge=fresh, domain=BORDER_DOMAIN
    )
    started = time.perf_counter()
    impostor = bind(
        carried,
        verifier.verify_presentation(
            carried, challenge=fresh, domain=BORDER_DOMAIN, receipts=receipts
        ),
    )
    out.write(_failures(impostor))
    out.write(f"   border decision: {decide(impostor).ruling.name}\n")
    out.write(f"   (decided in {(time.perf_counter() - started) * 1000:.1f} ms)\n")

    out.write("8. The child is reported missing; the kit syncs; the same presentation:\n")
    status.flag_missing(str(birth["id"]), now=now)
    kit.sync(status.publish(now=now))
    verifier = border_verifier()  # a fresh cache: the post re-reads its kit
    started = time.perf_counter()
    alert = verifier.verify_presentation(
        presentation, challenge=challenge, domain=BORDER_DOMAIN, receipts=receipts
    )
    _print(out, alert, time.perf_counter() - started)
    out.write(f"   border decision: {decide(alert).ruling.name} (child protection is called)\n")

    out.write("9. A forged birth credential (birth date altered after signing):\n")
    forged = dict(birth)
    subject = dict(forged["credentialSubject"])  # type: ignore[arg-type]
    subject["birthDate"] = "2009-04-12"
    forged["credentialSubject"] = subject
    started = time.perf_counter()
    forged_report = verifier.verify_credential(forged)
    _print(out, forged_report, time.perf_counter() - started)

    ok = (
        report.verdict.value == "valid"
        and alert.verdict.value == "alert"
        and forged_report.verdict.value == "invalid"
        and replayed.verdict.value == "invalid"
        and impostor.verdict.value == "invalid"
        and decide(report).ruling is Ruling.ADMIT
        and decide(alert).ruling is Ruling.REFER
        and decide(impostor).ruling is Ruling.DENY
    )
    out.write("demo " + ("succeeded" if ok else "FAILED") + "\n")
    return 0 if ok else 1


def main() -> int:
    return run(sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
