"""The demo data set has documents of every case type, each verifiable, one revoked and one
superseded."""

from collections import Counter

from sqlalchemy import select

from sdp import clock
from sdp.demo import load_demo_data
from sdp.documents import services
from sdp.documents.models import Document
from sdp.extensions import db


def test_demo_documents():
    load_demo_data()
    documents = list(db.session.execute(select(Document)).scalars())
    types = Counter(document.type for document in documents)
    assert {
        "provisional_certificate",
        "identity_document",
        "travel_document",
        "decision_letter",
    } <= set(types)
    statuses = Counter(document.status for document in documents)
    assert statuses["revoked"] == 1 and statuses["superseded"] >= 1
    assert any(
        document.languages == "es pt"
        for document in documents
        if document.type == "decision_letter"
    )
    today = clock.today()
    for document in documents:
        fields, found = services.verify_payload(document.qr_payload, today)
        assert fields.serial == document.serial and found[0].id == document.id
