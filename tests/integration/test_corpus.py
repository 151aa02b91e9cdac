"""The real-world corpus (tests/corpus and the ECS templates), each case through the CLI:
validate -> apply -> plan shows nothing -> the case's change -> plan shows exactly that change
-> apply -> plan shows nothing. Against the fake for every case, and against real Elasticsearch
8.19 and 9.x for the cases whose bodies its integration-test distribution can serve.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.corpus_cases import CorpusCase, all_cases

CASES = all_cases()
REAL = [c for c in CASES if c.real_es]


def _round_trip(eisops, case: CorpusCase, url: str, tmp_path) -> None:
    for variable in set(re.findall(r"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}", json.dumps(case.documents))):
        eisops.monkeypatch.setenv(variable, f"corpus-secret-{variable.lower()}")
    manifests = case.write(tmp_path / "m")
    code, out, err = eisops("validate", manifests)
    assert code == 0, out + err
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0, out + err
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert (code, err) == (0, ""), f"not converged after apply:\n{out}"

    case.write(manifests, changed=True)
    plan = eisops.plan_json(manifests, "--url", url)
    change = case.change
    assert [(c["kind"], c["name"], c["action"]) for c in plan["changes"]] == [(change.kind, change.name, "update")], plan
    paths = [c["path"] for c in plan["changes"][0]["changes"]]
    assert paths and any(all(p[:len(e)] == e or e[:len(p)] == p for p in paths)
                         for e in map(list, change.expected_paths())), (change.expected_paths(), paths)

    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0, out + err
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert (code, err) == (0, ""), f"not converged after the change:\n{out}"


@pytest.mark.parametrize("fake_es_version", ["9.5.2"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_on_the_fake(fake_es, eisops, tmp_path, case):
    _round_trip(eisops, case, fake_es.url, tmp_path)


@pytest.mark.parametrize("case", REAL, ids=[c.name for c in REAL])
def test_corpus_on_real_elasticsearch(real_es_clean, eisops, tmp_path, case):
    _round_trip(eisops, case, real_es_clean.url, tmp_path)


def test_the_corpus_is_large_and_covers_every_kind():
    kinds = {d.get("kind") for c in CASES for d in c.documents}
    assert len(CASES) >= 61 and kinds == {"InferenceEndpoint", "IngestPipeline", "ComponentTemplate",
                                          "IndexTemplate", "Index"}, (len(CASES), kinds)
    for case in CASES:
        assert case.header["licence"] in ("Apache-2.0", "Elastic documentation example",
                                          "written afresh to the shape of the source"), case.name
