"""EXPLAIN ANALYZE of every query one directory search runs, as the bench
user, on a bench database (how bench/NOTES.md's before → after were taken).

    DATABASE_URL=postgresql://…/bench_h2_1000000 python -m bench.explain [WORD ...]
"""
from __future__ import annotations

import sys
import time

from sqlalchemy import event, select


def main(argv: list[str]) -> None:
    from bench.generate import BENCH_EMAIL
    from federation.extensions import db
    from federation.models import User
    from federation.services import directory
    from wsgi import app

    words = argv or ["新規事業", "投資"]
    with app.app_context():
        viewer = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
        postgres = db.engine.dialect.name == "postgresql"
        for word in words:
            statements: list[tuple[str, dict]] = []

            def record(conn, cursor, statement, parameters, context, executemany):
                statements.append((statement, parameters))

            directory.search(viewer, 1, 20, q=word)  # warm the caches and the buffers
            event.listen(db.engine, "before_cursor_execute", record)
            started = time.perf_counter()
            found = directory.search(viewer, 1, 20, q=word)
            elapsed = (time.perf_counter() - started) * 1000
            event.remove(db.engine, "before_cursor_execute", record)
            print(f"## {word}: {elapsed:.1f} ms in-process, {len(statements)} queries, "
                  f"total {found.total}{'+' if found.capped else ''}")
            for statement, parameters in statements:
                raw = db.session.connection().connection.driver_connection
                if postgres:
                    with raw.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                        plan = [row[0] for row in cursor.fetchall()]
                else:
                    cursor = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                    plan = [str(r) for r in cursor.fetchall()]
                summary = [line for line in plan if "Execution Time" in line]
                print("-", " ".join(statement.split())[:160], "|", *(summary or ["?"]))
                if "-v" in sys.argv:
                    print("\n".join("    " + line for line in plan))
            db.session.rollback()


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if a != "-v"])
