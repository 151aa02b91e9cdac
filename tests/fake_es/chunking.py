"""Chunking settings validation shared by inference endpoints and semantic_text.

What it is for: validate ``chunking_settings`` (strategies sentence / word /
none / recursive, bounds, unknown keys) and fill defaults the way the
inference plugin's ChunkingSettingsBuilder does; and split a text into chunks
(``chunk_spans``) for semantic_text ingestion. The split is an approximation
of ES's ICU-based chunkers: a text of at most ``max_chunk_size`` words (or the
``none`` strategy) is one chunk ``[0, len)``, as in ES; longer texts are cut at
regex sentence (sentence, recursive) or word (word) boundaries, with the
configured overlap.

What it must not do: decide whether chunking settings are allowed for a task
type or service (inference.py does that).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .errors import EsError, validation_failed
from .versions import EsVersion

DEFAULT_CHUNKING = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
MAX_CHUNK_UPPER = 300  # older code / 8.x docs; the safe maximum


def _fail(msg: str, error: Callable[[str], EsError] | None) -> EsError:
    if error is None:
        return validation_failed([msg])
    return error(f"Validation Failed: 1: {msg};")


def _int(settings: dict, key: str, required: bool, error: Any) -> int | None:
    if key not in settings:
        if required:
            raise _fail(f"[chunking_settings] does not contain the required setting [{key}]", error)
        return None
    value = settings[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise _fail(f"[chunking_settings] Invalid value [{value}]. [{key}] must be a positive integer", error)
    return int(value)


def _bounds(key: str, value: int, low: int, high: int, error: Any) -> None:
    if value < low:
        raise _fail(f"[chunking_settings] Invalid value [{value}]. [{key}] must be a greater than or equal to [{low}]", error)
    if value > high:
        raise _fail(f"[chunking_settings] Invalid value [{value}]. [{key}] must be a less than or equal to [{high}]", error)


def validate_chunking(settings: Any, version: EsVersion, error: Callable[[str], EsError] | None = None) -> dict:
    """Return the chunking settings as ES stores them (defaults filled)."""
    if not isinstance(settings, dict):
        raise _fail("[chunking_settings] must be an object", error)
    strategies = ["word", "sentence"] + (["none", "recursive"] if version.chunking_none_and_recursive else [])
    strategy = settings.get("strategy")
    if strategy is None:
        raise _fail("[chunking_settings] does not contain the required setting [strategy]", error)
    if strategy not in strategies:
        raise _fail(
            f"[chunking_settings] Invalid value [{strategy}] received. [strategy] must be one of [{', '.join(strategies)}]",
            error,
        )
    allowed = {
        "sentence": {"strategy", "max_chunk_size", "sentence_overlap"},
        "word": {"strategy", "max_chunk_size", "overlap"},
        "none": {"strategy"},
        "recursive": {"strategy", "max_chunk_size", "separators", "separator_group"},
    }[strategy]
    extra = [k for k in settings if k not in allowed]
    if extra:
        label = {"sentence": "Sentence based", "word": "Word based", "none": "None", "recursive": "Recursive"}[strategy]
        raise _fail(f"{label} chunking settings can not have the following settings: [{', '.join(extra)}]", error)
    if strategy == "none":
        return {"strategy": "none"}
    max_size = _int(settings, "max_chunk_size", True, error)
    if strategy == "sentence":
        _bounds("max_chunk_size", max_size, 20, MAX_CHUNK_UPPER, error)
        overlap = _int(settings, "sentence_overlap", False, error)
        overlap = 1 if overlap is None else overlap
        _bounds("sentence_overlap", overlap, 0, 1, error)
        return {"strategy": "sentence", "max_chunk_size": max_size, "sentence_overlap": overlap}
    if strategy == "word":
        _bounds("max_chunk_size", max_size, 10, MAX_CHUNK_UPPER, error)
        overlap = _int(settings, "overlap", True, error)
        _bounds("overlap", overlap, 1, max_size // 2, error)
        return {"strategy": "word", "max_chunk_size": max_size, "overlap": overlap}
    # recursive (9.1+)
    _bounds("max_chunk_size", max_size, 10, MAX_CHUNK_UPPER, error)
    if "separators" in settings and "separator_group" in settings:
        raise _fail("[chunking_settings] can not contain both [separators] and [separator_group]", error)
    out: dict = {"strategy": "recursive", "max_chunk_size": max_size}
    if "separators" in settings:
        seps = settings["separators"]
        if not isinstance(seps, list) or not seps:
            raise _fail("[chunking_settings] [separators] must be a non-empty list", error)
        out["separators"] = seps
    else:
        group = settings.get("separator_group", "plaintext")
        if group not in ("plaintext", "markdown"):
            raise _fail(
                f"[chunking_settings] Invalid value [{group}] received. [separator_group] must be one of [plaintext, markdown]",
                error,
            )
        out["separator_group"] = group
    return out


_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)\s*")


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _word_windows(text: str, base: int, size: int, overlap: int) -> list[tuple[int, int]]:
    words = [m.span() for m in _WORD.finditer(text)]
    if len(words) <= size:
        return [(base, base + len(text))]
    spans = []
    step = max(size - overlap, 1)
    start_word = 0
    while start_word < len(words):
        end_word = min(start_word + size, len(words))
        start = 0 if start_word == 0 else words[start_word][0]
        end = len(text) if end_word == len(words) else words[end_word - 1][1]
        spans.append((base + start, base + end))
        if end_word == len(words):
            break
        start_word += step
    return spans


def chunk_spans(text: str, settings: dict | None) -> list[tuple[int, int]]:
    """(start, end) character offsets of the chunks of ``text``."""
    settings = settings or DEFAULT_CHUNKING
    strategy = settings.get("strategy", "sentence")
    size = int(settings.get("max_chunk_size", DEFAULT_CHUNKING["max_chunk_size"]))
    if strategy == "none" or _word_count(text) <= size:
        return [(0, len(text))]
    if strategy == "word":
        return _word_windows(text, 0, size, int(settings.get("overlap", 0)))
    overlap = int(settings.get("sentence_overlap", 1)) if strategy == "sentence" else 0
    sentences = [m.span() for m in _SENTENCE.finditer(text) if m.end() > m.start()]
    spans: list[tuple[int, int]] = []
    current: list[tuple[int, int]] = []
    words = 0
    for start, end in sentences:
        count = _word_count(text[start:end])
        if count > size:  # a sentence longer than a chunk is cut at words
            if current:
                spans.append((current[0][0], current[-1][1]))
                current, words = [], 0
            spans += _word_windows(text[start:end], start, size, 0)
            continue
        if current and words + count > size:
            spans.append((current[0][0], current[-1][1]))
            current = current[-overlap:] if overlap else []
            words = sum(_word_count(text[s:e]) for s, e in current)
        current.append((start, end))
        words += count
    if current:
        spans.append((current[0][0], current[-1][1]))
    return spans
