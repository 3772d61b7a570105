"""CPU per partner check, in process: each of the four checks through ``app.wsgi_app`` (as
gunicorn calls it), the median of the calling thread's CPU time (``time.thread_time``), which a
busy machine disturbs far less than wall time. The paths and bodies are a load run's
(``bench/data/runs/load-*``, written by ``python -m bench.registry``); the access log is on (to
/dev/null), as in production.

    .venv/bin/python -m bench.check_cpu --db sqlite --run bench/data/runs/load-XXXX
    .venv/bin/python -m bench.check_cpu --db postgresql --run bench/data/runs/load-XXXX

To compare two revisions, run it on each in turn, alternating, two rounds or more.
``--profile`` then runs each check's paths again under cProfile and prints where the time went
(cumulative, per check; cProfile inflates every figure, so compare shares, not µs).
``--threads N`` also runs each check from N threads at once (as gthread's threads do) and prints
the checks per second with 1 and with N threads: a check that loses rate with threads contends
on something (the document check keeps its rate; births, persons and verify lost a quarter or
more on 2026-12-06, bench/RESULTS.md).
"""

import argparse
import glob
import logging
import os
import statistics
import threading
import time

from werkzeug.test import EnvironBuilder

from .common import ROOT, database_url, issue_tokens, make_app


def environ_for(line: str, token: str) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    if line.startswith("POST "):
        _, path, body = line.split(" ", 2)
        return EnvironBuilder(
            path=path,
            method="POST",
            data=body.encode(),
            content_type="application/json",
            headers=headers,
        ).get_environ()
    path, _, query = line.partition("?")
    return EnvironBuilder(path=path, query_string=query, headers=headers).get_environ()


statuses: list[str] = []


def logs_to(stream) -> None:
    """Every stream handler's lines (the access log's included: it stays on, as in production)
    written to ``stream``."""
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)


def start_response(status: str, headers) -> None:
    statuses.append(status)


def checks_per_second(app, token: str, lines: list[str], threads: int) -> float:
    def run(share: list[str]) -> None:
        for line in share:
            b"".join(app.wsgi_app(environ_for(line, token), start_response))

    workers = [threading.Thread(target=run, args=(lines[n::threads],)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(lines) / (time.perf_counter() - started)


def profile_checks(app, token: str, lines: list[str]) -> None:
    import cProfile
    import pstats

    environs = [environ_for(line, token) for line in lines]
    profile = cProfile.Profile()
    profile.enable()
    for environ in environs:
        b"".join(app.wsgi_app(environ, start_response))
    profile.disable()
    stats = pstats.Stats(profile)
    entries = stats.stats  # type: ignore[attr-defined]
    rows = sorted(
        ((cumulative, name) for name, (_, _, _, cumulative, _) in entries.items()),
        reverse=True,
    )
    for cumulative, (filename, line, function) in rows[:30]:
        where = filename.rsplit("/site-packages/", 1)[-1].removeprefix(f"{ROOT}/")
        print(
            f"{'':10s} {cumulative / len(lines) * 1e6:7.0f} µs a check  {where}:{line}({function})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--run", required=True, help="a load run's folder (its paths files)")
    parser.add_argument("--checks", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=0, help="also the rate from N threads")
    parser.add_argument("--profile", action="store_true", help="also a cProfile of each check")
    args = parser.parse_args(argv)
    os.environ["SDP_RATELIMIT_TOKEN"] = "100000000 per minute"  # a limit never reached
    app = make_app(database_url(args.size, args.db))
    token = issue_tokens(app)["partner"]
    with open(os.devnull, "w") as devnull:
        logs_to(devnull)
        files = sorted(
            glob.glob(f"{args.run}/paths-{args.db}-*.txt"),
            key=lambda path: int(path.rsplit("-", 1)[1].removesuffix(".txt")),
        )
        for path in files:
            with open(path) as stream:
                lines = stream.read().splitlines()[: args.checks]
            times = []
            for line in lines:
                environ = environ_for(line, token)
                started = time.thread_time()
                b"".join(app.wsgi_app(environ, start_response))
                times.append(time.thread_time() - started)
                assert statuses[-1].startswith("200"), statuses[-1]
            warm = times[len(times) // 8 :]  # the first eighth warms caches
            median = statistics.median(warm) * 1e6
            print(f"{args.db:10s} {lines[0][:48]:50s} CPU median {median:6.0f} µs")
            if args.profile:
                profile_checks(app, token, lines)
            if args.threads:
                for count in (1, args.threads):
                    rate = checks_per_second(app, token, lines, count)
                    print(f"{'':61s} {count} thread(s): {rate:7.0f} checks/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
