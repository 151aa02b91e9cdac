"""A static index setting changes by closing and reopening the index, only with --allow-close
(fake and real Elasticsearch); a final one is blocked."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from tests.helpers import write_manifests

INDEX = """
kind: Index
name: books
spec:
  settings:
    number_of_shards: SHARDS
    analysis:
      analyzer:
        titles: {type: standard, max_token_length: LENGTH}
  mappings:
    properties:
      title: {type: text, analyzer: titles}
"""


def _manifests(tmp_path, length=100, shards=1):
    return write_manifests(tmp_path / "m", {"eisops.yaml": "project: books\n", "i.yaml": INDEX.replace(
        "LENGTH", str(length)).replace("SHARDS", str(shards))})


def static_setting_round_trip(eisops, tmp_path, url):
    manifests = _manifests(tmp_path)
    assert eisops("apply", manifests, "--url", url, "--auto-approve")[0] == 0
    Elasticsearch(url).index(index="books", id="1", document={"title": "Dune"}, refresh=True)
    _manifests(tmp_path, length=200)
    code, out, err = eisops("plan", manifests, "--url", url)
    assert "index.analysis.analyzer.titles.max_token_length is a static setting" in out, out
    assert "closed and reopened — unavailable to searches and writes" in out
    assert "# (needs --allow-close)" in out
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "--allow-close" in err, out + err
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve", "--allow-close")
    assert code == 0, out + err
    es = Elasticsearch(url)
    settings = es.indices.get_settings(index="books")["books"]["settings"]["index"]
    assert settings["analysis"]["analyzer"]["titles"]["max_token_length"] == "200"
    assert es.count(index="books")["count"] == 1  # open again, with its documents
    assert eisops("plan", manifests, "--url", url, "--detailed-exitcode")[0] == 0
    # A final setting takes a new index: a migration.
    _manifests(tmp_path, length=200, shards=2)
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 2 and "needs a new index: final index setting [index.number_of_shards], not updateable" in out, out
    assert 'Index "books" will be migrated to a new index' in out


def test_static_setting_on_the_fake(fake_es, eisops, tmp_path):
    static_setting_round_trip(eisops, tmp_path, fake_es.url)


def test_static_setting_on_real_elasticsearch(real_es_clean, eisops, tmp_path):
    static_setting_round_trip(eisops, tmp_path, real_es_clean.url)
