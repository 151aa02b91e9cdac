"""Error classes and exit codes, in one place.

Core code raises these; only the CLI's error boundary turns them into a printed line
and an exit code. Nothing here prints or talks to Elasticsearch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2  # only with ``plan --detailed-exitcode``


class EisopsError(Exception):
    """A failure the user can act on; ``str()`` is the one line the CLI prints."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} {self.hint}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one manifest document, with its place in the file."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    kind: str | None = None
    name: str | None = None

    def render(self) -> str:
        subject = ""
        if self.kind and self.name:
            subject = f"{self.kind} {self.name}: "
        elif self.kind:
            subject = f"{self.kind}: "
        # A name or value of thousands of characters (one the manifest got wrong) is shown by its start.
        return _LONG_WORD.sub(_shorten, f"{self.file}:{self.line}:{self.column}: {subject}{self.message}")


_LONG_WORD = re.compile(r"\S{201,}")


def _shorten(match: "re.Match[str]") -> str:
    word = match.group(0)
    return f"{word[:100]}… ({len(word):,} characters)"


class ManifestError(EisopsError):
    """The manifests are invalid; carries every problem found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.column, d.message))
        count = len(self.diagnostics)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found in the manifests")


class ConnectionFailed(EisopsError):
    """The cluster could not be reached or refused us."""


class ClusterRequestError(EisopsError):
    """Elasticsearch answered a request with an error."""

    def __init__(self, message: str, status: int | None = None, error_type: str | None = None,
                 reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.reason = reason  # Elasticsearch's own words


class ApplyRefused(EisopsError):
    """apply will not start: the plan holds changes that need an explicit opt-in or cannot be made."""


class ApplyFailed(EisopsError):
    """apply stopped part-way; the message names what was done and what was not."""
