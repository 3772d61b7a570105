"""Rotating the data keys of the encrypted columns and files (``flask --app sdp keys rotate``).

1. A new key becomes the current one; the old keys stay, so every value still decrypts.
   (With ``SDP_DATA_KEYS``, the operator puts the new key first and restarts the app before.)
2. The app's processes re-read the key file within a second and encrypt with the new key.
3. Every value and file not under the new key is re-encrypted (compare-and-set, batches).
4. Only when none is left under an old key are the old keys removed from the key file.
   They are appended to ``<key file>.retired``: a backup made before the rotation needs
   them. Keep that file with those backups (apart from them), and delete it when they expire.
If the command stops half-way, run it again: nothing is lost while the old keys are kept.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from .. import clock
from ..audit import services as audit
from ..auth.principal import SYSTEM
from ..crypto import (
    REFRESH_SECONDS,
    ROTATION_HOOKS,
    Keyring,
    archive_retired,
    generate_key,
    reencrypt_values,
    values_not_under,
)
from ..extensions import db


class RotationIncomplete(RuntimeError):
    pass


@dataclass(frozen=True)
class Rotation:
    new_kid: str
    retired: list[str]
    values: int
    files: int
    key_file_updated: bool
    archive: Path | None = None


def rotate(ring: Keyring, wait_for_processes: bool = True) -> Rotation:
    old = list(ring.keys)
    if ring.file is not None:
        new = generate_key()
        ring.replace([new, *old])
        if wait_for_processes:
            time.sleep(2 * REFRESH_SECONDS)  # running processes pick the new key up
    else:
        new = ring.keys[0]
    values = files = 0
    for _ in range(3):
        values += reencrypt_values(db.session, db.metadata, ring)
        files += sum(hook.reencrypt(ring) for hook in ROTATION_HOOKS)
        remaining = values_not_under(db.session, db.metadata, new.kid) + sum(
            hook.remaining(ring) for hook in ROTATION_HOOKS
        )
        if remaining == 0:
            break
    else:
        raise RotationIncomplete(
            f"{remaining} values or files are still under an old key; the old keys are kept"
        )
    retired = [key.kid for key in old if key.kid != new.kid]
    archive = None
    if ring.file is not None:
        archive = archive_retired(
            ring.file,
            [key for key in old if key.kid != new.kid],
            f"retired on {clock.now():%Y-%m-%d %H:%M} by the rotation to {new.kid}",
        )
        ring.replace([new])
    audit.record(
        SYSTEM,
        "keys.rotate",
        "data_key",
        new.kid,
        changes={"retired": retired, "values": values, "files": files},
    )
    db.session.flush()
    return Rotation(new.kid, retired, values, files, ring.file is not None, archive)
