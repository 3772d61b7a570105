"""`flask db upgrade` on an empty database gives exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sdp.extensions import db


def test_no_pending_autogenerate_difference(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_and_upgrade_again(app, tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    downgrade(revision="base")
    assert [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"] == []
    upgrade()
    assert "applications" in inspect(db.engine).get_table_names()
