"""The Elastic docs' Jina page, which eisops exists for: its five PUT bodies are the examples'
bodies as written there, and they validate, apply and then plan as no change on the fake (9.3+)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import write_manifests

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "jina-models.md"
EXAMPLES = Path(__file__).resolve().parents[2] / "manifests" / "inference" / "eis-jina.yaml"
PUT = re.compile(r"```console\nPUT _inference/(?P<task>[a-z_]+)/(?P<name>[a-z0-9._-]+)\n(?P<body>\{.*?\n\})\n```", re.S)


def seed_requests() -> list[tuple[str, str, dict]]:
    return [(m["task"], m["name"], json.loads(m["body"])) for m in PUT.finditer(SEED.read_text())]


pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed/jina-models.md is not present")


def test_the_page_has_five_requests_and_the_examples_hold_them_verbatim():
    from eisops.planning.validate import load_manifests
    requests = seed_requests()
    assert len(requests) == 5
    examples = {(r.task_type, r.name): r.spec for r in load_manifests([str(EXAMPLES)]).resources}
    assert examples == {(task, name): body for task, name, body in requests}


@pytest.mark.parametrize("fake_es_version", ["9.3.0", "9.5.2"])
def test_the_page_requests_as_written_apply_and_converge(fake_es, eisops, tmp_path):
    docs = [json.dumps({"kind": "InferenceEndpoint", "name": name, "task_type": task, "spec": body})
            for task, name, body in seed_requests()]
    manifests = write_manifests(tmp_path / "m", {"eisops.yaml": "project: jina\n", "seed.yaml": "\n---\n".join(docs)})
    assert eisops("validate", manifests)[:2] == (0, "5 resources in 1 file: valid.\n")
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0 and "Apply complete: 5 created" in out, out + err
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert (code, err) == (0, ""), out
