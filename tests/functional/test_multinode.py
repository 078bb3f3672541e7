"""Two gunicorn nodes behind Debian's nginx, one worker, PostgreSQL and Redis:
what running on more than one node must keep true."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from tests.conftest import DATABASE_URL, ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [
    pytest.mark.multinode,
    pytest.mark.skipif(not ON_POSTGRES, reason="the multi-node run is on PostgreSQL and Redis"),
    pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (scripts/test.sh installs it)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


NGINX_CONF = """
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
user root;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream nodes {{ server 127.0.0.1:{p1} max_fails=1 fail_timeout=30s;
                      server 127.0.0.1:{p2} max_fails=1 fail_timeout=30s; }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 2m;
        location /static/ {{ alias {static}/; }}
        location / {{
            proxy_pass http://nodes;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, smtp_server):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/11").ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    controller, sink = smtp_server
    work = tmp_path_factory.mktemp("nodes")
    base = make_url(DATABASE_URL)
    name = f"{base.database}_nodes"
    admin = create_engine(base.set(drivername="postgresql+psycopg", database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    url = base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    p1, p2, port = free_port(), free_port(), free_port()
    tag = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if k not in {"FLASK_APP", "DATABASE_URL"}}
    env.update(FEDERATION_CONFIG="development", DATABASE_URL=url, SECRET_KEY="nodes-" + tag * 4,
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/11", RATELIMIT_KEY_PREFIX=f"nodes-{tag}",
               QUEUE_URL="redis://127.0.0.1:6379/11", QUEUE_NAME=f"nodes-{tag}", PROXY_FIX_COUNT="1",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(controller.port),
               EXTERNAL_URL=f"http://127.0.0.1:{port}", INSTANCE_DIR=str(work / "instance"),
               LOG_FORMAT="json")
    python = sys.executable
    subprocess.run([python, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    logs = open(work / "processes.log", "w")
    procs = {}
    for label, p in (("node1", p1), ("node2", p2)):
        procs[label] = subprocess.Popen(
            [python, "-m", "gunicorn", "--bind", f"127.0.0.1:{p}", "--workers", "2", "--threads", "8",
             "wsgi:app"], cwd=ROOT, env=env, stdout=logs, stderr=logs, start_new_session=True)
    procs["worker"] = subprocess.Popen([python, "-m", "flask", "--app", "wsgi", "worker", "--workers", "2"],
                                       cwd=ROOT, env=env, stdout=logs, stderr=logs, start_new_session=True)
    nginx_dir = work / "nginx"
    nginx_dir.mkdir()
    from federation.config import STATIC_DIR

    (nginx_dir / "nginx.conf").write_text(NGINX_CONF.format(dir=nginx_dir, p1=p1, p2=p2, port=port,
                                                            static=STATIC_DIR))
    procs["nginx"] = subprocess.Popen([NGINX, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf"),
                                       "-g", "daemon off;"], stdout=logs, stderr=logs,
                                      start_new_session=True)
    try:
        for p in (p1, p2):
            wait_http(f"http://127.0.0.1:{p}/healthz")
        wait_http(f"http://127.0.0.1:{port}/readyz")
        yield {"url": url, "p1": p1, "p2": p2, "proxy": f"http://127.0.0.1:{port}", "env": env,
               "procs": procs, "sink": sink, "log": work / "processes.log"}
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        logs.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


class Browser:
    """A client with its own cookies that fills the CSRF token like a browser."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path, base=None, headers=None):
        return self._open(urllib.request.Request((base or self.base) + path, headers=headers or {}))

    def post_form(self, path, data, base=None, headers=None):
        page = self.get(path, base=base)[1]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        return self._open(urllib.request.Request((base or self.base) + path, data=body,
                                                 headers=headers or {}))

    def _open(self, req):
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode(), r.geturl()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.geturl()


def api(method, url, token, body=b"{}"):
    req = urllib.request.Request(url, data=body, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def seed(url: str, seats: int, people: int):
    """Users, an event and API tokens, written straight to the nodes' database."""
    from federation import create_app
    from federation.extensions import db
    from federation.models import Role
    from federation.services import accounts
    from tests.factories import Factory

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        make = Factory(app)
        operator = make.user(role=Role.operator, email="lead-op@alumni.example.jp")
        group = make.group(operators=(operator,))
        event = make.event(group, capacity=seats, audience="members")
        tokens = {}
        for i in range(people):
            user = make.user(role=Role.operator, email=f"seat{i}@alumni.example.jp")
            tokens[user.id] = accounts.create_api_token(user, "nodes")[1]
        db.session.commit()
        event_id = event.id
        db.engine.dispose()
    return event_id, tokens


def test_two_nodes_behind_nginx(cluster):
    proxy, node1, node2 = cluster["proxy"], f"http://127.0.0.1:{cluster['p1']}", f"http://127.0.0.1:{cluster['p2']}"
    event_id, tokens = seed(cluster["url"], seats=50, people=200)

    # A session started on one node works on the other.
    browser = Browser(node1)
    status, _page, where = browser.post_form("/auth/login", {"email": "lead-op@alumni.example.jp",
                                                            "password": "correct horse battery"})
    assert status == 200 and "/auth/login" not in where
    assert browser.get("/account/", base=node2)[0] == 200

    # The sign-in limit is shared by the nodes and keyed on the address nginx
    # saw, whatever X-Forwarded-For the client forges.
    statuses = []
    for i in range(12):
        attacker = Browser(proxy)
        statuses.append(attacker.post_form(
            "/auth/login", {"email": f"nobody{i}@alumni.example.jp", "password": "wrong password!"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"})[0])
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and len(statuses) <= 11 and set(statuses[:-1]) == {200}, statuses

    # 200 people take 50 seats at once through nginx; node 2 is killed midway.
    answered: dict[int, int] = {}
    target = f"{proxy}/api/v1/events/{event_id}/registrations"

    def register(user_id):
        code = api("POST", target, tokens[user_id])
        if code in (200, 201):
            answered[user_id] = code
        return code

    with ThreadPoolExecutor(max_workers=40) as pool:
        futures = [pool.submit(register, uid) for uid in tokens]
        while len(answered) < 60:
            time.sleep(0.02)
        os.killpg(cluster["procs"]["node2"].pid, signal.SIGKILL)
        codes = [f.result() for f in futures]
    # Whatever a node answered is stored; what failed with it is sent again.
    for uid in [u for u in tokens if u not in answered]:
        for _ in range(5):
            if register(uid) in (200, 201):
                break
            time.sleep(0.5)

    from federation.models import EventRegistration, RegistrationStatus

    engine = create_engine(cluster["url"])
    with engine.connect() as conn:
        rows = dict(conn.execute(select(EventRegistration.user_id, EventRegistration.status)
                                 .where(EventRegistration.event_id == event_id)).all())
        assert set(answered) <= set(rows), "an answered registration was lost"
        confirmed = conn.scalar(select(func.count()).where(
            EventRegistration.event_id == event_id,
            EventRegistration.status == RegistrationStatus.confirmed))
    engine.dispose()
    assert len(rows) == 200 and confirmed == 50, (len(rows), confirmed, codes.count(None))

    # A mail queued through a node is delivered by the worker, once.
    sink = cluster["sink"]
    status, _page, _ = Browser(proxy).post_form("/auth/register", {
        "family_name": "佐藤", "given_name": "健太", "family_name_kana": "さとう",
        "given_name_kana": "けんた", "email": "kenta.nodes@alumni.example.jp",
        "password": "correct horse battery"})
    assert status == 200
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not sink.to("kenta.nodes@alumni.example.jp"):
        time.sleep(0.2)
    time.sleep(2)
    assert len(sink.to("kenta.nodes@alumni.example.jp")) == 1
