"""Profile pages in-process with pyinstrument, as the bench user, on a bench
database (what bench/NOTES.md's "where the time goes" was read from).

    DATABASE_URL=… python -m bench.profile [--repeat 30] PATH [PATH ...]
"""
from __future__ import annotations

import argparse
import time


def main(argv: list[str] | None = None) -> None:
    from pyinstrument import Profiler

    from bench.generate import BENCH_EMAIL, BENCH_PASSWORD
    from wsgi import app

    parser = argparse.ArgumentParser(prog="bench.profile")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post("/auth/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD})
    assert response.status_code == 302, response.status_code
    for path in args.paths:
        client.get(path)  # warm: first-request work is not what a busy server pays
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            for _ in range(args.repeat):
                assert client.get(path).status_code == 200
        elapsed = (time.perf_counter() - started) * 1000 / args.repeat
        print(f"## {path}: {elapsed:.1f} ms per request in-process ({args.repeat} requests)")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
