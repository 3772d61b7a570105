"""The benchmark's prototype registry checks answer like the contract says and audit each check."""

from datetime import date, timedelta

from sqlalchemy import func, select

from bench.prototype import add_prototype_routes
from sdp import clock, create_app
from sdp.audit.models import AuditEvent
from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.documents.models import Document
from sdp.extensions import db


def test_both_prototypes_answer_the_same_and_audit_each_check(app):
    prototype_app = add_prototype_routes(
        create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "test-secret-key-not-for-production",
            }
        )
    )
    with prototype_app.app_context():
        db.session.add(
            Document(
                serial="DI-2026-00000001",
                type="identity_document",
                holder_given_names="María José",
                holder_family_names="Pérez Gómez",
                holder_date_of_birth=date(1990, 4, 12),
                issued_on=clock.today() - timedelta(days=10),
                valid_until=clock.today() - timedelta(days=1),
                created_at=clock.now(),
            )
        )
        db.session.commit()
        _, partner = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
        _, other = issue_token(SYSTEM, client_name="Other", scopes=[])
        client = prototype_app.test_client()
        answers = [
            client.get(
                f"/api/bench/registry/documents/DI-2026-00000001/{variant}",
                headers={"Authorization": f"Bearer {partner}"},
            )
            for variant in ("orm", "lean")
        ]
        assert [a.status_code for a in answers] == [200, 200]
        assert answers[0].json == answers[1].json
        assert (
            answers[0].json["status"] == "expired"
            and answers[0].json["holder"]["given_names"] == "María José"
        )
        checks = db.session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "registry.document_check")
        ).scalar_one()
        assert checks == 2
        for variant in ("orm", "lean"):
            assert (
                client.get(
                    f"/api/bench/registry/documents/NOPE/{variant}",
                    headers={"Authorization": f"Bearer {partner}"},
                ).status_code
                == 404
            )
            assert (
                client.get(
                    f"/api/bench/registry/documents/DI-2026-00000001/{variant}",
                    headers={"Authorization": f"Bearer {other}"},
                ).status_code
                == 403
            )
        db.session.remove()
