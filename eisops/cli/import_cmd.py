"""``eisops import KIND NAME...``: write manifests for existing objects, for the project to adopt."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from eisops.cli.app import App, connection_options
from eisops.errors import EisopsError
from eisops.planning.importer import import_manifests


@click.command("import")
@click.argument("kind")
@click.argument("names", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every object of KIND that no one manages (not Elasticsearch's own).")
@click.option("--out", "out", default="manifests", show_default=True, metavar="DIR",
              help="Where to write the manifests (the project's directory).")
@connection_options
@click.pass_obj
def import_(app: App, kind: str, names: tuple[str, ...], everything: bool, out: str, url: str | None,
            ca_cert: str | None) -> int:
    """Write a manifest for each existing object NAME of KIND (or --all of them) into DIR: the next
    plan adopts them as they are, and the plan after that is empty."""
    cluster = app.connect(url, ca_cert)
    try:
        documents = import_manifests(cluster, kind, list(names), everything)
    finally:
        cluster.close()
    directory = Path(out)
    written = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for document in documents:
            target = directory / f"{document['kind']}-{document['name']}.yaml".replace("/", "_")
            if target.exists():
                raise EisopsError(f"{target} exists already; nothing more was written")
            target.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
            written.append(target)
    except OSError as exc:
        raise EisopsError(f"cannot write into {directory}: {exc.strerror}") from None
    for target in written:
        click.echo(f"Wrote {target}")
    secrets = sorted({v for d in documents for v in (d["spec"].get("service_settings") or {}).values()
                      if isinstance(v, str) and v.startswith("${env:")})
    if secrets:
        click.echo(f"Set these in the environment before you plan (Elasticsearch never returns secrets): "
                   f"{', '.join(s[len('${env:'):-1] for s in secrets)}")
    click.echo(f"{len(written)} manifest{'s' if len(written) != 1 else ''} written; the next plan adopts "
               f"{'them' if len(written) != 1 else 'it'}.")
    return 0
