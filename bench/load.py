"""Load benchmark: the app's endpoints against a bare Flask endpoint, under the same gunicorn, in
one run.

    .venv/bin/python -m bench.load --size 10k --db sqlite --db postgresql
    .venv/bin/python -m bench.load --size 1m --db sqlite --runs 5 --duration 10 \
        --worker-class gthread --threads 4

Starts gunicorn (2 workers on 127.0.0.1, the same settings for every server) for the bare
app (``bench/bare_app.py``) and for the SDP app on each database, then runs ``wrk`` (32
connections) against each endpoint in turn, round after round (the order reversed every
other round), so that every figure has a baseline measured seconds apart on the same busy
machine. Reports the median requests/s, the median of each round's ratio to the bare
endpoint, the median p99 latency, and the resident memory of each worker after the run.

An endpoint whose route is not in the app (not merged yet) is skipped with a note; adding
an endpoint is one line in ``ENDPOINTS``.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .bare_app import prepare_reference
from .common import (
    BENCH_SIGNING_KEY,
    DATA,
    PG_PREFIX,
    PG_SERVER,
    ROOT,
    Samples,
    database_url,
    ensure_postgres_database,
    issue_tokens,
    machine_note,
    make_app,
    median,
    pick_samples,
    safe,
    sign_samples,
)
from .prototype import add_prototype_routes


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str  # formatted with a sample row
    token: str = "none"  # none | staff | partner
    samples: str | None = None  # applications | documents | persons | births
    server: str = "app"  # app | bare


BARE = Endpoint("bare Flask /ping", "/ping", server="bare")
PERSON_QUERY = "given_names={given_q}&family_names={family_q}&date_of_birth={date_of_birth}"
ENDPOINTS = [
    Endpoint("GET /api/v1/procedure", "/api/v1/procedure"),
    Endpoint(
        "GET /api/v1/applications/{id}",
        "/api/v1/applications/{application_id}",
        "staff",
        "applications",
    ),
    Endpoint(
        "GET /api/v1/registry/documents/{serial}",
        "/api/v1/registry/documents/{serial}",
        "partner",
        "documents",
    ),
    Endpoint(
        "GET /api/v1/registry/persons?...",
        "/api/v1/registry/persons?" + PERSON_QUERY,
        "partner",
        "persons",
    ),
    Endpoint(
        "GET /api/v1/registry/births/{number}",
        "/api/v1/registry/births/{registration_number}",
        "partner",
        "births",
    ),
    # A scanned QR code (paths.lua: "POST <path> <body>"): the sampled documents signed with the
    # benchmark's key (``common.sign_samples``).
    Endpoint(
        "POST /api/v1/registry/documents/verify",
        "POST /api/v1/registry/documents/verify {body}",
        "partner",
        "verify",
    ),
    # Prototypes of a registry check (bench/prototype.py), to show what the stack allows.
    Endpoint(
        "prototype document check, ORM + record()",
        "/api/bench/registry/documents/{serial}/orm",
        "partner",
        "documents",
    ),
    Endpoint(
        "prototype document check, lean Core",
        "/api/bench/registry/documents/{serial}/lean",
        "partner",
        "documents",
    ),
]


# What the database part of a registry check costs without the app's stack (bench/bare_app.py),
# on a reference database of its own (a copy of the documents), per database: "{kind}" is filled in.
REFERENCES = [
    Endpoint(
        "reference: raw driver look-up",
        "/reference/{kind}/lookup/{serial}",
        samples="documents",
        server="bare",
    ),
    Endpoint(
        "reference: raw driver look-up + insert + commit",
        "/reference/{kind}/commit/{serial}",
        samples="documents",
        server="bare",
    ),
]


def paths_for(endpoint: Endpoint, samples: Samples | None) -> list[str]:
    if endpoint.samples is None:
        return [endpoint.path]
    rows = samples.rows(endpoint.samples)
    paths = []
    for index, row in enumerate(rows):
        row = dict(row)
        if endpoint.samples == "verify":
            row["body"] = json.dumps({"qr": row["qr"]}, separators=(",", ":"))
        if endpoint.samples == "persons":
            # Half the look-ups spell the names differently (capitals, no accents): the match must
            # not care.
            given, family = (
                (row["given_key"].upper(), row["family_key"].upper())
                if index % 2
                else (row["given_names"], row["family_names"])
            )
            row["given_q"], row["family_q"] = urllib.parse.quote(given), urllib.parse.quote(family)
        paths.append(endpoint.path.format(**row))
    return paths


# --- servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    wsgi: str
    env: dict
    gunicorn: list[str]
    port: int = 0
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, run_dir: Path, probe: str) -> None:
        self.port = free_port()
        self.log = run_dir / f"gunicorn-{self.name}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            *self.gunicorn,
            "--bind",
            f"127.0.0.1:{self.port}",
            self.wsgi,
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn for {self.name} exited; see {self.log}")
            try:
                urllib.request.urlopen(self.url(probe), timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"gunicorn for {self.name} did not answer; see {self.log}")

    def chain_what_is_left(self, run_dir: Path) -> None:
        """After the server stopped: every line its journal still holds, chained into its
        database, so the data set's audit trail stays whole for the next run. ``flask audit
        chain`` on this server's app: from the folder gunicorn imports it from (a baseline's
        --chdir), with its environment (its database and journal folder)."""
        if "SDP_AUDIT_JOURNAL" not in self.env:
            return
        folder = (
            self.gunicorn[self.gunicorn.index("--chdir") + 1]
            if "--chdir" in self.gunicorn
            else str(ROOT)
        )
        with (run_dir / f"chainer-{self.name}.log").open("a") as log:
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "sdp", "audit", "chain"],
                cwd=folder,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=300,
            )

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def resident_mb(self) -> dict[int, float]:
        return {pid: rss for pid in self.workers() if (rss := vm_rss_mb(pid)) is not None}

    def proportional_mb(self) -> dict[int, float]:
        return {pid: pss for pid in self.workers() if (pss := pss_mb(pid)) is not None}

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            # gunicorn's master; the chainer process its workers started chains one last round
            # once the master has gone, then exits (chain_what_is_left waits for that round).
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def vm_rss_mb(pid: int) -> float | None:
    return _proc_kb(f"/proc/{pid}/status", "VmRSS:")


def pss_mb(pid: int) -> float | None:
    """Proportional set size: shared pages (preloaded code) counted once across the workers sharing
    them."""
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _proc_kb(path: str, field_name: str) -> float | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field_name):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def reference_database(kind: str, size: str) -> str:
    """Where the raw-driver references keep their copy of the documents: never the data set
    itself."""
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return str(DATA / f"reference-{size}.sqlite")
    url = f"{PG_SERVER.rstrip('/')}/{PG_PREFIX}_reference_{size}"
    ensure_postgres_database(url)
    return url


def add_gunicorn_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        help="a gunicorn config file (e.g. gunicorn.conf.py); the options below override it",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (gthread)")
    parser.add_argument(
        "--keep-alive", type=int, default=5, help="seconds (gthread keeps connections; sync closes)"
    )
    parser.add_argument("--preload", action=argparse.BooleanOptionalAction, default=True)


def gunicorn_args(args) -> list[str]:
    options = ["--config", args.config] if getattr(args, "config", None) else []
    options += [
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--keep-alive",
        str(args.keep_alive),
        "--backlog",
        "2048",
        "--worker-tmp-dir",
        "/dev/shm",
        "--log-level",
        "warning",
    ]
    if args.worker_class == "gthread":
        options += ["--threads", str(args.threads)]
    if args.preload:
        options.append("--preload")
    return options


# --- wrk ----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it with apt-get (Debian package wrk).")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        sys.exit(
            "wrk is missing: install it (Debian/Ubuntu: sudo apt-get install -y wrk; macOS: brew "
            "install wrk)."
        )
    return found


@dataclass
class Target:
    endpoint: Endpoint
    server: Server
    database: str  # "-" for the bare server
    paths_file: Path
    token: str
    runs: list[dict] = field(default_factory=list)
    note: str = ""

    @property
    def label(self) -> str:
        return (
            self.endpoint.name
            if self.database == "-"
            else f"{self.endpoint.name} [{self.database}]"
        )


def run_wrk(wrk: str, target: Target, args, duration: float) -> dict:
    command = [
        wrk,
        "-t",
        str(args.wrk_threads),
        "-c",
        str(args.connections),
        "-d",
        f"{max(1, round(duration))}s",
        "--timeout",
        "5s",
        "-s",
        str(ROOT / "bench" / "wrk" / "paths.lua"),
        target.server.url(),
        "--",
        str(target.paths_file),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "BENCH_TOKEN": target.token}
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed for {target.label}: {result.stdout}\n{result.stderr}")
    figures = json.loads(lines[-1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(
        figures[k]
        for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return figures


def probe(target: Target, paths: list[str]) -> str:
    """Why the target cannot be measured ("" when it can): a missing route, or a non-2xx answer."""
    headers = {"Authorization": f"Bearer {target.token}"} if target.token else {}
    for path in paths[:3]:
        body = None
        if path.startswith("POST "):
            _, path, text = path.split(" ", 2)
            body = text.encode()
            headers = {**headers, "Content-Type": "application/json"}
        try:
            with urllib.request.urlopen(
                urllib.request.Request(target.server.url(path), data=body, headers=headers),
                timeout=30,
            ):
                pass
        except urllib.error.HTTPError as error:
            return f"answered {error.code} on {path}: {error.read()[:160].decode(errors='replace')}"
    return ""


def route_exists(app, path: str) -> bool:
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    adapter = app.url_map.bind("localhost")
    method = "GET"
    if path.startswith("POST "):
        method, path = "POST", path.split(" ")[1]
    try:
        adapter.match(path.split("?")[0], method=method)
    except (NotFound, MethodNotAllowed):
        return False
    return True


# --- the run ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", default="10k", help="data set: 1k, 10k, 100k or 1m (generated if missing)"
    )
    parser.add_argument(
        "--db",
        action="append",
        choices=("sqlite", "postgresql"),
        help="repeat for both (default sqlite)",
    )
    parser.add_argument(
        "--endpoint", action="append", help="measure only endpoints whose name contains this"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="rounds; each figure is the median over the rounds"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=1)
    add_gunicorn_arguments(parser)
    parser.add_argument(
        "--no-generate", action="store_true", help="fail instead of generating a missing data set"
    )
    parser.add_argument(
        "--references",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the raw sqlite3 reference endpoints on the bare server (needs --db sqlite)",
    )
    parser.add_argument(
        "--prototypes",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="serve bench.prototype:create_app() (the app + two prototype registry checks)",
    )
    parser.add_argument(
        "--pg-option",
        action="append",
        default=[],
        help="a PostgreSQL setting for the app's sessions, e.g. synchronous_commit=off (PGOPTIONS)",
    )
    parser.add_argument(
        "--app-env",
        action="append",
        default=[],
        help="NAME=VALUE in the app servers' environment, e.g. SDP_DB_POOL_PRE_PING=0",
    )
    parser.add_argument(
        "--chainer",
        choices=("process", "thread", "off"),
        help="SDP_AUDIT_CHAINER for the app servers (default: each revision's own default; "
        "this one's is process, a chainer process the workers start)",
    )
    parser.add_argument(
        "--baseline",
        help="a folder holding another revision of the code (git archive REV | tar -x): "
        "its app is served beside this one, same settings and data, and every "
        "app endpoint is measured on both in the same rounds ('[db, baseline]')",
    )
    args = parser.parse_args(argv)
    databases = args.db or ["sqlite"]
    wrk = ensure_wrk()
    run_dir = DATA / "runs" / time.strftime("load-%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"# {command}\n# {machine_note()}")

    options = gunicorn_args(args)
    bare = Server("bare", "bench.bare_app:app", {}, options)
    servers = [bare]
    targets: list[Target] = []
    bare_paths = run_dir / "paths-bare.txt"
    bare_paths.write_text(BARE.path + "\n")
    targets.append(Target(BARE, bare, "-", bare_paths, ""))
    wanted = [
        e
        for e in ENDPOINTS
        if not args.endpoint or any(w.lower() in e.name.lower() for w in args.endpoint)
    ]
    skipped: list[str] = []
    app_env = {
        "SECRET_KEY": "bench-secret-not-for-production",
        "SDP_ENV": "production",
        # Every server (the baseline's too) verifies the QR codes signed by sign_samples.
        "SDP_DOCUMENT_SIGNING_KEY": BENCH_SIGNING_KEY,
        **dict(item.split("=", 1) for item in args.app_env),
    }
    for kind in databases:
        url = database_url(args.size, kind)
        if not args.no_generate:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.generate",
                    "--size",
                    args.size,
                    "--db",
                    kind,
                    "--skip-if-loaded",
                ],
                cwd=ROOT,
                check=True,
                env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            )
        app = make_app(url)
        if args.prototypes:
            add_prototype_routes(app)
        tokens, samples = issue_tokens(app), pick_samples(app)
        sign_samples(app, samples)
        # Each app server its own journal folder: in the checkout's shared instance folder the
        # SQLite server's chainer chained the PostgreSQL server's checks and the other way round.
        env = {
            **app_env,
            "DATABASE_URL": url,
            "SDP_AUDIT_JOURNAL": str(run_dir / f"audit-journal-{kind}"),
        }
        if args.chainer:
            env["SDP_AUDIT_CHAINER"] = args.chainer
        if kind == "postgresql" and args.pg_option:
            env["PGOPTIONS"] = " ".join(f"-c {option}" for option in args.pg_option)
        server = Server(
            kind,
            "bench.prototype:create_app()" if args.prototypes else "sdp:create_app()",
            env,
            options,
        )
        servers.append(server)
        if args.baseline:
            # gunicorn imports the app from its --chdir folder: the baseline's own sdp package.
            baseline = Server(
                f"{kind}-baseline",
                "sdp:create_app()",
                {
                    **env,
                    "PYTHONPATH": str(Path(args.baseline).resolve()),
                    "SDP_AUDIT_JOURNAL": str(run_dir / f"audit-journal-{kind}-baseline"),
                },
                [*options, "--chdir", str(Path(args.baseline).resolve())],
            )
            servers.append(baseline)
        if args.references:
            reference = reference_database(kind, args.size)
            prepare_reference(url, kind, reference)
            bare.env["BENCH_REFERENCE_SQLITE" if kind == "sqlite" else "BENCH_REFERENCE_PG"] = (
                reference
            )
            for endpoint in REFERENCES:
                paths_file = run_dir / f"paths-reference-{kind}-{len(targets)}.txt"
                endpoint = Endpoint(
                    endpoint.name,
                    endpoint.path.replace("{kind}", kind),
                    samples="documents",
                    server="bare",
                )
                paths_file.write_text("\n".join(paths_for(endpoint, samples)) + "\n")
                targets.append(Target(endpoint, bare, kind, paths_file, ""))
        for endpoint in wanted:
            paths = paths_for(endpoint, samples)
            if not route_exists(app, paths[0]):
                skipped.append(
                    f"{endpoint.name} [{kind}]: no such route in this app yet (pending merge)"
                )
                continue
            paths_file = run_dir / f"paths-{kind}-{len(targets)}.txt"
            paths_file.write_text("\n".join(paths) + "\n")
            targets.append(Target(endpoint, server, kind, paths_file, tokens[endpoint.token]))
            if args.baseline:
                targets.append(
                    Target(
                        endpoint, baseline, f"{kind}, baseline", paths_file, tokens[endpoint.token]
                    )
                )
        print(f"# {kind}: {safe(url)}")

    try:
        for server in servers:
            server.start(run_dir, "/ping" if server.name == "bare" else "/api/v1/procedure")
        for target in list(targets):
            target.note = probe(target, target.paths_file.read_text().splitlines())
            if target.note:
                skipped.append(f"{target.label}: {target.note}")
                targets.remove(target)
        for target in targets:
            run_wrk(wrk, target, args, args.warmup)
        for round_number in range(args.runs):
            order = targets if round_number % 2 == 0 else list(reversed(targets))
            for target in order:
                figures = run_wrk(wrk, target, args, args.duration)
                figures["round"] = round_number
                target.runs.append(figures)
                print(
                    f"  round {round_number + 1}/{args.runs}  {target.label:55s} "
                    f"{figures['rps']:8.0f} req/s  p99 {figures['p99_us'] / 1000:6.1f} ms  errors "
                    f"{figures['errors']}",
                    flush=True,
                )
        memory = {server.name: server.resident_mb() for server in servers}
        proportional = {server.name: server.proportional_mb() for server in servers}
    finally:
        for server in servers:
            server.stop()
        for server in servers:
            server.chain_what_is_left(run_dir)

    report = summarise(targets, memory, proportional, skipped, args, command)
    (run_dir / "results.json").write_text(json.dumps(report, indent=2, default=str))
    print(report["markdown"])
    print(f"(raw figures: {run_dir.relative_to(ROOT)}/results.json)")
    return 0


def summarise(
    targets: list[Target], memory: dict, proportional: dict, skipped: list[str], args, command: str
) -> dict:
    bare = targets[0]
    bare_by_round = {run["round"]: run["rps"] for run in bare.runs}
    rows = []
    for target in targets:
        ratios = [
            run["rps"] / bare_by_round[run["round"]]
            for run in target.runs
            if bare_by_round.get(run["round"])
        ]
        rows.append(
            {
                "target": target.label,
                "runs": len(target.runs),
                "rps_median": median([run["rps"] for run in target.runs]),
                "ratio_median": median(ratios),
                "ratios": ratios,
                "p50_ms_median": median([run["p50_us"] / 1000 for run in target.runs]),
                "p99_ms_median": median([run["p99_us"] / 1000 for run in target.runs]),
                "errors": sum(run["errors"] for run in target.runs),
            }
        )
    settings = (
        (
            "app server: bench.prototype:create_app() (sdp.create_app() + 2 prototype routes); "
            if args.prototypes
            else "app server: sdp:create_app(); "
        )
        + f"gunicorn {args.workers} workers, {args.worker_class}"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
        + f", keep-alive {args.keep_alive} s, {'preload' if args.preload else 'no preload'}; "
        f"wrk -t{args.wrk_threads} -c{args.connections}, {args.runs} rounds × {args.duration:g} s"
        + "".join(f"; PostgreSQL {option}" for option in args.pg_option)
        + "".join(f"; {item}" for item in args.app_env)
        + (f"; SDP_AUDIT_CHAINER={args.chainer}" if args.chainer else "")
    )
    lines = [
        f"`{command}`",
        "",
        f"{machine_note()}",
        "",
        settings,
        "",
        "| endpoint [database] | req/s (median) | ratio to bare (median of rounds) | p50 ms | p99 "
        "ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['target']} | {row['rps_median']:,.0f} | {row['ratio_median']:.2f} | "
            f"{row['p50_ms_median']:.1f} | {row['p99_ms_median']:.1f} | {row['errors']} |"
        )
    lines.append("")
    for name, workers in memory.items():
        figures = ", ".join(f"{mb:.0f} MB" for mb in workers.values()) or "n/a"
        shared = ", ".join(f"{mb:.0f} MB" for mb in proportional.get(name, {}).values()) or "n/a"
        lines.append(
            f"- memory of the {name} server's workers after the run: VmRSS {figures} (PSS {shared})"
        )
    for note in skipped:
        lines.append(f"- skipped: {note}")
    return {
        "command": command,
        "settings": settings,
        "rows": rows,
        "memory_mb": memory,
        "proportional_memory_mb": proportional,
        "skipped": skipped,
        "targets": [{"target": t.label, "runs": t.runs} for t in targets],
        "markdown": "\n".join(lines),
    }


if __name__ == "__main__":
    sys.exit(main())
