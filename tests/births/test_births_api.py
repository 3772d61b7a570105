"""Birth registration through the API, end to end (contract.md, ``POST /api/v1/births`` and
``GET /api/v1/registry/births/{registration_number}``)."""

import pytest
from sqlalchemy import select

from sdp.audit.journal import chain_now
from sdp.audit.models import AuditEvent
from sdp.births.models import BirthRegistration
from sdp.domain.birth_registration import is_valid_registration_number
from sdp.extensions import db

from .helpers import TODAY, birth, child, days_ago, parent


@pytest.fixture
def registrar(api_as):
    return api_as("registrar")


def post(registrar, body):
    return registrar.post("/api/v1/births", json=body)


def test_a_child_born_in_peru_to_refugee_parents_is_peruvian_ius_soli(registrar):
    response = post(
        registrar,
        birth(
            father=parent("Luis Alberto", "Mendoza Ñique", "1988-12-01", asylum="refugee"),
            live_birth_certificate_number="1000234561",
            declarant={"name": "Daniela Rivas Colmenares", "relationship": "mother"},
        ),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["nationality"] == {"country": "PE", "basis": "ius_soli"}
    assert body["late_registration"] is False
    assert is_valid_registration_number(body["registration_number"])
    assert body["registration_number"].startswith(f"NAC-{TODAY.year}-")
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    assert saved.mother.given_names == "Daniela" and saved.father.family_names == "Mendoza Ñique"
    assert (saved.mother_asylum_status, saved.father_asylum_status) == ("refugee", "refugee")
    assert (
        saved.live_birth_certificate_number == "1000234561"
        and saved.declarant_relationship == "mother"
    )
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "birth.register")
    ).scalar_one()
    assert (
        event.actor_id == registrar.user.id
        and event.changes["registration_number"] == body["registration_number"]
    )


def test_registration_numbers_are_unique_and_follow_each_other(registrar):
    numbers = [
        post(registrar, birth(child=child(given=name))).json["registration_number"]
        for name in ("Ana", "Bea", "Carla")
    ]
    assert len(set(numbers)) == 3
    assert [int(number.split("-")[2]) for number in numbers] == [1, 2, 3]
    assert all(is_valid_registration_number(number) for number in numbers)


def test_stateless_parents_are_recorded_as_stateless_and_the_child_is_peruvian(registrar):
    response = post(
        registrar,
        birth(
            mother=parent("Amira", "Haddad", nationality=None, stateless=True),
            father=parent("Karim", "Saleh", "1990-11-23", nationality=None, stateless=True),
        ),
    )
    assert response.status_code == 201, response.json
    assert response.json["nationality"] == {"country": "PE", "basis": "ius_soli"}
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    assert saved.mother_stateless and saved.father_stateless
    assert saved.mother_nationality is None and saved.father_nationality is None


def test_a_foundling_found_in_peru_and_a_child_born_abroad_to_a_father_peruvian_by_birth(registrar):
    foundling = post(
        registrar,
        {
            "child": child(given="Gabriel Ángel", locality="Cusco"),
            "foundling": True,
            "declarant": {"name": "UPE Cusco", "relationship": "authority"},
        },
    )
    assert foundling.status_code == 201, foundling.json
    assert foundling.json["nationality"] == {"country": "PE", "basis": "foundling"}
    abroad = post(
        registrar,
        birth(
            child=child(given="Lucía", country="VE", locality="Maracay"),
            mother=parent(),
            father=parent(
                "Esteban", "Rojas Huanca", "2001-04-05", nationality="PE", nationality_basis="birth"
            ),
        ),
    )
    assert abroad.status_code == 201, abroad.json
    assert abroad.json["nationality"] == {"country": "PE", "basis": "ius_sanguinis"}


def test_born_abroad_with_no_peruvian_parent_is_refused_naming_the_field(registrar):
    response = post(
        registrar,
        birth(child=child(country="EC", locality="Quito"), mother=parent(asylum="refugee")),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["child.place_of_birth.country"]
    assert "1961 Convention" in response.json["message"]
    assert "statelessness screening" in response.json["message"]
    assert db.session.execute(select(BirthRegistration)).first() is None


def test_the_same_child_is_not_registered_twice_409_with_the_existing_number(registrar, api_as):
    first = post(registrar, birth(child=child(given="José María", family="Núñez Ortiz")))
    assert first.status_code == 201
    again = post(
        api_as("registrar"),
        birth(
            child=child(given="JOSE  MARIA", family="nunez ortiz", locality=" LIMA"),
            mother=parent(given="DANIELA", family="Rivas Colmenares"),
        ),
    )
    assert again.status_code == 409
    assert again.json["registration_number"] == first.json["registration_number"]
    assert first.json["registration_number"] in again.json["message"]
    assert db.session.execute(select(db.func.count(BirthRegistration.id))).scalar_one() == 1


def test_twins_are_two_children_and_a_reused_live_birth_certificate_is_a_duplicate(registrar):
    first = post(
        registrar, birth(child=child(given="Ana"), live_birth_certificate_number="1000000001")
    )
    twin = post(
        registrar, birth(child=child(given="Bea"), live_birth_certificate_number="1000000002")
    )
    assert first.status_code == twin.status_code == 201
    same_certificate = post(
        registrar, birth(child=child(given="Carla"), live_birth_certificate_number="1000000001")
    )
    assert same_certificate.status_code == 409
    assert same_certificate.json["registration_number"] == first.json["registration_number"]


@pytest.mark.parametrize(("age_days", "late"), [(60, False), (61, True)])
def test_the_60_day_edge_of_late_registration(registrar, age_days, late):
    response = post(
        registrar,
        birth(
            child=child(born=days_ago(age_days)),
            late_registration_evidence="Health centre record and two witnesses." if late else None,
        ),
    )
    assert response.status_code == 201, response.json
    assert response.json["late_registration"] is late


def test_a_late_registration_needs_evidence_but_is_never_refused_for_lateness(registrar):
    old = birth(child=child(born=days_ago(3000)))
    missing = post(registrar, old)
    assert missing.status_code == 422
    assert list(missing.json["errors"]) == ["late_registration_evidence"]
    assert "60 days" in missing.json["message"]
    blank = post(registrar, {**old, "late_registration_evidence": "   "})
    assert blank.status_code == 422 and "late_registration_evidence" in blank.json["errors"]
    with_evidence = post(
        registrar, {**old, "late_registration_evidence": "Baptism record of 2018 and witnesses."}
    )
    assert with_evidence.status_code == 201
    assert with_evidence.json["late_registration"] is True
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    assert saved.late_registration_evidence == "Baptism record of 2018 and witnesses."


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {
                "child": {
                    "family_names": "X",
                    "sex": "F",
                    "date_of_birth": "2026-01-01",
                    "place_of_birth": {"country": "PE"},
                }
            },
            {"child.given_names"},
        ),
        ({"child": {**child(), "sex": "female"}}, {"child.sex"}),
        ({"child": {**child(), "date_of_birth": "2026-02-30"}}, {"child.date_of_birth"}),
        ({"child": child(born=days_ago(-3))}, {"child.date_of_birth"}),
        ({"child": child(country="XX")}, {"child.place_of_birth.country"}),
        ({"child": child(), "mother": parent(nationality="ZZ")}, {"mother.nationality"}),
        ({"child": child(), "mother": parent(stateless=True)}, {"mother.nationality"}),
        (
            {"child": child(), "mother": parent(asylum="refugee", extra_field=1)},
            {"mother.extra_field"},
        ),
        (
            {"child": child(country="AR"), "father": parent(nationality="PE")},
            {"father.nationality_basis"},
        ),
        (
            {"child": child(), "father": parent(nationality="VE", nationality_basis="birth")},
            {"father.nationality_basis"},
        ),
        ({"child": child(), "foundling": True, "mother": parent()}, {"foundling"}),
        ({"child": child(), "registered_on": days_ago(-1)}, {"registered_on"}),
        ({"child": child(born="0001-01-01"), "registered_on": "0001-01-02"}, {"registered_on"}),
        ({"child": child(born=days_ago(5)), "registered_on": days_ago(6)}, {"child.date_of_birth"}),
        (
            {"child": child(), "mother": parent(case_number="SDP-1999-000001")},
            {"mother.case_number"},
        ),
        (
            {"child": child(), "declarant": {"name": "X", "relationship": "neighbour"}},
            {"declarant.relationship"},
        ),
        ({}, {"child"}),
    ],
)
def test_invalid_fields_are_422_naming_them(registrar, body, fields):
    response = post(registrar, body)
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == fields
    assert response.json["code"] == 422 and response.json["message"]


def test_only_registrars_register_births(api_as, partner_api, client):
    for role in ("intake_officer", "case_officer", "supervisor", "reviewer", "admin"):
        response = api_as(role).post("/api/v1/births", json=birth())
        assert response.status_code == 403, role
        if role != "reviewer":  # reviewers are stopped earlier, by the fence around personal data
            assert "registrar" in response.json["message"]
    assert partner_api("registry:read").post("/api/v1/births", json=birth()).status_code == 403
    assert client.post("/api/v1/births", json=birth()).status_code == 401
    assert db.session.execute(select(BirthRegistration)).first() is None


# --- The civil registry check -------------------------------------------------------


def test_registry_check_answers_only_the_allowed_fields(registrar, partner_api):
    number = post(
        registrar,
        birth(
            child=child(given="Mateo", family="Pérez Gómez", sex="M"),
            live_birth_certificate_number="1000234578",
            declarant={
                "name": "María José",
                "relationship": "mother",
                "identity_document": "CPP 1",
            },
        ),
    ).json["registration_number"]
    response = partner_api("registry:read").get(f"/api/v1/registry/births/{number}")
    assert response.status_code == 200
    assert response.json == {
        "registration_number": number,
        "child": {
            "given_names": "Mateo",
            "family_names": "Pérez Gómez",
            "sex": "M",
            "date_of_birth": days_ago(10),
            "place_of_birth": {"country": "PE", "locality": "Lima"},
        },
        "nationality": {"country": "PE", "basis": "ius_soli"},
        "late_registration": False,
    }
    chain_now()  # partner checks wait in the audit journal until chained
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "registry.birth.read")
    ).scalar_one()
    assert event.actor_kind == "client" and event.actor_label == "RENIEC"
    assert event.changes == {"registration_number": number, "found": True}


def test_a_registry_check_is_a_fixed_number_of_sql_statements_whatever_the_registry_size(
    registrar, partner_api
):
    from sqlalchemy import event

    numbers = [
        post(registrar, birth(child=child(given=name))).json["registration_number"]
        for name in ("Ana", "Bea")
    ]
    partner, statements = partner_api("registry:read"), []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for number in numbers:
            statements.clear()
            assert partner.get(f"/api/v1/registry/births/{number}").status_code == 200
            # the registration (by its unique index); the audit event goes to the audit
            # journal (sdp.audit.journal), chained later in batches; the token at most once a
            # second per process (sdp/auth/tokens.py)
            own = [statement for statement in statements if "api_tokens" not in statement]
            assert len(own) == 1 and len(statements) - len(own) <= 1, statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_registry_check_of_an_unknown_or_mistyped_number_is_404(registrar, partner_api):
    number = post(registrar, birth()).json["registration_number"]
    partner = partner_api("registry:read")
    unknown = number[:-6] + "9999-" + number[-1]
    assert partner.get(f"/api/v1/registry/births/{unknown}").status_code == 404
    wrong_check = number[:-1] + str((int(number[-1]) + 1) % 10)
    response = partner.get(f"/api/v1/registry/births/{wrong_check}")
    assert response.status_code == 404 and "check digit" in response.json["message"]
    assert partner.get("/api/v1/registry/births/anything").status_code == 404
    lower = partner.get(f"/api/v1/registry/births/{number.lower()}")
    assert lower.status_code == 200 and lower.json["registration_number"] == number


def test_registry_check_needs_a_partner_token_with_the_scope(
    registrar, partner_api, client, api_as
):
    number = post(registrar, birth()).json["registration_number"]
    url = f"/api/v1/registry/births/{number}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    no_scope = partner_api()
    assert no_scope.get(url).status_code == 403
    assert registrar.get(url).status_code == 403  # staff tokens carry roles, not the scope
    assert api_as("supervisor").get(url).status_code == 403


def test_staff_read_the_whole_record_and_the_read_is_audited(registrar, api_as):
    number = post(registrar, birth(late_registration_evidence=None)).json["registration_number"]
    record = api_as("supervisor").get(f"/api/v1/births/{number}")
    assert record.status_code == 200
    assert (
        record.json["mother"]["asylum_status"] == "refugee"
        and record.json["mother"]["nationality"] == "VE"
    )
    assert record.json["father"] is None
    assert api_as("case_officer").get(f"/api/v1/births/{number}").status_code == 403
    assert api_as("reviewer").get(f"/api/v1/births/{number}").status_code == 403
    assert registrar.get("/api/v1/births/NAC-2000-0000001-0").status_code == 404
    reads = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "birth.read"))
        .scalars()
        .all()
    )
    assert len(reads) == 1 and reads[0].changes == {"channel": "api"}


def test_the_openapi_description_documents_the_birth_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/births" in spec["paths"]
    assert "/api/v1/registry/births/{registration_number}" in spec["paths"]
    parent_schema = spec["components"]["schemas"]["Parent"]
    assert "stateless" in parent_schema["properties"]
    assert "never as a country code" in parent_schema["properties"]["stateless"]["description"]
