"""Building blocks for walking the procedure through the API."""

from datetime import timedelta

from sdp import clock

TODAY = clock.today()  # Lima's calendar, as the app counts


def person(
    given="María José", family="Pérez Gómez", dob="1990-04-12", country="VE", asylum=None, **extra
):
    data = {
        "given_names": given,
        "family_names": family,
        "sex": "F",
        "date_of_birth": dob,
        "place_of_birth": {"country": country, "locality": "Maracaibo"},
        "languages": ["es"],
    }
    if asylum:
        data["asylum"] = asylum
    data.update(extra)
    return data


def register(intake, **overrides):
    body = {"route": "application", "applicant": person(), **overrides}
    response = intake.post("/api/v1/applications", json=body)
    assert response.status_code == 201, response.json
    return response.json


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


class Office:
    """One person per role, as in a ministry office, acting through the API."""

    def __init__(self, api_as):
        self.intake = api_as("intake_officer")
        self.supervisor = api_as("supervisor")
        self.officer = api_as("case_officer")
        self.decider = api_as("decision_maker")
        self.appeals = api_as("appeals_officer")

    def examined_case(self, finding="not_national", **register_overrides) -> dict:
        case = register(self.intake, **register_overrides)
        cid = case["id"]
        assert (
            self.supervisor.post(
                f"/api/v1/applications/{cid}/assign", json={"case_officer": self.officer.user.email}
            ).status_code
            == 200
        )
        rs = self.officer.post(
            f"/api/v1/applications/{cid}/relevant-states",
            json={"country": "CO", "links": ["birth"]},
        ).json
        assert (
            self.officer.put(
                f"/api/v1/applications/{cid}/relevant-states/{rs['id']}",
                json={"finding": finding, "reasoning": "Colombia's registry has no record."},
            ).status_code
            == 200
        )
        return case

    def pending_decision(self, recommendation="recognized", **kwargs) -> dict:
        case = self.examined_case(**kwargs)
        response = self.officer.post(
            f"/api/v1/applications/{case['id']}/recommendation",
            json={"outcome": recommendation, "reasons": "Established to a reasonable degree."},
        )
        assert response.status_code == 200, response.json
        return response.json

    def decided(self, outcome="rejected", notified_on=None, **kwargs) -> dict:
        case = self.pending_decision(
            recommendation=outcome,
            finding="national" if outcome == "rejected" else "not_national",
            **kwargs,
        )
        response = self.decider.post(
            f"/api/v1/applications/{case['id']}/decision",
            json={
                "outcome": outcome,
                "reasons": "Reasons per State.",
                "notified_on": notified_on or TODAY.isoformat(),
            },
        )
        assert response.status_code == 200, response.json
        return response.json
