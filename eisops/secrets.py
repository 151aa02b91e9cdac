"""Secret values: where manifests take them from, how eisops tells one from another without
keeping it, and how it keeps them out of everything it prints.

What it is for:
- references: ``${env:NAME}`` (an environment variable) and ``${file:PATH}`` (a file's contents,
  PATH relative to the manifest's folder), read when the manifests are loaded;
- fingerprints: ``hashlib.scrypt`` of a value under a salt, memory-hard so that a stored
  fingerprint does not let anyone test guesses at speed;
- redaction: every secret value eisops has seen this run (values read through references,
  secrets written literally where a service expects one, the connection's password and API
  key, credentials in the cluster URL) is replaced by ``(sensitive)`` in any text eisops
  prints, Elasticsearch's error messages included, which may quote a request's settings.
What it must not do: print, or log a value; keep a value anywhere but in this process's memory.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import threading
from typing import Any, TextIO
from urllib.parse import quote, unquote, urlsplit, urlunsplit

#: ``${env:NAME}``, ``${file:PATH}``, and the older bare ``${NAME}``.
REFERENCE = re.compile(r"^\$\{(?:(?P<scheme>env|file):(?P<target>[^}]+)|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))\}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: What a secret's place holds wherever eisops shows or saves a body.
SENSITIVE = "(sensitive)"

#: A file read as a secret is small; anything larger is a wrong path.
MAX_SECRET_FILE_BYTES = 64 * 1024

#: Values shorter than this are not searched for in output (they would garble it); a secret
#: that short is refused by every provider anyway.
MIN_REDACTED_LENGTH = 4


class SecretSourceError(Exception):
    """A reference whose value cannot be read; the message is what is wrong with the source
    ("is not set"), to follow its description; it never holds the value."""


def parse_reference(value: Any) -> tuple[str, str] | None:
    """('env', NAME), ('file', PATH) or ('bare', NAME) for a reference; None for any other value."""
    if not isinstance(value, str):
        return None
    match = REFERENCE.match(value)
    if match is None:
        return None
    if match.group("bare"):
        return "bare", match.group("bare")
    return match.group("scheme"), match.group("target")


def source_key(scheme: str, target: str, base_dir: str | None = None) -> str:
    """The source a value is read from, as plans name it: ``env:NAME`` or ``file:/absolute/path``."""
    if scheme == "file":
        path = target if os.path.isabs(target) or base_dir is None else os.path.join(base_dir, target)
        return "file:" + os.path.normpath(os.path.abspath(path))
    return f"env:{target}"


def describe(source: str) -> str:
    """The source in words, for messages."""
    scheme, _, target = source.partition(":")
    return f"environment variable {target}" if scheme == "env" else f"file {target}"


def read_source(source: str, environment: dict[str, str]) -> str:
    """The value of ``source``; SecretSourceError says what is missing."""
    scheme, _, target = source.partition(":")
    if scheme == "env":
        if not ENV_NAME.match(target):
            raise SecretSourceError("is not a valid environment variable name")
        if target not in environment:
            raise SecretSourceError("is not set")
        return environment[target]
    if scheme == "file":
        try:
            if not os.path.isfile(target):
                raise SecretSourceError("does not exist or is not a regular file")
            if os.path.getsize(target) > MAX_SECRET_FILE_BYTES:
                raise SecretSourceError(f"is larger than {MAX_SECRET_FILE_BYTES} bytes, too large for a secret")
            with open(target, "rb") as handle:
                data = handle.read(MAX_SECRET_FILE_BYTES + 1)
        except OSError as exc:
            raise SecretSourceError(f"cannot be read ({exc.strerror or exc})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SecretSourceError("is not UTF-8 text") from None
        # One trailing newline is the file's, not the secret's (echo "$KEY" > file).
        return text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text
    raise SecretSourceError("is not a source eisops reads (env: or file:)")


# ------------------------------------------------------------------ fingerprints
#: scrypt cost: 16 MiB and ~50 ms a value (RFC 7914's interactive parameters, N=2^14, r=8, p=1).
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}
PREFIX = "scrypt:"


def secret_text(value: Any) -> str:
    """The text a secret is fingerprinted as: itself, or a structured one (``secret_parameters``)
    as sorted JSON."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


@functools.lru_cache(maxsize=1024)
def fingerprint(value: str, salt: str) -> str:
    """A memory-hard fingerprint of ``value`` under ``salt``: equal for equal values under one
    salt, and costly to test a guess against."""
    digest = hashlib.scrypt(str(value).encode("utf-8"), salt=salt.encode("utf-8"), **SCRYPT)
    return PREFIX + digest.hex()


def legacy_fingerprint(value: str, salt: str) -> str:
    """The salted SHA-256 that eisops 0.x stored; read only to replace it."""
    return "sha256:" + hashlib.sha256(f"{salt}\0{value}".encode("utf-8")).hexdigest()


def fingerprint_matches(value: str, recorded: str, salt: str) -> bool:
    if recorded.startswith("sha256:"):
        return legacy_fingerprint(value, salt) == recorded
    return fingerprint(value, salt) == recorded


def is_fingerprint(value: Any) -> bool:
    return isinstance(value, str) and value.startswith((PREFIX, "sha256:"))


# ------------------------------------------------------------------ redaction
_known: set[str] = set()
_lock = threading.Lock()


def remember(value: Any) -> None:
    """Treat ``value`` as a secret for the rest of the run: it is redacted from all output."""
    if not isinstance(value, str) or len(value) < MIN_REDACTED_LENGTH:
        return
    forms = {value, json.dumps(value)[1:-1], quote(value, safe=""), value.strip()}
    with _lock:
        _known.update(f for f in forms if len(f) >= MIN_REDACTED_LENGTH)


def forget_all() -> None:
    """Forget every remembered value (between runs in one process, as the tests do)."""
    with _lock:
        _known.clear()


#: Values at least this long are redacted wherever they appear; shorter ones (a value such as
#: ``search`` read from the environment) only as a whole word, so that "Elasticsearch" stays.
SUBSTRING_LENGTH = 12
_WORD = "A-Za-z0-9_"


def redact(text: str) -> str:
    if not _known or not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)  # the longest first: a value inside another
    for value in known:
        if value not in text:
            continue
        if len(value) >= SUBSTRING_LENGTH:
            text = text.replace(value, SENSITIVE)
        else:
            text = re.sub(f"(?<![{_WORD}]){re.escape(value)}(?![{_WORD}])", SENSITIVE, text)
    return text


def url_without_credentials(url: str) -> str:
    """The URL as it may be shown and saved: no user name or password in it."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return re.sub(r"//[^/@]*@", "//", url)
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def remember_url_credentials(url: str) -> None:
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return
    if password:
        remember(password)
        remember(unquote(password))
        if user:
            remember(f"{user}:{password}")


class RedactingStream(io.TextIOBase):
    """A text stream that writes through to ``target`` with every remembered secret redacted."""

    def __init__(self, target: TextIO):
        self._target = target

    def write(self, text: str) -> int:  # type: ignore[override]
        self._target.write(redact(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")

    def fileno(self) -> int:
        return self._target.fileno()
