"""A whole procedure through the API, with distinctive text in every sensitive field."""

from tests.cases.helpers import TODAY, days_ago, person, register

TEXTS = {
    "evidence": "Zephyrine-evidence: a consular letter from Caracas",
    "interview": "Zephyrine-interview: she fled in 2019 with her son",
    "reasoning": "Zephyrine-reasoning: no record in the Colombian registry",
    "extension": "Zephyrine-extension: the inquiry to Colombia is pending",
    "recommendation": "Zephyrine-recommendation: no State considers her a national",
    "decision": "Zephyrine-decision: doubts remain on Colombian descent",
    "national": "Zephyrine-national: Ecuador's registry lists her by descent",
    "child_decision": "Zephyrine-child-decision: Ecuador considers Tadeo a national",
    "grounds": "Zephyrine-grounds: the registry letter was not weighed",
    "appeal": "Zephyrine-appeal: statelessness established to a reasonable degree",
}
APPLICANT = {"given": "Zephyrine Anaïs", "family": "Quillazú Betancourt", "dob": "1987-02-19"}
CHILD = {"given": "Tadeo Ulises", "family": "Quillazú Betancourt", "dob": "2015-08-03"}


def full_procedure(office) -> int:
    """Intake to a final decision on appeal; returns the case id."""
    applicant = person(
        given=APPLICANT["given"],
        family=APPLICANT["family"],
        dob=APPLICANT["dob"],
        asylum={"status": "refugee", "country": "VE"},
    )
    child = person(
        given=CHILD["given"], family=CHILD["family"], dob=CHILD["dob"], relationship="child"
    )
    case = register(
        office.intake, registered_on=days_ago(20), applicant=applicant, dependants=[child]
    )
    cid = case["id"]
    child_id = next(p["id"] for p in case["persons"] if p["relationship"] == "child")

    def ok(response, status=(200, 201)):
        assert response.status_code in status, response.json
        return response.json

    ok(
        office.supervisor.post(
            f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email}
        )
    )
    rs = ok(
        office.officer.post(
            f"/api/v1/applications/{cid}/relevant-states",
            json={"country": "CO", "links": ["descent_father"]},
        )
    )
    ok(
        office.officer.post(
            f"/api/v1/applications/{cid}/evidence",
            json={
                "kind": "document",
                "description": TEXTS["evidence"],
                "received_on": days_ago(10),
                "country": "CO",
            },
        )
    )
    inquiry = ok(
        office.officer.post(
            f"/api/v1/applications/{cid}/inquiries",
            json={
                "country": "CO",
                "authority": "Registraduría",
                "sent_on": days_ago(9),
                "consent_on": days_ago(9),
            },
        )
    )
    ok(
        office.officer.post(
            f"/api/v1/applications/{cid}/extension", json={"reasons": TEXTS["extension"]}
        )
    )
    ok(
        office.officer.post(
            f"/api/v1/inquiries/{inquiry['id']}/response",
            json={"received_on": days_ago(3), "outcome": "no_record"},
        )
    )
    ok(
        office.officer.post(
            f"/api/v1/applications/{cid}/interviews",
            json={
                "held_on": days_ago(2),
                "interpreter_language": "es",
                "summary": TEXTS["interview"],
            },
        )
    )
    ok(
        office.officer.put(
            f"/api/v1/applications/{cid}/relevant-states/{rs['id']}",
            json={"finding": "not_national", "reasoning": TEXTS["reasoning"]},
        )
    )
    # Each person is decided on their own findings: Ecuador considers both of them nationals, so
    # the rejections below agree with them.
    for person_id in (None, child_id):
        ec = ok(
            office.officer.post(
                f"/api/v1/applications/{cid}/relevant-states",
                json={
                    "country": "EC",
                    "links": ["descent_mother"],
                    **({"person_id": person_id} if person_id else {}),
                },
            )
        )
        ok(
            office.officer.put(
                f"/api/v1/applications/{cid}/relevant-states/{ec['id']}",
                json={"finding": "national", "reasoning": TEXTS["national"]},
            )
        )
    ok(
        office.officer.post(
            f"/api/v1/applications/{cid}/recommendation",
            json={"outcome": "recognized", "reasons": TEXTS["recommendation"]},
        )
    )
    ok(
        office.decider.post(
            f"/api/v1/applications/{cid}/decision",
            json={
                "outcome": "rejected",
                "reasons": TEXTS["decision"],
                "notified_on": days_ago(1),
                "persons": [
                    {
                        "person_id": child_id,
                        "outcome": "rejected",
                        "reasons": TEXTS["child_decision"],
                    }
                ],
            },
        )
    )
    ok(
        office.officer.post(
            f"/api/v1/applications/{cid}/appeal",
            json={"lodged_on": TODAY.isoformat(), "grounds": TEXTS["grounds"]},
        )
    )
    ok(
        office.appeals.post(
            f"/api/v1/applications/{cid}/appeal/decision",
            json={"outcome": "overturned", "reasons": TEXTS["appeal"]},
        )
    )
    return cid
