"""Edit conflicts: someone saved a case after another person opened it (no lost updates).

A case carries a version number that every change increments. A form or an API client
says which version it was editing; when the case has moved on since, the save is refused
with ``EditConflict`` (HTTP 409), never applied over the other person's change.
"""

from .procedure import ProcedureError
from .vocabulary import N_


class EditConflict(ProcedureError):
    status = 409

    def __init__(self, current: int, expected: int):
        self.current, self.expected = current, expected
        super().__init__(
            N_(
                "Someone else changed this case while you were working on it (you opened version "
                "%(expected)s; it is now at version %(current)s). Nothing was saved: review the "
                "case as it is now and save your change again."
            ),
            current=current,
            expected=expected,
        )


def check_version(current: int, expected: int | None) -> None:
    """Refuse when the version being edited (``expected``; None: not given) is not the current
    one."""
    if expected is not None and expected != current:
        raise EditConflict(current, expected)
