"""Logs are JSON lines with request ids, and hold no names, dates of birth or case text."""

import io
import json
import logging

import pytest

from sdp.security.logs import JsonFormatter, StripQueryStrings
from tests.cases.helpers import Office

from .walk import APPLICANT, CHILD, TEXTS, full_procedure

FORBIDDEN = [
    "Zephyrine",
    "Anaïs",
    "Quillazú",
    "Quillazu",
    "Betancourt",
    "Tadeo",
    "Ulises",
    APPLICANT["dob"],
    CHILD["dob"],
    "19/02/1987",
    *TEXTS.values(),
]


@pytest.fixture
def log_lines():
    """Everything logged at any level by any logger, formatted as the app formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("sdp", "werkzeug", "")}
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield lambda: [line for line in stream.getvalue().splitlines() if line]
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_a_full_procedure_logs_no_personal_data(app, api_as, log_lines, monkeypatch):
    office = Office(api_as)
    cid = full_procedure(office)
    # a query string carrying names, as registry checks do
    office.supervisor.get(
        f"/api/v1/applications/{cid}?given_names=Zephyrine&date_of_birth=1987-02-19"
    )
    # an unexpected error whose message quotes a person
    from sdp.cases import services

    def broken(*args, **kwargs):
        raise ValueError(
            f"cannot file {APPLICANT['given']} {APPLICANT['family']} born {APPLICANT['dob']}"
        )

    monkeypatch.setattr(services, "record_interview", broken)
    failed = office.officer.post(
        f"/api/v1/applications/{cid}/interviews", json={"held_on": "2020-01-01", "summary": "x"}
    )
    assert failed.status_code == 500 and "Zephyrine" not in failed.get_data(as_text=True)

    lines = log_lines()
    text = "\n".join(lines)
    for forbidden in FORBIDDEN:
        assert forbidden not in text, forbidden
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [r for r in records if r.get("event") == "request"]
    assert len(requests) >= 15
    for record in requests:
        assert set(record) >= {
            "ts",
            "level",
            "request_id",
            "method",
            "route",
            "path",
            "status",
            "duration_ms",
        }
        assert "?" not in record["path"] and "?" not in record["msg"]
    assert {
        "route": "/api/v1/applications/<int:application_id>",
        "status": 200,
    }.items() <= requests[-2].items()
    assert requests[-2]["actor"].startswith("user:")
    error = next(r for r in records if "exception" in r)
    assert error["exception"]["type"] == "builtins.ValueError"
    assert any("test_logs.py" in frame for frame in error["exception"]["where"])
    assert error["request_id"] == requests[-1]["request_id"]
    assert requests[-1]["status"] == 500


def test_request_ids_are_echoed_and_logged(app, client, log_lines, monkeypatch):
    """The app makes its own ids; it keeps the proxy's only behind a trusted proxy (issue 15)."""
    response = client.get("/api/v1/procedure", headers={"X-Request-Id": "chosen-by-the-client"})
    generated = response.headers["X-Request-Id"]
    assert generated != "chosen-by-the-client" and len(generated) == 32
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    nginx_id = "0f3c6b1e9d2a4c8e7b5a3f1d2c4e6a8b"
    assert (
        client.get("/api/v1/procedure", headers={"X-Request-Id": nginx_id}).headers["X-Request-Id"]
        == nginx_id
    )
    records = [json.loads(line) for line in log_lines() if '"event": "request"' in line]
    assert [record["request_id"] for record in records] == [generated, nginx_id]
    assert records[0]["route"] == "/api/v1/procedure" and records[0]["status"] == 200


def test_an_unmatched_path_is_not_logged_as_typed(client, log_lines):
    client.get("/api/v1/persons/Zephyrine-Quillazu")
    text = "\n".join(log_lines())
    assert "Zephyrine" not in text and '"status": 404' in text


def test_the_development_servers_request_lines_lose_their_query_strings():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [%s] "%s" %s %s',
        (
            "127.0.0.1",
            "now",
            "GET /api/v1/registry/persons?given_names=Zephyrine HTTP/1.1",
            "200",
            "-",
        ),
        None,
    )
    StripQueryStrings().filter(record)
    assert (
        record.getMessage() == '127.0.0.1 - - [now] "GET /api/v1/registry/persons HTTP/1.1" 200 -'
    )


def test_a_verification_links_payload_is_cut_from_a_line_without_a_query_string():
    """The filter skips a text holding neither "?" nor "SDP1:" (every access line): a link's
    payload alone must still be cut."""
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '"GET /v/%s HTTP/1.1" %s',
        ("SDP1:KRSXG5BAMFZXGYLZ", "200"),
        None,
    )
    StripQueryStrings().filter(record)
    assert record.getMessage() == '"GET /v/SDP1:… HTTP/1.1" 200'
    plain = logging.LogRecord("sdp.access", logging.INFO, __file__, 1, "%s %s", ("GET", 200), None)
    StripQueryStrings().filter(plain)
    assert plain.getMessage() == "GET 200"
