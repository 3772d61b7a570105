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

import pytest

from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.domain.vocabulary import Role, Scope
from tests.births.helpers import birth
from tests.cases.helpers import Office, days_ago, person
from tests.web.conftest import sign_in

ALLOW, UNAUTH, FORBID, SIGN_IN = "allow", "401", "403", "sign-in"
ROLES = [role.value for role in Role]
OTHER_OFFICER = "case_officer (not the case's)"
PARTNERS = [f"partner {scope.value}" for scope in Scope] + ["partner (no scope)"]
CALLERS = ["anonymous", *ROLES, OTHER_OFFICER, *PARTNERS]
# Who may read a case (sdp/domain/access.py): the case team, and a case officer only for their own.
CASE_TEAM = {"intake_officer", "case_officer", "decision_maker", "appeals_officer", "supervisor"}
STAFF = {*ROLES, OTHER_OFFICER} - {"reviewer"}
SIGNED_IN = {*ROLES, OTHER_OFFICER}
EVERYONE = set(CALLERS)
EVERYONE_BUT_REVIEWER = EVERYONE - {
    "reviewer"
}  # the reviewer fence (sdp/review/fence.py) is deny-by-default


def api(allowed: set[str]) -> dict[str, str]:
    """An API route: ``allowed`` pass the gate, anonymous gets 401, everyone else 403."""
    return {c: ALLOW if c in allowed else UNAUTH if c == "anonymous" else FORBID for c in CALLERS}


def web(allowed: set[str], refused: str = FORBID) -> dict[str, str]:
    """A page: ``allowed`` pass, anonymous and partners (no session) go to sign in, the rest
    ``refused``."""
    return {
        c: ALLOW if c in allowed else SIGN_IN if c == "anonymous" or c in PARTNERS else refused
        for c in CALLERS
    }


def every(answer: str, **exceptions: str) -> dict[str, str]:
    return {c: exceptions.get(c, answer) for c in CALLERS}


# Case actions through the API (``staff_required()`` without roles): every staff user passes the
# gate and the procedure then decides who may take the action in the case's state (403/409:
# tests/domain/test_procedure.py, tests/cases/test_procedure_api.py). Same for issuing documents.
MATRIX = {
    ("GET", "api-docs.openapi_json"): api(EVERYONE),
    ("GET", "procedure_api.Procedure"): api(EVERYONE),
    ("GET", "api_docs"): api(EVERYONE),  # the interactive API documentation: no data, open to all
    ("GET", "registry_api.Persons"): api({"partner registry:read"}),
    ("GET", "static"): web(EVERYONE),
    ("GET", "web.switch_language"): web(EVERYONE),
    ("GET", "auth_web.sign_in"): web(EVERYONE),
    ("POST", "auth_web.sign_in"): web(EVERYONE),
    ("GET", "auth_web.forgotten_password"): web(EVERYONE),
    # Without a password step just done, the second-factor pages send back to the sign-in page.
    ("GET", "auth_web.enrol_second_factor"): every(SIGN_IN, reviewer=FORBID),
    ("POST", "auth_web.enrol_second_factor"): every(SIGN_IN, reviewer=FORBID),
    ("GET", "auth_web.second_factor"): every(SIGN_IN, reviewer=FORBID),
    ("POST", "auth_web.second_factor"): every(SIGN_IN, reviewer=FORBID),
    ("POST", "auth_web.sign_out"): web(set(), refused=SIGN_IN),
    # Every signed-in user changes their own password, reviewers included (an empty form: 422).
    ("GET", "auth_web.change_password"): web(SIGNED_IN),
    ("POST", "auth_web.change_password"): web(SIGNED_IN),
    ("GET", "help.index"): web(SIGNED_IN),
    ("GET", "help.role_page"): web(SIGNED_IN),
    ("GET", "help.glossary_page"): web(SIGNED_IN),
    ("GET", "auth_web.user"): web({"admin"}),
    ("POST", "auth_web.user_action"): web({"admin"}),
    # Resetting a password or a second factor (tests/web/test_password_reset.py): admins only; an
    # empty post (no confirmation from the check page) resets nothing (400).
    ("GET", "auth_web.reset_password_page"): web({"admin"}),
    ("POST", "auth_web.reset_password_page"): web({"admin"}),
    ("GET", "auth_web.reset_second_factor_page"): web({"admin"}),
    ("POST", "auth_web.reset_second_factor_page"): web({"admin"}),
    ("GET", "auth_web.users"): web({"admin"}),
    ("POST", "auth_web.users"): web({"admin"}),
    # Four eyes on access (tests/web/test_four_eyes_on_access.py): admins only; who may approve is
    # the rule's.
    ("POST", "auth_web.propose_role"): web({"admin"}),
    ("GET", "auth_web.grant"): web({"admin"}),
    ("POST", "auth_web.grant"): web({"admin"}),
    ("GET", "web.home"): web(SIGNED_IN),
    ("GET", "web.index"): web(SIGNED_IN),
    ("GET", "review.index"): web(SIGNED_IN),
    ("GET", "review.procedure_page"): web(SIGNED_IN),
    ("GET", "review.procedure_svg"): web(SIGNED_IN),
    ("GET", "review.statistics"): web({"reviewer", "supervisor"}),
    ("GET", "review.statistics_csv"): web({"reviewer", "supervisor"}),
    ("GET", "review.statistics_xlsx"): web({"reviewer", "supervisor"}),
    ("GET", "statistics_api.Statistics"): api({"reviewer", "supervisor"}),
    ("GET", "births.index"): web({"registrar", "supervisor"}),
    ("GET", "births.register"): web({"registrar"}),
    ("POST", "births.register"): web({"registrar"}),
    ("GET", "births.show"): web({"registrar", "supervisor"}),
    ("GET", "births_api.BirthResource"): api({"registrar", "supervisor"}),
    ("POST", "births_api.Births"): api({"registrar"}),
    ("GET", "births_registry_api.RegistryBirth"): api({"partner registry:read"}),
    ("GET", "cases_api.ApplicationResource"): api(CASE_TEAM),
    ("POST", "cases_api.Applications"): api(STAFF),
    **{
        ("POST", f"cases_api.{action}"): api(STAFF)
        for action in (
            "add_relevant_state",
            "assign",
            "close",
            "decide",
            "decide_appeal",
            "extend_decision_due",
            "lodge_appeal",
            "recommend",
            "record_evidence",
            "record_inquiry_response",
            "record_interview",
            "refer",
            "record_referral_outcome",
            "record_detention",
            "record_guardian",
            "propose_cessation",
            "reply_cessation",
            "decide_cessation",
            "propose_cancellation",
            "reply_cancellation",
            "decide_cancellation",
            "appeal_cessation",
            "decide_appeal_cessation",
            "appeal_cancellation",
            "decide_appeal_cancellation",
            "return_to_examination",
            "send_inquiry",
            "withdraw",
        )
    },
    ("PUT", "cases_api.record_finding"): api(STAFF),
    ("GET", "cases_web.case"): web(CASE_TEAM),
    ("POST", "cases_web.case"): web(CASE_TEAM),
    # An action's own page (here: the finding on the case's relevant State): the case's officer
    # only.
    ("GET", "cases_web.action"): web({"case_officer"}),
    ("POST", "cases_web.action"): web({"case_officer"}),
    ("GET", "cases_web.evidence_file"): web(CASE_TEAM),
    ("GET", "cases_web.index"): web(CASE_TEAM | {OTHER_OFFICER}),  # their own list, empty
    ("GET", "cases_web.intake"): web({"intake_officer"}),
    ("POST", "cases_web.intake"): web({"intake_officer"}),
    ("GET", "documents_api.get_document"): api(CASE_TEAM),
    ("POST", "documents_api.issue"): api(STAFF),
    ("POST", "documents_api.issue_birth_record"): api({"registrar", "supervisor"}),
    ("GET", "documents_api.keys"): api(EVERYONE_BUT_REVIEWER),  # public keys, for verifiers
    ("GET", "documents_api.list_case_documents"): api(CASE_TEAM),
    ("GET", "documents_api.registry_document"): api({"partner registry:read"}),
    ("POST", "documents_api.registry_verify"): api({"partner registry:read"}),
    ("POST", "documents_api.reissue"): api(CASE_TEAM),
    ("POST", "documents_api.revoke"): api({"supervisor"}),
    ("GET", "documents_web.case_documents"): web(CASE_TEAM),
    ("POST", "documents_web.issue"): web(CASE_TEAM),
    ("GET", "documents_web.issue_birth_record"): web({"registrar", "supervisor"}),
    ("POST", "documents_web.issue_birth_record"): web({"registrar", "supervisor"}),
    # Issuing a document, one question per page: those the procedure lets issue one now.
    ("GET", "documents_web.issue_question"): web({"intake_officer", "case_officer", "supervisor"}),
    ("POST", "documents_web.issue_question"): web({"intake_officer", "case_officer", "supervisor"}),
    ("GET", "documents_web.pdf"): web(CASE_TEAM),
    ("POST", "documents_web.reissue"): web(CASE_TEAM),
    ("POST", "documents_web.revoke"): web(CASE_TEAM),
    ("GET", "documents_web.verify"): web(EVERYONE_BUT_REVIEWER),  # the public check of a document
    ("POST", "documents_web.verify"): web(EVERYONE_BUT_REVIEWER),
    ("GET", "documents_web.verify_serial"): web(EVERYONE_BUT_REVIEWER),
    ("GET", "documents_web.verify_link"): web(EVERYONE_BUT_REVIEWER),  # what a QR code opens
    ("GET", "uploads_api.EvidenceFileContent"): api(CASE_TEAM),
    ("GET", "uploads_api.EvidenceFiles"): api(CASE_TEAM),
    ("POST", "uploads_api.EvidenceFiles"): api(CASE_TEAM),
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = {"given": "Wenceslao Ildefonso", "family": "Quispicusi Yarupaita"}


def classify(response) -> str:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code == 401:
        return UNAUTH
    if response.status_code == 403:
        return FORBID
    if response.status_code in (301, 302, 303) and response.headers["Location"].startswith(
        "/sign-in"
    ):
        return SIGN_IN
    return ALLOW


def build(app, api_as, make_user, tmp_path) -> dict:
    """The office, its callers (API and web) and one real object of every kind."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    office = Office(api_as)
    case = office.examined_case(
        applicant=person(given=APPLICANT["given"], family=APPLICANT["family"], dob="1984-04-04")
    )
    cid = case["id"]
    rs_id = office.officer.get(f"/api/v1/applications/{cid}").json["relevant_states"][0]["id"]
    evidence = office.officer.post(
        f"/api/v1/applications/{cid}/evidence",
        json={"kind": "document", "description": "Birth certificate", "received_on": days_ago(0)},
    ).json
    upload = office.officer.client.post(
        f"/api/v1/applications/{cid}/evidence/{evidence['id']}/files",
        data={"file": (io.BytesIO(PDF), "acta.pdf")},
        content_type="multipart/form-data",
        headers=office.officer.headers,
    )
    assert upload.status_code == 201, upload.json
    inquiry = office.officer.post(
        f"/api/v1/applications/{cid}/inquiries",
        json={
            "country": "CO",
            "authority": "Registraduría",
            "sent_on": days_ago(0),
            "consent_on": days_ago(0),
        },
    ).json
    assert "id" in inquiry, inquiry
    users = {
        "intake_officer": office.intake,
        "case_officer": office.officer,
        "decision_maker": office.decider,
        "appeals_officer": office.appeals,
        "supervisor": office.supervisor,
    }
    for role in ("registrar", "reviewer", "admin"):
        users[role] = api_as(role)
    users[OTHER_OFFICER] = api_as("case_officer")
    registered = users["registrar"].post("/api/v1/births", json=birth())
    assert registered.status_code == 201, registered.json
    document = office.intake.post(
        f"/api/v1/applications/{cid}/documents", json={"type": "provisional_certificate"}
    )
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
        web[partner] = (
            app.test_client()
        )  # a partner has no web session: its token means nothing to the pages
    values = {
        "slug": "record-finding",
        "target": rs_id,
        "application_id": cid,
        "person_id": case["persons"][0]["id"],
        "evidence_id": evidence["id"],
        "file_id": int(upload.json["url"].rstrip("/").rsplit("/", 1)[1]),
        "relevant_state_id": rs_id,
        "inquiry_id": inquiry["id"],
        "registration_number": registered.json["registration_number"],
        "serial": document.json["serial"],
        "user_id": users[OTHER_OFFICER].user.id,
        "code": "en",
        "role": "case_officer",
        "filename": "css/sdp.css",
        "signed": document.json["qr"].split("/V/", 1)[1],
        "grant_id": _pending_grant(users),
        "step": "document",
    }
    return {"api": api, "web": web, "values": values, "users": users}


def _pending_grant(users) -> int:
    from sdp.auth.grants import propose_role

    admin = users["admin"].user
    return propose_role(admin.principal, users["reviewer"].user, Role.SUPERVISOR).id


def routes(app):
    """(method, endpoint, rule) for every route, sign-out last (it ends the caller's session)."""
    found = [
        (method, rule.endpoint, rule)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
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


@pytest.mark.slow  # every route as every caller: 15-30 s
def test_every_route_every_caller_gets_the_expected_answer(app, api_as, make_user, tmp_path):
    data = build(app, api_as, make_user, tmp_path)
    found = routes(app)
    missing = sorted({(method, endpoint) for method, endpoint, _ in found} - set(MATRIX))
    assert not missing, f"routes without a rule in the authorisation matrix: {missing}"
    stale = sorted(set(MATRIX) - {(method, endpoint) for method, endpoint, _ in found})
    assert not stale, f"rules for routes that no longer exist: {stale}"
    wrong, leaks = [], []
    for method, endpoint, rule in found:
        for caller in CALLERS:
            response = ask(app, data, caller, method, rule)
            answer, expected = classify(response), MATRIX[(method, endpoint)][caller]
            if answer != expected:
                wrong.append(
                    f"{method} {rule.rule} as {caller}: {answer} ({response.status_code}), "
                    f"expected {expected}"
                )
            # Every answer but a static file may carry personal data: never kept by a browser or a
            # proxy (issue 15: evidence downloads said no-cache).
            if endpoint != "static" and response.headers.get("Cache-Control") != "no-store":
                wrong.append(
                    f"{method} {rule.rule} as {caller}: Cache-Control "
                    f"{response.headers.get('Cache-Control')}"
                )
            # Public routes (the document check shows the holder's name to anyone with the serial,
            # by design) are not personal data given to the role.
            public = MATRIX[(method, endpoint)]["anonymous"] == ALLOW
            if caller in ("reviewer", "admin") and method == "GET" and not public:
                body = response.get_data()
                if APPLICANT["given"].encode() in body or APPLICANT["family"].encode() in body:
                    leaks.append(f"{rule.rule} shows the applicant's name to {caller}")
    assert not wrong, "\n".join(wrong)
    assert not leaks, "\n".join(leaks)
    # case officers see their own cases only (the other officer's list does not name the applicant)
    assert APPLICANT["family"] not in data["web"][OTHER_OFFICER].get("/cases/").get_data(
        as_text=True
    )
