"""Retention: archive an inspection to one file that verifies offline, purge it from the server (refused before
publication unless forced with a reason), and keep only its tombstone; the archive still verifies after the purge."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from click.testing import Result
from sqlalchemy import create_engine, text

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.protocol import Error, Hello
from tests.server.conftest import Team, WireClient, accepted, make_team, post_frame, stored_bytes
from tests.server.test_audit_chain import six_events
from tests.server.test_migrations import cli

TEXT = "Finding number 3: multi-agency work is timely."
"""One of six_events' texts, to look for in what the purge leaves."""


def archive(db_url: str, team: Team, out: Path) -> Result:
    return cli("inspection", "archive", "--inspection", str(team.inspection.id), "--out", str(out), "--db", db_url)


def purge(db_url: str, team: Team, *options: str) -> Result:
    return cli("inspection", "purge", str(team.inspection.id), *options, "--db", db_url)


def verify_archive(out: Path) -> Result:
    return cli("audit", "verify", "--archive", str(out))


def tombstones(db_url: str) -> list[dict[str, object]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return [dict(row) for row in connection.execute(text("SELECT * FROM tombstone")).mappings()]
    finally:
        engine.dispose()


def rewrite(out: Path, change: dict[str, str]) -> None:
    """Replace files inside the archive, as someone editing it would."""
    with zipfile.ZipFile(out) as bundle:
        files = {name: bundle.read(name).decode() for name in bundle.namelist()}
    files.update(change)
    with zipfile.ZipFile(out, "w") as bundle:
        for name, content in files.items():
            bundle.writestr(name, content)


async def test_archive_then_forced_purge_leaves_a_tombstone_and_the_archive_still_verifies(
    server: TeamServer, team: Team, db_url: str, tmp_path: Path
) -> None:
    await six_events(server, team)
    out = tmp_path / "northmoor.zip"

    archived = archive(db_url, team, out)
    assert archived.exit_code == 0, archived.output
    assert out.stat().st_mode & 0o077 == 0, "the archive holds the inspection: only its owner may read it"
    with zipfile.ZipFile(out) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        report = bundle.read("report.md").decode()
        lines = bundle.read("events.jsonl").decode().splitlines()
    assert len(lines) == manifest["events"] == 6
    assert f"up to seq 6, chain hash {manifest['head']['chain']} " in report

    early = purge(db_url, team)
    assert early.exit_code == 1 and "not published yet" in early.output, early.output
    assert purge(db_url, team, "--force").exit_code != 0
    personal = purge(db_url, team, "--force", "--reason", "Asked by the family on 07700 900123")
    assert personal.exit_code == 1 and "personal data" in personal.output, personal.output
    assert TEXT.encode() in stored_bytes(db_url), "a refused purge removes nothing"

    purged = purge(db_url, team, "--force", "--reason", "[red]Court order[/red] to delete early")
    assert purged.exit_code == 0, purged.output

    [tombstone] = tombstones(db_url)
    assert tombstone["name"] == team.inspection.name
    assert (tombstone["head_seq"], tombstone["head_chain"]) == (6, manifest["head"]["chain"])
    assert tombstone["reason"] == "[red]Court order[/red] to delete early" and tombstone["purged_by"]
    assert TEXT.encode() not in stored_bytes(db_url)
    assert cli("audit", "verify", "--inspection", str(team.inspection.id), "--db", db_url).exit_code != 0
    checked = verify_archive(out)
    assert checked.exit_code == 0, checked.output
    assert f"chain intact: 6 events, head seq 6 {manifest['head']['chain']}" in checked.output


async def test_a_published_inspection_is_purged_without_force_and_its_team_is_told(
    db_url: str, make_config: Callable[..., ServerConfig]
) -> None:
    engine = database.connect(db_url)
    try:
        done = database.create_inspection(
            engine, name="Eastmoor", start_date=date(2025, 1, 6), end_date=date(2025, 1, 17)
        )
        _lead, token = database.add_inspector(engine, inspection_id=done.id, name="Dee Marsh",
                                             inspectorate="ofsted", role="lead")
    finally:
        engine.dispose()
    team = make_team(db_url, "Westmoor")  # another inspection, untouched
    async with TeamServer(make_config()) as server:
        client = await WireClient.join(server.url, token)
        await accepted(client, post_frame())
        await client.close()

        result = cli("inspection", "purge", str(done.id), "--db", db_url)
        assert result.exit_code == 0, result.output

        gone = await WireClient.open(server.url)
        await gone.send(Hello(token=token))
        refused = await gone.recv()
        assert isinstance(refused, Error) and refused.code == "purged", refused
        await gone.close()
        other = await WireClient.join(server.url, team.lead.token)
        await other.close()
    assert [t["inspection_id"] for t in tombstones(db_url)] == [done.id]


async def test_an_edited_archive_fails_naming_the_seq(
    server: TeamServer, team: Team, db_url: str, tmp_path: Path
) -> None:
    await six_events(server, team)
    out = tmp_path / "northmoor.zip"
    assert archive(db_url, team, out).exit_code == 0
    with zipfile.ZipFile(out) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        lines = bundle.read("events.jsonl").decode().splitlines()

    edited = [*lines[:2], lines[2].replace("number 3", "number 9"), *lines[3:]]
    rewrite(out, {"events.jsonl": "\n".join(edited) + "\n"})
    assert verify_archive(out).output.endswith("events.jsonl does not match the manifest's hash of it: altered\n")

    events_text = "\n".join(edited) + "\n"
    manifest["files"]["events.jsonl"] = hashlib.sha256(events_text.encode()).hexdigest()  # the hash made to agree
    rewrite(out, {"events.jsonl": events_text, "manifest.json": json.dumps(manifest)})
    result = verify_archive(out)
    assert result.exit_code == 1
    assert result.output.startswith(f"archive {out}: seq 3 "), result.output

    dropped = lines[:3] + lines[4:]
    manifest["files"]["events.jsonl"] = hashlib.sha256(("\n".join(dropped) + "\n").encode()).hexdigest()
    rewrite(out, {"events.jsonl": "\n".join(dropped) + "\n", "manifest.json": json.dumps(manifest)})
    assert verify_archive(out).output.startswith(f"archive {out}: seq 4 removed")
