"""The case page: each action's form, its validation, refusals, and the audit of reads."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from sdp import clock
from sdp.audit.models import AuditEvent
from sdp.cases.models import Application
from sdp.extensions import db
from tests.cases.helpers import Office, person, register

from .conftest import text_of

TODAY = clock.today()


@pytest.fixture
def office(api_as):
    return Office(api_as)


def assigned_case(office):
    case = register(office.intake, applicant=person(asylum={"status": "refugee", "country": "VE"}))
    response = office.supervisor.post(
        f"/api/v1/applications/{case['id']}/assign",
        json={"case_officer": office.officer.user.email},
    )
    assert response.status_code == 200
    return case


IRREVERSIBLE = {
    "decide",
    "decide_appeal",
    "withdraw",
    "close",
    "decide_proceeding",
    "decide_proceeding_appeal",
}


def action_path(case_id, action, target=None) -> str:
    """Each action has its own page: /cases/<id>/<action-with-hyphens>[/<row>]."""
    path = f"/cases/{case_id}/{action.replace('_', '-')}"
    return f"{path}/{target}" if target else path


def post_action(client, case_id, action, target=None, confirm=True, **fields):
    """Answer an action's page; an irreversible one confirmed on its "check your answers" page."""
    prefix = f"{action}-{target}" if target else action
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    if confirm and action in IRREVERSIBLE:
        data["confirm"] = "yes"
    return client.post(action_path(case_id, action, target), data=data)


def application(case_id) -> Application:
    db.session.expire_all()
    return db.session.get(Application, case_id)


def test_the_examination_and_decision_through_the_forms(office, web_as):
    case = assigned_case(office)
    cid = case["id"]
    officer = web_as(office.officer.user)
    assert (
        post_action(
            officer, cid, "add_relevant_state", country="CO", links=["birth", "habitual_residence"]
        ).status_code
        == 302
    )
    assert (
        post_action(
            officer,
            cid,
            "record_evidence",
            kind="document",
            description="Partida de bautismo.",
            received_on=TODAY.isoformat(),
            country="CO",
        ).status_code
        == 302
    )
    assert (
        post_action(
            officer,
            cid,
            "send_inquiry",
            country="CO",
            authority="Registraduría",
            sent_on=TODAY.isoformat(),
            consent_on=TODAY.isoformat(),
        ).status_code
        == 302
    )
    inquiry = application(cid).inquiries[0]
    assert (
        post_action(
            officer,
            cid,
            "record_inquiry_response",
            target=inquiry.id,
            received_on=TODAY.isoformat(),
            outcome="no_record",
        ).status_code
        == 302
    )
    assert (
        post_action(
            officer,
            cid,
            "record_interview",
            held_on=TODAY.isoformat(),
            interpreter_language="es",
            summary="Read back and signed.",
            read_back="y",
        ).status_code
        == 302
    )
    rs = application(cid).relevant_states[0]
    assert (
        post_action(
            officer,
            cid,
            "record_finding",
            target=rs.id,
            finding="not_national",
            reasoning="No record in Colombia.",
        ).status_code
        == 302
    )
    assert (
        post_action(
            officer,
            cid,
            "recommend",
            outcome="recognized",
            reasons="No State considers her a national.",
            exclusion_ground="",
        ).status_code
        == 302
    )
    assert application(cid).state == "pending_decision"

    decider = web_as(office.decider.user)
    page = decider.get(f"/cases/{cid}")
    assert 'id="action-decide"' in page.get_data(
        as_text=True
    ) and "No record in Colombia." in text_of(page)
    assert 'id="form-decide"' in decider.get(action_path(cid, "decide")).get_data(as_text=True)
    response = post_action(
        decider,
        cid,
        "decide",
        outcome="recognized",
        reasons="Established.",
        exclusion_ground="",
        notified_on=TODAY.isoformat(),
        notification_language="es",
    )
    assert response.status_code == 302
    case_now = application(cid)
    assert (
        case_now.state == "recognized"
        and case_now.decision.findings[0]["finding"] == "not_national"
    )
    assert (
        case_now.evidence[0].country == "CO" and case_now.interviews[0].interpreter_language == "es"
    )
    timeline = text_of(decider.get(f"/cases/{cid}"))
    for title in (
        "Register an application",
        "Assign a case officer",
        "Record evidence",
        "Record a State's response",
        "Recommend an outcome",
        "Decide",
    ):
        assert title in timeline


def test_only_the_actions_the_procedure_allows_now_are_offered(office, web_as):
    case = assigned_case(office)
    html = web_as(office.officer.user).get(f"/cases/{case['id']}").get_data(as_text=True)
    # The decision period may be extended once for any stated reason (no longer only for a pending
    # inquiry).
    for form in (
        "add_relevant_state",
        "record_evidence",
        "send_inquiry",
        "record_interview",
        "withdraw",
        "extend_decision_due",
    ):
        assert f'id="action-{form}"' in html, form
    for form in ("recommend", "decide", "assign", "close", "lodge_appeal"):
        assert f'id="action-{form}"' not in html, form
    assert (
        'name="_action"' not in html
    )  # the overview holds no action's form: each has its own page
    decider_html = web_as(office.decider.user).get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'id="action-' not in decider_html  # nothing for a decision-maker while under examination


def test_a_forbidden_action_posted_anyway_is_refused_with_a_message(office, web_as):
    case = assigned_case(office)
    intake = web_as(office.intake.user)
    response = post_action(
        intake,
        case["id"],
        "decide",
        outcome="recognized",
        reasons="x",
        notified_on=TODAY.isoformat(),
    )
    assert response.status_code == 403
    assert "Your role may not take this action: Decide." in text_of(response)
    assert application(case["id"]).state == "under_examination"
    other_officer = web_as("case_officer")
    response = post_action(
        other_officer, case["id"], "record_interview", held_on=TODAY.isoformat(), summary="x"
    )
    assert response.status_code == 403  # not their case: they may not even read it
    assert application(case["id"]).interviews == []


def test_a_rule_of_the_procedure_is_explained_beside_the_form(office, web_as):
    case = assigned_case(office)
    officer = web_as(office.officer.user)
    # The confidentiality rule: the applicant is a refugee from Venezuela.
    response = post_action(
        officer,
        case["id"],
        "send_inquiry",
        country="VE",
        authority="SAIME",
        sent_on=TODAY.isoformat(),
        consent_on=TODAY.isoformat(),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "the State of an asylum claim on this case may not be contacted" in html
    assert (
        'id="refusal-send_inquiry"' in html and 'value="SAIME"' in html
    )  # beside the form, typed data kept
    # A guard: a recommendation needs findings (offered only when allowed, refused when posted
    # anyway).
    response = post_action(
        officer, case["id"], "recommend", outcome="recognized", reasons="Too early."
    )
    assert (
        response.status_code == 409
        and "At least one relevant State must be examined" in text_of(response)
    )
    # A field the procedure rejects: an inquiry sent before registration.
    response = post_action(
        officer,
        case["id"],
        "send_inquiry",
        country="CO",
        authority="Registraduría",
        sent_on=(TODAY - timedelta(days=30)).isoformat(),
        consent_on=(TODAY - timedelta(days=31)).isoformat(),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="send_inquiry-sent_on-error"' in html


def test_form_errors_are_beside_the_fields_with_a_summary(office, web_as):
    case = assigned_case(office)
    response = post_action(
        web_as(office.officer.user),
        case["id"],
        "record_interview",
        held_on="",
        summary="  ",
        legal_representative="ENCUENTROS",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        'href="#record_interview-held_on-day"' in html
        and 'id="record_interview-summary-error"' in html
    )
    assert 'value="ENCUENTROS"' in html


def test_an_exclusion_needs_its_ground(office, web_as):
    case = office.examined_case()
    response = post_action(
        web_as(office.officer.user),
        case["id"],
        "recommend",
        outcome="excluded",
        reasons="Art. 1(2).",
        exclusion_ground="",
    )
    # The ground is asked on its own page (a follow-up question), then required there.
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="follow-up"' in html
    assert 'id="recommend-exclusion_ground"' in html and 'value="Art. 1(2)."' in html
    response = web_as(office.officer.user).post(
        action_path(case["id"], "recommend"),
        data={
            "recommend-outcome": "excluded",
            "recommend-reasons": "Art. 1(2).",
            "recommend-exclusion_ground": "",
            "_asked": "recommend-exclusion_ground",
        },
    )
    assert response.status_code == 422 and "An exclusion names its ground of Art. 1(2)." in text_of(
        response
    )


def test_every_read_of_the_case_page_is_audited(office, web_as):
    case = assigned_case(office)
    supervisor = web_as(office.supervisor.user)
    supervisor.get(f"/cases/{case['id']}")
    supervisor.get(f"/cases/{case['id']}")
    reads = (
        db.session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "case.read", AuditEvent.case_id == case["id"]
            )
        )
        .scalars()
        .all()
    )
    assert len(reads) == 2 and {r.actor_id for r in reads} == {office.supervisor.user.id}
    assert reads[0].changes == {"channel": "web"}


def test_a_case_officer_cannot_open_another_officers_case(office, web_as):
    case = assigned_case(office)
    response = web_as("case_officer").get(f"/cases/{case['id']}")
    assert response.status_code == 403
    # a refusal, not a crash: the page says so in its title and heading, and what would open it
    # (issue 13)
    html = response.get_data(as_text=True)
    title = html[html.index("<title>") : html.index("</title>")]
    assert "You do not have access to this case" in title and "500" not in title
    assert "assigned to another case officer" in text_of(
        response
    ) and "A supervisor can assign it to you." in text_of(response)
    assert "problem with the service" not in html and "Sorry" not in html
    registrar = web_as("registrar").get(f"/cases/{case['id']}")
    assert registrar.status_code == 403 and "Case files are read by intake officers" in text_of(
        registrar
    )
    assert web_as("reviewer").get(f"/cases/{case['id']}").status_code == 403


def test_a_case_that_does_not_exist_is_named_as_not_found(office, web_as):
    response = web_as("supervisor").get("/cases/987654")
    assert response.status_code == 404
    assert "Case not found" in text_of(
        response
    ) and "There is no case with the reference 987654." in text_of(response)
    assert (
        web_as("supervisor").get(f"/cases/{2**70}").status_code == 404
    )  # beyond any id: not found, not a crash


def test_appeal_through_the_forms(office, web_as):
    case = office.decided(outcome="rejected")
    intake = web_as(office.intake.user)
    response = post_action(
        intake, case["id"], "lodge_appeal", lodged_on=TODAY.isoformat(), grounds="New evidence."
    )
    assert response.status_code == 302 and application(case["id"]).state == "under_appeal"
    appeals = web_as(office.appeals.user)
    html = appeals.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'id="next-step-link"' in html and 'id="action-decide_appeal"' in html
    assert 'id="form-decide_appeal"' in appeals.get(
        action_path(case["id"], "decide_appeal")
    ).get_data(as_text=True)
    response = post_action(
        appeals, case["id"], "decide_appeal", outcome="overturned", reasons="Stateless."
    )
    assert response.status_code == 302 and application(case["id"]).state == "recognized"


def test_a_final_decision_shows_no_running_appeal_deadline(office, web_as):
    """Issue 13: a recognised case showed "Final" beside "Appeal due 30 Dec 2026". A recognition
    is final on notification, so no appeal deadline runs; a rejection shows its deadline until
    it is final."""
    supervisor = web_as(office.supervisor.user)
    recognized = office.decided(outcome="recognized")
    html = supervisor.get(f"/cases/{recognized['id']}").get_data(as_text=True)
    decision = html[html.index('id="decision"') :]
    assert "Final" in decision[: decision.index("</p>")]
    assert 'id="appeal-due-row"' not in html and "Appeal due" not in html
    assert "Appeal window closes" not in html

    rejected = office.decided(outcome="rejected")
    html = supervisor.get(f"/cases/{rejected['id']}").get_data(as_text=True)
    assert 'id="appeal-due-row"' in html
    decision = html[html.index('id="decision"') :]
    assert "Final" not in decision[: decision.index("</p>")]


def test_assignment_from_the_supervisors_home(office, web_as):
    case = register(office.intake)
    supervisor = web_as(office.supervisor.user)
    home = supervisor.get("/").get_data(as_text=True)
    assert case["case_number"] in home and 'name="assign-case_officer"' in home
    response = supervisor.post(
        f"/cases/{case['id']}",
        data={"_action": "assign", "assign-case_officer": office.officer.user.email},
    )
    assert response.status_code == 302
    assert application(case["id"]).case_officer_id == office.officer.user.id


def test_ending_a_case(office, web_as):
    case = register(office.intake)
    response = post_action(
        web_as(office.supervisor.user),
        case["id"],
        "refer",
        referral_target="late_birth_registration",
        reasons="Born in Tumbes, never registered.",
    )
    assert response.status_code == 302
    # A referral is the person's own and does not end the case: they stay protected while RENIEC
    # answers.
    referred = application(case["id"])
    determination = referred.determination(referred.applicant_id)
    assert referred.state == "registered"
    assert (
        determination.referral_status == "pending"
        and determination.referral_target == "late_birth_registration"
    )
    assert referred.person_facts(referred.applicant).protected_from_removal(TODAY)


def test_the_overview_lists_the_steps_with_their_status_and_the_procedures_reason(office, web_as):
    case = assigned_case(office)
    officer = web_as(office.officer.user)
    html = officer.get(f"/cases/{case['id']}").get_data(as_text=True)
    page = text_of(officer.get(f"/cases/{case['id']}"))
    # The next step is the officer's, first on the page, and links to its own page.
    assert html.index('id="next-step"') < html.index('id="task-list"') < html.index('id="timeline"')
    assert f'href="/cases/{case["id"]}/add-relevant-state"' in html
    assert "Running deadline" in page and "Decision due" in page
    # Recommending cannot start yet, with the procedure's reason; deciding is not the officer's
    # step.
    assert "At least one relevant State must be examined before a recommendation." in page
    assert 'id="step-recommend-status"' in html and "Cannot start yet" in page
    assert 'id="step-assign-status"' in html and "Completed" in page
    # No State yet: no link to a finding page that could not open, but the reason.
    assert 'id="action-record_finding"' not in html and "Add a relevant State first." in page
    post_action(officer, case["id"], "add_relevant_state", country="CO", links=["birth"])
    rs = application(case["id"]).relevant_states[0]
    html = officer.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert (
        f'href="/cases/{case["id"]}/record-finding/{rs.id}" '
        'aria-describedby="step-record_finding-status"' in html
    )
    decider_page = text_of(web_as(office.decider.user).get(f"/cases/{case['id']}"))
    assert "Nothing on this case is yours to do now." in decider_page


def test_an_irreversible_action_asks_to_check_the_answers_first(office, web_as):
    case = office.pending_decision()
    cid = case["id"]
    decider = web_as(office.decider.user)
    answers = {
        "outcome": "recognized",
        "reasons": "Established to a reasonable degree.",
        "exclusion_ground": "",
        "notified_on": TODAY.isoformat(),
        "notification_language": "es",
    }
    check = post_action(decider, cid, "decide", confirm=False, **answers)
    assert check.status_code == 200 and "Check your answers" in text_of(check)
    assert "Established to a reasonable degree." in text_of(check)
    assert application(cid).state == "pending_decision"  # nothing recorded yet
    # "Change" goes back to the question with the answers in it.
    data = {f"decide-{name}": value for name, value in answers.items()}
    change = decider.post(action_path(cid, "decide"), data={**data, "change": "decide-reasons"})
    assert change.status_code == 200 and 'id="form-decide"' in change.get_data(as_text=True)
    assert "Established to a reasonable degree.</textarea>" in change.get_data(as_text=True)
    done = decider.post(action_path(cid, "decide"), data={**data, "confirm": "yes"})
    assert done.status_code == 302 and application(cid).state == "recognized"
    banner = text_of(decider.get(done.headers["Location"]))
    assert "Decision recorded: María José Pérez Gómez recognised as stateless." in banner


def test_a_question_with_errors_comes_back_filled_in_on_its_own_page(office, web_as):
    case = assigned_case(office)
    officer = web_as(office.officer.user)
    response = post_action(
        officer, case["id"], "send_inquiry", country="CO", authority="Registraduría", sent_on=""
    )
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and "govuk-error-summary" in html
        and 'class="govuk-back-link"' in html
    )
    assert 'value="Registraduría"' in html and 'id="form-send_inquiry"' in html


def test_banners_say_what_happened_and_to_whom(office, web_as):
    case = register(office.intake)
    supervisor = web_as(office.supervisor.user)
    response = post_action(supervisor, case["id"], "assign", case_officer=office.officer.user.email)
    assert response.status_code == 302
    banner = text_of(supervisor.get(response.headers["Location"]))
    assert f"Case assigned to {office.officer.user.name}." in banner and "Done:" not in banner
    officer = web_as(office.officer.user)
    response = post_action(officer, case["id"], "add_relevant_state", country="CO", links=["birth"])
    assert "Colombia added as a relevant State for María José Pérez Gómez." in text_of(
        officer.get(response.headers["Location"])
    )


def test_an_unknown_action_or_a_row_of_another_case_is_not_found(office, web_as):
    case, other = assigned_case(office), assigned_case(office)
    officer = web_as(office.officer.user)
    officer.post(
        action_path(other["id"], "add_relevant_state"),
        data={"add_relevant_state-country": "CO", "add_relevant_state-links": "birth"},
    )
    foreign_row = application(other["id"]).relevant_states[0].id
    assert officer.get(action_path(case["id"], "record_finding", foreign_row)).status_code == 404
    assert officer.get(f"/cases/{case['id']}/fly-to-the-moon").status_code == 404
    assert (
        officer.get(f"/cases/{case['id']}/add_relevant_state").status_code == 404
    )  # one spelling per page
    assert (
        officer.get(action_path(case["id"], "record_finding")).status_code == 404
    )  # a row action needs its row


def test_languages_are_chosen_by_name_in_the_users_language(office, web_as):
    case = assigned_case(office)
    for lang, names in (
        ("es", ["Quechua", "Aimara", "Asháninka", "Awajún", "Wayuu", "Criollo haitiano", "Árabe"]),
        ("en", ["Quechua", "Aymara", "Asháninka", "Awajún", "Wayuu", "Haitian Creole", "Arabic"]),
        ("pt", ["Quíchua", "Aimará", "Asháninka", "Awajún", "Wayuu", "Haitiano", "Árabe"]),
    ):
        officer = web_as(office.officer.user, lang=lang)
        html = officer.get(action_path(case["id"], "record_interview")).get_data(as_text=True)
        for name in names:
            assert f">{name}</option>" in html, (lang, name)
        assert '<option value="guc">Wayuu</option>' in html  # the code stays behind the name
    officer = web_as(office.officer.user)
    wrong = post_action(
        officer,
        case["id"],
        "record_interview",
        held_on=TODAY.isoformat(),
        interpreter_language="klingon",
        summary="Read back and signed.",
    )
    assert wrong.status_code == 422 and "Choose a language from the list." in text_of(wrong)
    assert "Read back and signed.</textarea>" in wrong.get_data(
        as_text=True
    )  # nothing typed is lost
    assert (
        post_action(
            officer,
            case["id"],
            "record_interview",
            held_on=TODAY.isoformat(),
            interpreter_language="guc",
            summary="Read back and signed.",
        ).status_code
        == 302
    )
    assert application(case["id"]).interviews[0].interpreter_language == "guc"
    assert "Wayuu (guc)" in text_of(officer.get(f"/cases/{case['id']}"))


PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def test_evidence_is_recorded_with_its_file_and_the_file_is_listed_for_download(office, web_as):
    import io

    case = assigned_case(office)
    officer = web_as(office.officer.user)
    fields = {
        "record_evidence-kind": "document",
        "record_evidence-description": "Partida de bautismo.",
        "record_evidence-received_on": TODAY.isoformat(),
        "record_evidence-country": "CO",
    }
    page = officer.get(action_path(case["id"], "record_evidence")).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    # A file that is not what it says is refused beside the file field, and nothing is recorded.
    wrong = officer.post(
        action_path(case["id"], "record_evidence"),
        content_type="multipart/form-data",
        data={**fields, "record_evidence-file": (io.BytesIO(b"MZ not a pdf"), "partida.pdf")},
    )
    assert wrong.status_code == 422 and "Only PDF, JPEG and PNG files are accepted" in text_of(
        wrong
    )
    assert 'id="record_evidence-file-error"' in wrong.get_data(as_text=True)
    assert "Partida de bautismo.</textarea>" in wrong.get_data(as_text=True)
    assert application(case["id"]).evidence == []
    done = officer.post(
        action_path(case["id"], "record_evidence"),
        content_type="multipart/form-data",
        data={**fields, "record_evidence-file": (io.BytesIO(PDF), "partida.pdf")},
    )
    assert done.status_code == 302
    evidence = application(case["id"]).evidence[0]
    html = officer.get(f"/cases/{case['id']}").get_data(as_text=True)
    link = f"/cases/{case['id']}/evidence/{evidence.id}/files/"
    assert link in html and "Download partida.pdf" in html
    file_id = html.split(link, 1)[1].split('"', 1)[0]
    download = officer.get(link + file_id)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert web_as("case_officer").get(link + file_id).status_code == 403  # another officer's case
    assert officer.get(link + "999999").status_code == 404
    # Evidence without a file is still one page, as before.
    assert (
        post_action(
            officer,
            case["id"],
            "record_evidence",
            kind="testimony",
            description="Declaración.",
            received_on=TODAY.isoformat(),
        ).status_code
        == 302
    )


def test_a_partners_document_check_is_in_the_case_timeline_at_once(office, partner_api, web_as):
    """The case page chains the journal before it reads the trail: a partner's check of the
    case's document, answered a moment ago and not chained by anyone yet, is in the timeline."""
    from tests.documents.helpers import issued, recognized_case

    case = recognized_case(office)
    document = issued(office.supervisor, case["id"], "identity_document")
    migraciones = partner_api("registry:read", name="Migraciones del Perú")
    assert migraciones.get(f"/api/v1/registry/documents/{document['serial']}").status_code == 200
    assert not _events_of("Migraciones del Perú")  # only in the journal so far
    page = web_as(office.supervisor.user).get(f"/cases/{case['id']}")
    assert page.status_code == 200
    assert "Migraciones del Perú" in text_of(page)
    assert len(_events_of("Migraciones del Perú")) == 1


def _events_of(actor_label: str) -> list[AuditEvent]:
    return (
        db.session.execute(select(AuditEvent).where(AuditEvent.actor_label == actor_label))
        .scalars()
        .all()
    )
