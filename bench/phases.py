"""Where one registry document check spends its time, in process (issue 17's per-phase profile).

    .venv/bin/python -m bench.phases --db sqlite --checks 2000

Runs ``checks`` document checks through the app's whole WSGI stack (``app.wsgi_app``, as gunicorn
calls it) under cProfile and reports, per check, the time inside each phase (callees included,
so phases may overlap: the audit's commit is inside "commit", not "audit event"). cProfile
slows every call down, so the absolute µs are above the real ones; compare phases with each
other and before with after, in the same run. The first 200 checks warm caches and are not
counted. A phase whose functions the code no longer has shows 0.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from .common import database_url, issue_tokens, make_app, pick_samples

# phase → (file path fragment, function name) pairs; the first match of each pair counts.
PHASES = {
    # TrustedProxies is the app's outermost WSGI layer: the lean path (sdp/registry/lean.py)
    # answers inside it without Flask's wsgi_app.
    "whole request (WSGI)": [("sdp/security/proxies.py", "__call__")],
    "Flask's dispatch (hooks, view, response)": [("flask/app.py", "full_dispatch_request")],
    "token → principal": [
        ("sdp/auth/tokens.py", "principal_for"),
        ("sdp/api.py", "bearer_principal"),
    ],
    "rate limit": [
        ("flask_limiter", "_check_request_limit"),
        ("sdp/ratelimit.py", "count_this_request"),
    ],
    "request context push + pop": [("flask/ctx.py", "push"), ("flask/ctx.py", "pop")],
    "document look-up + status rules": [("sdp/documents/services.py", "find_with_status")],
    "audit event (record)": [("sdp/audit/services.py", "record")],
    "audit journal append": [("sdp/audit/journal.py", "append_event")],
    "commit": [("sqlalchemy/orm/session.py", "commit")],
    "session / login / CSRF hooks": [
        ("flask_login", "_load_user"),
        ("flask_wtf/csrf.py", "protect"),
        ("flask/sessions.py", "open_session"),
        ("flask/sessions.py", "save_session"),
    ],
    "Babel": [("flask_babel", "get_locale")],
    "response (serialisation + headers)": [
        ("flask/app.py", "make_response"),
        ("flask/app.py", "process_response"),
        ("sdp/registry/lean.py", "_json"),
        ("sdp/ratelimit.py", "rate_limit_headers"),
    ],
    "access log": [("sdp/security/logs.py", "_log_request"), ("sdp/registry/lean.py", "_log")],
}


def profile(kind: str, size: str, checks: int) -> str:
    # The limiter counts, as under load, with a limit these checks never reach.
    os.environ.setdefault("SDP_RATELIMIT_TOKEN", "100000000 per minute")
    app = make_app(database_url(size, kind))
    token = issue_tokens(app)["partner"]
    serials = [row["serial"] for row in pick_samples(app).documents]
    environ_base = {"HTTP_AUTHORIZATION": f"Bearer {token}", "REMOTE_ADDR": "127.0.0.1"}
    client = app.test_client()

    def run(count: int, offset: int = 0) -> None:
        for n in range(count):
            response = client.get(
                f"/api/v1/registry/documents/{serials[(offset + n) % len(serials)]}",
                environ_base=environ_base,
            )
            if response.status_code != 200:
                raise RuntimeError(
                    f"the check answered {response.status_code}: {response.get_data(as_text=True)}"
                )

    run(200)
    started = time.perf_counter()
    run(checks, 200)
    plain_us = (time.perf_counter() - started) / checks * 1e6
    profiler = cProfile.Profile()
    profiler.enable()
    run(checks, 200 + checks)
    profiler.disable()
    measured = pstats.Stats(profiler, stream=io.StringIO())
    stats = measured.stats
    # The number of Python function calls is the one figure here that the machine's load does
    # not move: it says how much work the stack does per check.
    lines = [
        f"### One document check in process [{kind}], {checks} checks",
        "",
        f"without the profiler: {plain_us:,.0f} µs per check (wall, test client); "
        f"{measured.total_calls / checks:,.0f} Python function calls per check",
        "",
        "| phase (callees included, under cProfile) | µs per check |",
        "|---|---:|",
    ]
    for phase, functions in PHASES.items():
        total = 0.0
        for fragment, name in functions:
            for (path, _, function), (_, _, _, cumulative, _) in stats.items():
                if function == name and fragment in path:
                    total += cumulative
                    break
        lines.append(f"| {phase} | {total / checks * 1e6:,.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--size", default="10k")
    parser.add_argument("--checks", type=int, default=2000)
    args = parser.parse_args(argv)
    for kind in args.db or ["sqlite"]:
        print(profile(kind, args.size, args.checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
