"""A border post's offline kit: status lists read from an exported folder.

``StatusRegistry.export`` (``vcid status publish --out DIR``) writes the list
at ``<base_url>/<purpose>/<n>`` to ``<DIR>/<purpose>/<n>.json``. A verifier
that synced such a folder reads the lists from it with :class:`FolderFetcher`,
without a network. The lists are still checked against their URL and their
issuer's signature, so a stale or altered folder cannot pass as current.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from vcid.errors import StatusListUnavailable, VcidError
from vcid.status.registry import export_path

#: The largest list file read (a 1M-entry list is about 22 KB).
MAX_LIST_BYTES: Final = 16 * 1024 * 1024


class FolderFetcher:
    """Fetches status lists under ``base_url`` from an exported folder.

    :param directory: the folder written by ``export`` / ``status publish``.
    :param base_url: the URL the lists are published under.
    :param max_bytes: the largest file read.
    """

    def __init__(
        self, directory: str | Path, *, base_url: str, max_bytes: int = MAX_LIST_BYTES
    ) -> None:
        self._directory = Path(directory)
        self._base_url = base_url
        self._max_bytes = max_bytes

    def fetch(self, url: str) -> bytes:
        """The list file for ``url``.

        :raises StatusListUnavailable: if ``url`` is not under the base URL, or
            the file is missing, unreadable or too large.
        """
        try:
            relative = export_path(url, self._base_url)
        except VcidError:
            raise StatusListUnavailable("status list is not in the offline folder") from None
        path = self._directory.joinpath(*relative.parts).with_suffix(".json")
        try:
            with path.open("rb") as handle:
                data = handle.read(self._max_bytes + 1)
        except OSError:
            raise StatusListUnavailable("status list is not in the offline folder") from None
        if len(data) > self._max_bytes:
            raise StatusListUnavailable("status list file is too large")
        return data

    def __repr__(self) -> str:
        return f"FolderFetcher({str(self._directory)!r}, base_url={self._base_url!r})"


__all__ = ["MAX_LIST_BYTES", "FolderFetcher"]
