"""The registry of codes in vcid.errors: complete, unique, and used everywhere."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re

import vcid
from tests.conftest import ROOT
from vcid import errors
from vcid.errors import CHECK_CODES, CODES, ERROR_CLASSES, VcidError
from vcid.report import Check, Outcome

_NON_ERROR = {errors.OK, errors.SKIPPED, errors.MISSING_CHILD_ALERT, errors.STATUS_MESSAGE}


def _all_vcid_error_classes() -> set[type[VcidError]]:
    """Every VcidError subclass defined anywhere in vcid (all modules imported)."""
    for module in pkgutil.walk_packages(vcid.__path__, "vcid."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)
    found: set[type[VcidError]] = set()
    pending: list[type[VcidError]] = [VcidError]
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.add(cls)
            pending.extend(cls.__subclasses__())
    return {cls for cls in found if cls.__module__.startswith("vcid")}


def test_every_error_class_of_the_module_is_registered() -> None:
    """ERROR_CLASSES holds each VcidError subclass errors.py defines, each with its code."""
    defined = {
        value
        for _, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, VcidError) and value.__module__ == errors.__name__
    }
    assert set(ERROR_CLASSES) == defined
    for cls in defined:
        assert CODES[cls.code] is not None


def test_codes_are_unique_and_well_formed() -> None:
    """No two error classes in errors.py share a code; codes are UPPER_SNAKE."""
    codes = [cls.code for cls in ERROR_CLASSES]
    assert len(codes) == len(set(codes))
    assert not _NON_ERROR & set(codes)
    for code in CODES:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", code), code


def test_error_classes_elsewhere_reuse_a_registered_code() -> None:
    """A VcidError subclass outside errors.py keeps the code of an errors.py ancestor."""
    for cls in _all_vcid_error_classes():
        if cls.__module__ == errors.__name__:
            continue
        ancestors = [base for base in cls.__mro__[1:] if base in ERROR_CLASSES]
        assert ancestors, cls
        assert cls.code in {base.code for base in ancestors}, cls
        assert cls.reported == CODES[cls.code].reported, cls  # type: ignore[union-attr]


def test_check_codes_are_the_non_error_and_reported_codes() -> None:
    """CHECK_CODES: OK, SKIPPED, the alert codes, and each reported class's code."""
    reported = {cls.code for cls in ERROR_CLASSES if cls.reported}
    assert reported | _NON_ERROR == CHECK_CODES
    assert {code for code, cls in CODES.items() if cls is None} == _NON_ERROR
    # The three branches are reported, the root and write-side errors are not.
    assert errors.InvalidError.reported
    assert errors.IndeterminateError.reported
    assert errors.UsageError.reported
    assert errors.UnsupportedError.reported
    for not_reported in (
        VcidError,
        errors.PassphraseRequired,
        errors.WrongPassphrase,
        errors.CredentialDataError,
        errors.DuplicateRegistration,
        errors.AnchorRejected,
    ):
        assert not_reported.code not in CHECK_CODES


def test_report_checks_use_the_registry() -> None:
    """Passed and skipped checks carry OK and SKIPPED; failures their error's code."""
    assert Check.passed("x").code == errors.OK
    assert Check.skipped("x").code == errors.SKIPPED
    failed = Check.from_error("x", errors.Revoked("revoked"))
    assert (failed.outcome, failed.code) == (Outcome.FAILED, "REVOKED")


def test_no_literal_codes_in_vcid() -> None:
    """Outside errors.py, vcid names codes through the registry, never as string literals."""
    offenders = []
    for path in sorted((ROOT / "vcid").rglob("*.py")):
        if path.name == "errors.py" and path.parent.name == "vcid":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        exported = {  # __all__ lists names (did.resolver's INVALID_DID), not codes
            id(item)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for item in ast.walk(node.value)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in CODES
                and id(node) not in exported
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert offenders == []
