"""One loader for a case and the rows under it in the API (``sdp.cases.services.load_case``):
the case's own endpoints and its sub-resources in other packages (its documents, its evidence
files) answer the same 404, 403 and If-Match 409."""

import pytest

from sdp.auth.models import User
from sdp.cases import services
from sdp.cases.models import Application
from sdp.domain.conflicts import EditConflict
from sdp.domain.procedure import Forbidden, InvalidField
from sdp.extensions import db
from tests.cases.helpers import Office, register

MISSING = 987654


@pytest.fixture
def office(api_as):
    return Office(api_as)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications/{id}",
        "/api/v1/applications/{id}/documents",
        "/api/v1/applications/{id}/evidence/1/files",
    ],
)
def test_no_such_case_is_404_in_the_same_words_everywhere(office, path):
    response = office.supervisor.get(path.format(id=MISSING))
    assert response.status_code == 404
    assert response.json["message"] == f"There is no application {MISSING}."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications/{id}",
        "/api/v1/applications/{id}/documents",
    ],
)
def test_a_case_officer_of_another_case_is_refused_everywhere(office, api_as, path):
    case = register(office.intake)
    stranger = api_as("case_officer")  # not assigned to this case
    response = stranger.get(path.format(id=case["id"]))
    assert response.status_code == 403
    assert response.json["message"] == "Your role may not see this case."


def test_an_outdated_if_match_on_a_documents_change_is_409(office):
    case = register(office.intake)
    response = office.intake.client.post(
        f"/api/v1/applications/{case['id']}/documents",
        json={"type": "provisional_certificate"},
        headers={**office.intake.headers, "If-Match": f'"{case["version"] - 1}"'},
    )
    assert response.status_code == 409
    assert "Someone else changed this case" in response.json["message"]


def test_the_service_checks_in_order_not_found_reader_then_version(office, api_as):
    case = register(office.intake)
    intake = db.session.get(User, office.intake.user.id).principal
    stranger = db.session.get(User, api_as("case_officer").user.id).principal
    version = case["version"]
    with pytest.raises(services.CaseNotFound) as missing:
        services.load_case(intake, MISSING, if_match=f'"{version - 1}"')
    assert missing.value.status == 404
    with pytest.raises(Forbidden):
        services.load_case(stranger, case["id"], if_match=f'"{version - 1}"')
    with pytest.raises(EditConflict):
        services.load_case(intake, case["id"], if_match=f'"{version - 1}"')
    with pytest.raises(InvalidField):
        services.load_case(intake, case["id"], if_match="yesterday")
    loaded = services.load_case(intake, case["id"], if_match=f'"{version}"')
    assert loaded is db.session.get(Application, case["id"])
    assert services.load_case(intake, case["id"]) is loaded  # no If-Match: a read
