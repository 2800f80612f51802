"""The personal-data guard on the app's side: check a command's free text before it leaves the laptop (issue 7).

The server checks every command on receipt with the same checker (shared.personal_data_fields), so the app uses
the same inputs — the inspection's name index (its salt and the digests from the Annex A import) and today in the
inspection's time zone — and its warning is the server's verdict before the fact: what the server would refuse
is held back here, so the inspector rewords it while the text is still in the form. No Textual here; the form
side is tui.widgets.guard_notice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from shared.personal_data import ERROR_CODE, Match, NameIndex, PersonalDataKind, PersonalDataPolicy, mask
from shared.personal_data_fields import check_command, free_text_fields, warn_only
from shared.protocol import Command, Error
from tui.state import TeamState
from tui.timefmt import Clock, to_local, zone

Flag = tuple[str, Match]
"""A command field and what in it looks like personal data."""

_AN = frozenset({PersonalDataKind.NHS_NUMBER, PersonalDataKind.EMAIL})  # "an NHS number", "an email address"

Signature = tuple[tuple[str, str], ...]
"""A command's free text, field by field: what the user agreed to send anyway, so an edit asks again."""


class PersonalDataGuard:
    """Checks commands with the inspection's own policy, name index and date, read from the app's current state.

    ``state`` is a getter because the app replaces its state (cache load, reset); the name index is rebuilt only
    when the digests change, because an import can bring hundreds and a form is checked on every save.
    """

    def __init__(self, state: Callable[[], TeamState], now: Clock) -> None:
        self._state = state
        self._now = now
        self._key: tuple[str | None, object, int] | None = None
        self._index: NameIndex | None = None

    @property
    def names(self) -> NameIndex | None:
        """The client's NameIndex: None before any import, or without a salt to hash with (an older server)."""
        state = self._state()
        salt = state.inspection.case_salt if state.inspection is not None else None
        digests = state.cases.name_digests
        key = (salt, digests, len(digests))  # the set only grows; a reset brings a new set (held, so no id reuse)
        if self._key is None or self._key[0] != key[0] or self._key[1] is not key[1] or self._key[2] != key[2]:
            self._key = key
            self._index = NameIndex(bytes.fromhex(salt), frozenset(digests)) if salt and digests else None
        return self._index

    @property
    def policy(self) -> PersonalDataPolicy:
        inspection = self._state().inspection
        return PersonalDataPolicy(inspection.personal_data_policy if inspection else PersonalDataPolicy.REFUSE)

    def today(self) -> date:
        """Today where the inspection is, as the server dates receipt (they can differ only around midnight)."""
        inspection = self._state().inspection
        return to_local(self._now(), zone(inspection.timezone if inspection else None)).date()

    def check(self, command: Command) -> list[Flag]:
        """Each field and match, the fields in the order the server names them (the main text first)."""
        found = check_command(command, self.names, today=self.today())
        return [(name, match) for name, matches in found.items() for match in matches]

    def refuses(self, command: Command) -> bool:
        """True if the server would refuse this command's personal data; alerts are only ever warned about."""
        return self.policy is PersonalDataPolicy.REFUSE and not warn_only(command)


def signature(command: Command) -> Signature:
    return tuple(free_text_fields(command).items())


def describe(flag: Flag, labels: dict[str, str] | None = None) -> str:
    """One line per match, masked: "looks like an NHS number: 943 *** **** (in Finding)"."""
    name, match = flag
    article = "an" if match.kind in _AN else "a"
    where = (labels or {}).get(name, name.replace("_", " "))
    return f"looks like {article} {match.kind.label}: {mask(match)} (in {where})"


def context(text: str, match: Match, width: int = 30) -> tuple[str, str, str]:
    """The match with up to ``width`` characters either side, on one line: what the notice shows marked."""
    start = max(0, match.start - width)
    end = min(len(text), match.end + width)
    before = ("…" if start else "") + text[start:match.start]
    after = text[match.end:end] + ("…" if end < len(text) else "")
    flat = str.maketrans({"\n": " ", "\r": " ", "\t": " "})
    return before.translate(flat), match.text, after.translate(flat)


def refusal_message(error: Error) -> str:
    """A ``personal_data`` refusal in words that say what to do; other refusals keep the server's message."""
    if error.code != ERROR_CODE:
        return error.message
    where = f"in {error.field.replace('_', ' ')}: " if error.field else ""
    return (f"Not recorded — the inspection's policy refuses personal data: {where}{error.message}. "
            "Edit it out and send it again.")
