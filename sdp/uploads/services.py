"""Storing and reading evidence files.

- The type is read from the content (magic bytes), never from the name or the client's
  Content-Type; only PDF, JPEG and PNG are accepted, and a name whose extension says
  another type is refused (a PNG named ``.pdf``).
- The size is limited (``UPLOAD_MAX_BYTES``).
- The content is encrypted with the data key (``sdp.crypto``; the storage name is bound
  into it) and written under a random name in ``UPLOAD_FOLDER`` (the instance folder by
  default: never served as a static file).
- Who may attach a file is who may record evidence (``record_evidence`` in the procedure);
  who may read one is who may read the case (``sdp.domain.access``). Both are audited.
"""

import hashlib
import secrets
from pathlib import Path, PurePath

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..audit import services as audit
from ..auth.principal import Principal
from ..cases.models import Application, Evidence
from ..crypto import ROTATION_HOOKS, Keyring, RotationHook, blob_kid, keyring
from ..domain import procedure
from ..domain.procedure import Context, InvalidField
from ..domain.vocabulary import N_
from ..extensions import db
from ..private_files import write_private
from .models import EvidenceFile

# content type -> (magic bytes at the start, extensions a name of that type may have)
FILE_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg", ".jpe")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
ALL_EXTENSIONS = {extension for _, extensions in FILE_TYPES.values() for extension in extensions}


class FileTooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"larger than {limit} bytes")


def sniff(content: bytes) -> str | None:
    """The content type the bytes are, by their signature; None when not an accepted type."""
    for content_type, (magic, _) in FILE_TYPES.items():
        if content.startswith(magic):
            return content_type
    return None


def clean_name(filename: str | None) -> str:
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-200:] or "file"


def check_content(filename: str, content: bytes, limit: int) -> str:
    if len(content) > limit:
        raise FileTooLarge(limit)
    if not content:
        raise InvalidField("file", N_("The file is empty."))
    content_type = sniff(content)
    if content_type is None:
        raise InvalidField(
            "file",
            N_("Only PDF, JPEG and PNG files are accepted; this file's content is none of them."),
        )
    extension = PurePath(filename).suffix.lower()
    if extension and extension not in FILE_TYPES[content_type][1]:
        raise InvalidField(
            "file",
            N_("The file's name (%(extension)s) does not match its content (%(type)s)."),
            extension=extension if extension in ALL_EXTENSIONS else "?",
            type=content_type,
        )
    return content_type


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _path(storage_name: str) -> Path:
    return _folder() / storage_name[:2] / storage_name


def attach_file(
    actor: Principal,
    application: Application,
    evidence: Evidence,
    filename: str | None,
    content: bytes,
) -> EvidenceFile:
    today = clock.today()
    procedure.check("record_evidence", application.facts(today), actor.actor, Context(today=today))
    name = clean_name(filename)
    content_type = check_content(name, content, current_app.config["UPLOAD_MAX_BYTES"])
    storage_name = secrets.token_urlsafe(32)
    path = _path(storage_name)
    write_private(path, keyring().encrypt_blob(content, storage_name.encode()))
    try:
        row = EvidenceFile(
            application_id=application.id,
            evidence_id=evidence.id,
            original_name=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            storage_name=storage_name,
            uploaded_at=clock.now(),
            uploaded_by_id=actor.id,
        )
        db.session.add(row)
        db.session.flush()
        audit.record(
            actor,
            "case.attach_evidence_file",
            "evidence_file",
            row.id,
            case_id=application.id,
            changes={
                "evidence": evidence.id,
                "content_type": content_type,
                "size": row.size,
                "sha256": row.sha256,
            },
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return row


def files_of(evidence: Evidence) -> list[EvidenceFile]:
    return list(
        db.session.execute(
            select(EvidenceFile)
            .where(EvidenceFile.evidence_id == evidence.id)
            .order_by(EvidenceFile.id)
        ).scalars()
    )


def read_file(
    actor: Principal, application: Application, row: EvidenceFile, channel: str = "api"
) -> bytes:
    """The file's content, decrypted; the read is audited. The caller checked who may read the
    case."""
    content = keyring().decrypt_blob(
        _path(row.storage_name).read_bytes(), row.storage_name.encode()
    )
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise ValueError("an evidence file does not match its recorded digest")
    audit.record(
        actor,
        "case.read_evidence_file",
        "evidence_file",
        row.id,
        case_id=application.id,
        changes={"channel": channel},
    )
    db.session.commit()
    return content


def reencrypt_files(ring: Keyring) -> int:
    """Rotation: re-encrypt every stored file not under the current key."""
    changed, current = 0, ring.current.kid
    for storage_name in db.session.execute(
        select(EvidenceFile.storage_name).order_by(EvidenceFile.id)
    ).scalars():
        path = _path(storage_name)
        if not path.exists():
            continue
        blob = path.read_bytes()
        if blob_kid(blob) == current:
            continue
        associated = storage_name.encode()
        write_private(path, ring.encrypt_blob(ring.decrypt_blob(blob, associated), associated))
        changed += 1
    return changed


def files_not_under(ring: Keyring) -> int:
    current, count = ring.current.kid, 0
    for storage_name in db.session.execute(select(EvidenceFile.storage_name)).scalars():
        path = _path(storage_name)
        if path.exists() and blob_kid(path.read_bytes()[:64]) != current:
            count += 1
    return count


def register_rotation_hook() -> None:
    if not any(hook.name == "evidence_files" for hook in ROTATION_HOOKS):
        ROTATION_HOOKS.append(RotationHook("evidence_files", reencrypt_files, files_not_under))
