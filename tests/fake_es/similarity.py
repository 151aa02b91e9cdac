"""String similarity used for ES's "did you mean" hints.

What it is for: the Levenshtein-based suggestion ES appends to unknown
settings and unknown query parameters (candidates with similarity > 0.7,
best first).

What it must not do: anything else.
"""

from __future__ import annotations


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return 1.0 - _levenshtein(a, b) / max(len(a), len(b))


def suggest(key: str, candidates: list[str], threshold: float = 0.7) -> list[str]:
    scored = [(similarity(key, c), c) for c in candidates if c != key]
    good = [(s, c) for s, c in scored if s > threshold]
    good.sort(key=lambda t: (-t[0], t[1]))
    return [c for _, c in good]
