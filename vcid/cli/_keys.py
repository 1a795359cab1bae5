"""Key files on the command line: passphrases from the environment or a prompt.

A passphrase is never a command-line argument (argument lists are visible
to every user of the machine). It comes from the environment variable
``VCID_KEY_PASSPHRASE`` or, on a terminal, from a prompt that does not echo;
with neither, the command stops with a usage error. Passphrases are bytes
and are never printed.
"""

from __future__ import annotations

import getpass
import hmac
import os
import sys
from pathlib import Path
from typing import Final

from vcid.errors import PassphraseRequired, UsageError
from vcid.keyfile import KeyFile, read_key_file

#: The environment variable that holds a key file's passphrase.
PASSPHRASE_ENV: Final = "VCID_KEY_PASSPHRASE"  # noqa: S105 - a variable name, not a secret


def _from_environment() -> bytes | None:
    environb = getattr(os, "environb", None)
    if environb is not None:
        value: bytes | None = environb.get(PASSPHRASE_ENV.encode("ascii"))
        return value
    text = os.environ.get(PASSPHRASE_ENV)
    return None if text is None else text.encode("utf-8")


def _prompt(text: str) -> bytes:
    try:
        return getpass.getpass(text).encode("utf-8")
    except EOFError:
        raise UsageError("no passphrase given") from None


def obtain_passphrase(path: str | os.PathLike[str], *, confirm: bool) -> bytes:
    """The passphrase for the key file at ``path``: environment, else a prompt.

    :param confirm: ask twice (when creating a key) and require both to match.
    :raises UsageError: if the variable is empty, there is no terminal to
        ask on, the answer is empty, or the two answers differ.
    """
    value = _from_environment()
    if value is not None:
        if not value:
            raise UsageError(f"{PASSPHRASE_ENV} is set but empty")
        return value
    if not sys.stdin.isatty():
        raise UsageError(
            f"key file {Path(path).name} needs a passphrase: set {PASSPHRASE_ENV} "
            "or run on a terminal to be asked"
        )
    first = _prompt(f"Passphrase for {Path(path).name}: ")
    if not first:
        raise UsageError("the passphrase must not be empty")
    if confirm and not hmac.compare_digest(first, _prompt("Repeat the passphrase: ")):
        raise UsageError("the passphrases do not match")
    return first


def read_key_option(path: str) -> KeyFile:
    """Read a ``--key FILE``: plaintext as is, encrypted with :func:`obtain_passphrase`.

    :raises UsageError: if the file cannot be read or no passphrase can be had.
    :raises WrongPassphrase: if the passphrase does not decrypt it.
    :raises MalformedInputError: if it is not a valid key file.
    """
    try:
        return read_key_file(path)
    except PassphraseRequired:
        pass
    return read_key_file(path, passphrase=obtain_passphrase(path, confirm=False))


__all__ = ["PASSPHRASE_ENV", "obtain_passphrase", "read_key_option"]
