"""audit trail append-only in PostgreSQL

The ORM already refuses to update or delete audit events (sdp.audit.services); this
trigger makes PostgreSQL refuse it too, whatever the client. SQLite has no such trigger:
the hash chain (``flask --app sdp audit verify``) detects a change made behind the app's back.

``sdp_audit_chain_head()`` takes the chain's advisory lock and returns the last hash in one
round trip (sdp.audit.chain): its SELECT, run after the lock, sees every event committed
before (a VOLATILE function takes a fresh snapshot per statement in READ COMMITTED).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# sdp.audit.chain.ADVISORY_LOCK_KEY, written out: a migration does not import the app's code.
ADVISORY_LOCK_KEY = 6000008845097978196


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION sdp_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
    """)
    op.execute(f"""
        CREATE OR REPLACE FUNCTION sdp_audit_chain_head() RETURNS text
            LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({ADVISORY_LOCK_KEY});
            RETURN (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1);
        END
        $$
    """)
    op.execute("""
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION sdp_audit_append_only()
    """)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS sdp_audit_append_only()")
    op.execute("DROP FUNCTION IF EXISTS sdp_audit_chain_head()")
