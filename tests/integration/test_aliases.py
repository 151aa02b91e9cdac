"""Aliases through the CLI, on the fake and on real Elasticsearch: added, removed, renamed and
moved (a write alias included) in one atomic _aliases request; the next plan is empty."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from tests.helpers import write_manifests


def index(name: str, aliases: str) -> str:
    return f"kind: Index\nname: {name}\nspec:\n  aliases: {aliases}\n"


def aliases_of(url: str) -> dict:
    body = Elasticsearch(url).indices.get_alias(index="logs-*")
    return {name: value.get("aliases") or {} for name, value in sorted(body.items())}


def apply(eisops, tmp_path, url, files: dict[str, str]) -> str:
    manifests = tmp_path / "m"
    for old in manifests.glob("*.yaml") if manifests.is_dir() else ():
        old.unlink()
    write_manifests(manifests, {"eisops.yaml": "project: aliases\n", **files})
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0, out + err
    code, plan, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert (code, err) == (0, ""), plan
    return out


def test_alias_changes_converge_on_the_fake(fake_es, eisops, tmp_path):
    alias_changes(eisops, tmp_path, fake_es.url)


def test_alias_changes_converge_on_real_elasticsearch(real_es_clean, eisops, tmp_path):
    alias_changes(eisops, tmp_path, real_es_clean.url)


def alias_changes(eisops, tmp_path, url):
    apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{r: {is_write_index: true}}")})
    assert aliases_of(url) == {"logs-1": {"r": {"is_write_index": True}}}
    # Renamed, with other options.
    apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{r2: {}}")})
    assert aliases_of(url) == {"logs-1": {"r2": {}}}
    # Added and removed at once.
    apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{r3: {filter: {term: {level: error}}}, r4: {}}")})
    assert set(aliases_of(url)["logs-1"]) == {"r3", "r4"}
    # A write alias, then moved to a new index: one request, so never two write indices.
    apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{w: {is_write_index: true}}")})
    out = apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{w: {is_write_index: false}}"),
                                         "b.yaml": index("logs-2", "{w: {is_write_index: true}}")})
    assert aliases_of(url) == {"logs-1": {"w": {"is_write_index": False}}, "logs-2": {"w": {"is_write_index": True}}}
    # And back, between two existing indices.
    apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{w: {is_write_index: true}}"),
                                  "b.yaml": index("logs-2", "{w: {is_write_index: false}}")})
    assert aliases_of(url) == {"logs-1": {"w": {"is_write_index": True}}, "logs-2": {"w": {"is_write_index": False}}}
    # Removed from one index while the other keeps it.
    apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{w: {is_write_index: true}}"),
                                  "b.yaml": index("logs-2", "{}")})
    assert aliases_of(url) == {"logs-1": {"w": {"is_write_index": True}}, "logs-2": {}}


def test_a_write_alias_move_is_one_request_rendered_per_index(fake_es, eisops, tmp_path):
    url = fake_es.url
    apply(eisops, tmp_path, url, {"a.yaml": index("logs-1", "{w: {is_write_index: true}}"),
                                  "b.yaml": index("logs-2", "{}")})
    write_manifests(tmp_path / "m", {"a.yaml": index("logs-1", "{w: {is_write_index: false}}"),
                                     "b.yaml": index("logs-2", "{w: {is_write_index: true}}")})
    code, out, err = eisops("plan", tmp_path / "m", "--url", url)
    assert "~ aliases.w.is_write_index = true -> false" in out and "+ aliases.w = {" in out, out
    assert "note: its alias changes are made with index logs-1's, in one _aliases request" in out
    plan = eisops.plan_json(tmp_path / "m", "--url", url)
    requests = [op for c in plan["changes"] for op in c["operations"] if op["verb"] == "update_aliases"]
    assert requests == [{"verb": "update_aliases", "method": "POST", "path": "/_aliases", "body": {"actions": [
        {"add": {"index": "logs-1", "alias": "w", "is_write_index": False}},
        {"add": {"index": "logs-2", "alias": "w", "is_write_index": True}}]}}]
