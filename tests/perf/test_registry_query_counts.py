"""The registry's document and birth checks run a fixed, small number of statements (the hot path).

The person check is pinned in ``tests/registry/test_query_count.py``. Each check: the look-up
(one query); its audit event goes to the audit journal, not to the database (sdp.audit.journal:
chained later, in batches). No reload of what was read. The token (with its user and roles, one
query) is asked at most once a second per process (sdp/auth/tokens.py), so whether a given check
asks it depends on the clock: it is counted apart, at most one.
"""

from tests.births.helpers import birth, child
from tests.cases.helpers import Office
from tests.documents.helpers import issued, recognized_case


def audited_check_statements() -> int:
    return 1


def without_token(queries) -> list[str]:
    """The check's own statements: the cached token's look-up (at most one) left out."""
    own = [query for query in queries if "api_tokens" not in query]
    assert len(queries) - len(own) <= 1, queries
    return own


def test_the_document_check_runs_a_fixed_number_of_queries(api_as, partner_api, count_queries):
    office = Office(api_as)
    case = recognized_case(office)
    serials = [issued(office.supervisor, case["id"], "identity_document")["serial"]]
    registry = partner_api("registry:read")
    registry.get(f"/api/v1/registry/documents/{serials[0]}")  # first request: the app's own set-up
    with count_queries() as queries:
        assert registry.get(f"/api/v1/registry/documents/{serials[0]}").status_code == 200
    assert len(without_token(queries)) == audited_check_statements(), str(queries)
    with count_queries() as unknown:
        assert registry.get("/api/v1/registry/documents/7QC7-XPRR-6Y0N").status_code == 404
    assert len(without_token(unknown)) == 1, str(
        unknown
    )  # the look-up: nothing found, nothing to audit


def test_the_birth_check_runs_a_fixed_number_of_queries(api_as, partner_api, count_queries):
    registrar = api_as("registrar")
    numbers = [
        registrar.post("/api/v1/births", json=birth(child=child(given=given))).json[
            "registration_number"
        ]
        for given in ("Mateo", "Lucía")
    ]
    registry = partner_api("registry:read")
    registry.get(f"/api/v1/registry/births/{numbers[0]}")
    for number in numbers:
        with count_queries() as queries:
            assert registry.get(f"/api/v1/registry/births/{number}").status_code == 200
        assert len(without_token(queries)) == audited_check_statements(), str(queries)
