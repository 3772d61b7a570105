"""Where a gunicorn worker's time goes under load: py-spy samples one worker while wrk drives it.

    .venv/bin/python -m bench.profile_worker --size 10k --db sqlite --seconds 8

Starts ``sdp:create_app()`` under gunicorn (the settings of ``bench.load``), issues a partner
token, runs ``wrk -c32`` against one registry document check and records one worker with
py-spy (installed into ``bench/data/py-spy-venv`` when missing: a tool, not a dependency of
the app). Prints the share of samples spent in each function, callees included.
"""

import argparse
import os
import subprocess
import sys
import time
from collections import Counter

from .common import DATA, database_url, issue_tokens, machine_note, make_app, pick_samples
from .load import Server, add_gunicorn_arguments, ensure_wrk, gunicorn_args


def py_spy() -> str:
    venv = DATA / "py-spy-venv"
    binary = venv / "bin" / "py-spy"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "py-spy"], check=True)
    return str(binary)


def inclusive_shares(collapsed: str) -> tuple[int, Counter]:
    """py-spy's raw output (``frame;frame;... count`` per line) as samples per function, callees
    included."""
    total, shares = 0, Counter()
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        total += int(count)
        seen = set()
        for frame in stack.split(";"):
            name, _, where = frame.partition(" (")
            key = f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]}"
            if key not in seen:
                seen.add(key)
                shares[key] += int(count)
    return total, shares


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="10k")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--top", type=int, default=45)
    add_gunicorn_arguments(parser)
    args = parser.parse_args(argv)
    print(machine_note())
    url = database_url(args.size, args.db)
    app = make_app(url)
    tokens = issue_tokens(app)
    serial = pick_samples(app, 1).documents[0]["serial"]
    run_dir = DATA / "runs" / time.strftime("profile-%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-not-for-production",
        "SDP_RATELIMIT_TOKEN": "1000000 per minute",
    }
    server = Server("app", "sdp:create_app()", env, gunicorn_args(args))
    spy, wrk = py_spy(), ensure_wrk()
    server.start(run_dir, "/api/v1/procedure")
    try:
        load = subprocess.Popen(
            [
                wrk,
                "-t1",
                "-c32",
                "-d",
                f"{args.seconds + 4}s",
                "-H",
                f"Authorization: Bearer {tokens['partner']}",
                f"{server.url()}/api/v1/registry/documents/{serial}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        worker = server.workers()[0]
        output = run_dir / "py-spy.txt"
        subprocess.run(
            [
                spy,
                "record",
                "-p",
                str(worker),
                "-d",
                str(args.seconds),
                "-r",
                "200",
                "-f",
                "raw",
                "-o",
                str(output),
                "--nonblocking",
            ],
            check=True,
            capture_output=True,
            env=os.environ,
        )
        print(load.communicate()[0].strip().splitlines()[-2])
    finally:
        server.stop()
    total, shares = inclusive_shares(output.read_text())
    print(
        f"{total} samples of one worker (py-spy, active threads); share of samples in each "
        "function:"
    )
    for name, count in shares.most_common(args.top):
        print(f"{count * 100 / total:5.1f} %  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
