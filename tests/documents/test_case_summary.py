"""Staff's view of a document is one function (``sdp.documents.services.document_dict``): the
case's JSON lists a case's documents as the documents endpoint does (the fields its schema
keeps, with the same values)."""

from tests.cases.helpers import Office, register


def test_the_case_json_lists_its_documents_as_the_documents_endpoint_does(api_as):
    office = Office(api_as)
    case = register(office.intake)
    issued = office.intake.post(
        f"/api/v1/applications/{case['id']}/documents", json={"type": "provisional_certificate"}
    )
    assert issued.status_code == 201, issued.json
    listed = office.supervisor.get(f"/api/v1/applications/{case['id']}/documents").json
    in_case = office.supervisor.get(f"/api/v1/applications/{case['id']}").json["documents"]
    assert [document["serial"] for document in listed] == [issued.json["serial"]]
    assert [document["serial"] for document in in_case] == [issued.json["serial"]]
    assert {"serial", "type", "status", "pdf_url", "qr"} <= in_case[0].keys()
    assert in_case[0] == {key: listed[0][key] for key in in_case[0]}
