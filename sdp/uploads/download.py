"""How an evidence file leaves the app, on the staff pages and the API alike (one rule)."""

import io

from flask import Response, send_file

from .models import EvidenceFile


def as_download(row: EvidenceFile, content: bytes) -> Response:
    """The file as an attachment under its original name, never cached, never revalidated."""
    response = send_file(
        io.BytesIO(content),
        mimetype=row.content_type,
        as_attachment=True,
        download_name=row.original_name,
        max_age=0,
        etag=False,
        conditional=False,
    )
    # A file from outside is never run as a page of this site, whatever it contains.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
