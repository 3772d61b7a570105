"""URL converters for the whole app (API and pages)."""

from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

# PostgreSQL's ``integer``: the largest id a row can have.
MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: 1 to MAX_ID. A larger number is no one's id, so the URL
    matches no route (404) instead of reaching the database, where SQLite cannot hold it and
    PostgreSQL refuses it ("integer out of range"), which would be a 500."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SerialConverter(BaseConverter):
    """``<serial:...>``: a document serial (sdp.documents.serials), in its canonical form. What
    cannot be a serial (wrong length or check symbol) matches no route: 404, before any body is
    read or the database asked."""

    def to_python(self, value):
        # Imported here, not at the top: a cycle (sdp.documents.serials → sdp → sdp.converters).
        from .documents.serials import normalize

        canonical = normalize(value)
        if canonical is None:
            raise ValidationError()
        return canonical
