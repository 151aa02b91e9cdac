"""Pinned Elasticsearch versions for the real-node test harness.

What it is for: mapping what a developer types (``9``, ``8.19``, ``9.4`` or a full
``9.5.2``) to one exact version whose integration-test distribution
(``org.elasticsearch.distribution.integ-test-zip:elasticsearch:<v>:zip``) we have
verified to exist on Maven Central, and telling which Java a version needs.

What it must not do: look anything up on the network. The table below is the
only source of truth; when a newer patch is wanted, verify it with
``mvn dependency:get`` and edit the table by hand.
"""

from __future__ import annotations

import re

from .errors import RealEsUnavailable

# Verified with `mvn dependency:get -Dartifact=org.elasticsearch.distribution.
# integ-test-zip:elasticsearch:<v>:zip -Dtransitive=false`. Maven Central does
# not hold every patch of this artifact (e.g. 8.19.10-8.19.12, 9.2.5-9.2.7,
# 9.3.3-9.3.7, 9.4.0-9.4.2 and 9.5.1 were "not found"), so pins are picked from
# what is really there, not from release notes.
PINNED: dict[str, str] = {
    "8": "8.19.21",
    "8.19": "8.19.21",
    "9": "9.5.2",
    "9.5": "9.5.2",
    "9.4": "9.4.3",
    "9.3": "9.3.8",
    "9.2": "9.2.8",
}

# The two server lines the test-suite runs against by default: the last 8.x
# minor (what most deployments still run) and the newest 9.x.
DEFAULT_LINES: tuple[str, ...] = ("8.19", "9")

_FULL = re.compile(r"^\d+\.\d+\.\d+$")
_PREFIX = re.compile(r"^\d+(\.\d+)?$")


def resolve_version(spec: str) -> str:
    """Turn ``9`` / ``8.19`` / ``9.5.2`` into an exact version.

    A full x.y.z is passed through unchanged (it may not be on Maven Central;
    the download step then says so). A prefix must be in :data:`PINNED`.
    """
    spec = (spec or "").strip()
    if spec.startswith("v"):
        spec = spec[1:]
    if _FULL.match(spec):
        return spec
    if _PREFIX.match(spec) and spec in PINNED:
        return PINNED[spec]
    known = ", ".join(sorted(PINNED, key=_version_key))
    raise RealEsUnavailable(
        f"unknown Elasticsearch version {spec!r}: use a full x.y.z or one of the pinned prefixes ({known})"
    )


def major(version: str) -> int:
    return int(version.split(".", 1)[0])


def min_java(version: str) -> int:
    """Lowest Java feature release the server of this version accepts.

    Elasticsearch 8.x runs on Java 17+; 9.x requires Java 21+. The
    integ-test-zip has no bundled JDK, so we must bring one.
    """
    return 21 if major(version) >= 9 else 17


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def line_of(version: str) -> str:
    """``9.5.2`` -> ``9.5`` (used in test ids and messages)."""
    return ".".join(version.split(".")[:2])
