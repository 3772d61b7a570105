"""Schemathesis against the app's own OpenAPI description: generated requests, valid and
invalid, to every operation, with valid tokens so they get past 401. No answer may be a 500,
and every answer must match what the description says (status, content type, body schema).

The description is read at collection time from an app of its own (it needs no database),
so that each operation is a test of its own; the requests go to the test app, whose database
holds a decided case and the tokens.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sdp import create_app
from sdp.domain.vocabulary import Role, values
from tests.cases.helpers import person, register

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _load_schema():
    description_only = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "TESTING": True,
            "SECRET_KEY": "description only",
        }
    )
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", description_only)
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=EXAMPLES_PER_OPERATION,
        deterministic=True,
        database="none",
        with_security_parameters=False,
    )  # our valid tokens, not generated ones
    return loaded


schema = _load_schema()


@pytest.fixture
def tokens(api_as, partner_api):
    """A staff user holding every role (so role checks pass and the procedure's own rules answer),
    a partner with registry:read, and a case with a dependant for generated ids to find."""
    staff = api_as(*values(Role))
    register(staff, dependants=[{**person(given="Ana", dob="2015-01-02"), "relationship": "child"}])
    partner = partner_api("registry:read")
    return {"staff": staff.headers, "partner": partner.headers}


@pytest.mark.slow  # one generated test per operation, 2-15 s each
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_api(case, app, tokens):
    headers = tokens["partner"] if "/registry/" in case.path else tokens["staff"]
    response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
    assert response.status_code != 401, (
        "the token is valid: generated requests must get past authentication"
    )
