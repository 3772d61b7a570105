"""Crash safety: SIGKILL the real server in the middle of a burst of intakes; every intake
it acknowledged (201) is in the database whole, and the audit chain verifies."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sdp.audit.models import AuditEvent
from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.cases.models import Application, Dependant, Person
from sdp.extensions import db
from tests.conftest import missing

pytestmark = pytest.mark.slow

GUNICORN = Path(sys.executable).with_name("gunicorn")
THREADS = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def intake_body(thread: int, n: int) -> dict:
    return {
        "route": "application",
        "applicant": {
            "given_names": f"Crash T{thread} N{n}",
            "family_names": "Burst",
            "sex": "X",
            "date_of_birth": "1990-01-01",
            "place_of_birth": {"country": "VE"},
            "asylum": {"status": "asylum_seeker", "country": "VE"},
        },
        "dependants": [
            {
                "given_names": f"Child T{thread} N{n}",
                "family_names": "Burst",
                "sex": "F",
                "date_of_birth": "2019-05-05",
                "place_of_birth": {"country": "PE"},
                "relationship": "child",
            }
        ],
    }


def wait_until_serving(port: int, process: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the server exited at start-up")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/procedure")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_sigkill_in_the_middle_of_a_burst_of_intakes_loses_nothing_acknowledged(
    app, make_user, tmp_path
):
    if not GUNICORN.exists():
        missing("gunicorn is not installed in this environment")
    officer = make_user("intake_officer")
    _, token = issue_token(SYSTEM, user_email=officer.email)
    db.session.commit()  # before the server, another process, reads it
    db.session.remove()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "crash-test",
        "SDP_ACCESS_LOG": "0",
        "SDP_DATA_KEYS": app.extensions["sdp_keyring"].export(),
        "SDP_UPLOAD_FOLDER": str(tmp_path),
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            "2",
            "--threads",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "1",
            "sdp:create_app()",
        ],
        env=environment,
        stdout=log,
        stderr=log,
        start_new_session=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    acknowledged: list[tuple[int, int, dict]] = []  # (thread, n, response body)
    failures: list[str] = []
    stop = threading.Event()
    try:
        wait_until_serving(port, server)

        def burst(thread: int):
            for n in range(10_000):
                if stop.is_set():
                    return
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    connection.request(
                        "POST",
                        "/api/v1/applications",
                        body=json.dumps(intake_body(thread, n)),
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Content-Type": "application/json",
                        },
                    )
                    response = connection.getresponse()
                except (OSError, http.client.HTTPException):
                    return  # the server is gone
                try:
                    body = json.loads(response.read())
                except (OSError, http.client.HTTPException, ValueError):
                    body = None  # killed while sending the body: the status line said 201 already
                if response.status == 201:
                    acknowledged.append((thread, n, body))
                else:
                    failures.append(f"{response.status} {body!r}"[:300])
                if body is None:
                    return

        threads = [threading.Thread(target=burst, args=(t,)) for t in range(THREADS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 8
        while len(acknowledged) < 25 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(server.pid, signal.SIGKILL)  # mid-burst: requests are in flight
        server.wait(10)
        stop.set()
        for thread in threads:
            thread.join(30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
        log.close()

    assert failures == [], failures  # no 5xx, no lock errors before the kill
    assert len(acknowledged) >= 10, (tmp_path / "server.log").read_text()[-3000:]
    db.session.remove()
    db.engine.dispose()  # fresh connections: recover SQLite's write-ahead log as a restart would
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    for thread, n, body in acknowledged:
        if body is None:  # a 201 whose body was cut by the kill: found by the applicant's name
            application = (
                db.session.execute(
                    select(Application)
                    .join(Application.applicant)
                    .where(Person.given_names == f"Crash T{thread} N{n}")
                )
                .unique()
                .scalar_one()
            )
        else:
            application = db.session.get(Application, body["id"])
            assert application is not None, body
            assert application.case_number == body["case_number"]
        assert application.applicant.given_names == f"Crash T{thread} N{n}"
        assert application.applicant.asylum_country == "VE"
        assert [d.person.given_names for d in application.dependants] == [f"Child T{thread} N{n}"]
    # every intake that reached the database is whole, acknowledged or not
    applications = db.session.execute(select(Application)).scalars().all()
    assert len(applications) >= len(acknowledged)
    dependants = db.session.execute(select(func.count(Dependant.id))).scalar_one()
    registered = db.session.execute(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "case.register")
    ).scalar_one()
    assert dependants == registered == len(applications)
    numbers = sorted(int(a.case_number.rsplit("-", 1)[1]) for a in applications)
    assert numbers == list(range(1, len(applications) + 1))  # no gap, no duplicate
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "chain intact" in result.output, result.output
