"""Building blocks for the documents' tests: cases in each state, PDFs read back, QR codes
decoded from the rendered page and checked with nothing but the published public key."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdf
import zxingcpp
from PIL import Image

from tests.cases.helpers import TODAY, Office, person, register

__all__ = ["TODAY", "Office", "person", "register"]

ANGELA = person(given="Ángela", family="Núñez Ortiz", dob="2001-01-22", country="CO")
JOAO = person(
    given="João", family="Da Silva Conceição", dob="1985-07-02", country="BR", languages=["pt"]
)


def issue(client, case_id: int, document_type: str, **extra):
    return client.post(
        f"/api/v1/applications/{case_id}/documents", json={"type": document_type, **extra}
    )


def issued(client, case_id: int, document_type: str, **extra) -> dict:
    response = issue(client, case_id, document_type, **extra)
    assert response.status_code == 201, response.json
    return response.json


def recognized_case(office: Office, applicant: dict = ANGELA) -> dict:
    return office.decided("recognized", applicant=applicant)


def pdf_bytes(client, document: dict) -> bytes:
    response = client.get(document["pdf_url"])
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "application/pdf"
    return response.data


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def qr_from_embedded_image(data: bytes) -> str:
    """The QR code's text, decoded from the image embedded in the PDF's first page."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    images = reader.pages[0].images
    assert images, "the first page has no image"
    found = [
        barcode.text
        for image in images
        for barcode in zxingcpp.read_barcodes(image.image)
        if barcode.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert len(found) == 1, found
    return found[0]


def qr_from_rasterised_page(data: bytes) -> str | None:
    """The QR code's text, read from the whole first page rendered at 150 dpi by poppler
    (as a phone camera would see a printed page); None when pdftoppm is not installed."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-f",
                "1",
                "-l",
                "1",
                "-png",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
            timeout=60,
        )
        page = Image.open(next(Path(folder).glob("page*.png")))
        found = [
            b.text
            for b in zxingcpp.read_barcodes(page)
            if b.format == zxingcpp.BarcodeFormat.QRCode
        ]
    assert len(found) == 1, found
    return found[0]


def _offline_check():
    """The offline check exactly as docs/documents.md prints it (so the example is tested)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "documents.md").read_text(
        encoding="utf-8"
    )
    code = text.split("**Checking offline**", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "docs/documents.md", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["check"]


def verify_offline(qr: str, keys: list[dict]) -> list[str]:
    """Check a QR code's text as a third party would, with the example of docs/documents.md and
    the published keys alone (no code of the app): returns the eight fields, or raises."""
    return _offline_check()(qr, {key["key_id"]: key["public_key"] for key in keys})


def tampered(qr: str) -> str:
    """The QR code's text with one character of its signed payload changed."""
    at = qr.index("SDP1:") + 20
    return qr[:at] + ("A" if qr[at] != "A" else "B") + qr[at + 1 :]


def day_month_year(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
