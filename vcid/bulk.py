"""Verify many credentials on all cores: :func:`verify_many`.

For a registrar auditing what it issued, or a server's batch endpoint: the
credentials are spread over a pool of worker processes, each of which
builds its :class:`~vcid.verifier.CredentialVerifier` once (so its context,
did:key and status caches stay warm), and the reports come back in input
order. At most ``max_in_flight`` chunks are queued or running at any time,
so memory stays flat however long the input is (it may be a generator
reading a file).

Workers are started with the ``spawn`` method by default (safe whatever
threads the caller runs); the verifier factory must therefore be picklable:
a module-level function, or a :func:`functools.partial` of one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Final

from vcid._json import JsonValue
from vcid.errors import UsageError
from vcid.report import VerificationReport
from vcid.verifier import CredentialVerifier

#: Credentials sent to a worker at once (amortizes the pickling round trip).
DEFAULT_CHUNK_SIZE: Final = 64

VerifierFactory = Callable[[], CredentialVerifier]

_WORKER_VERIFIER: object = None


def _start_worker(factory: VerifierFactory) -> None:
    global _WORKER_VERIFIER  # noqa: PLW0603 - one verifier per worker process
    _WORKER_VERIFIER = factory()


def _verify_chunk(
    chunk: list[Mapping[str, JsonValue]], now: datetime | None
) -> list[VerificationReport]:
    # checked here, not in the initializer, so that the caller gets the error
    verifier = _WORKER_VERIFIER
    if not isinstance(verifier, CredentialVerifier):
        raise UsageError("verifier_factory must return a CredentialVerifier")
    return [verifier.verify_credential(credential, now=now) for credential in chunk]


def verify_many(
    credentials: Iterable[Mapping[str, JsonValue]],
    *,
    workers: int | None = None,
    verifier_factory: VerifierFactory = CredentialVerifier,
    now: datetime | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_in_flight: int | None = None,
    mp_context: BaseContext | None = None,
) -> Iterator[VerificationReport]:
    """Verify each credential, yielding its report in input order.

    Each report is what :meth:`CredentialVerifier.verify_credential` of a
    verifier made by ``verifier_factory`` returns (a bad credential gives a
    failing report, never an exception).

    :param credentials: the secured credentials as parsed JSON (any
        iterable; it is consumed lazily).
    :param workers: worker processes; ``None`` means one per CPU this
        process may run on, ``0`` verifies in this process (no pool).
    :param verifier_factory: builds each worker's verifier, once per worker
        (picklable; default: :class:`CredentialVerifier` with the offline
        defaults).
    :param now: the verification time (aware), the same for every
        credential; defaults to each worker's clock.
    :param chunk_size: credentials per task.
    :param max_in_flight: chunks queued or running at once (default: twice
        the number of workers); bounds memory.
    :param mp_context: the multiprocessing context (default ``spawn``).
    :raises UsageError: for a negative ``workers``, a ``chunk_size`` or
        ``max_in_flight`` below 1, a naive ``now`` or a factory that does not
        make a :class:`CredentialVerifier`.
    """
    count = _worker_count(workers)
    if type(chunk_size) is not int or chunk_size < 1:
        raise UsageError("chunk_size must be a positive integer")
    if max_in_flight is not None and (type(max_in_flight) is not int or max_in_flight < 1):
        raise UsageError("max_in_flight must be a positive integer")
    if now is not None and (not isinstance(now, datetime) or now.utcoffset() is None):
        raise UsageError("now must be an aware datetime")
    if count == 0:
        return _in_process(credentials, verifier_factory, now)
    return _pooled(
        credentials,
        count,
        verifier_factory,
        now,
        chunk_size,
        max_in_flight if max_in_flight is not None else 2 * count,
        mp_context if mp_context is not None else multiprocessing.get_context("spawn"),
    )


def _worker_count(workers: int | None) -> int:
    if workers is None:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not Linux
            return max(1, os.cpu_count() or 1)
    if type(workers) is not int or workers < 0:
        raise UsageError("workers must be a non-negative integer or None")
    return workers


def _in_process(
    credentials: Iterable[Mapping[str, JsonValue]],
    factory: VerifierFactory,
    now: datetime | None,
) -> Iterator[VerificationReport]:
    verifier = factory()
    if not isinstance(verifier, CredentialVerifier):
        raise UsageError("verifier_factory must return a CredentialVerifier")
    for credential in credentials:
        yield verifier.verify_credential(credential, now=now)


def _pooled(  # noqa: PLR0917 - private; verify_many checked the arguments
    credentials: Iterable[Mapping[str, JsonValue]],
    workers: int,
    factory: VerifierFactory,
    now: datetime | None,
    chunk_size: int,
    max_in_flight: int,
    context: BaseContext,
) -> Iterator[VerificationReport]:
    source = iter(credentials)
    pending: deque[Future[list[VerificationReport]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(factory,)
    ) as pool:
        try:
            while True:
                while len(pending) < max_in_flight:
                    chunk = list(islice(source, chunk_size))
                    if not chunk:
                        break
                    pending.append(pool.submit(_verify_chunk, chunk, now))
                if not pending:
                    return
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


__all__ = ["DEFAULT_CHUNK_SIZE", "VerifierFactory", "verify_many"]
