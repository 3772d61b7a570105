"""`flask --app sdp backup PATH` and `restore PATH`: a round trip gives back every table."""

import shutil

from sqlalchemy import inspect, text

from sdp.extensions import db
from tests.cases.helpers import Office, person, register
from tests.conftest import missing

from .walk import full_procedure


def every_table() -> dict[str, list[tuple]]:
    """Every row of every table (alembic's included), as stored."""
    db.session.remove()
    with db.engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {
            name: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {name} ORDER BY 1"))
            ]
            for name in names
        }


def test_backup_and_restore_round_trip(app, api_as, tmp_path):
    if db.engine.dialect.name == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        missing("pg_dump and pg_restore are not on PATH")
    office = Office(api_as)
    cid = full_procedure(office)
    register(office.intake, applicant=person(given="Second", family="Case"))
    before = every_table()
    assert len(before["applications"]) == 2 and len(before["audit_events"]) > 15

    runner = app.test_cli_runner()
    path = tmp_path / "backups" / "sdp.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0 and oct(path.stat().st_mode & 0o777) == "0o600"

    # life goes on after the backup...
    register(office.intake, applicant=person(given="After", family="Backup"))
    office.supervisor.get(f"/api/v1/applications/{cid}")
    assert every_table() != before

    # ...and the restore brings back exactly what the backup held
    db.session.remove()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    after = every_table()
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # the app works on the restored database: reads decrypt, writes chain onto the restored trail
    case = office.supervisor.get(f"/api/v1/applications/{cid}")
    assert case.status_code == 200 and case.json["applicant"]["asylum"]["country"] == "VE"
    assert register(office.intake)["case_number"].endswith("000003")
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"this is not a database" * 100)
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert every_table()["alembic_version"]  # the database is untouched


def test_restore_asks_before_replacing_everything(app, tmp_path):
    path = tmp_path / "b.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["restore", str(path)], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output


def test_a_backup_from_before_a_key_rotation_needs_the_retired_key(
    app, api_as, own_key_file, tmp_path
):
    from sdp.crypto import parse_keys, write_key_file

    office = Office(api_as)
    cid = full_procedure(office)
    runner = app.test_cli_runner()
    path = tmp_path / "before-rotation.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    old_kid = own_key_file.current.kid
    rotated = runner.invoke(args=["keys", "rotate", "--no-wait"])
    assert rotated.exit_code == 0 and "data_keys.retired" in rotated.output
    archive = own_key_file.file.with_name("data_keys.retired")
    assert [key.kid for key in parse_keys(archive.read_text())] == [old_kid]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    db.session.remove()
    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert (
        restored.exit_code == 1 and old_kid in restored.output
    )  # said plainly, not found out later
    # the operator adds the retired key after the current one; everything reads, and a rotation
    # cleans up
    write_key_file(own_key_file.file, [*own_key_file.keys, *parse_keys(archive.read_text())])
    own_key_file._refresh(force=True)
    db.session.remove()
    assert (
        office.supervisor.get(f"/api/v1/applications/{cid}").json["applicant"]["asylum"]["country"]
        == "VE"
    )
    assert runner.invoke(args=["keys", "rotate", "--no-wait"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
