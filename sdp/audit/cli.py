"""``flask --app sdp audit verify``: check the audit trail's hash chain and its journal.
``flask --app sdp audit chain``: chain the journal's partner checks into the trail."""

import os

import click
from flask import current_app
from flask.cli import AppGroup

from ..unit_of_work import unit_of_work
from . import chainer_process, journal

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    help="A head hash printed by an earlier verification (repeat for each lane): fail if it is "
    "no longer in the chain.",
)
def verify_command(anchors):
    """Report the first altered, inserted or deleted audit event (exit 1), or that the chain is
    intact, with the head of each lane (keep them elsewhere, and pass them later as --anchor).
    The journal of partner checks not chained yet is checked too: its lines are reported as
    pending, and a missing, reordered or altered line fails as an altered event does; and which
    chainer process follows it, if any."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..extensions import db
    from ..timestamps import in_lima
    from .chain import verify
    from .journal import journal_directory, verify_journal

    with unit_of_work():
        report = verify(db.session, anchors=anchors)
    if report.problem is not None:
        click.echo(f"audit chain broken: {report.problem.message}", err=True)
        raise SystemExit(1)
    directory = journal_directory(current_app)
    journal = verify_journal(db.engine, directory)
    if journal.problem is not None:
        click.echo(f"audit journal broken: {journal.problem}", err=True)
        raise SystemExit(1)
    click.echo(f"chain intact, {report.events} events in {len(report.heads)} lane(s)")
    click.echo(
        f"journal intact, {journal.pending} line(s) pending (not chained yet) "
        f"in {journal.files} file(s) in {directory}"
        + (
            f", the oldest written {in_lima(journal.oldest_pending):%Y-%m-%d %H:%M:%S%z}"
            if journal.oldest_pending
            else ""
        )
        + (f"; {journal.torn} file(s) end with a line cut by a crash" if journal.torn else "")
    )
    follower = chainer_process.running_follower(directory)
    click.echo(
        f"chainer: process {follower} follows the journal"
        if follower is not None
        else "chainer: no process follows the journal (SDP_AUDIT_CHAINER, docs/deployment.md)"
    )
    for lane, head in report.heads.items():
        click.echo(f"lane {lane} head {head}")


@audit_cli.command("chain")
@click.option("--follow", is_flag=True, help="Keep chaining, every --interval seconds.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds.")
@click.option(
    "--only-one",
    is_flag=True,
    help="With --follow: exit at once when another follower chains this folder (else wait "
    "for it to end, a standby).",
)
@click.option(
    "--while-running",
    type=int,
    metavar="PID",
    help="With --follow: once process PID has ended, chain one last round and exit (the app "
    "servers start their chainer so, with gunicorn's master).",
)
def chain_command(follow, interval, only_one, while_running):
    """Move the journal's partner checks into the audit trail, chained, then delete the journal
    files whose writer is gone and whose every line is chained. Safe to run at any time, beside
    the app's own chainers: one chains at a time, and no line is chained twice. With --follow,
    SIGTERM or SIGINT ends it after one last round."""

    if follow:
        app = current_app._get_current_object()
        pause = chainer_process.process_pause(while_running)
        held = chainer_process.hold_follower_lock(
            journal.journal_directory(app), only_one=only_one, pause=pause, interval=interval
        )
        if held is None:
            return  # another follower chains this folder, or we were stopped while waiting
        try:
            journal.follow(journal.chainer_of(app), interval, pause)
        finally:
            os.close(held)
        return
    result = journal.chain_now(strict=True)
    click.echo(f"chained {result.chained} journal line(s); removed {result.files_removed} file(s)")
    for name in result.torn:
        click.echo(f"{name} ended with a line cut by a crash (never acknowledged)", err=True)
    for problem in result.problems:
        click.echo(f"audit journal broken: {problem}", err=True)
    if result.problems:
        raise SystemExit(1)
