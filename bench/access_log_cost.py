"""What one access log line costs, in process (issue 17): every request writes one (the registry's
lean path as much as a staff page), through the app's own logging set-up (``sdp.security.logs``:
the JSON formatter, the filter that cuts query strings), to /dev/null. Prints the median CPU of
the calling thread (``time.thread_time_ns``, which a busy machine disturbs far less than wall
time) per line, for each round.

    .venv/bin/python -m bench.access_log_cost

To compare two revisions, run it on each in turn, alternating, two rounds or more. No data set
needed: the app runs on a throwaway SQLite database.
"""

import argparse
import logging
import os
import statistics
import tempfile
import time

from .check_cpu import logs_to
from .common import machine_note

# The fields of the line the registry's lean path writes for a document check
# (sdp/registry/lean.py, _log), with its request id.
FIELDS = {
    "event": "request",
    "method": "GET",
    "route": "/api/v1/registry/documents/<serial>",
    "path": "/api/v1/registry/documents/TVN1-FWGE-5Y6D",
    "status": 200,
    "duration_ms": 1.23,
    "actor": "token:5",
}


def median_cpu_per_line(lines: int) -> float:
    """µs of this thread's CPU per line, median of ``lines`` lines."""
    access = logging.getLogger("sdp.access")
    route, status = FIELDS["route"], FIELDS["status"]
    spent = []
    for _ in range(lines):
        started = time.thread_time_ns()
        access.info("%s %s %s", "GET", route, status, extra={"sdp": FIELDS})
        spent.append(time.thread_time_ns() - started)
    return statistics.median(spent) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lines", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ["SDP_AUDIT_CHAINER"] = "off"
    from flask import g

    from sdp import create_app

    with tempfile.TemporaryDirectory() as folder, open(os.devnull, "w") as devnull:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/db.sqlite"}, folder)
        logs_to(devnull)
        with app.test_request_context(FIELDS["path"]):
            g.request_id = "b1f0c2d3e4a5"
            rounds = [median_cpu_per_line(args.lines) for _ in range(args.rounds)]
    print(machine_note())
    print(
        f"access log line: {statistics.median(rounds):.1f} µs of CPU (median of rounds; rounds "
        + ", ".join(f"{value:.1f}" for value in rounds)
        + f"; {args.lines} lines each)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
