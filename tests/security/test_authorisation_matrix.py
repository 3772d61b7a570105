"""The authorisation matrix (ASVS V4): every route of the app, found from ``app.url_map``, asked by
every role, by anonymous, and by every partner scope, with the answer class each must get.

A route without a rule here fails the test, so a new route cannot ship without deciding who may
use it. Objects are real (a case with evidence, a file, an inquiry; a birth; a document), so id
routes resolve; bodies are empty, so an allowed caller gets its validation answer (400/422/409)
and nothing changes: what is checked is only whether the gate opened.

Answer classes: ``ALLOW`` (the gate opened: any answer but 401, 403, a redirect to the sign-in
page or 500), ``UNAUTH`` (401: API without a valid token), ``FORBID`` (403), ``SIGN_IN`` (a
redirect to the sign-in page). A 404 for an object that does not exist is not used here: every
id names a real object. One data set per module (a single test builds it once).
"""

import io
import re

from sqlalchemy import select

from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.domain.vocabulary import Role, Scope
from sdp.extensions import db
from tests.births.helpers import birth
from tests.cases.helpers import Office, days_ago, person, register
from tests.web.conftest import sign_in

ALLOW, UNAUTH, FORBID, SIGN_IN = "allow", "401", "403", "sign-in"
ROLES = [role.value for role in Role]
OTHER_OFFICER = "case_officer (not the case's)"
PARTNERS = [f"partner {scope.value}" for scope in Scope] + ["partner (no scope)"]
CALLERS = ["anonymous", *ROLES, OTHER_OFFICER, *PARTNERS]
CASE_READERS = {"intake_officer", "case_officer", "decision_maker", "appeals_officer", "supervisor", "registrar"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = {"given": "Wenceslao Ildefonso", "family": "Quispicusi Yarupaita"}


def classify(response) -> str:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code == 401:
        return UNAUTH
    if response.status_code == 403:
        return FORBID
    if response.status_code in (301, 302, 303) and response.headers["Location"].startswith("/sign-in"):
        return SIGN_IN
    return ALLOW


def build(app, api_as, make_user, tmp_path) -> dict:
    """The office, its callers (API and web) and one real object of every kind."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    office = Office(api_as)
    case = office.examined_case(applicant=person(given=APPLICANT["given"], family=APPLICANT["family"], dob="1984-04-04"))
    cid = case["id"]
    rs_id = office.officer.get(f"/api/v1/applications/{cid}").json["relevant_states"][0]["id"]
    evidence = office.officer.post(f"/api/v1/applications/{cid}/evidence", json={
        "kind": "document", "description": "Birth certificate", "received_on": days_ago(1)}).json
    upload = office.officer.client.post(
        f"/api/v1/applications/{cid}/evidence/{evidence['id']}/files", data={"file": (io.BytesIO(PDF), "acta.pdf")},
        content_type="multipart/form-data", headers=office.officer.headers)
    assert upload.status_code == 201, upload.json
    inquiry = office.officer.post(f"/api/v1/applications/{cid}/inquiries",
                                  json={"country": "CO", "authority": "Registraduría", "sent_on": days_ago(0)}).json
    assert "id" in inquiry, inquiry
    users = {"intake_officer": office.intake, "case_officer": office.officer, "decision_maker": office.decider,
             "appeals_officer": office.appeals, "supervisor": office.supervisor}
    for role in ("registrar", "reviewer", "admin"):
        users[role] = api_as(role)
    users[OTHER_OFFICER] = api_as("case_officer")
    registered = users["registrar"].post("/api/v1/births", json=birth())
    assert registered.status_code == 201, registered.json
    document = office.intake.post(f"/api/v1/applications/{cid}/documents", json={"type": "provisional_certificate"})
    assert document.status_code == 201, document.json
    api = {"anonymous": {}}
    for caller, client in users.items():
        api[caller] = client.headers
    for scope in Scope:
        _, raw = issue_token(SYSTEM, client_name=f"partner {scope.value}", scopes=[scope.value])
        api[f"partner {scope.value}"] = {"Authorization": f"Bearer {raw}"}
    _, raw = issue_token(SYSTEM, client_name="partner without scope", scopes=[])
    api["partner (no scope)"] = {"Authorization": f"Bearer {raw}"}
    web = {"anonymous": app.test_client()}
    for caller, client in users.items():
        web[caller] = app.test_client()
        sign_in(web[caller], client.user)
    for partner in PARTNERS:
        web[partner] = app.test_client()  # a partner has no web session: its token means nothing to the pages
    values = {"application_id": cid, "evidence_id": evidence["id"], "file_id": int(upload.json["url"].rstrip("/").rsplit("/", 1)[1]),
              "relevant_state_id": rs_id, "inquiry_id": inquiry["id"], "registration_number": registered.json["registration_number"],
              "serial": document.json["serial"], "user_id": users[OTHER_OFFICER].user.id, "code": "en",
              "filename": "css/sdp.css"}
    return {"api": api, "web": web, "values": values, "users": users}


def routes(app):
    """(method, endpoint, rule) for every route, sign-out last (it ends the caller's session)."""
    found = [(method, rule.endpoint, rule) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda item: (item[1] == "auth_web.sign_out", item[1], item[0]))


def ask(app, data, caller, method, rule):
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(data["values"][name]), url)
    if rule.rule.startswith("/api/"):
        client, headers = app.test_client(), data["api"].get(caller, {})
        kwargs = {"json": {}} if method in ("POST", "PUT") else {}
        return client.open(url, method=method, headers=headers, **kwargs)
    client = data["web"][caller]
    return client.open(url, method=method, data={} if method == "POST" else None)


def test_probe(app, api_as, make_user, tmp_path):
    data = build(app, api_as, make_user, tmp_path)
    lines = []
    for method, endpoint, rule in routes(app):
        row = {caller: classify(ask(app, data, caller, method, rule)) for caller in CALLERS}
        lines.append(f"{method} {endpoint} {rule.rule}: " + ", ".join(f"{c}={a}" for c, a in row.items()))
    open("/tmp/acc/matrix.txt", "w").write("\n".join(lines))
