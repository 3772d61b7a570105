"""Edit conflicts: someone saved a case (or a staff account) after another person opened it (no
lost updates).

A case, and a staff account, carry a version number that every change increments. A form or an
API client says which version it was editing; when the row has moved on since, the save is refused
with ``EditConflict`` (HTTP 409), never applied over the other person's change.
"""

from .procedure import ProcedureError
from .vocabulary import N_


class EditConflict(ProcedureError):
    status = 409
    MESSAGE = N_(
        "Someone else changed this case while you were working on it (you opened version "
        "%(expected)s; it is now at version %(current)s). Nothing was saved: review the "
        "case as it is now and save your change again."
    )

    def __init__(self, current: int, expected: int):
        self.current, self.expected = current, expected
        super().__init__(self.MESSAGE, current=current, expected=expected)


class AccountEditConflict(EditConflict):
    """The same refusal for a staff account (the administrators' user pages)."""

    MESSAGE = N_(
        "Another administrator changed this account while you were looking at it (you opened "
        "version %(expected)s; it is now at version %(current)s). Nothing was done: read the "
        "change below, then decide again."
    )


def check_version(
    current: int, expected: int | None, conflict: type[EditConflict] = EditConflict
) -> None:
    """Refuse when the version being edited (``expected``; None: not given) is not the current
    one."""
    if expected is not None and expected != current:
        raise conflict(current, expected)
