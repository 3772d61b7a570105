"""Rate limits per token (Flask-Limiter): a 429 in the contract's format with Retry-After,
counted in memory by default and in Redis when RATELIMIT_STORAGE_URI names it."""

import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime

import pytest

from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.auth.tokens import digest
from sdp.ratelimit import limiter
from tests.conftest import missing
from tests.registry.helpers import assert_contract_error, persons_url

CHECK = persons_url("Ana", "Quispe", "2001-02-03")
REDIS_URI = os.environ.get("SDP_TEST_REDIS_URI", "redis://127.0.0.1:6379")


@pytest.fixture
def limits(app, monkeypatch):
    """Set the limits for one test (they are read at each request)."""

    def set_limits(token="3 per minute", anonymous="120 per minute"):
        monkeypatch.setitem(app.config, "SDP_RATELIMIT_TOKEN", token)
        monkeypatch.setitem(app.config, "SDP_RATELIMIT_ANONYMOUS", anonymous)

    return set_limits


def use_storage(app, uri: str) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = uri
    limiter.init_app(app)  # the app's one limiter, now counting in ``uri``
    limiter._storage_dead = False  # noqa: SLF001 - start each storage as healthy


@pytest.fixture
def storage(app):
    original = app.config["RATELIMIT_STORAGE_URI"]
    yield lambda uri: use_storage(app, uri)
    use_storage(app, original)


def partner(client, name="RENIEC"):
    _, raw = issue_token(SYSTEM, client_name=name, scopes=["registry:read"])
    return raw, {"Authorization": f"Bearer {raw}"}


def assert_too_many_requests(response, limit_text="3 per 1 minute"):
    body = assert_contract_error(response, 429)
    assert body["status"] == "Too Many Requests"
    assert limit_text in body["message"] and "Retry after" in body["message"]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert response.headers["X-RateLimit-Limit"] == limit_text.split()[0]
    assert response.headers["X-RateLimit-Remaining"] == "0"
    return retry_after


def test_a_token_over_its_limit_gets_429_in_the_contract_format(client, limits):
    limits(token="3 per minute")
    _, headers = partner(client)
    answers = [client.get(CHECK, headers=headers) for _ in range(3)]
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers] == ["2", "1", "0"]
    assert all(
        answer.status_code == 200 and "Retry-After" not in answer.headers for answer in answers
    )
    assert_too_many_requests(client.get(CHECK, headers=headers))


def test_each_token_has_its_own_budget_whatever_the_address(client, limits):
    limits(token="3 per minute")
    _, reniec = partner(client, "RENIEC")
    _, migraciones = partner(client, "Migraciones")
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert (
            client.get(CHECK, headers=reniec, environ_base={"REMOTE_ADDR": address}).status_code
            == 200
        )
    assert (
        client.get(CHECK, headers=reniec, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code
        == 429
    )
    assert client.get(CHECK, headers=migraciones).status_code == 200


def test_one_budget_per_token_across_endpoints(api_as, limits):
    limits(token="3 per minute")
    supervisor = api_as("supervisor")
    assert supervisor.get("/api/v1/applications/1").status_code == 404
    assert supervisor.get("/api/v1/procedure").status_code == 200
    assert (
        supervisor.post("/api/v1/applications/1/closure", json={"reasons": "x"}).status_code == 404
    )
    assert_too_many_requests(supervisor.get("/api/v1/procedure"))


def test_invented_tokens_count_against_the_address_not_a_fresh_budget(client, limits):
    limits(token="3 per minute", anonymous="2 per minute")
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for attempt in range(2):
        response = client.get(
            CHECK, headers={"Authorization": f"Bearer sdp_guess{attempt}"}, environ_base=here
        )
        assert response.status_code == 401
    assert_too_many_requests(
        client.get(CHECK, headers={"Authorization": "Bearer sdp_guess3"}, environ_base=here),
        "2 per 1 minute",
    )
    assert_too_many_requests(client.get("/api/v1/procedure", environ_base=here), "2 per 1 minute")
    # Another address is not affected; neither is a valid token calling from this one.
    assert (
        client.get("/api/v1/procedure", environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code
        == 200
    )
    _, headers = partner(client)
    assert client.get(CHECK, headers=headers, environ_base=here).status_code == 200


def test_the_budget_comes_back_after_the_window(client, limits, time_machine):
    time_machine.move_to(
        datetime.now(UTC), tick=False
    )  # a frozen clock: the window passes without a wait
    limits(token="2 per 2 seconds")
    _, headers = partner(client)
    assert [client.get(CHECK, headers=headers).status_code for _ in range(2)] == [200, 200]
    retry_after = assert_too_many_requests(client.get(CHECK, headers=headers), "2 per 2 second")
    time_machine.shift(retry_after - 0.5)
    assert client.get(CHECK, headers=headers).status_code == 429  # not before Retry-After
    time_machine.shift(1)
    assert client.get(CHECK, headers=headers).status_code == 200


def test_a_refused_request_is_not_audited_as_a_check(client, limits):
    from sqlalchemy import func, select

    from sdp.audit.journal import chain_now
    from sdp.audit.models import AuditEvent
    from sdp.extensions import db

    limits(token="1 per minute")
    _, headers = partner(client)
    client.get(CHECK, headers=headers)
    assert client.get(CHECK, headers=headers).status_code == 429
    chain_now()  # partner checks wait in the audit journal until chained
    count = db.session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "registry.person_check")
    ).scalar_one()
    assert count == 1


def _redis_or_skip():
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=0.5)
        connection.ping()
    except redis.exceptions.RedisError as error:
        missing(f"Redis is not reachable at {REDIS_URI}: {error}")
    return connection


def test_limits_counted_in_redis(client, limits, storage):
    connection = _redis_or_skip()
    storage(REDIS_URI)
    limits(token="3 per minute")
    raw, headers = partner(client)
    for _ in range(3):
        assert client.get(CHECK, headers=headers).status_code == 200
    assert_too_many_requests(client.get(CHECK, headers=headers))
    # The counter is in Redis, under the token's digest (never the token), prefixed "sdp".
    keys = [key.decode() for key in connection.keys(f"*{digest(raw)}*")]
    assert keys == [f"LIMITS:LIMITER/sdp/token:{digest(raw)}/api/3/1/minute"]
    assert not connection.keys(f"*{raw}*")


def test_two_app_servers_share_the_count_in_redis(app, client, limits, storage):
    """A second process (another app server) spends from the same budget."""
    _redis_or_skip()
    storage(REDIS_URI)
    limits(token="3 per minute")
    raw, headers = partner(client)
    assert client.get(CHECK, headers=headers).status_code == 200
    assert client.get(CHECK, headers=headers).status_code == 200
    other_server = textwrap.dedent(f"""
        from sdp import create_app
        app = create_app({{"SECRET_KEY": "other server"}})
        response = app.test_client().get({CHECK!r}, headers={{"Authorization": "Bearer {raw}"}})
        print(response.status_code, response.headers["X-RateLimit-Remaining"])
    """)
    environment = {
        **os.environ,
        "RATELIMIT_STORAGE_URI": REDIS_URI,
        "SDP_RATELIMIT_TOKEN": "3 per minute",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    done = subprocess.run(
        [sys.executable, "-c", other_server],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        cwd=app.root_path + "/..",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["200", "0"]
    assert_too_many_requests(client.get(CHECK, headers=headers))


def test_with_redis_down_the_api_still_answers_and_limits_in_memory(client, limits, storage):
    storage("redis://127.0.0.1:1")  # nothing listens on port 1
    limits(token="2 per minute")
    _, headers = partner(client)
    assert [client.get(CHECK, headers=headers).status_code for _ in range(2)] == [200, 200]
    assert_too_many_requests(client.get(CHECK, headers=headers), "2 per 1 minute")


def test_the_memory_counters_start_no_timer_threads(app, client, limits):
    # limits' own memory storage starts a threading.Timer 10 ms after each counted request (a
    # thread every 10 ms per worker under load); ours counts the same without (issue 17).
    import threading

    from sdp.ratelimit import ThreadlessMemoryStorage, limiter

    def timers() -> set:
        return {thread for thread in threading.enumerate() if isinstance(thread, threading.Timer)}

    assert isinstance(limiter.storage, ThreadlessMemoryStorage)  # the pages' limits
    limits(token="5 per minute")
    _, headers = partner(client)
    earlier = timers()  # left by other tests in this process (a storage's one start-up timer)
    statuses = []
    for _ in range(7):
        statuses.append(client.get(CHECK, headers=headers).status_code)
        assert not timers() - earlier
    assert statuses == [200] * 5 + [429] * 2


def test_the_memory_counters_of_idle_keys_are_swept_inline():
    import time

    from sdp.ratelimit import ThreadlessMemoryStorage

    storage = ThreadlessMemoryStorage("sdp-memory://")
    storage.SWEEP_SECONDS = 0.05
    storage.incr("idle", expiry=0.01)
    storage.incr("busy", expiry=60)
    time.sleep(0.06)
    storage.incr("busy", expiry=60)  # the request that finds the sweep due drops the idle key
    assert "idle" not in storage.storage and storage.get("busy") == 2


def test_another_storage_of_the_limits_library_counts_the_same_fixed_window():
    # URIs other than memory:// and redis:// (Redis Sentinel, memcached) go through the limits
    # library's own storage; here its memory storage, so that the path runs for real.
    from limits import parse

    from sdp.ratelimit import ApiRateLimit

    counters, item = ApiRateLimit(), parse("2 per minute")
    counts = [
        counters._count_with_limits("memory://", ["LIMITER/sdp/token:x/api/2/1/minute"], (item,))[0]
        for _ in range(3)
    ]
    assert [(window.count, window.remaining, window.breached) for window in counts] == [
        (1, 1, False),
        (2, 0, False),
        (3, 0, True),
    ]
    assert 59 <= counts[-1].reset_at - time.time() <= 62
