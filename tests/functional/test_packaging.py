"""`pip install .` into a fresh virtual environment, outside the checkout, from
the tracked sources only (no compiled catalogue): the installed copy migrates
a new SQLite database and serves pages, translations and static files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.packaging,
              pytest.mark.skipif(ON_POSTGRES, reason="packaging is database-independent: run once")]


def test_pip_install_then_migrate_and_serve_outside_the_checkout(tmp_path):
    source = tmp_path / "source"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    assert not list(source.rglob("*.mo")), "catalogues must come from the build"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(source)], check=True, timeout=600)
    shutil.rmtree(source)  # nothing may be read from the sources afterwards

    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"FLASK_APP", "DATABASE_URL"}}
    env.update(FEDERATION_CONFIG="development", INSTANCE_DIR=str(work / "instance"),
               DATABASE_URL=f"sqlite:///{work / 'federation.sqlite3'}")
    upgrade = subprocess.run([str(venv / "bin" / "flask"), "--app", "wsgi", "db", "upgrade"],
                             cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert upgrade.returncode == 0, upgrade.stderr

    probe = textwrap.dedent("""
        from wsgi import app
        client = app.test_client()
        home = client.get("/", headers={"Accept-Language": "en"})
        japanese = client.get("/", headers={"Accept-Language": "ja"})
        print(home.status_code, japanese.status_code,
              client.get("/readyz").status_code, client.get("/static/favicon.svg").status_code)
        print("ja:" + str("ログイン" in japanese.get_data(as_text=True)))
        import federation
        print(federation.__file__)
    """)
    result = subprocess.run([str(python), "-c", probe], cwd=work, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0] == "200 200 200 200"
    assert lines[1] == "ja:True"
    assert str(venv) in lines[2] and str(ROOT) not in lines[2]
