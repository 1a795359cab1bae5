"""The main job, end to end, on the embedded defaults.

A civil registrar makes a key and a did:key, issues a child's birth
credential, the parent (the holder) presents it to a border verifier with
the verifier's challenge, and the verifier decides. A forged copy (one
character of the birth date changed) is then shown to fail. Run with
``python3 dev.py demo`` or ``python -m vcid.demo``; everything is offline.
"""

from __future__ import annotations

import secrets
import sys
from typing import TextIO

from vcid._json import JsonObject
from vcid.issuer import issue, present
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.verifier import CredentialVerifier

#: Terms for the sample, inline: schema.org where it has them, else vcid's
#: draft namespace. The registrar vocabulary proper is a bundled context.
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
    """A sample birth record (fictional data) in the VC 2.0 data model."""
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
                {
                    "id": parent,
                    "givenName": "Ngozi",
                    "familyName": "Okafor",
                    "role": "mother",
                }
            ],
            "registrationNumber": "MD-2019-004512",
            "registrationAuthority": "Civil Registry Office, Chisinau",
            "form": "long",
        },
    }


def run(out: TextIO) -> int:
    """Run the demo, writing what happens to ``out``; returns an exit code."""
    out.write("1. The registrar and the parent each make a key and a did:key\n")
    registrar = KeyFile.generate(KeyType.ED25519)
    parent = KeyFile.generate(KeyType.P256)
    out.write(f"   registrar: {registrar.controller}\n")
    out.write(f"   parent:    {parent.controller}\n")

    out.write("2. The registrar issues the child's birth credential (eddsa-rdfc-2022)\n")
    credential = issue(
        sample_birth_credential(registrar.controller, parent.controller), key=registrar
    )

    verifier = CredentialVerifier()
    challenge = secrets.token_urlsafe(16)
    domain = "border.example"
    out.write(f"3. The border verifier gives the challenge {challenge}\n")

    out.write("4. The parent presents it, signed with ecdsa-rdfc-2019 (P-256)\n")
    presentation = present(
        [credential],
        key=parent,
        challenge=challenge,
        domain=domain,
        cryptosuite="ecdsa-rdfc-2019",
    )

    out.write("5. The verifier decides:\n")
    report = verifier.verify_presentation(presentation, challenge=challenge, domain=domain)
    out.write(report.to_text())

    out.write("6. A forged copy (birth date altered after signing) is presented:\n")
    forged = dict(credential)
    subject = dict(forged["credentialSubject"])  # type: ignore[arg-type]
    subject["birthDate"] = "2009-04-12"
    forged["credentialSubject"] = subject
    forged_report = verifier.verify_credential(forged)
    out.write(forged_report.to_text())

    ok = report.verified and not forged_report.verified
    out.write("demo " + ("succeeded" if ok else "FAILED") + "\n")
    return 0 if ok else 1


def main() -> int:
    return run(sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
