"""The benchmark harness itself: generation at a tiny scale and the report."""
from sqlalchemy import func, select

from bench import generate as gen
from bench.run import judge, scale_for, write_report
from bench.scenarios import SCENARIOS
from federation.extensions import db
from federation.models import AlumniGroup, User
from federation.services.accounts import authenticate_api_token


def test_generator_fills_a_small_federation(app):
    made, timings = gen.generate(db.engine, scale_for(200, 10), "pbkdf2:sha256:1$x$y")
    assert db.session.scalar(select(func.count(AlumniGroup.id))) == 10
    assert db.session.scalar(select(func.count(User.id))) == 201
    assert authenticate_api_token(gen.BENCH_TOKEN).email == gen.BENCH_EMAIL
    assert set(timings) == {g.__name__ for g in gen.GENERATORS}
    for scenario in SCENARIOS:
        assert scenario.paths(__import__("random").Random(1), made)


def test_report_judges_targets_and_ratios(tmp_path):
    fake = {"rps": 100.0, "p50_ms": 5.0, "p95_ms": 9.0, "errors": 0, "queries_per_request": 3.0,
            "queries_max": 3, "statuses": {"200": 10}, "requests": 10, "mean_ms": 5.0,
            "sample_errors": []}
    run = {"db": "sqlite", "scale": scale_for(1000, 10), "generation_s": 0.1,
           "ceiling": {"ceiling: hello": {**fake, "rps": 1000.0, "p95_ms": 1.0},
                       "ceiling: 50 rows": {**fake, "rps": 150.0}},
           "results": {s.name: dict(fake) for s in SCENARIOS}}
    slow = SCENARIOS[0].name
    run["results"][slow]["p95_ms"] = 250.0
    run["verdicts"] = judge(run)
    by_name = {v["name"]: v for v in run["verdicts"]}
    assert by_name[slow]["met"] is False and by_name[slow]["checks"]["p95"] is False
    assert by_name[SCENARIOS[1].name]["met"] is True
    assert by_name[SCENARIOS[1].name]["rps_vs_rows_ceiling"] == round(100 / 150, 2)
    report = {"started_at": "now", "machine": "2 cores", "duration": 1, "warmup": 0,
              "concurrency": 2, "main_profiles": 1000, "runs": [run], "notes": []}
    write_report(report, tmp_path)
    text = (tmp_path / "report.md").read_text()
    assert "**no**" in text and slow in text and (tmp_path / "report.json").exists()
