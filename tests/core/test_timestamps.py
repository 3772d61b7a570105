"""Stored moments come back aware, in Lima's time, on SQLite as on PostgreSQL, and the API
writes them as ISO 8601 date-times with their offset (RFC 3339, as OpenAPI's ``date-time``)."""

from datetime import UTC, datetime, timedelta

from sdp.auth.models import ApiToken
from sdp.auth.tokens import create_token
from sdp.extensions import db

LIMA = timedelta(hours=-5)


def _stored_at(moment: datetime) -> datetime:
    token, _raw = create_token(client_name="RENIEC", expires_at=moment)
    db.session.commit()
    db.session.expire_all()
    return db.session.get(ApiToken, token.id).expires_at


def test_a_utc_moment_is_read_back_as_the_same_instant_in_lima(app):
    moment = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)  # still 28 February in Lima
    stored = _stored_at(moment)
    assert stored == moment
    assert stored.utcoffset() == LIMA
    assert (stored.date().isoformat(), stored.hour) == ("2026-02-28", 21)


def test_a_naive_moment_is_taken_as_lima_wall_clock(app):
    stored = _stored_at(datetime(2026, 3, 1, 9, 15))
    assert stored == datetime(2026, 3, 1, 14, 15, tzinfo=UTC)
    assert stored.utcoffset() == LIMA


def test_api_date_times_carry_lima_offset(client):
    keys = client.get("/api/v1/documents/keys").get_json()["keys"]
    assert keys, "the published keys list is empty"
    created = keys[0]["created_at"]
    assert created.endswith("-05:00"), created
    assert datetime.fromisoformat(created).utcoffset() == LIMA
