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
    assert {g.__name__ for g in gen.GENERATORS} <= set(timings)
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


def test_ratios_divide_by_the_faster_of_the_two_ceilings(tmp_path):
    """A ceiling measured while the app's workers still boot came out at
    half its speed once; the run measures it before and after the
    scenarios, and judges against the faster."""
    from bench.run import faster_ceiling

    def rate(rps):
        return {"rps": rps, "p50_ms": 1.0, "p95_ms": 2.0, "errors": 0}

    before = {"ceiling: hello": rate(2000.0), "ceiling: 50 rows": rate(500.0)}
    after = {"ceiling: hello": rate(1800.0), "ceiling: 50 rows": rate(1000.0)}
    page = {"rps": 400.0, "p50_ms": 5.0, "p95_ms": 9.0, "errors": 0, "queries_per_request": 3.0}
    paginated = next(s for s in SCENARIOS if s.paginated)
    run = {"db": "sqlite", "scale": scale_for(1000, 10), "generation_s": None,
           "ceiling": faster_ceiling(before, after), "ceiling_runs": [before, after],
           "results": {paginated.name: page}}
    run["verdicts"] = judge(run)
    assert run["ceiling"]["ceiling: hello"]["rps"] == 2000.0
    assert run["verdicts"][0]["rps_vs_rows_ceiling"] == 0.4 and run["verdicts"][0]["met"] is False
    write_report({"started_at": "now", "machine": "2 cores", "duration": 1, "warmup": 0,
                  "concurrency": 2, "main_profiles": 1000, "runs": [run], "notes": []}, tmp_path)
    assert "before and after the scenarios (500.0 and 1000.0 req/s)" in (tmp_path / "report.md").read_text()


def test_a_server_that_ignores_sigterm_is_killed(tmp_path):
    import subprocess
    import sys

    from bench.run import stop_server

    stubborn = subprocess.Popen(
        [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
         "print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, start_new_session=True)
    stubborn.stdout.readline()
    assert stop_server(stubborn, grace=0.5) == "killed"
    assert stubborn.poll() is not None
    assert stop_server(stubborn) == "exited"


def test_a_load_process_that_hangs_fails_its_scenarios_instead_of_the_run(monkeypatch):
    import subprocess
    from types import SimpleNamespace

    from bench import run as bench_run

    def hang(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(bench_run.subprocess, "run", hang)
    plans = [{"name": "slow page"}]
    args = SimpleNamespace(duration=1, warmup=0, concurrency=1)
    results = bench_run.run_load("http://127.0.0.1:1", plans, args)
    assert results["slow page"]["errors"] == 1 and results["slow page"]["p95_ms"] is None
    assert bench_run.load_timeout(plans, args) < 120
    run = {"ceiling": {"ceiling: hello": {"rps": 10.0, "p95_ms": 1.0},
                       "ceiling: 50 rows": {"rps": 10.0, "p95_ms": 1.0}},
           "results": {SCENARIOS[0].name: results["slow page"]}}
    assert judge(run)[0]["met"] is False


def test_notes_come_from_the_committed_file(tmp_path):
    from bench.run import read_notes

    notes = tmp_path / "NOTES.md"
    notes.write_text("# Benchmark notes\n\n- search: 130 ms → 12 ms\n")
    assert read_notes(notes) == ["- search: 130 ms → 12 ms"]
    assert read_notes(tmp_path / "missing.md") == []


def test_japanese_queries_are_sent_percent_encoded():
    from bench.run import plan_for

    plans = plan_for([s for s in SCENARIOS if "2-char" in s.name], {}, "session=x")
    path = plans[0]["requests"][0]["path"]
    assert path.isascii() and path.startswith("/directory/?q=%E6%8A%95%E8%B3%87")


def test_render_rewrites_the_markdown_with_the_notes(tmp_path, monkeypatch):
    from bench import run as bench_run

    report = {"started_at": "now", "machine": "2 cores", "duration": 1, "warmup": 0,
              "concurrency": 2, "main_profiles": 1000, "runs": [], "notes": []}
    bench_run.write_report(report, tmp_path)
    notes = tmp_path / "NOTES.md"
    notes.write_text("# Notes\n\n- fixed\n")
    monkeypatch.setattr(bench_run, "NOTES_FILE", notes)
    bench_run.render(tmp_path)
    assert "- fixed" in (tmp_path / "report.md").read_text()


def test_generated_tokens_are_what_the_index_writes(app):
    """The generator writes the directory's tokens itself (COPY on
    PostgreSQL); they must be the tokens reindex would write for the profile."""
    from federation.models import DirectoryProfile, SearchToken
    from federation.services.directory.index import reindex

    made, _timings = gen.generate(db.engine, scale_for(300, 10), "pbkdf2:sha256:1$x$y")
    db.session.expire_all()
    for profile_id in (made["profile_ids"][0], made["profile_ids"][137], made["profile_ids"][-1]):
        def tokens():
            return set(db.session.execute(select(SearchToken.token, SearchToken.wide)
                                          .where(SearchToken.profile_id == profile_id)).all())
        generated = tokens()
        reindex(db.session.get(DirectoryProfile, profile_id))
        assert generated == tokens()
    # Decorrelated: names, groups and industries are not functions of each other.
    rows = db.session.execute(select(User.family_name, User.given_name)).all()
    assert len(set(rows)) > 100
    industries = {tuple(p) for p in db.session.scalars(select(DirectoryProfile.industries))}
    assert len(industries) > 12


def test_every_scenario_answers_on_generated_data(app, client):
    """Each scenario's requests answer what it expects on a tiny generated
    federation (a wrong path would only show as errors in a long run)."""
    import random

    from werkzeug.security import generate_password_hash

    made, _timings = gen.generate(db.engine, scale_for(200, 10), generate_password_hash(gen.BENCH_PASSWORD))
    app.config["WTF_CSRF_ENABLED"] = False
    member = app.test_client()
    response = member.post("/auth/login", data={"email": gen.BENCH_EMAIL, "password": gen.BENCH_PASSWORD})
    assert response.status_code == 302
    for scenario in SCENARIOS:
        targets = [t if isinstance(t, tuple) else (scenario.method, t)
                   for t in scenario.paths(random.Random(1), made)]
        headers = {"Authorization": f"Bearer {gen.BENCH_TOKEN}"} if scenario.auth == "token" else {}
        target = client if scenario.auth == "anonymous" else member
        if scenario.method == "GET":
            assert target.get(targets[0][1], headers=headers).status_code in scenario.expect, scenario.name
            continue
        # A write scenario cycles: its first requests, twice over, must each
        # answer what it expects (a register after a cancel is a 201 again).
        bodies = scenario.body(random.Random(1), made) if scenario.body else [None] * len(targets)
        for (method, path), body in [*zip(targets[:2], bodies[:2])] * 2:
            response = target.open(path, method=method, json=body, headers=headers)
            assert response.status_code in scenario.expect, (scenario.name, method, response.status_code)


def test_each_list_is_divided_by_the_ceilings_measured_beside_it(monkeypatch, tmp_path):
    """The machine slowed by a fifth within a run: a list measured minutes
    after the run's ceiling was divided by a speed the machine no longer had.
    Each list with the throughput target is measured between two ceilings
    (consecutive lists share one) and divided by the faster of them."""
    from bench import run as bench_run

    calls = []
    ceilings = iter([900.0, 600.0, 500.0, 800.0, 700.0])
    page = {"rps": 320.0, "p50_ms": 1.0, "p95_ms": 2.0, "errors": 0, "queries_per_request": 2.0}

    def fake_load(base_url, plans, args):
        calls.append((base_url, [p["name"] for p in plans]))
        if base_url == "ceiling":
            return {"ceiling: 50 rows": {"rps": next(ceilings)}}
        return {p["name"]: dict(page) for p in plans}

    monkeypatch.setattr(bench_run, "run_load", fake_load)
    lists = [s.name for s in SCENARIOS if s.paginated][:3]
    others = [s.name for s in SCENARIOS if not s.paginated][:2]
    order = [others[0], lists[0], lists[1], others[1], lists[2]]
    results, beside = bench_run.measure_scenarios("app", "ceiling", [{"name": n} for n in order],
                                                  set(lists), None)
    ceiling = ("ceiling", ["ceiling: 50 rows"])
    assert calls == [("app", [others[0]]), ceiling, ("app", [lists[0]]), ceiling, ("app", [lists[1]]),
                     ceiling, ("app", [others[1]]), ceiling, ("app", [lists[2]]), ceiling]
    assert beside == {lists[0]: [900.0, 600.0], lists[1]: [600.0, 500.0], lists[2]: [800.0, 700.0]}
    assert set(results) == set(order)

    def rate(rps):
        return {"rps": rps, "p50_ms": 1.0, "p95_ms": 2.0, "errors": 0}

    overall = {"ceiling: hello": rate(3000.0), "ceiling: 50 rows": rate(1000.0)}
    run = {"db": "sqlite", "scale": scale_for(1000, 10), "generation_s": None, "ceiling": overall,
           "ceiling_runs": [overall, overall], "ceilings_beside": beside, "results": results}
    run["verdicts"] = judge(run)
    by_name = {v["name"]: v for v in run["verdicts"]}
    assert [by_name[n]["rps_vs_rows_ceiling"] for n in lists] == [0.36, 0.53, 0.4]
    assert [by_name[n]["checks"]["throughput"] for n in lists] == [False, True, False]
    assert by_name[others[0]]["rps_vs_rows_ceiling"] == 0.32  # a page without the target: the run's
    write_report({"started_at": "now", "machine": "2 cores", "duration": 1, "warmup": 0,
                  "concurrency": 2, "main_profiles": 1000, "runs": [run], "notes": []}, tmp_path)
    assert f"{lists[1]} 600.0 / 500.0" in (tmp_path / "report.md").read_text()
