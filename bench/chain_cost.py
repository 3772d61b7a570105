"""What chaining the audit journal costs per line, in process (issue 17): ``--checks`` document
checks are journaled through the app's WSGI stack with no chainer running, then one
``chain_now`` moves them into ``audit_events`` under cProfile. Prints the CPU per line and the
functions that took it.

    .venv/bin/python -m bench.chain_cost --db sqlite --run bench/data/runs/load-XXXX

The paths are a load run's (``python -m bench.registry`` writes them). The chained events stay in
the data set's audit trail, chained as the app chains them (``audit verify`` stays intact).
"""

import argparse
import cProfile
import glob
import os
import pstats
import time

from .check_cpu import environ_for, logs_to, start_response, statuses
from .common import database_url, issue_tokens, make_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--run", required=True, help="a load run's folder (its paths files)")
    parser.add_argument("--checks", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ["SDP_AUDIT_CHAINER"] = "off"  # the lines wait in the journal for chain_now
    os.environ["SDP_RATELIMIT_TOKEN"] = "100000000 per minute"  # a limit never reached
    app = make_app(database_url(args.size, args.db))
    token = issue_tokens(app)["partner"]
    with open(os.devnull, "w") as devnull:
        logs_to(devnull)
        # Imported once the environment above is set, as bench.common.make_app imports sdp.
        from sdp.audit import journal

        with app.app_context():
            journal.chain_now(app)  # what an earlier run left, not counted
        paths = [
            path
            for path in glob.glob(f"{args.run}/paths-{args.db}-*.txt")
            if "/documents/" in (first := open(path).readline()) and "verify" not in first
        ]
        with open(paths[0]) as stream:
            lines = stream.read().splitlines()
        for n in range(args.checks):
            b"".join(app.wsgi_app(environ_for(lines[n % len(lines)], token), start_response))
            assert statuses[-1].startswith("200"), statuses[-1]
        with app.app_context():
            profile = cProfile.Profile()
            cpu, wall = time.process_time(), time.perf_counter()
            profile.enable()
            result = journal.chain_now(app)
            profile.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{args.db}: {result.chained} lines chained; per line {cpu / result.chained * 1e6:.0f} µs "
        f"of CPU, {wall / result.chained * 1e6:.0f} µs of wall time (under cProfile)"
    )
    pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
