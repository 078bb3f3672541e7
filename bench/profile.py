"""Profile pages in-process with pyinstrument, as the bench user, on a bench
database (what bench/NOTES.md's "where the time goes" was read from).

    DATABASE_URL=… python -m bench.profile [--repeat 30] PATH [PATH ...]
    DATABASE_URL=… python -m bench.profile --summary [--repeat 30] [PATH ...]

`--summary` prints one Markdown row per page (every page scenario of
bench/scenarios.py when no path is given): the CPU per request and the share
of it that went to each part of the request, so that a page's distance from
the bare 50-row page can be read off the table.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

# Where a request's time goes, in the order of the summary's columns.
PARTS = (
    "sign-in",  # the session row and the user (federation.login.load_user)
    "SQL (driver)",  # the database driver's own calls: the statements' execution
    "SQLAlchemy",  # building statements, compiling (cached), rows to objects
    "view code",  # the services' and views' own Python
    "rendering",  # Jinja, Babel, escaping, the app's code the templates call; the API's dump
    "response",  # after-request hooks: the commit, headers, the access log
    "framework",  # Flask, Werkzeug, Flask-Login, Flask-Limiter, the rest
)


SIGN_IN = {("load_user", "login.py"), ("authenticate_api_token", "services/accounts/api_tokens.py")}
# Templates for pages, the marshmallow schema's dump for the API.
RENDERING = {("render_template", "flask/templating.py"), ("dump", "marshmallow/schema.py")}


def _leaf_part(frame) -> str:
    if frame.file_path is None and frame.parent is not None:  # "[self]": its caller's own time
        frame = frame.parent
    path = frame.file_path or ""
    if path == "<built-in>" and (frame.class_name or frame.function.split(".")[0]) in {
        "Cursor",
        "Connection",
    }:
        return "SQL (driver)"
    if "psycopg" in path or "sqlite3" in path:
        return "SQL (driver)"
    if "sqlalchemy" in path:
        return "SQLAlchemy"
    if "/federation/" in path:
        return "view code"
    return "framework"


def _phase(frame, phase: str | None) -> str | None:
    path = frame.file_path or ""
    if (frame.function, path.rsplit("federation/", 1)[-1]) in SIGN_IN:
        return "sign-in"
    if any(frame.function == name and path.endswith(tail) for name, tail in RENDERING):
        return "rendering"
    if frame.function == "process_response" and "flask" in path:
        return "response"
    return phase


def breakdown(root) -> dict[str, float]:
    """Seconds per part of PARTS over a pyinstrument frame tree. Sign-in,
    rendering and the response hooks take everything under them; elsewhere
    a frame's own time goes to its layer."""
    shares = dict.fromkeys(PARTS, 0.0)
    stack = [(root, None)]
    while stack:
        frame, phase = stack.pop()
        phase = _phase(frame, phase)
        own = frame.time - sum(child.time for child in frame.children)
        if own > 0:
            leaf = _leaf_part(frame)
            if phase == "sign-in" or (phase in ("rendering", "response") and leaf != "SQL (driver)"):
                shares[phase] += own
            else:
                shares[leaf] += own
        stack.extend((child, phase) for child in frame.children)
    return shares


def page_paths(paginated_only: bool = False) -> list[tuple[str, str, dict]]:
    """(scenario name, path, headers) of every GET scenario of the bench user,
    a page in their browser or an API call with their token."""
    import random

    from bench.generate import BENCH_TOKEN
    from bench.scenarios import SCENARIOS

    made = {"event_ids": [1]}
    headers = {"member": {}, "token": {"Authorization": f"Bearer {BENCH_TOKEN}"}}
    return [
        (s.name, s.paths(random.Random(0), made)[0], headers[s.auth])
        for s in SCENARIOS
        if s.method == "GET" and s.auth in headers and (s.paginated or not paginated_only)
    ]


def _cpu_ms(client, path: str, repeat: int, headers: dict | None = None) -> float:
    started = time.process_time()
    for _ in range(repeat):
        assert client.get(path, headers=headers or {}).status_code == 200, path
    return (time.process_time() - started) * 1000 / repeat


def _ceiling_cpu_ms(repeat: int) -> float:
    """CPU per request of bench.ceiling's bare 50-row page, in-process."""
    from bench.ceiling import app as ceiling

    client = ceiling.test_client()
    for _ in range(10):
        client.get("/rows")
    return min(_cpu_ms(client, "/rows", repeat) for _ in range(5))


def main(argv: list[str] | None = None) -> None:
    from pyinstrument import Profiler

    os.environ.setdefault("RATELIMIT_ENABLED", "0")  # as the bench's servers run
    from bench.generate import BENCH_EMAIL, BENCH_PASSWORD
    from wsgi import app

    parser = argparse.ArgumentParser(prog="bench.profile")
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--summary", action="store_true", help="one table row per page")
    parser.add_argument("--paginated", action="store_true", help="only the lists with the throughput target")
    args = parser.parse_args(argv)
    app.config["WTF_CSRF_ENABLED"] = False
    if args.summary:
        logging.disable(logging.INFO)  # the access log would flood the table
    client = app.test_client()
    response = client.post("/auth/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD})
    assert response.status_code == 302, response.status_code
    pages = [(path, path, {}) for path in args.paths] or page_paths(args.paginated)
    ceiling_ms = None
    if args.summary:
        ceiling_ms = _ceiling_cpu_ms(args.repeat * 2)
        print(f"The bare 50-row page: {ceiling_ms:.2f} ms of CPU per request in-process.\n")
        print("| page | CPU ms / request | ratio | " + " | ".join(PARTS) + " |")
        print("|---|---:|---:|" + "---:|" * len(PARTS))
    for name, path, headers in pages:
        for _ in range(3):  # warm: first-request work is not what a busy server pays
            client.get(path, headers=headers)
        # CPU without the profiler (its hooks cost more than some pages): the
        # best of five rounds, as a shared machine only ever adds. Then the
        # profile for the shares.
        cpu_ms = min(_cpu_ms(client, path, args.repeat, headers) for _ in range(5))
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.repeat):
                client.get(path, headers=headers)
        if not args.summary:
            print(f"## {path}: {cpu_ms:.1f} ms of CPU per request in-process ({args.repeat} requests)")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            continue
        shares = breakdown(profiler.last_session.root_frame())
        total = sum(shares.values()) or 1.0
        cells = " | ".join(f"{100 * shares[part] / total:.0f}%" for part in PARTS)
        print(f"| {name} | {cpu_ms:.1f} | {ceiling_ms / cpu_ms:.2f} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
