"""Generated malformed manifests never crash, hang or run away with memory.

Each input (a real manifest of the examples or the corpus with a value replaced, a key
removed or added; YAML text with syntax broken at a random place; random bytes; deep
nesting, aliases, many documents, huge files; a broken project file) goes through
``eisops validate`` and ``eisops plan --offline`` in-process. Whatever the input, the run
ends within a bound, exits 0 or 1, prints no traceback and no "unexpected" error, and an
exit of 1 names at least one file:line:column. ``EISOPS_FUZZ_EXAMPLES`` sets the number of
examples per strategy (default 400; the suite's six strategies then make 2,400 inputs).
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import signal
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eisops.cli import main
from eisops.manifest import loader

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("EISOPS_FUZZ_EXAMPLES", "400"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: A run that takes longer than this has hung (the slowest input here takes well under a second).
HANG_SECONDS = 30
PLACE = re.compile(r"^\S[^\n]*:\d+:\d+: ", re.MULTILINE)


def _seed_files() -> list[Path]:
    files = sorted((ROOT / "manifests").rglob("*.yaml")) + sorted((ROOT / "tests" / "corpus").rglob("*.yaml"))
    return [f for f in files if f.name not in loader.PROJECT_FILE_NAMES]


SEEDS = [(path, [d.data for d in loader.load_file(path, str(path))[0]]) for path in _seed_files()]
SEED_TEXTS = [path.read_text() for path, _ in SEEDS]


class Hung(Exception):
    pass


def _alarm(*_: object) -> None:
    raise Hung(f"eisops ran longer than {HANG_SECONDS} s")


def run_cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code
            else:  # pragma: no cover - main always exits
                code = 0
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue() + err.getvalue()


def check(directory: Path) -> None:
    """Both commands on ``directory``: bounded, no crash, and a place for every refusal."""
    for args in (("validate", str(directory)), ("plan", str(directory), "--offline")):
        code, output = run_cli(*args)
        assert "Traceback" not in output and "Error: unexpected" not in output, (args, output[-3000:])
        assert code in (0, 1), (args, code, output[-3000:])
        if code == 1:
            assert PLACE.search(output), (args, output[-3000:])


def write(files: dict[str, bytes | str]) -> tempfile.TemporaryDirectory:
    tmp = tempfile.TemporaryDirectory(prefix="eisops-fuzz-")
    for name, content in files.items():
        target = Path(tmp.name) / "m" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return tmp


def check_files(files: dict[str, bytes | str]) -> None:
    with write(files) as tmp:
        check(Path(tmp) / "m")


# Values of every JSON type and the YAML-only ones, with the awkward cases up front.
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 30), st.floats(allow_nan=True),
    st.text(max_size=20), st.text(alphabet=st.characters(codec="utf-8"), min_size=300, max_size=2000),
    st.sampled_from(["", " ", "*", "-", "_all", ".hidden", "UPPER", "a/b", "${env:NOPE}", "${file:/nonexistent}",
                     "${env:}", "text_embedding", "sparse_embedding", "elastic", "semantic_text", "dense_vector",
                     "keyword", "long", "1gb", "-1", "0", "true", "null", "nan", "1e400"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, prefix + (i,))
    return found


def _mutate(data: object, path: tuple, how: str, value: object, key: str) -> object:
    if not path:
        return value if how == "replace" else data
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent[last], dict):
        parent[last][key] = value
    elif how == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    else:
        parent[last] = value
    return data


@given(seed=st.sampled_from(range(len(SEEDS))), data=st.data())
@FUZZ
def test_a_value_of_the_wrong_type_anywhere(seed, data):
    path, documents = SEEDS[seed]
    documents = copy.deepcopy(documents)
    changes = data.draw(st.integers(min_value=1, max_value=3))
    for _ in range(changes):
        index = data.draw(st.integers(min_value=0, max_value=len(documents) - 1))
        where = data.draw(st.sampled_from(_paths(documents[index])))
        how = data.draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        documents[index] = _mutate(documents[index], where, how, data.draw(VALUES), data.draw(st.text(max_size=10)))
    text = yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False)
    check_files({path.name: text})


# Fragments of YAML syntax, spliced into real manifests at random places.
FRAGMENTS = st.sampled_from([
    "\t", "  ", "\n", ": ", ":", "- ", "-", "{", "}", "[", "]", ",", "&a ", "*a", "*b", "&a", "!!str ", "!!int ",
    "!!float ", "!!binary ", "!!set ", "!!omap ", "!!python/object:os.system ", "!custom ", "? ", "|", ">", "'", '"',
    "\\", "\\ud800", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "<<: ", "<<: *a\n", "#", "\r", "\x00",
    "\x07", "\ufeff", "\u2028", "\x85", "é", "😀", "~", "null", "0x1F", "0o17", "1e999", ".nan", "9" * 5000,
])


@given(seed=st.sampled_from(range(len(SEED_TEXTS))), data=st.data())
@FUZZ
def test_yaml_broken_at_random_places(seed, data):
    text = SEED_TEXTS[seed]
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        at = data.draw(st.integers(min_value=0, max_value=len(text)))
        cut = data.draw(st.integers(min_value=0, max_value=3))
        text = text[:at] + data.draw(FRAGMENTS) + text[at + cut:]
    check_files({"broken.yaml": text})


@given(content=st.one_of(st.binary(max_size=3000), st.text(max_size=3000),
                         st.builds(lambda head, tail: head.encode() + tail, st.sampled_from(SEED_TEXTS),
                                   st.binary(min_size=1, max_size=64))))
@FUZZ
def test_random_bytes_and_text(content):
    check_files({"random.yaml": content})


def _nested(depth: int, style: str) -> str:
    if style == "flow-list":
        return "[" * depth + "]" * depth
    if style == "flow-map":
        return "{a: " * depth + "1" + "}" * depth
    if style == "block-list":
        return "\n      " + "- " * depth + "x"
    return "".join(" " * i + "a:\n" for i in range(min(depth, 2000))) + " " * min(depth, 2000) + "b: 1"


def _bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "kind: IngestPipeline\nname: bomb\nspec:\n  _meta:\n" + "".join(f"    {line}\n" for line in lines)


SHAPES = st.one_of(
    st.builds(lambda d, s: "kind: IngestPipeline\nname: deep\nspec:\n  _meta:\n    v: " + _nested(d, s) + "\n",
              st.integers(min_value=50, max_value=10_000), st.sampled_from(["flow-list", "flow-map", "block-list",
                                                                             "block-map"])),
    st.builds(_bomb, st.integers(min_value=2, max_value=9), st.integers(min_value=2, max_value=12)),
    st.builds(lambda a: f"kind: IngestPipeline\nname: self\nspec: &{a} {{processors: [*{a}]}}\n",
              st.sampled_from(["x", "anchor"])),
    st.builds(lambda n: "---\n".join(f"kind: IngestPipeline\nname: p{i}\nspec: {{processors: []}}\n" for i in range(n)),
              st.integers(min_value=0, max_value=50)),
    st.builds(lambda n, c: f"kind: IngestPipeline\nname: {c * n}\nspec: {{processors: []}}\n",
              st.integers(min_value=200, max_value=200_000), st.sampled_from(["a", "é", "-", "😀", "A", "_"])),
    st.builds(lambda k: "kind: IngestPipeline\nname: dup\n" + f"{k}: 1\n{k}: 2\n" + "spec: {}\n",
              st.sampled_from(["kind", "name", "spec", "x", "1", "true", "null"])),
    st.builds(lambda v: yaml.safe_dump(v), VALUES),
)


@given(text=SHAPES)
@FUZZ
def test_deep_aliased_many_and_long(text):
    check_files({"shape.yaml": text})


PROJECT_FILES = st.one_of(
    st.builds(lambda v: yaml.safe_dump({"project": v}), VALUES),
    st.builds(lambda v: yaml.safe_dump({"project": "ok", "prune": v}), VALUES),
    st.builds(lambda v: yaml.safe_dump(v), VALUES),
    st.builds(lambda k, v: yaml.safe_dump({"project": "ok", k: v}), st.text(max_size=8), VALUES),
    st.binary(max_size=200), FRAGMENTS.map(lambda f: "project: " + f + "x\n"),
)


@given(project=PROJECT_FILES)
@FUZZ
def test_a_broken_project_file(project):
    check_files({"eisops.yaml": project, "p.yaml": "kind: IngestPipeline\nname: p\nspec: {processors: []}\n"})


@given(documents=st.lists(st.sampled_from(range(len(SEEDS))), min_size=1, max_size=6), data=st.data())
@FUZZ
def test_real_manifests_mixed_with_wrong_envelopes(documents, data):
    files = {}
    for n, seed in enumerate(documents):
        docs = copy.deepcopy(SEEDS[seed][1])
        envelope = data.draw(st.sampled_from(["kind", "name", "task_type", "spec", "adopt", "migrate", "addressing"]))
        docs[0][envelope] = data.draw(VALUES)
        files[f"f{n}.yaml"] = yaml.safe_dump_all(docs, allow_unicode=True)
    check_files(files)


# The limits, each with its own message at its place.
@pytest.mark.parametrize("text, message", [
    ("kind: IngestPipeline\nname: p\nspec:\n  _meta:\n    v:\n      " + "- " * 10_000 + "x\n",
     "nested deeper than 100 levels"),
    ("kind: IngestPipeline\nname: p\nspec: {_meta: " + "[" * 10_000 + "]" * 10_000 + "}\n", "invalid YAML"),
    (_bomb(9, 9), "aliases expand to more than 100,000 values"),
    ("kind: IngestPipeline\nname: p\nspec: &x {processors: [*x]}\n", "the alias *x refers to a value that contains it"),
    ("---\n".join(f"name: p{i}\n" for i in range(loader.MAX_DOCUMENTS + 1)), "more than 20,000 documents in one file"),
    ("kind: IngestPipeline\nname: p\nspec: {version: " + "9" * 5000 + "}\n", "too many digits"),
    ("kind: IngestPipeline\nname: p\nspec: {version: !!float abc}\n", "cannot read 'abc' as float"),
    ("kind: IngestPipeline\nname: p\nspec: {version: !!int ''}\n", "cannot read '' as int"),
    ("kind: IngestPipeline\nname: p\nspec: {version: .inf}\n", "not a finite number"),
    ("kind: IngestPipeline\nname: p\nspec: {description: \"a\x01\"}\n", "the character #x0001 is not allowed"),
    ("kind: IngestPipeline\nname: p\nspec: {description: !!python/name:os.system x}\n", "is not supported"),
    ("kind: IngestPipeline\nname: p\n\tspec: {}\n", "invalid YAML"),
])
def test_each_limit_is_named_at_its_place(tmp_path, text, message):
    (tmp_path / "m.yaml").write_text(text)
    code, output = run_cli("validate", str(tmp_path))
    assert code == 1 and message in output, output[-2000:]
    assert re.search(r"m\.yaml:\d+:\d+: ", output) and "Traceback" not in output


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path):
    with open(tmp_path / "big.yaml", "wb") as handle:
        handle.truncate(loader.MAX_FILE_BYTES + 1)
    code, output = run_cli("validate", str(tmp_path))
    assert code == 1 and "more than the limit of 16 MiB" in output and "big.yaml:1:1:" in output


@pytest.mark.parametrize("name", ["x.yaml", "eisops.yaml"])
def test_a_fifo_named_yaml_is_refused_without_blocking(tmp_path, name):
    os.mkfifo(tmp_path / name)
    (tmp_path / "p.yaml").write_text("kind: IngestPipeline\nname: p\nspec: {processors: []}\n")
    code, output = run_cli("validate", str(tmp_path))
    assert code == 1 and f"{name}:1:1: not a regular file (a FIFO)" in output, output


def test_a_device_named_yaml_is_refused(tmp_path):
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    code, output = run_cli("validate", str(tmp_path / "zero.yaml"))
    assert code == 1 and "not a regular file (a character device)" in output, output


def test_invalid_utf8_is_placed_at_its_byte(tmp_path):
    (tmp_path / "m.yaml").write_bytes(b"kind: IngestPipeline\nname: p\xff\nspec: {}\n")
    code, output = run_cli("validate", str(tmp_path))
    assert code == 1 and "m.yaml:2:8: not UTF-8 text: the byte 0xff" in output, output


def test_an_alias_bomb_is_refused_within_bounded_memory(tmp_path):
    import tracemalloc
    (tmp_path / "bomb.yaml").write_text(_bomb(9, 9))  # 9**9 values if expanded: 387 million
    tracemalloc.start()
    try:
        code, output = run_cli("validate", str(tmp_path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1 and "aliases expand to more than 100,000 values" in output
    assert peak < 64 * 1024 * 1024, f"{peak:,} bytes"


@pytest.fixture(scope="module")
def saved_plan():
    """A real saved plan of the examples, made against the fake, and the fake it was made against."""
    import json

    from tests.fake_es import FakeElasticsearch
    with FakeElasticsearch(version="9.3.0") as fake, tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "plan.json"
        code, output = run_cli("plan", str(ROOT / "manifests"), "--url", fake.url, "--out", str(plan_file))
        assert code == 0, output
        yield json.loads(plan_file.read_text()), fake


@given(data=st.data())
@FUZZ
def test_a_broken_saved_plan(saved_plan, data):
    import json
    body, fake = saved_plan
    body = copy.deepcopy(body)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        where = data.draw(st.sampled_from(_paths(body)))
        how = data.draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        body = _mutate(body, where, how, data.draw(VALUES), data.draw(st.text(max_size=10)))
    if data.draw(st.booleans()) and isinstance(body, dict):  # as if eisops had written it: past the digest
        from eisops.plan import saved
        body[saved.DIGEST] = saved._digest(body)
    text = json.dumps(body)
    if data.draw(st.booleans()):
        at = data.draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + data.draw(st.sampled_from(["", "{", "]", "\x00", "\\ud800", '"', "[" * 100_000]))
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "plan.json"
        plan_file.write_text(text, encoding="utf-8", errors="surrogatepass")
        for args in (("show", str(plan_file)), ("apply", str(plan_file), "--url", fake.url, "--lock-timeout", "5s")):
            code, output = run_cli(*args)
            assert "Traceback" not in output and "Error: unexpected" not in output, (args, output[-3000:])
            assert code in (0, 1), (args, code, output[-3000:])


def test_a_fifo_given_as_a_saved_plan_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "plan.json")
    for args in (("show", str(tmp_path / "plan.json")), ("apply", str(tmp_path / "plan.json"))):
        code, output = run_cli(*args)
        assert code == 1 and "not a regular file (a FIFO)" in output, output
