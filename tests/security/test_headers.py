"""Security headers on every response: pages, API answers, errors."""

import pytest

from sdp import create_app


@pytest.fixture(scope="module")
def fresh_app(app):
    """An app of its own, with a plain page added (the staff pages come with the web sign-in)."""
    fresh = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    fresh.add_url_rule("/plain-page", "plain_page", lambda: "<p>a page</p>")
    return fresh


@pytest.mark.parametrize(
    "path",
    [
        "/plain-page",
        "/api/v1/procedure",
        "/api/v1/openapi.json",
        "/api/v1/applications/1",
        "/api/v1/no-such-endpoint",
    ],
)
def test_every_response_carries_the_security_headers(fresh_app, path):
    response = fresh_app.test_client().get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(item.strip().split(" ", 1) for item in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_is_left_out_in_development(app):
    development = create_app(
        {
            "TESTING": True,
            "DEVELOPMENT": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    response = development.test_client().get("/api/v1/procedure")
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_errors_have_them_too(client, api_as):
    response = api_as("intake_officer").post("/api/v1/applications", json={"route": "nowhere"})
    assert response.status_code == 422
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
