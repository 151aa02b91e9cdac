"""Projects sharing one cluster: each changes and prunes only its own objects."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from tests.helpers import write_manifests


def pipeline(name: str) -> str:
    return f"kind: IngestPipeline\nname: {name}\nspec: {{processors: [{{set_security_user: {{field: user}}}}]}}\n"


def template(name: str) -> str:
    return f"kind: ComponentTemplate\nname: {name}\nspec: {{template: {{settings: {{number_of_replicas: 0}}}}}}\n"


def project(tmp_path, name: str, docs: list[str]):
    return write_manifests(tmp_path / name, {"eisops.yaml": f"project: {name}\n", "m.yaml": "---\n".join(docs)})


def endpoint(name: str) -> str:
    return (f"kind: InferenceEndpoint\nname: {name}\ntask_type: text_embedding\n"
            "spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}\n")


def _two_projects(eisops, url, tmp_path, with_endpoints: bool):
    a_docs = [pipeline("a-pipe"), template("a-tmpl")] + ([endpoint("a-emb")] if with_endpoints else [])
    b_docs = [pipeline("b-pipe"), template("b-tmpl")] + ([endpoint("b-emb")] if with_endpoints else [])
    a, b = project(tmp_path, "team-a", a_docs), project(tmp_path, "team-b", b_docs)
    for directory in (a, b):
        code, out, err = eisops("apply", directory, "--url", url, "--auto-approve")
        assert code == 0 and "0 deleted" in out, out + err
    # A's objects are untouched by B's apply, and A's next plan is empty
    code, out, err = eisops("plan", a, "--url", url, "--detailed-exitcode")
    assert code == 0, out + err
    # B declaring A's pipeline: a conflict naming project team-a
    (b / "m.yaml").write_text("---\n".join(b_docs + [pipeline("a-pipe")]))
    code, out, err = eisops("plan", b, "--url", url, "--detailed-exitcode")
    assert code == 1 and "project [team-a] manages this ingest pipeline" in out, out + err
    code, out, err = eisops("apply", b, "--url", url, "--auto-approve")
    assert code == 1 and "IngestPipeline/a-pipe conflicts" in err
    # removing a manifest from B deletes only B's object
    (b / "m.yaml").write_text("---\n".join(b_docs[1:]))
    code, out, err = eisops("apply", b, "--url", url, "--auto-approve")
    assert code == 0 and "1 deleted" in out, out + err
    es = Elasticsearch(url)
    assert "b-pipe" not in es.ingest.get_pipeline().body and "a-pipe" in es.ingest.get_pipeline().body
    for directory in (a, b):
        assert eisops("plan", directory, "--url", url, "--detailed-exitcode")[0] == 0


def test_two_projects_on_the_fake(fake_es, eisops, tmp_path):
    _two_projects(eisops, fake_es.url, tmp_path, with_endpoints=True)


def test_two_projects_on_real_elasticsearch(real_es_clean, eisops, tmp_path):
    _two_projects(eisops, real_es_clean.url, tmp_path, with_endpoints=False)


def test_objects_of_an_earlier_eisops_are_taken_into_the_project_that_declares_them(fake_es, eisops, tmp_path):
    es = Elasticsearch(fake_es.url)
    es.ingest.put_pipeline(id="old-pipe", processors=[{"set_security_user": {"field": "user"}}],
                           meta={"managed_by": "eisops"})
    es.ingest.put_pipeline(id="old-other", processors=[], meta={"managed_by": "eisops"})
    a = project(tmp_path, "team-a", [pipeline("old-pipe")])
    code, out, err = eisops("plan", a, "--url", fake_es.url)
    assert "taken into project [team-a]" in out and "old-other" in out and "left alone" in out, out
    assert eisops("apply", a, "--url", fake_es.url, "--auto-approve")[0] == 0
    assert es.ingest.get_pipeline(id="old-pipe").body["old-pipe"]["_meta"]["eisops_project"] == "team-a"
    assert "old-other" in es.ingest.get_pipeline().body  # not pruned: no project declared it
    assert eisops("plan", a, "--url", fake_es.url, "--detailed-exitcode")[0] == 0


def test_prune_off_keeps_objects_that_left_the_manifests(fake_es, eisops, tmp_path):
    a = project(tmp_path, "team-a", [pipeline("p1"), pipeline("p2")])
    assert eisops("apply", a, "--url", fake_es.url, "--auto-approve")[0] == 0
    (a / "eisops.yaml").write_text("project: team-a\nprune: {IngestPipeline: false}\n")
    (a / "m.yaml").write_text(pipeline("p1"))
    code, out, err = eisops("plan", a, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 0 and "no longer declared, kept (prune is off): IngestPipeline/p2" in out, out + err


def test_init_writes_the_project_file_and_plans_without_one_say_which_project(fake_es, eisops, tmp_path):
    directory = write_manifests(tmp_path / "m", {"m.yaml": pipeline("p")})
    code, out, err = eisops("plan", directory, "--url", fake_es.url)
    assert "no project file: these manifests are planned as project [default]" in out
    code, out, err = eisops("init", directory, "--project", "search-platform")
    assert code == 0 and (directory / "eisops.yaml").read_text().count("project: search-platform") == 1
    code, out, err = eisops("plan", directory, "--url", fake_es.url)
    assert "no project file" not in out and 'eisops_project = "search-platform"' in out
    assert eisops("init", directory, "--project", "again")[0] == 1
    (directory / "eisops.yaml").write_text("project: Not Valid\n")
    code, out, err = eisops("validate", directory)
    assert code == 1 and "eisops.yaml:1:1: project must be a name" in err, err


def test_concurrent_applies_of_two_projects_keep_every_record(fake_es, tmp_path):
    """Each project's record is a document of its own, written with sequence numbers: two projects
    applying at the same moment never lose each other's records. EISOPS_CONCURRENCY_ROUNDS sets the
    rounds (default 3; the longer run uses 20)."""
    import os
    import subprocess
    import sys
    rounds = int(os.environ.get("EISOPS_CONCURRENCY_ROUNDS", "3"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELASTICSEARCH_")}
    for round_ in range(rounds):
        dirs = []
        for team in ("team-a", "team-b"):
            docs = [endpoint(f"{team}-r{round_}-e{i:02d}") for i in range(40)]
            dirs.append(project(tmp_path / f"r{round_}", team, docs))
        procs = [subprocess.Popen([sys.executable, "-m", "eisops", "apply", str(d), "--url", fake_es.url,
                                   "--auto-approve"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for d in dirs]
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, out + err
        for d in dirs:
            plan = subprocess.run([sys.executable, "-m", "eisops", "plan", str(d), "--url", fake_es.url,
                                   "--detailed-exitcode"], capture_output=True, text=True, env=env, timeout=300)
            assert plan.returncode == 0, plan.stdout + plan.stderr


def test_target_applies_one_object_and_what_it_references_without_touching_the_rest(fake_es, eisops, tmp_path):
    docs = [pipeline("p1"), pipeline("p2"), endpoint("emb"),
            "kind: Index\nname: docs\nspec: {settings: {default_pipeline: p1}, mappings: {properties: "
            "{c: {type: semantic_text, inference_id: emb}}}}\n"]
    a = project(tmp_path, "team-a", docs)
    code, out, err = eisops("apply", a, "--url", fake_es.url, "--auto-approve", "--target", "Index/docs")
    assert code == 0 and "Apply complete: 3 created" in out, out + err  # docs, its pipeline, its endpoint
    es = Elasticsearch(fake_es.url)
    assert "p2" not in (es.options(ignore_status=404).ingest.get_pipeline().body or {})
    # a target plan never prunes: p1 left the manifests, yet the targeted plan keeps it
    (a / "m.yaml").write_text("---\n".join([pipeline("p2"), endpoint("emb")]))
    code, out, err = eisops("plan", a, "--url", fake_es.url, "--target", "IngestPipeline/p2", "--output", "json")
    assert code == 0 and [c["name"] for c in __import__("json").loads(out)["changes"]] == ["p2"], out
    code, out, err = eisops("plan", a, "--url", fake_es.url, "--target", "IngestPipeline/nope")
    assert code == 1 and "--target IngestPipeline/nope: no manifest declares it" in err
