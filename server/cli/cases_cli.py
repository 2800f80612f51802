"""``triangulate cases …``: import the Annex A list, draw the case sample, and look at both (CP ¶38–43, Annex A);
print the day-one request checklist (CP ¶27).

Writes go through server.handlers.dispatch.apply_command, the path every client command takes, so the
personal-data guard, the rules and the event log are the same; they are recorded with actor null (the server itself:
whoever can run this holds the database). A server already running publishes these events to its clients
(server/network/notify.py).
"""

from __future__ import annotations

import json
import textwrap
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from server.cli.clean_errors import CleanErrors
from server.cli.server_cli import _engine, db_option
from server.handlers.case_handlers import case_rows, record_of, stored_sample
from server.handlers.dispatch import Applied, apply_command
from server.handlers.errors import CommandRejected
from server.handlers.personal_data_guard import local_date
from server.storage import database
from server.storage.tables import EventRow, InspectionRow, utcnow
from shared.annex_a import AnnexAFileError, CaseRecord, ImportResult, read_annex_a
from shared.annex_a_headers import FIELD_LABELS
from shared.annex_a_lists import AnnexAView, every_view, in_view
from shared.cases import MAX_BATCH, MAX_DIGESTS, SOURCE_LENGTH, AddToSample, DrawSample, ImportCases
from shared.catalogue import read
from shared.day_one import Checklist, DayOneRequestSet, has_checklist
from shared.kinds import DAY_ONE_SET
from shared.protocol import Command
from shared.sampling import DEFAULT_MEET_FRACTION, DEFAULT_SIZE, Sample, balance_report
from shared.text import TextRefused, clean
from shared.vocabulary import Framework

inspection_option = click.option("--inspection", "inspection_id", required=True, type=int, help="Inspection id.")
view_choice = click.Choice([view.value for view in AnnexAView])


@click.group(cls=CleanErrors)
def cases() -> None:
    """Import the Annex A list, draw the case sample, and list both."""


def _inspection(engine: Engine, inspection_id: int) -> InspectionRow:
    with Session(engine) as session:
        row = session.get(InspectionRow, inspection_id)
    if row is None:
        raise click.BadParameter(f"no inspection with id {inspection_id}", param_hint="--inspection")
    return row


def _apply(engine: Engine, inspection_id: int, commands: Sequence[Command], at: datetime) -> list[Applied]:
    """Every command in one transaction: all of them are stored, or (on the first refusal) none."""
    with Session(engine) as session:
        applied = []
        for command in commands:
            try:
                applied.append(apply_command(session, inspection_id=inspection_id, actor=None, command=command, at=at))
            except CommandRejected as refused:
                session.rollback()
                where = f" ({refused.field})" if refused.field else ""
                raise click.ClickException(f"nothing stored: {refused.code}{where}: {refused.message}") from None
        session.commit()
    return applied


def _command_id(kind: str) -> str:
    return f"cli-{kind}-{uuid.uuid4().hex[:16]}"


# ---------------------------------------------------------------- import


@cases.command("import")
@inspection_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Import nothing unless every row is good.")
@db_option
def import_(inspection_id: int, file: Path, strict: bool, db_url: str) -> None:
    """Import the Annex A list in FILE (CSV or XLSX), keeping only what sampling needs (docs/cases.md)."""
    source = _source_name(file)
    engine = _engine(db_url)
    inspection = _inspection(engine, inspection_id)
    now = utcnow()
    salt = bytes.fromhex(inspection.case_salt)
    try:
        result = read_annex_a(file, filename=file.name, today=local_date(inspection, now), pseudonym_salt=salt)
    except (AnnexAFileError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    _report(file, result)
    if strict and not result.ok:
        raise click.ClickException(f"--strict: nothing imported, because {result.rejected_count} row(s) were "
                                   "rejected; correct them or run without --strict")
    if not result.cases:
        raise click.ClickException("nothing imported: no row could be read as a case")
    # Names become salted digests here and go no further: not stored, logged or printed.
    digests = sorted(result.name_index(salt).digests)
    applied = _apply(engine, inspection_id, list(_import_commands(result.cases, digests, source)), now)
    seqs = [outcome.seq for outcome in applied]
    click.echo(f"Imported {len(result.cases)} case(s) and {len(digests)} name digest(s) into inspection "
               f"{inspection_id} (events {seqs[0]}–{seqs[-1]}).")


def _source_name(file: Path) -> str:
    """The file's name as the import records it: text like any other, and at most ``SOURCE_LENGTH`` characters."""
    try:
        name = clean(file.name)
    except TextRefused as refused:
        raise click.BadParameter(f"the file name {refused}: rename the file", param_hint="FILE") from None
    return name if len(name) <= SOURCE_LENGTH else name[: SOURCE_LENGTH - 1] + "…"


def _import_commands(records: Sequence[CaseRecord], digests: Sequence[str], source: str) -> Iterator[ImportCases]:
    """Batches within the frame limits. Digests ride with the cases; if they need more batches than the cases do,
    the last case travels again (importing a case twice replaces it with itself)."""
    case_batches = [list(records[i:i + MAX_BATCH]) for i in range(0, len(records), MAX_BATCH)]
    digest_batches = [list(digests[i:i + MAX_DIGESTS]) for i in range(0, len(digests), MAX_DIGESTS)]
    for index in range(max(len(case_batches), len(digest_batches))):
        batch = case_batches[index] if index < len(case_batches) else [records[-1]]
        names = digest_batches[index] if index < len(digest_batches) else []
        yield ImportCases(id=_command_id("import"), cases=batch, name_digests=names, source=source)


def _report(file: Path, result: ImportResult) -> None:
    sheet = f", sheet {result.sheet!r}" if result.sheet else ""
    click.echo(f"Read {file.name}{sheet}, header on row {result.header_row}: {len(result.cases)} case(s), "
               f"{result.blank_rows} blank row(s) skipped, {result.rejected_count} row(s) rejected.")
    click.echo("Columns mapped:")
    for name, header in result.columns.items():
        click.echo(f"  {FIELD_LABELS.get(name, name)} ← {header}")
    if result.unmapped:
        click.echo(f"Not read (contents never kept): {', '.join(result.unmapped)}")
    for sheet in result.sheets_not_read:
        click.echo(f"Sheet not read: {sheet}")
    if result.rejected:
        click.echo("Rejected:")
    for rejection in result.rejected:
        sheet = f"{rejection.sheet} " if rejection.sheet else ""
        column = f", column {rejection.column!r}" if rejection.column else ""
        click.echo(f"  {sheet}row {rejection.row}{column}: {rejection.reason}")


# ---------------------------------------------------------------- the sample


@cases.command("sample")
@inspection_option
@click.option("--seed", required=True, type=click.IntRange(0, 2**63 - 1), help="Makes the draw reproducible.")
@click.option("--size", default=DEFAULT_SIZE, show_default=True, type=click.IntRange(1, 500))
@click.option("--good-practice", "good_practice", multiple=True, metavar="CHILD_ID",
              help="A case the local authority picked for good practice (repeat for each).")
@click.option("--meet-fraction", default=DEFAULT_MEET_FRACTION, show_default=True, type=click.FloatRange(0, 1),
              help="Share of the random sample to flag for meeting the child or family.")
@click.option("--reason", help="Why the sample has fewer than 50 cases or other than three good-practice cases "
              "(CP ¶39, ¶43): required then, and shown in the report.")
@db_option
def sample(inspection_id: int, seed: int, size: int, good_practice: tuple[str, ...], meet_fraction: float,
           reason: str | None, db_url: str) -> None:
    """Draw (or redraw) the case sample from the imported list and print it with its balance report."""
    engine = _engine(db_url)
    _inspection(engine, inspection_id)
    try:
        command = DrawSample(id=_command_id("draw"), seed=seed, size=size, good_practice=list(good_practice),
                             meet_fraction=meet_fraction, reason=reason)
    except ValueError as exc:
        hint = "--reason" if "reason" in str(exc) else "--good-practice"
        raise click.BadParameter(str(exc), param_hint=hint) from None
    seq = _apply(engine, inspection_id, [command], utcnow())[0].seq
    click.echo(f"Drew the sample (event {seq}).")
    _show_sample(engine, inspection_id)


@cases.command("balance")
@inspection_option
@db_option
def balance(inspection_id: int, db_url: str) -> None:
    """Print the sample's balance report: eligible population against the random sample, attribute by attribute."""
    engine = _engine(db_url)
    _inspection(engine, inspection_id)
    _show_sample(engine, inspection_id, cases_too=False)


def _show_sample(engine: Engine, inspection_id: int, *, cases_too: bool = True) -> None:
    with Session(engine) as session:
        drawn = stored_sample(session, inspection_id)
        population = [record_of(row) for row in case_rows(session, inspection_id)]
    if drawn is None:
        raise click.ClickException("no sample drawn yet: run `triangulate cases sample`")
    click.echo(f"Seed {drawn.seed}, drawn on {drawn.drawn_on:%d %b %Y}: {len(drawn.cases)} case(s) from "
               f"{drawn.eligible} eligible of {len(population)} imported.")
    if drawn.reason:
        click.echo(f"Reason for this sample: {drawn.reason}")
    if cases_too:
        for case in drawn.cases:
            meet = "  meet child or family" if case.meet_child_or_family else ""
            reason = f"  ({case.reason})" if case.reason else ""
            click.echo(f"  {case.child_id:<20} {case.selection.label}{meet}{reason}")
    _show_balance(population, drawn)


def _show_balance(population: Sequence[CaseRecord], drawn: Sample) -> None:
    report = balance_report(population, drawn)
    click.echo("Balance (eligible population → random sample):")
    attribute = None
    for row in report.rows:
        if row.attribute is not attribute:
            attribute = row.attribute
            click.echo(f"  {attribute.label}")
        click.echo(f"    {row.value:<32} {row.population:>5} {row.population_share:6.1%} → {row.sample:>4} "
                   f"{row.sample_share:6.1%}  ({row.difference:+.1%})")
    if report.unsampled:
        click.echo("Not in the random sample: " + "; ".join(f"{r.attribute.label} {r.value}" for r in report.unsampled))


@cases.command("list")
@inspection_option
@click.option("--all", "everything", is_flag=True, help="Every imported case, not only the sample.")
@click.option("--view", "view_key", type=view_choice, help="Only the cases on one of Annex A's lists (see `views`).")
@click.option("--on-list", "on_list", type=click.IntRange(1, 10),
              help="Only the children on one list of an Annex A workbook (List 1 contacts … List 10 adoption).")
@db_option
def list_(inspection_id: int, everything: bool, view_key: str | None, on_list: int | None, db_url: str) -> None:
    """List the sampled cases with who tracks them and how far they have got."""
    engine = _engine(db_url)
    _inspection(engine, inspection_id)
    names = {member.id: member.name for member in database.team(engine, inspection_id=inspection_id)}
    with Session(engine) as session:
        rows = case_rows(session, inspection_id)
    sampled = [row for row in rows if row.selection is not None]
    click.echo(f"{len(rows)} case(s) imported, {len(sampled)} in the sample.")
    if not rows:
        click.echo(f"Import the Annex A list with  triangulate cases import --inspection {inspection_id} FILE",
                   err=True)
    shown = rows if everything or view_key or on_list else sampled
    if on_list:
        shown = [row for row in shown if on_list in (record_of(row).lists or ())]
        click.echo(f"On List {on_list}: {len(shown)} case(s).")
    if view_key:
        view = AnnexAView(view_key)
        wanted = {case.child_id for case in in_view(view, [record_of(row) for row in rows])}
        shown = [row for row in shown if row.child_id in wanted]
        click.echo(f"{view.label}: {len(shown)} case(s).")
    for row in shown:
        record = record_of(row)
        selection = row.selection or "-"
        who = names.get(row.allocated_to, "-") if row.allocated_to is not None else "unallocated"
        age = record.age_band.label if record.age_band else "-"
        click.echo(f"{row.child_id}\t{selection}\t{who}\t{row.status}\t{record.status.value}\t{age}\t"
                   f"{record.team or '-'}\t{record.worker or '-'}")


@cases.command("views")
@inspection_option
@db_option
def views(inspection_id: int, db_url: str) -> None:
    """Annex A's lists for inspectors to consider, in the framework's words, with the children on each."""
    engine = _engine(db_url)
    _inspection(engine, inspection_id)
    with Session(engine) as session:
        population = [record_of(row) for row in case_rows(session, inspection_id)]
    click.echo(f"Annex A lists from {len(population)} imported case(s) (open one with  cases list --view KEY):")
    for counted in every_view(population):
        click.echo(f"  {len(counted.child_ids):>5}  {counted.view.value:<28} {counted.view.label}")


@cases.command("add")
@inspection_option
@click.option("--view", "view_key", required=True, type=view_choice, help="The Annex A list to draw on.")
@click.argument("child_ids", nargs=-1, metavar="[CHILD_ID]...")
@db_option
def add(inspection_id: int, view_key: str, child_ids: tuple[str, ...], db_url: str) -> None:
    """Add cases on one of Annex A's lists to the sample for a line of enquiry, the list's words as the reason.

    With no CHILD_ID, every case on the list that is not yet in the sample is added.
    """
    engine = _engine(db_url)
    _inspection(engine, inspection_id)
    view = AnnexAView(view_key)
    with Session(engine) as session:
        rows = case_rows(session, inspection_id)
    on_list = {case.child_id for case in in_view(view, [record_of(row) for row in rows])}
    sampled = {row.child_id for row in rows if row.selection is not None}
    if missing := [child_id for child_id in child_ids if child_id not in on_list]:
        raise click.BadParameter(f"not on {view.value}: {', '.join(missing)}", param_hint="CHILD_ID")
    chosen = [child_id for child_id in (child_ids or sorted(on_list)) if child_id not in sampled]
    if not chosen:
        click.echo(f"Nothing to add: every case on {view.value} is already in the sample.")
        return
    reason = f"Annex A: {view.label}"
    commands = [AddToSample(id=_command_id("add"), child_id=child_id, reason=reason) for child_id in chosen]
    _apply(engine, inspection_id, commands, utcnow())
    click.echo(f"Added {len(chosen)} case(s) from “{view.label}”: {', '.join(chosen)}")


@cases.command("requests")
@inspection_option
@db_option
def requests(inspection_id: int, db_url: str) -> None:
    """The day-one request checklist: what the local authority was asked for on day one (CP ¶27, Annex A), each
    item received (on what day, with the lead's note) or not yet."""
    engine = _engine(db_url)
    inspection = _inspection(engine, inspection_id)
    if not has_checklist(Framework(inspection.framework)):
        raise click.ClickException("an integrated inspection has no day-one request checklist: it is the "
                                   "child-protection framework's Annex A (CP ¶27)")
    with Session(engine) as session:
        rows = session.exec(select(EventRow).where(EventRow.inspection_id == inspection_id,
                                                   EventRow.kind == DAY_ONE_SET).order_by(col(EventRow.seq)))
        checklist = Checklist.of(payload for row in rows
                                 if isinstance(payload := read(row.kind, json.loads(row.data)), DayOneRequestSet))
    click.echo(f"Day-one requests (CP ¶27, Annex A): {checklist.line}.")
    for state in checklist.items():
        mark = f"received {state.received_on:%d %b %Y}" if state.received_on else "not yet"
        note = f" — {state.note}" if state.note else ""
        click.echo(f"  [{'x' if state.received else ' '}] {state.item.value:<22} {mark}{note}")
        click.echo(textwrap.fill(state.item.label, width=100, initial_indent="      ", subsequent_indent="      "))
