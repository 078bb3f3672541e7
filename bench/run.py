"""Run the benchmark and write the report; or compare two reports.

    python -m bench.run [--db sqlite|postgres|both] [--profiles 100000] [--groups 300]
                        [--curve 1000,10000] [--duration 8] [--concurrency 4] [--out DIR]
    python -m bench.run --db postgres --directory-curve [--reuse-directory-data]
                        # adds the 1,000,000-profile point for the directory scenarios
    python -m bench.run compare OLD.json NEW.json
    python -m bench.run render DIR      # rewrite DIR/report.md with the current bench/NOTES.md
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from bench import generate as gen
from bench.scenarios import SCENARIOS, Scenario
from federation.config import normalise_database_url

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
REQUEST_TIMEOUT_S = 30  # gunicorn kills a worker stuck longer; the load client gives up too
NOTES_FILE = ROOT / "bench" / "NOTES.md"
# PostgreSQL benchmark databases are named <prefix>_<profiles> (a shared
# server: each user of it picks their own prefix).
PG_DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "federation_bench")
DIRECTORY_CURVE_POINT = 1_000_000


def scale_for(profiles: int, groups: int, directory_only: bool = False) -> dict:
    """How much of everything for a number of profiles; `directory_only`
    (the 1,000,000 point, which measures the directory alone) keeps the rest
    at the 100,000 amounts."""
    ratio = min(profiles, 100_000) / 100_000 if directory_only else profiles / 100_000
    return {
        "profiles": profiles,
        "groups": groups,
        "events": max(20, int(5_000 * ratio)),
        "registrations": max(200, int(500_000 * ratio)),
        "assets": max(20, int(2_000 * ratio)),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for(kind: str, profiles: int) -> str:
    if kind == "sqlite":
        return f"sqlite:///{ROOT / 'bench' / 'data' / f'bench-{profiles}.sqlite3'}"
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB_PREFIX}_{profiles}"


def made_file(kind: str, profiles: int) -> Path:
    """What the generator made (ids the scenarios use), kept next to the data
    so that --reuse-directory-data can skip generating it again."""
    return ROOT / "bench" / "data" / f"made-{kind}-{PG_DB_PREFIX if kind == 'postgres' else 'sqlite'}-{profiles}.json"


def reusable(kind: str, profiles: int) -> dict | None:
    """The saved `made` of a complete earlier generation, or None."""
    path = made_file(kind, profiles)
    try:
        engine = create_engine(normalise_database_url(database_url_for(kind, profiles)))
        with engine.connect() as conn:
            count = conn.scalar(text("SELECT count(*) FROM directory_profile"))
            if count != profiles + 1:
                return None
            if path.exists():
                return json.loads(path.read_text())["made"]
            return made_from_database(conn)
    except Exception:
        return None
    finally:
        engine.dispose()


def made_from_database(conn) -> dict:
    """What the scenarios need, read back from a generated database."""
    bench_user = conn.scalar(text("SELECT id FROM \"user\" WHERE email = :e"), {"e": gen.BENCH_EMAIL})
    return {
        "group_ids": list(conn.scalars(text("SELECT id FROM alumni_group ORDER BY id"))),
        "bench_user_id": bench_user,
        "event_ids": list(conn.scalars(text(
            "SELECT id FROM joint_event WHERE status = 'published' AND starts_at > :now ORDER BY id"),
            {"now": datetime.now(timezone.utc)})),
        "asset_ids": list(conn.scalars(text("SELECT id FROM shared_asset ORDER BY id LIMIT 200"))),
        "profile_ids": list(conn.scalars(text("SELECT id FROM directory_profile ORDER BY id LIMIT 1000"))),
    }


def prepare_database(kind: str, profiles: int) -> str:
    made_file(kind, profiles).unlink(missing_ok=True)
    if kind == "sqlite":
        data = ROOT / "bench" / "data"
        data.mkdir(parents=True, exist_ok=True)
        path = data / f"bench-{profiles}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = f"{PG_DB_PREFIX}_{profiles}"
    admin = create_engine(normalise_database_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                          "LC_CTYPE 'C.UTF-8' TEMPLATE template0"))
    admin.dispose()
    return database_url_for(kind, profiles)


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "FEDERATION_CONFIG": "development",
        "SECRET_KEY": "benchmark-secret", "QUERY_COUNT_HEADER": "1", "RATELIMIT_ENABLED": "0",
        "PYTHONPATH": str(ROOT),
    })
    env.pop("MAIL_SERVER", None)
    return env


def start_server(app: str, port: int, env: dict) -> subprocess.Popen:
    # The server's log goes to a file, not a pipe nobody reads (a full pipe
    # would block the server mid-run).
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--worker-class", "sync", "--keep-alive", "30", "--timeout", str(REQUEST_TIMEOUT_S),
         "--graceful-timeout", "5", "--log-level", "warning", app],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )
    process.log = log  # type: ignore[attr-defined]
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{app} did not start: {log.read().decode()[-2000:]}") from None
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"{app} did not start in time")


def stop_server(process: subprocess.Popen, grace: float = 20.0) -> str:
    """Stop a server for sure: TERM, wait, then KILL its whole process group
    (gunicorn's workers too). Returns how it stopped; never raises."""
    if process.poll() is not None:
        return "exited"
    how = "terminated"
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return "exited"
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        how = "killed"
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            how = "unkillable"
    log = getattr(process, "log", None)
    if log is not None:
        log.close()
    return how


def login_cookie(base_url: str) -> str:
    """Sign the benchmark user in through the real form (with its CSRF token)."""
    host = urlsplit(base_url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=120)  # a loaded machine
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = _cookies(response)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    from urllib.parse import urlencode

    body = urlencode({"email": gen.BENCH_EMAIL, "password": gen.BENCH_PASSWORD, "csrf_token": token})
    conn.request("POST", "/auth/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"benchmark login failed with {response.status}")
    # Sign-in renews the session and may set more cookies than the page
    # before it (which set the device cookie): send them all, the newest kept.
    merged = dict(part.split("=", 1) for part in f"{cookie}; {_cookies(response)}".split("; ") if "=" in part)
    return "; ".join(f"{k}={v}" for k, v in merged.items())


def _cookies(response) -> str:
    """Every cookie a response sets, as a Cookie header (getheader would join
    several Set-Cookie headers with commas, and only the first one was kept)."""
    return "; ".join(c.split(";")[0] for c in response.msg.get_all("Set-Cookie") or [])


def plan_for(scenarios: list[Scenario], made: dict, cookie: str) -> list[dict]:
    rng = random.Random(7)
    plans = []
    for scenario in scenarios:
        headers = {}
        if scenario.auth == "member":
            headers["Cookie"] = cookie
        elif scenario.auth == "token":
            headers["Authorization"] = f"Bearer {gen.BENCH_TOKEN}"
        # http.client sends the target as ASCII: Japanese queries must be
        # percent-encoded (unencoded, every request failed before it was sent).
        # A target is a path, or (method, path) where a scenario mixes methods.
        targets = [t if isinstance(t, tuple) else (scenario.method, t) for t in scenario.paths(rng, made)]
        bodies = scenario.body(rng, made) if scenario.body else [None] * len(targets)
        plans.append({
            "name": scenario.name, "method": scenario.method, "headers": headers,
            "expect": list(scenario.expect), "partitioned": scenario.partitioned,
            "requests": [{"method": m, "path": quote(p, safe="/?&=:%+"), "body": b}
                         for (m, p), b in zip(targets, bodies)],
        })
    return plans


def load_timeout(plans: list[dict], args) -> float:
    """How long the load process may take at most: each scenario runs for
    warm-up + duration, plus one stuck request's timeout, plus slack."""
    return len(plans) * (args.warmup + args.duration + REQUEST_TIMEOUT_S) + 30


def run_load(base_url: str, plans: list[dict], args) -> dict:
    """Run the load process; a scenario it could not finish is reported as
    failed instead of hanging or crashing the run."""
    plan = {"base_url": base_url, "scenarios": plans, "duration": args.duration,
            "concurrency": args.concurrency, "warmup": args.warmup,
            "request_timeout": REQUEST_TIMEOUT_S}
    try:
        result = subprocess.run([sys.executable, "-m", "bench.load"], input=json.dumps(plan),
                                capture_output=True, text=True, cwd=ROOT,
                                timeout=load_timeout(plans, args))
        if result.returncode == 0:
            return json.loads(result.stdout)
        problem = f"load process failed: {result.stderr[-500:]}"
    except subprocess.TimeoutExpired:
        problem = "load process timed out"
    return {p["name"]: failed_result(problem) for p in plans}


def failed_result(problem: str) -> dict:
    return {"requests": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None, "mean_ms": None,
            "errors": 1, "statuses": {}, "queries_per_request": None, "queries_max": None,
            "sample_errors": [problem]}


def generate_data(kind: str, profiles: int, scale: dict, reuse: bool) -> tuple[dict, float | None]:
    """(what the generator made, seconds it took; None when reused)."""
    if reuse and (made := reusable(kind, profiles)) is not None:
        subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                       env=server_env(database_url_for(kind, profiles)), check=True, capture_output=True)
        print(f"  reusing {kind} data at {profiles:,} profiles", flush=True)
        return made, None
    database_url = prepare_database(kind, profiles)
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env=server_env(database_url), check=True, capture_output=True)
    engine = create_engine(normalise_database_url(database_url))
    started = time.perf_counter()
    made, timings = gen.generate(engine, scale, generate_password_hash(gen.BENCH_PASSWORD))
    generation_s = round(time.perf_counter() - started, 1)
    with engine.begin() as conn:
        # The generator bulk-loads registrations with Core/COPY: set the seat
        # counters the app keeps from them.
        from federation.services.seats import recount_all

        recount_all(conn)
    engine.dispose()
    path = made_file(kind, profiles)
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {k: v for k, v in made.items() if k not in ("user_ids", "now", "horizon")}
    path.write_text(json.dumps({"scale": scale, "timings": timings, "made": kept}))
    print(f"  generated {kind} at {profiles:,} profiles in {generation_s}s {timings}", flush=True)
    return made, generation_s


def measure(kind: str, profiles: int, args, directory_only: bool = False) -> dict:
    scale = scale_for(profiles, args.groups, directory_only)
    made, generation_s = generate_data(kind, profiles, scale, args.reuse_directory_data)
    database_url = database_url_for(kind, profiles)
    env = server_env(database_url)
    if args.generate_only:
        return {"db": kind, "scale": scale, "generation_s": generation_s, "ceiling": {}, "results": {}}
    scenarios = [s for s in SCENARIOS if "directory" in s.tags] if directory_only else SCENARIOS

    app_port, ceiling_port = free_port(), free_port()
    servers = []
    try:
        servers.append(start_server("wsgi:app", app_port, env))
        servers.append(start_server("bench.ceiling:app", ceiling_port, env))
        app_url = f"http://127.0.0.1:{app_port}"
        cookie = login_cookie(app_url)
        ceiling_url = f"http://127.0.0.1:{ceiling_port}"
        # The ceiling is measured before and after the scenarios, and the
        # faster of the two is the one compared with: gunicorn accepts
        # connections before its workers have loaded the app, so a ceiling
        # measured only at the start can share the machine with four workers
        # still booting (a run's bare page once came out at half its speed
        # while the pages kept theirs, which overstated every ratio).
        before = run_load(ceiling_url, CEILING_PLAN, args)
        paginated = {s.name for s in scenarios if s.paginated}
        results, beside = measure_scenarios(app_url, ceiling_url, plan_for(scenarios, made, cookie),
                                            paginated, args)
        after = run_load(ceiling_url, CEILING_PLAN, args)
    finally:
        for server in servers:
            stop_server(server)
    return {"db": kind, "scale": scale, "generation_s": generation_s,
            "ceiling": faster_ceiling(before, after), "ceiling_runs": [before, after],
            "ceilings_beside": beside, "results": results}


def measure_scenarios(app_url: str, ceiling_url: str, plans: list[dict], paginated: set[str],
                      args) -> tuple[dict, dict]:
    """(each scenario's result, for each list with the throughput target the
    50-row ceiling's rates measured just before and just after it). The
    machine's speed drifts within a run (by a fifth to a third in the runs of
    2026-12-04 and 2026-12-07): a list measured minutes after the run's
    ceiling was divided by a speed the machine no longer had. Consecutive
    lists share the ceiling between them."""
    results: dict = {}
    beside: dict = {}
    last_ceiling: float | None = None
    pending: list[dict] = []

    def ceiling_now() -> float:
        return run_load(ceiling_url, [ROWS_CEILING], args)[ROWS_CEILING["name"]]["rps"]

    for plan in plans:
        if plan["name"] not in paginated:
            pending.append(plan)
            continue
        if pending:
            results.update(run_load(app_url, pending, args))
            pending, last_ceiling = [], None
        if last_ceiling is None:
            last_ceiling = ceiling_now()
        results.update(run_load(app_url, [plan], args))
        after = ceiling_now()
        beside[plan["name"]] = [last_ceiling, after]
        last_ceiling = after
    if pending:
        results.update(run_load(app_url, pending, args))
    return results, beside


ROWS_CEILING = {"name": "ceiling: 50 rows", "method": "GET", "headers": {}, "expect": [200],
                "requests": [{"path": "/rows", "body": None}]}
CEILING_PLAN = [
    {"name": "ceiling: hello", "method": "GET", "headers": {}, "expect": [200],
     "requests": [{"path": "/hello", "body": None}]},
    ROWS_CEILING,
]


def ceiling_note(run: dict) -> list[str]:
    if not run.get("ceiling_runs"):
        return []
    rates = " and ".join(f"{r['ceiling: 50 rows']['rps']}" for r in run["ceiling_runs"])
    lines = [f"The 50-row ceiling was measured before and after the scenarios ({rates} req/s); "
             "each ratio divides by the faster."]
    if run.get("ceilings_beside"):
        beside = "; ".join(f"{name} {a} / {b}" for name, (a, b) in run["ceilings_beside"].items())
        lines[0] += (" A list with the throughput target is divided instead by the faster of the"
                     f" ceilings measured just before and just after it (req/s): {beside}.")
    return [*lines, ""]


def faster_ceiling(before: dict, after: dict) -> dict:
    """Per ceiling scenario, the measurement with the higher rate."""
    return {name: max((before[name], after[name]), key=lambda r: r["rps"]) for name in before}


def judge(run: dict) -> list[dict]:
    rows_ceiling = run["ceiling"]["ceiling: 50 rows"]
    hello = run["ceiling"]["ceiling: hello"]
    verdicts = []
    for scenario in SCENARIOS:
        r = run["results"].get(scenario.name)
        if r is None:
            continue
        target = 50.0 if scenario.kind == "search" else scenario.p95_target_ms
        checks = {"p95": r["p95_ms"] is not None and r["p95_ms"] < target, "errors": r["errors"] == 0}
        ceiling_rps = rows_ceiling["rps"]
        if scenario.name in run.get("ceilings_beside", {}):
            ceiling_rps = max(run["ceilings_beside"][scenario.name])
        if scenario.paginated:
            checks["throughput"] = r["rps"] >= 0.5 * ceiling_rps
        verdicts.append({
            "name": scenario.name, "target_p95_ms": target, **r,
            "rps_vs_rows_ceiling": (round(r["rps"] / ceiling_rps, 2) if ceiling_rps else None),
            "p95_vs_hello": (round(r["p95_ms"] / hello["p95_ms"], 1)
                             if hello["p95_ms"] and r["p95_ms"] is not None else None),
            "checks": checks, "met": all(checks.values()),
        })
    return verdicts


def read_notes(path: Path | None = None) -> list[str]:
    """The committed notes (profiling, before and after of each fix) that go
    into every report, so the explanation travels with the code."""
    path = path or NOTES_FILE
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    while lines and (lines[0].startswith("# ") or not lines[0].strip()):
        lines.pop(0)  # the file's own title; the report has a Notes heading
    return lines


def write_report(report: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    lines = ["# Benchmark report", "",
             f"Run at {report['started_at']} on {report['machine']}; gunicorn with {WORKERS} sync "
             f"workers; load from a separate process with {report['concurrency']} connections, "
             f"{report['duration']} s per scenario after {report['warmup']} s warm-up.", ""]
    for run in report["runs"]:
        if run["scale"]["profiles"] != report["main_profiles"] and not run.get("shown"):
            continue
        s = run["scale"]
        lines += [f"## {run['db']} at {s['profiles']:,} profiles, {s['groups']} groups", "",
                  (f"Data generated in {run['generation_s']} s." if run["generation_s"] is not None
                   else "Data reused from an earlier generation (--reuse-directory-data)."), "",
                  *ceiling_note(run),
                  "| scenario | req/s | p50 ms | p95 ms | target p95 | errors | queries/req | req/s ÷ 50-row ceiling | met |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|:---:|"]
        for name, c in run["ceiling"].items():
            lines.append(f"| {name} | {c['rps']} | {c['p50_ms']} | {c['p95_ms']} | | {c['errors']} | | | |")
        for v in run["verdicts"]:
            lines.append(
                f"| {v['name']} | {v['rps']} | {v['p50_ms']} | {v['p95_ms']} | {v['target_p95_ms']:.0f} | "
                f"{v['errors']} | {v['queries_per_request']} | {v['rps_vs_rows_ceiling']} | "
                f"{'yes' if v['met'] else '**no**'} |")
        missed = [v for v in run["verdicts"] if not v["met"]]
        lines += ["", "All targets met." if not missed else
                  "Missed: " + "; ".join(f"{v['name']} ({', '.join(k for k, ok in v['checks'].items() if not ok)})"
                                          for v in missed), ""]
    curve = [r for r in report["runs"]]
    if len({r["scale"]["profiles"] for r in curve}) > 1:
        lines += ["## Scale curve (p95 ms / queries per request)", ""]
        for db in sorted({r["db"] for r in curve}):
            runs = sorted((r for r in curve if r["db"] == db), key=lambda r: r["scale"]["profiles"])
            lines += [f"### {db}", "", "| scenario | " + " | ".join(f"{r['scale']['profiles']:,}" for r in runs) + " |",
                      "|---|" + "---:|" * len(runs)]
            for scenario in SCENARIOS:
                cells = []
                for r in runs:
                    m = r["results"].get(scenario.name)
                    cells.append(f"{m['p95_ms']} / {m['queries_per_request']}" if m else "")
                lines.append(f"| {scenario.name} | " + " | ".join(cells) + " |")
            lines.append("")
    if report.get("failures"):
        lines += ["## Runs that failed", ""]
        for f in report["failures"]:
            lines += [f"- {f['db']} at {f['profiles']:,} profiles:", "", "```", f["error"], "```", ""]
    if report.get("notes"):
        lines += ["## Notes", "", *report["notes"], ""]
    (out / "report.md").write_text("\n".join(lines))


def render(out: Path) -> None:
    report = json.loads((out / "report.json").read_text())
    report["notes"] = read_notes()
    report.setdefault("failures", [])
    write_report(report, out)


def compare(old_path: str, new_path: str) -> None:
    old, new = (json.loads(Path(p).read_text()) for p in (old_path, new_path))

    def index(report):
        return {(run["db"], run["scale"]["profiles"], v["name"]): v
                for run in report["runs"] for v in run.get("verdicts", [])}

    a, b = index(old), index(new)
    print("| db | profiles | scenario | p95 ms (old → new) | req/s (old → new) | queries (old → new) |")
    print("|---|---:|---|---|---|---|")
    for key in sorted(set(a) & set(b)):
        x, y = a[key], b[key]
        print(f"| {key[0]} | {key[1]:,} | {key[2]} | {x['p95_ms']} → {y['p95_ms']} | "
              f"{x['rps']} → {y['rps']} | {x['queries_per_request']} → {y['queries_per_request']} |")


def main(argv=None) -> None:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["compare"]:
        compare(*argv[1:3])
        return
    if argv[:1] == ["render"]:  # rewrite report.md from report.json with the current notes
        render(Path(argv[1]))
        return
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--curve", default="1000,10000", help="smaller scales for the curve ('' for none)")
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=WORKERS,
                        help="load connections; default: one per server worker")
    parser.add_argument("--directory-curve", action="store_true",
                        help="PostgreSQL only: add the 1,000,000-profile point for the directory scenarios")
    parser.add_argument("--reuse-directory-data", action="store_true",
                        help="reuse a bench database a complete earlier run generated at the same scale")
    parser.add_argument("--generate-only", action="store_true", help="generate the data, measure nothing")
    parser.add_argument("--out", default=str(ROOT / "bench" / "reports" / "latest"))
    args = parser.parse_args(argv)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    scales = sorted({int(x) for x in args.curve.split(",") if x.strip()} | {args.profiles})
    points = [(db, profiles, False) for db in dbs for profiles in scales]
    if args.directory_curve and "postgres" in dbs and DIRECTORY_CURVE_POINT not in scales:
        points.append(("postgres", DIRECTORY_CURVE_POINT, True))
        if args.generate_only:  # prepare the long one ahead, e.g. in the background
            points = points[-1:]
    report = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": f"{os.cpu_count()} cores", "duration": args.duration,
              "warmup": args.warmup, "concurrency": args.concurrency,
              "main_profiles": args.profiles, "runs": [], "notes": [], "failures": []}
    report["notes"] = read_notes()
    for db, profiles, directory_only in points:
        print(f"==> {db} at {profiles:,} profiles{' (directory)' if directory_only else ''}", flush=True)
        try:
            run = measure(db, profiles, args, directory_only)
            run["directory_only"] = directory_only
            run["verdicts"] = judge(run) if run["ceiling"] else []
        except Exception:  # one failed run must not lose the others' report
            traceback.print_exc()
            report["failures"].append({"db": db, "profiles": profiles,
                                       "error": traceback.format_exc(limit=3)[-1500:]})
        else:
            report["runs"].append(run)
        write_report(report, Path(args.out))
    print(f"Report: {Path(args.out) / 'report.md'}")


if __name__ == "__main__":
    main()
