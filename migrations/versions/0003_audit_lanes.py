"""audit chain in lanes: appends on PostgreSQL no longer wait for each other

One hash chain made every audited transaction (each registry check among them) wait for the
one before it to commit. The chain is now split into lanes (``sdp.audit.chain``): each event
chains onto the last event of its lane, and ``sdp_audit_lane_head(lanes)`` takes a free lane's
advisory lock and returns that lane's head in one round trip. Existing events are lane 0.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# sdp.audit.chain.LANE_LOCK_CLASS and ADVISORY_LOCK_KEY (0002), written out: a migration
# does not import the app's code.
LANE_LOCK_CLASS = 1396985921
ADVISORY_LOCK_KEY = 6000008845097978196


def upgrade():
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(
            sa.Column("lane", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_audit_events_lane_id", ["lane", "id"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    # Try each lane from a random one; when every lane is busy, wait for that first one. Each
    # SELECT of a VOLATILE function takes a fresh snapshot (READ COMMITTED), so the head read
    # after the lock sees the event its previous holder committed.
    op.execute(f"""
        CREATE OR REPLACE FUNCTION sdp_audit_lane_head(lanes integer, OUT chosen_lane integer,
            OUT head_hash text)
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            first_lane integer := floor(random() * lanes)::integer;
        BEGIN
            FOR step IN 0 .. lanes - 1 LOOP
                chosen_lane := (first_lane + step) % lanes;
                IF pg_try_advisory_xact_lock({LANE_LOCK_CLASS}, chosen_lane) THEN
                    head_hash := (SELECT hash FROM audit_events WHERE lane = chosen_lane
                        ORDER BY id DESC LIMIT 1);
                    RETURN;
                END IF;
            END LOOP;
            chosen_lane := first_lane;
            PERFORM pg_advisory_xact_lock({LANE_LOCK_CLASS}, chosen_lane);
            head_hash := (SELECT hash FROM audit_events WHERE lane = chosen_lane
                ORDER BY id DESC LIMIT 1);
        END
        $$
    """)
    op.execute("DROP FUNCTION IF EXISTS sdp_audit_chain_head()")


def downgrade():
    # Back to one chain. Events written in lanes other than 0 chain onto their own lane's events,
    # so one chain cannot hold them: `audit verify` would report them as inserted, and the trail
    # would lose its tamper evidence. Such a downgrade is refused rather than done silently.
    in_other_lanes = (
        op.get_bind().execute(sa.text("SELECT count(*) FROM audit_events WHERE lane <> 0")).scalar()
    )
    if in_other_lanes:
        raise RuntimeError(
            f"Refusing to downgrade below 0003: {in_other_lanes} audit events are chained in lanes "
            "other than 0, and one chain cannot hold them without breaking the audit trail's "
            "tamper evidence. Keep a verified backup of the trail (flask --app sdp audit verify, "
            "then a backup) and restore the schema from it instead."
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS sdp_audit_lane_head(integer)")
        op.execute(f"""
            CREATE OR REPLACE FUNCTION sdp_audit_chain_head() RETURNS text
                LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({ADVISORY_LOCK_KEY});
                RETURN (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1);
            END
            $$
        """)
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_index("ix_audit_events_lane_id")
        batch_op.drop_column("lane")
