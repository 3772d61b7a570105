"""Issue 17's benchmark: the registry checks against a bare Flask endpoint and the raw driver, one
command.

    .venv/bin/python -m bench.registry                  # make bench
    .venv/bin/python -m bench.registry --db sqlite --runs 1 --duration 3   # a quick look

Two parts, both on the 10 k data set (generated when missing) of SQLite and PostgreSQL:

1. **Under load** (``bench.load``): bare Flask (``/ping``, the same JSON shape as a document
   check), the raw-driver references on their own copy of the documents (look-up; look-up +
   insert + commit), and the app's document, person and birth checks, all under gunicorn with
   the production settings (``gunicorn.conf.py``) and 2 workers, wrk ``-t2 -c32 -d8s``, 3 rounds
   alternating (the order reversed every other round), the rate limiter on with a limit the load
   never reaches. Ratios are each round's requests/s over the bare endpoint's in the same round.
2. **One check, in process** (``phases``): the per-phase cost (µs, cProfile, callees included)
   of a document check through the app's WSGI stack, so that a change shows where it paid.

PostgreSQL databases are ``$BENCH_PG_PREFIX_*`` (default here: ``bench_c``).
"""

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("BENCH_PG_PREFIX", "bench_c")  # before bench.common reads it

from . import load  # noqa: E402
from .common import DATA, ROOT  # noqa: E402

GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"
UNREACHED_LIMIT = "SDP_RATELIMIT_TOKEN=100000000 per minute"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--size", default="10k")
    parser.add_argument(
        "--worker-class", default=None, help="override gunicorn.conf.py's (sync | gthread)"
    )
    parser.add_argument("--threads", type=int, default=None, help="override gunicorn.conf.py's")
    parser.add_argument(
        "--checks", type=int, default=1000, help="checks profiled in process, per database"
    )
    parser.add_argument(
        "--chainer",
        choices=("process", "thread", "off"),
        help="SDP_AUDIT_CHAINER for the app servers (bench.load; default: each revision's own)",
    )
    parser.add_argument("--no-load", action="store_true", help="only the in-process profile")
    parser.add_argument("--no-phases", action="store_true", help="only the load run")
    parser.add_argument(
        "--baseline",
        help="a folder with another revision (git archive REV | tar -x -C DIR): "
        "measured beside this one, in the same rounds and the same profile run",
    )
    args = parser.parse_args(argv)
    databases = args.db or ["sqlite", "postgresql"]
    if not args.no_load:
        settings = _gunicorn_settings()
        command = [
            "--size",
            args.size,
            "--runs",
            str(args.runs),
            "--duration",
            str(args.duration),
            "--warmup",
            "2",
            "--connections",
            "32",
            "--wrk-threads",
            "2",
            "--endpoint",
            "registry",
            "--no-prototypes",
            "--references",
            "--config",
            str(GUNICORN_CONFIG),
            "--workers",
            "2",
            "--worker-class",
            args.worker_class or settings["worker_class"],
            "--threads",
            str(args.threads or settings["threads"]),
            "--keep-alive",
            str(settings["keepalive"]),
            "--app-env",
            UNREACHED_LIMIT,
        ]
        for kind in databases:
            command += ["--db", kind]
        if args.baseline:
            command += ["--baseline", args.baseline]
        if args.chainer:
            command += ["--chainer", args.chainer]
        load.main(command)
    if not args.no_phases:
        from .phases import profile

        for kind in databases:
            if args.baseline:
                print(_baseline_profile(args.baseline, kind, args.size, args.checks))
            print(profile(kind, args.size, args.checks))
    return 0


def _baseline_profile(folder: str, kind: str, size: str, checks: int) -> str:
    """The same profile of the baseline's code, in a process of its own (its own sdp package)."""
    import subprocess

    folder = str(Path(folder).resolve())
    # The baseline's bench.common looks for the data sets beside its own code, where there are
    # none (the SQLite profile failed on an empty file): it is pointed at this checkout's.
    script = (
        f"import sys; sys.path.insert(0, {folder!r}); from pathlib import Path; "
        f"import bench.common; bench.common.DATA = Path({str(DATA)!r}); "
        "from bench.phases import profile; "
        f"print(profile({kind!r}, {size!r}, {checks}).replace('### One', '### Baseline: one'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": folder},
    )
    return (
        done.stdout if done.returncode == 0 else f"(baseline profile failed: {done.stderr[-400:]})"
    )


def _gunicorn_settings() -> dict:
    import runpy

    return runpy.run_path(str(GUNICORN_CONFIG))


if __name__ == "__main__":
    sys.exit(main())
