"""The personal-data guard on receipt: every command's free text, checked before its handler runs (issue 7).

The same checker and field registry as the app (shared.personal_data_fields), with the inspection's name index and
its local date. Policy ``refuse`` turns a match into a ``personal_data`` error that names the field and carries
only masked text; ``warn`` accepts the command and records the masked matches with its event. Alerts are always
warned about, never refused (CP ¶32, ¶49). Nothing here logs, stores or sends the matched text itself.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from server.handlers.errors import CommandRejected
from server.storage.tables import NameDigestRow
from shared.personal_data import NameIndex, PersonalDataPolicy, summary
from shared.personal_data_fields import check_command, records, warn_only
from shared.protocol import Command, ErrorCode, PersonalDataFound

log = logging.getLogger(__name__)

_CACHE_SIZE = 32
_cache: OrderedDict[tuple[str, str, int], tuple[tuple[int, int], NameIndex]] = OrderedDict()
_cache_lock = threading.Lock()


class Guarded(Protocol):
    """What the guard reads of an inspection (transaction_facts.InspectionFacts)."""

    @property
    def id(self) -> int | None: ...
    @property
    def timezone(self) -> str: ...
    @property
    def personal_data_policy(self) -> str: ...
    @property
    def case_salt(self) -> str: ...


_digests = NameDigestRow.__table__  # type: ignore[attr-defined]
_VERSION = select(func.count(), func.max(_digests.c.id)).where(_digests.c.inspection_id == bindparam("inspection"))
_DIGESTS = select(_digests.c.digest).where(_digests.c.inspection_id == bindparam("inspection"))


def local_date(inspection: Guarded, at: datetime) -> date:
    """The inspection's date at ``at``: the day of receipt where the team is, as the app uses."""
    return at.astimezone(ZoneInfo(inspection.timezone)).date()


def name_index(session: Session, inspection: Guarded) -> NameIndex | None:
    """The inspection's name index, cached; a cheap count of its digests tells when an import has added some.

    The count is read from the database, not kept in memory, so digests another process (the CLI) committed are
    picked up too. Keyed by the database and the salt as well as the id: two databases may both have an
    inspection 1, and a copy of a database (a restored backup) has the same salt.
    """
    assert inspection.id is not None
    session.flush()  # as a query through the session would: digests this transaction imported count
    connection = session.connection()
    version = connection.execute(_VERSION, {"inspection": inspection.id}).one()
    count, newest = int(version[0]), int(version[1] or 0)
    if count == 0:
        return None
    key = (str(connection.engine.url), inspection.case_salt, inspection.id)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == (count, newest):
            _cache.move_to_end(key)
            return cached[1]
    digests = connection.execute(_DIGESTS, {"inspection": inspection.id}).scalars().all()
    index = NameIndex(bytes.fromhex(inspection.case_salt), frozenset(digests))
    with _cache_lock:
        _cache[key] = ((count, newest), index)
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def judge(command: Command, inspection: Guarded, names: NameIndex | None, *, at: datetime) -> list[PersonalDataFound]:
    """Check ``command``'s free text; raise ``personal_data`` under ``refuse``, else return what to record.

    With the inspection and its name index read once per transaction (transaction_facts).
    """
    found = check_command(command, names, today=local_date(inspection, at))
    if not found:
        return []
    inspection_id = inspection.id
    kinds = sorted({match.kind.value for matches in found.values() for match in matches})
    if inspection.personal_data_policy == PersonalDataPolicy.REFUSE.value and not warn_only(command):
        field, matches = next(iter(found.items()))
        others = [name for name in found if name != field]
        message = summary(matches) + (f" (and in {', '.join(others)})" if others else "")
        # Ids and kinds only: even masked text stays out of the log.
        log.info("refused command %s (inspection %s): personal data (%s) in %s",
                 command.id, inspection_id, ", ".join(kinds), ", ".join(found))
        raise CommandRejected(ErrorCode.PERSONAL_DATA, message, field=field)
    log.info("accepted command %s (inspection %s) with a personal-data warning (%s) in %s",
             command.id, inspection_id, ", ".join(kinds), ", ".join(found))
    return records(found)
