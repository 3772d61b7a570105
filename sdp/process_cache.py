"""A per-process cache of rows that seldom change, trusted for at most a second.

What the registry's hot path reads on every request and almost never changes (a token's
principal, a document key) is kept per process, so that a check does not ask the database for
the same row each time. The cache is emptied:

- every ``seconds`` (one second here): a change made anywhere else (another worker, another
  server, the command line, a plain SQL update) takes effect within that time everywhere, with
  no counter to keep in step and no migration;
- at once, when this process commits a change to one of the cached models through the ORM
  (``ModelChanges``: the commit's own flush says so; a rolled-back change does not count);
- when it holds ``max_entries`` (one second of unusually many tokens starts afresh).

A new dict replaces the old one, never ``.clear()``: a thread still reading the old one is not
disturbed. Used by ``sdp.auth.tokens`` (principals) and ``sdp.documents.signing`` (published
keys).
"""

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


class ModelChanges:
    """How many commits of this process changed a row of ``models`` (caches compare it)."""

    def __init__(self, *models: type) -> None:
        self.models = models
        self.generation = 0
        key = f"sdp.changed.{id(self)}"

        @event.listens_for(Session, "after_flush")
        def _note(session, flush_context):
            changed = (*session.new, *session.dirty, *session.deleted)
            if any(isinstance(obj, self.models) for obj in changed):
                session.info[key] = True

        @event.listens_for(Session, "after_commit")
        def _count(session):
            if session.info.pop(key, False):
                self.generation += 1

        @event.listens_for(Session, "after_rollback")
        def _forget(session):
            session.info.pop(key, None)


class ProcessCache:
    """One app's cache (kept in ``app.extensions``): ``current()`` is the dict to read and fill."""

    def __init__(self, changes: ModelChanges, seconds: float, max_entries: int | None = None):
        self.changes, self.seconds, self.max_entries = changes, seconds, max_entries
        self._start()

    def _start(self) -> None:
        self.entries: dict[Any, Any] = {}
        self.started = time.monotonic()
        self.generation = self.changes.generation

    def current(self) -> dict[Any, Any]:
        if (
            time.monotonic() - self.started >= self.seconds
            or self.generation != self.changes.generation
            or (self.max_entries is not None and len(self.entries) >= self.max_entries)
        ):
            self._start()
        return self.entries
