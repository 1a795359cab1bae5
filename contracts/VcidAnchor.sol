// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title VcidAnchor: anchors transparency-log tree heads (hashes and sizes only).
/// @notice Anyone may anchor; each submitter has its own history per log, in which
/// the tree size must strictly grow. There is no owner, no privilege, no upgrade
/// path and no personal data: a log is named by SHA-256 of its origin, a tree head
/// by its size and RFC 9162 root hash. Verifiers decide which submitters they trust
/// (the issuer's DID document lists its blockchain account).
/// @dev Compiled with solc 0.8.37, optimizer 200 runs, evmVersion paris (no PUSH0),
/// so that permissioned networks without the Shanghai fork accept it.
contract VcidAnchor {
    struct Head {
        bytes32 root;
        uint64 blockNumber;
    }

    /// @notice The largest tree size anchored by `submitter` for `logId` (0: none).
    mapping(address submitter => mapping(bytes32 logId => uint64 treeSize)) public latestTreeSize;

    mapping(address => mapping(bytes32 => mapping(uint64 => Head))) private _heads;

    /// @notice A tree head was anchored.
    event TreeHead(
        bytes32 indexed logId,
        address indexed submitter,
        uint64 treeSize,
        bytes32 root,
        uint256 blockNumber,
        uint256 timestamp
    );

    /// @notice The same submitter already anchored this (logId, treeSize, root).
    error DuplicateTreeHead(bytes32 logId, uint64 treeSize);
    /// @notice The tree size is not larger than the submitter's latest for this log.
    error TreeSizeNotGrowing(bytes32 logId, uint64 latest, uint64 treeSize);
    /// @notice A zero root is not a SHA-256 tree head.
    error ZeroRoot();

    /// @notice Anchor the tree head (`treeSize`, `root`) of the log `logId`.
    /// @param logId SHA-256 of the log's checkpoint origin.
    /// @param treeSize the checkpoint's tree size; must exceed latestTreeSize.
    /// @param root the checkpoint's root hash.
    function anchorTreeHead(bytes32 logId, uint64 treeSize, bytes32 root) external {
        if (root == bytes32(0)) revert ZeroRoot();
        uint64 latest = latestTreeSize[msg.sender][logId];
        if (treeSize <= latest) {
            if (_heads[msg.sender][logId][treeSize].root == root) {
                revert DuplicateTreeHead(logId, treeSize);
            }
            revert TreeSizeNotGrowing(logId, latest, treeSize);
        }
        latestTreeSize[msg.sender][logId] = treeSize;
        _heads[msg.sender][logId][treeSize] = Head(root, uint64(block.number));
        emit TreeHead(logId, msg.sender, treeSize, root, block.number, block.timestamp);
    }

    /// @notice The root `submitter` anchored for `logId` at `treeSize` (zero: none).
    function rootAt(address submitter, bytes32 logId, uint64 treeSize)
        external
        view
        returns (bytes32)
    {
        return _heads[submitter][logId][treeSize].root;
    }

    /// @notice The block in which that tree head was anchored (0: none).
    function anchoredAt(address submitter, bytes32 logId, uint64 treeSize)
        external
        view
        returns (uint64)
    {
        return _heads[submitter][logId][treeSize].blockNumber;
    }
}
