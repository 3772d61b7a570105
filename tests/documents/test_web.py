"""The PDF download for staff, the case page's documents section, and the public verification
pages."""

from sqlalchemy import select

from sdp.audit.models import AuditEvent
from sdp.documents.models import Document
from sdp.extensions import db

from .helpers import ANGELA, issued, recognized_case, register, tampered


def sign_in(client, user):
    from tests.web.conftest import sign_in as sign_in_with_form

    client.get("/language/en")
    sign_in_with_form(client, user)
    return client


def sent_to_sign_in(response) -> bool:
    """Nobody signed in: the browser is sent to the sign-in page (and nothing is shown)."""
    return response.status_code == 302 and response.location.startswith("/sign-in")


def test_the_pdf_is_for_staff_who_may_read_the_case(office, app, make_user):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    anonymous = app.test_client()
    assert sent_to_sign_in(anonymous.get(document["pdf_url"]))
    reviewer = sign_in(app.test_client(), make_user("reviewer"))
    assert reviewer.get(document["pdf_url"]).status_code == 403
    other_officer = sign_in(app.test_client(), make_user("case_officer"))
    assert other_officer.get(document["pdf_url"]).status_code == 403
    supervisor = sign_in(app.test_client(), make_user("supervisor"))
    response = supervisor.get(document["pdf_url"])
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    assert supervisor.get("/documents/0000-0000-0000.pdf").status_code == 404
    reads = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "document.read"))
        .scalars()
        .all()
    )
    assert [event.changes["channel"] for event in reads] == ["pdf"]


def test_the_case_page_section_issues_revokes_and_reissues(office, app, make_user):
    case = register(office.intake, applicant=ANGELA)
    intake = sign_in(app.test_client(), office.intake.user)
    page = intake.get(f"/cases/{case['id']}/documents/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert (
        'value="provisional_certificate"' in html and 'value="identity_document"' not in html
    )  # the procedure decides
    response = intake.post(
        f"/cases/{case['id']}/documents",
        data={"type": "provisional_certificate", "confirm": "yes"},
    )
    assert response.status_code == 302 and response.location.endswith(
        f"/cases/{case['id']}#documents"
    )
    document = db.session.execute(select(Document)).scalar_one()
    html = intake.get(f"/cases/{case['id']}/documents").get_data(as_text=True)
    assert document.serial in html and f"/documents/{document.serial}.pdf" in html
    assert "/revoke" not in html  # only supervisors revoke
    # A document the state does not allow comes back with the procedure's reason.
    refused = intake.post(
        f"/cases/{case['id']}/documents",
        data={"type": "identity_document", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "own recognition as stateless is final" in refused.get_data(as_text=True)
    supervisor = sign_in(app.test_client(), make_user("supervisor"))
    html = supervisor.get(f"/cases/{case['id']}/documents").get_data(as_text=True)
    assert f"/documents/{document.serial}/revoke" in html
    supervisor.post(f"/documents/{document.serial}/reissue", data={})
    db.session.expire_all()
    old = db.session.execute(
        select(Document).where(Document.serial == document.serial)
    ).scalar_one()
    assert old.status == "superseded"
    new = db.session.get(Document, old.superseded_by_id)
    supervisor.post(
        f"/documents/{new.serial}/revoke", data={"reason": "Issued with a misspelt name."}
    )
    db.session.expire_all()
    assert db.session.get(Document, new.id).status == "revoked"
    # Without a reason, nothing is revoked.
    third = issued(office.intake, case["id"], "provisional_certificate")
    supervisor.post(f"/documents/{third['serial']}/revoke", data={"reason": ""})
    db.session.expire_all()
    assert (
        db.session.execute(
            select(Document.status).where(Document.serial == third["serial"])
        ).scalar_one()
        == "valid"
    )


def test_the_case_page_is_for_staff_who_may_read_the_case(office, app, make_user):
    case = register(office.intake)
    assert sent_to_sign_in(app.test_client().get(f"/cases/{case['id']}/documents"))
    assert (
        sign_in(app.test_client(), make_user("registrar"))
        .get(f"/cases/{case['id']}/documents")
        .status_code
        == 403
    )
    assert (
        sign_in(app.test_client(), make_user("registrar"))
        .post(f"/cases/{case['id']}/documents", data={"type": "provisional_certificate"})
        .status_code
        == 403
    )
    assert db.session.execute(select(Document)).first() is None


def test_the_public_page_shows_status_names_and_date_of_birth_only(office, client):
    case = recognized_case(office)
    document = issued(office.supervisor, case["id"], "identity_document")
    response = client.get(f"/verify/{document['serial']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for shown in (
        "Ángela",
        "Núñez Ortiz",
        "2001-01-22",
        document["serial"],
        document["valid_until"],
    ):
        assert shown in html, shown
    for hidden in (
        case["case_number"],
        "Colombia",
        " CO",
        "Maracaibo",
        document["qr"][:20],
        office.supervisor.user.email,
    ):
        assert hidden not in html, hidden
    assert (
        response.headers["Cache-Control"] == "no-store"
        and "noindex" in response.headers["X-Robots-Tag"]
    )
    office.supervisor.post(
        f"/api/v1/documents/{document['serial']}/revoke", json={"reason": "Stolen."}
    )
    html = client.get(f"/verify/{document['serial'].lower()}").get_data(as_text=True)
    assert (
        "Revocado" in html and "Stolen." not in html
    )  # the reason is not public (the page is Spanish by default)
    assert client.get("/verify/7QC7-XPRR-6Y0N").status_code == 404
    assert client.get("/verify/nonsense").status_code == 404
    event = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "document.read"))
        .scalars()
        .first()
    )
    assert event.actor_kind == "public" and event.changes["channel"] == "public_page"


def test_the_scan_page_checks_a_pasted_payload(office, client):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    client.get("/language/es")  # the public pages in their default language
    form = client.get("/verify")
    assert form.status_code == 200 and 'name="qr"' in form.get_data(as_text=True)
    genuine = client.get("/verify", query_string={"qr": document["qr"]})
    html = genuine.get_data(as_text=True)
    assert (
        genuine.status_code == 200
        and "El código QR es auténtico" in html
        and "Núñez Ortiz" in html
        and "Vigente" in html
    )
    qr = document["qr"]
    forged = client.get("/verify", query_string={"qr": tampered(qr)})
    assert forged.status_code == 422 and "no es auténtico" in forged.get_data(as_text=True)
    assert "Núñez" not in forged.get_data(as_text=True)
    pasted = client.post(
        "/verify", data={"qr": document["qr"]}
    )  # the form posts, with no CSRF token
    assert pasted.status_code == 200 and "Núñez Ortiz" in pasted.get_data(as_text=True)
    typed = client.get("/verify", query_string={"serial": document["serial"].replace("-", " ")})
    assert typed.status_code == 302 and "/verify/" in typed.location


def test_the_public_page_is_rate_limited_against_enumeration(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATELIMIT", "3 per minute")
    answers = [client.get(f"/verify/AAAA-AAAA-AAA{index}").status_code for index in range(5)]
    assert answers[:3] == [404, 404, 404] and answers[3:] == [429, 429]


def test_a_pdf_of_a_document_no_longer_valid_is_stamped(office):
    from .helpers import pdf_bytes, pdf_text

    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    assert "NO VÁLIDO" not in pdf_text(pdf_bytes(office.supervisor, document))
    office.supervisor.post(
        f"/api/v1/documents/{document['serial']}/revoke", json={"reason": "Issued in error."}
    )
    assert "REVOCADO: NO VÁLIDO" in pdf_text(pdf_bytes(office.supervisor, document))


def test_the_scan_form_works_with_csrf_protection_on_and_staff_forms_need_a_token(
    office, app, monkeypatch
):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    staff = sign_in(app.test_client(), office.intake.user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = staff.post(f"/cases/{case['id']}/documents", data={"type": "provisional_certificate"})
    assert refused.status_code == 400, refused.location  # no CSRF token
    public = app.test_client()
    assert public.post("/verify", data={"qr": document["qr"]}).status_code == 200


def test_the_case_page_offers_issuing_exactly_when_the_procedure_does(office, app, make_user):
    """``issue_document`` is not a generic action form of the case page: the documents panel
    links to its questions (``/documents/new``), shown to exactly those the procedure offers it."""
    from sdp import clock
    from sdp.cases.models import Application
    from sdp.domain import procedure

    case = register(office.intake, applicant=ANGELA)
    people = {
        "intake": office.intake.user,
        "supervisor": office.supervisor.user,
        "decision_maker": make_user("decision_maker"),
        "appeals_officer": make_user("appeals_officer"),
    }
    offered, allowed = {}, {}
    for name, user in people.items():
        html = sign_in(app.test_client(), user).get(f"/cases/{case['id']}").get_data(as_text=True)
        offered[name] = 'id="issue-document-link"' in html
        if offered[name]:
            assert f'href="/cases/{case["id"]}/documents/new"' in html
        assert 'name="_action" value="issue_document"' not in html  # no second, generic form
        application = db.session.get(Application, case["id"])
        allowed[name] = procedure.is_allowed(
            "issue_document",
            application.facts(clock.today()),
            user.principal.actor,
            procedure.Context(today=clock.today(), params={"type": "provisional_certificate"}),
        )
    assert (
        offered
        == allowed
        == {"intake": True, "supervisor": True, "decision_maker": False, "appeals_officer": False}
    )
