"""A ledger: a transparency log composed with an anchor sink.

The log keeps every entry and signs checkpoints; the sink publishes only
checkpoints, at intervals (one anchor per interval, however many entries).
"""

from __future__ import annotations

from vcid.errors import LogEntryNotFound, LogInconsistent, UsageError
from vcid.ledger.anchor import AnchorRef, AnchorSink, AnchorStatus, NoAnchor
from vcid.ledger.log import TransparencyLog
from vcid.ledger.note import SignedCheckpoint
from vcid.ledger.receipt import Receipt, receipt_for

__all__ = ["Ledger"]


class Ledger:
    """A :class:`TransparencyLog` and an :class:`AnchorSink` (default :class:`NoAnchor`)."""

    __slots__ = ("_log", "_sink")

    def __init__(self, log: TransparencyLog, anchor_sink: AnchorSink | None = None) -> None:
        self._log = log
        self._sink: AnchorSink = anchor_sink if anchor_sink is not None else NoAnchor()

    @property
    def log(self) -> TransparencyLog:
        return self._log

    @property
    def sink(self) -> AnchorSink:
        return self._sink

    def anchor(self, checkpoint: SignedCheckpoint | None = None) -> AnchorRef:
        """Anchor ``checkpoint`` (default: the latest) and record the reference.

        If the sink already holds an anchor of this size with the same root,
        that one is recorded and returned instead of anchoring twice.

        :raises LogEntryNotFound: if the log has no checkpoint yet.
        :raises UsageError: for a checkpoint of another log.
        :raises LogInconsistent: if the log does not have the checkpoint's root.
        :raises AnchorMismatch: if the sink anchored something else, or
            already holds another root for this size.
        :raises AnchorRejected: if the sink refuses the anchor.
        :raises AnchorError: if the sink cannot be reached.
        """
        signed = checkpoint if checkpoint is not None else self._log.latest_checkpoint()
        if signed is None:
            raise LogEntryNotFound("the log has no checkpoint to anchor")
        head = signed.checkpoint
        if head.origin != self._log.origin:
            raise UsageError("the checkpoint is of another log")
        if head.tree_size > self._log.size or self._log.root(head.tree_size) != head.root:
            raise LogInconsistent("the log does not have the checkpoint's root")
        ref = self._sink.find_anchor(origin=head.origin, tree_size=head.tree_size)
        if ref is None:
            ref = self._sink.anchor(origin=head.origin, tree_size=head.tree_size, root=head.root)
        ref.require_match(origin=head.origin, tree_size=head.tree_size, root=head.root)
        self._log.record_anchor(ref)
        return ref

    def anchor_status(self, ref: AnchorRef) -> AnchorStatus:
        """The confirmations and finality of ``ref`` (see :meth:`AnchorSink.status`)."""
        return self._sink.status(ref)

    def find_anchor(self, tree_size: int) -> AnchorRef | None:
        """The sink's anchor of this log at ``tree_size``, if any."""
        return self._sink.find_anchor(origin=self._log.origin, tree_size=tree_size)

    def receipt(self, commitment: bytes, *, checkpoint: SignedCheckpoint | None = None) -> Receipt:
        """The receipt of ``commitment`` (see :func:`~vcid.ledger.receipt.receipt_for`)."""
        return receipt_for(self._log, commitment, checkpoint=checkpoint)
