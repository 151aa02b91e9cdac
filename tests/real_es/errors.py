"""Exceptions of the real-Elasticsearch test harness.

What it is for: separating "this machine cannot have a real node" (no Java,
no Maven, download failed -> tests are skipped, or fail under
``EISOPS_REQUIRE_REAL_ES=1``) from "a node was tried and misbehaved" (always an
error: that is a harness or server bug worth seeing).

What it must not do: carry multi-line blobs in the first line of the message;
the first line is what pytest shows as the skip/fail reason.
"""

from __future__ import annotations


class RealEsError(Exception):
    """Base class for harness errors."""


class RealEsUnavailable(RealEsError):
    """A prerequisite is missing: Java, Maven, the artifact, a system user."""


class RealEsStartError(RealEsError):
    """A node was launched but did not come up (message carries its log tail)."""

    def __init__(self, message: str, node_dir: str | None = None):
        super().__init__(message)
        self.node_dir = node_dir  # already deleted when this is raised; for checks and messages


class RealEsStopError(RealEsError):
    """A node's processes were still alive after SIGKILL."""
