"""No page a signed-in person reaches by their own actions ends on a bare
error page (issue 15, "Every workflow ends well").

Every page route (not the API) that accepts POST is walked as a person allowed
to use it, in the role matrix's world: the form as the page shows it (its
fields and their values, found on the route's own page or on any page the
person can open) is sent twice, the second time meeting the state the first
one changed (the conflict case), and once more with the absolute Referer a
browser sends. No answer may be a 500, or the bare error page
(`class="... error-page"`, templates/errors/): a refusal or a conflict comes
back on the page the person was on, with a message.

The world is restored before each route. A new POST route needs an entry in
the role matrix (who may use it, which world value fills its URL); the walk
then takes it up by itself, or, when nobody in the world can use it, it is
named in NOT_WALKED with the reason.
"""
from __future__ import annotations

import shutil
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import text

from federation.extensions import db
from tests.conftest import ON_POSTGRES
from tests.functional.test_role_matrix import (
    NOBODY, SIGNS_OUT, build_world, expected_roles, reset_database, url_for_rule, write_attachment)

# Who walks a route: the first of these the role matrix allows.
PREFERENCE = ("member_a", "operator_a", "operator_b", "coordinator", "admin", "visitor",
              "unverified")

# Routes nobody in the world may use (the role matrix says NOBODY), with why.
NOT_WALKED = {
    "conferences.nominate": "the world's proposal is already accepted",
    "conferences.unnominate": "the world's proposal is already accepted",
    "knowledge.practice_profile": "nobody in the world is in the practice community",
}

HOST = "http://localhost"
MARKER = "error-page"
PASSWORD = "correct horse battery"


def page_routes(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and not rule.rule.startswith("/api/")),
                  key=lambda r: (r.endpoint, r.rule))


def walker(endpoint: str) -> str | None:
    allowed = expected_roles(endpoint, "POST") or NOBODY
    return next((role for role in PREFERENCE if role in allowed), None)


# --- forms on a page --------------------------------------------------------------------------

class Forms(HTMLParser):
    """The forms of a page: action, method and the values a browser would send
    when the first submit button is pressed."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.submitted = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urljoin(self.base, a.get("action") or self.base)
            self.form = {"action": urlsplit(action).path, "method": (a.get("method") or "get").lower(),
                         "data": [], "page": self.base}
            self.submitted = False
            self.forms.append(self.form)
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form["data"].append((name, a.get("value", "on")))
            elif kind in ("submit", "button", "image"):
                if not self.submitted:
                    self.submitted = True
                    self.form["data"].append((name, a.get("value", "")))
            elif kind != "file":
                self.form["data"].append((name, a.get("value", "")))
        elif tag == "button" and name and not self.submitted and (a.get("type") or "submit") == "submit":
            self.submitted = True
            self.form["data"].append((name, a.get("value", "")))
        elif tag == "button" and not name and (a.get("type") or "submit") == "submit":
            self.submitted = True
        elif tag == "select" and name:
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in a:
                self.select_chosen = True
                self.form["data"].append((self.select, value))
        elif tag == "textarea" and name:
            self.textarea = name
            self.form["data"].append((name, ""))

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            name, value = self.form["data"][-1]
            self.form["data"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None and self.form is not None:
                self.form["data"].append((self.select, self.select_first))
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_of(url: str, html: str) -> list[dict]:
    parser = Forms(HOST + url)
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]


def as_multidict(pairs):
    from werkzeug.datastructures import MultiDict

    data = MultiDict()
    for name, value in pairs:
        data.add(name, value.strip("\n") if value.startswith("\n") else value)
    return data


# --- the world, kept and restored --------------------------------------------------------------

class Snapshot:
    """The built world, restored before each route: a copy of the SQLite file,
    or on PostgreSQL a copy of every table in a schema of its own."""

    def __init__(self, app):
        self.app = app
        self.tables = [t.name for t in db.metadata.sorted_tables]
        self.sqlite_path = None if ON_POSTGRES else db.engine.url.database

    def keep(self):
        db.session.remove()
        if self.sqlite_path:
            db.engine.dispose()
            shutil.copyfile(self.sqlite_path, self.sqlite_path + ".world")
            return
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS walk_world CASCADE"))
            conn.execute(text("CREATE SCHEMA walk_world"))
            for name in self.tables:
                conn.execute(text(f'CREATE TABLE walk_world."{name}" AS TABLE public."{name}"'))
            self.sequences = conn.execute(text(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = 'public'")).all()

    def restore(self):
        db.session.remove()
        if self.sqlite_path:
            db.engine.dispose()
            shutil.copyfile(self.sqlite_path + ".world", self.sqlite_path)
        else:
            # Only the tables that hold rows are emptied (DELETE, with the
            # foreign-key triggers off): TRUNCATE of all of them cost ~0.5 s.
            probe = " UNION ALL ".join(
                f'SELECT {i} WHERE EXISTS (SELECT 1 FROM public."{t}")' for i, t in enumerate(self.tables)
            )
            with db.engine.begin() as conn:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for i in sorted(row[0] for row in conn.execute(text(probe))):
                    conn.execute(text(f'DELETE FROM public."{self.tables[i]}"'))
                for name in self.tables:
                    conn.execute(text(f'INSERT INTO public."{name}" SELECT * FROM walk_world."{name}"'))
                for sequence, value in self.sequences:
                    if value is None:
                        conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
                    else:
                        conn.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": value})
        write_attachment(self.app, "matrix-template.docx")

    def drop(self):
        if not self.sqlite_path:
            db.session.remove()
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS walk_world CASCADE"))


# --- the walk ---------------------------------------------------------------------------------

def test_every_post_route_is_walked(app):
    unwalked = sorted(rule.endpoint for rule in page_routes(app)
                      if walker(rule.endpoint) is None and rule.endpoint not in NOT_WALKED)
    assert unwalked == [], "give these routes an entry in the role matrix, or a reason in NOT_WALKED"
    stale = sorted(set(NOT_WALKED) - {rule.endpoint for rule in page_routes(app)
                                      if walker(rule.endpoint) is None})
    assert stale == [], "these routes are walked now: remove them from NOT_WALKED"


def bare(response) -> bool:
    return response.status_code >= 500 or MARKER in response.get_data(as_text=True)


def describe(response) -> str:
    body = response.get_data(as_text=True)
    if MARKER in body:
        start = body.find("<h1>")
        return f"{response.status_code} bare page: {body[start:body.find('</h1>', start)][4:]!r}"
    return f"{response.status_code}"


@pytest.mark.usefixtures("smtp")
def test_no_post_route_ends_on_a_bare_error_page(app, tmp_path):
    from tests.factories import Factory

    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False  # a 500 is answered as a person would see it
    reset_database(app)
    world = build_world(app, Factory(app))
    params = world["params"]
    people = world["people"]
    # Every person signs in once; their sign-in rows are part of the world.
    cookies = {}
    for role in PREFERENCE:
        client = app.test_client()
        answer = client.post("/auth/login", data={"email": people[role].email, "password": PASSWORD})
        assert answer.status_code == 302, role
        cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    from federation.models import LoginSession

    params["login_session_id"] = db.session.scalar(
        db.select(LoginSession.id).where(LoginSession.user_id == people["member_a"].id)
        .order_by(LoginSession.id.desc()).limit(1))
    snapshot = Snapshot(app)
    snapshot.keep()

    def signed_in(role):
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[role], domain="localhost")
        return client

    # The forms each person's pages show, by the path they post to.
    get_rules = [rule for rule in app.url_map.iter_rules()
                 if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static"))]
    found: dict[str, dict[str, dict]] = {}

    def forms_for(role) -> dict[str, dict]:
        if role not in found:
            found[role] = {}
            client = signed_in(role)
            for rule in get_rules:
                if role not in (expected_roles(rule.endpoint, "GET") or NOBODY):
                    continue
                try:
                    url = url_for_rule(rule, params, rule.endpoint)
                except KeyError:
                    continue
                response = client.get(url)
                if response.status_code == 200 and response.mimetype == "text/html":
                    for form in forms_of(url, response.get_data(as_text=True)):
                        found[role].setdefault(form["action"], form)
            snapshot.restore()  # a GET may write (reads, counters)
        return found[role]

    failures = []
    walked = 0
    try:
        for rule in page_routes(app):
            role = walker(rule.endpoint)
            if role is None:
                continue
            url = url_for_rule(rule, params, rule.endpoint)
            path = urlsplit(url).path
            form = forms_for(role).get(path)
            snapshot.restore()
            client = signed_in(role)
            if form is None and "GET" in rule.methods:
                page = client.get(url)
                mine = [f for f in forms_of(url, page.get_data(as_text=True)) if f["action"] == path]
                form = mine[0] if mine else None
            data = form["data"] if form else []
            page = form["page"] if form else HOST + (url if "GET" in rule.methods else "/")
            walked += 1
            # The first post as a client that sends no Referer; the second
            # from the same page again, and the third on a fresh world, with
            # the absolute Referer a browser sends.
            for attempt, headers in (("first", {}), ("again", {"Referer": page}),
                                     ("with Referer", {"Referer": page})):
                if attempt == "with Referer":
                    snapshot.restore()
                    client = signed_in(role)
                response = client.post(url, data=as_multidict(data), headers=headers)
                if bare(response):
                    failures.append(f"{rule.endpoint} POST {url} as {role} ({attempt}, "
                                    f"form {'from ' + form['page'] if form else 'not found'}): "
                                    f"{describe(response)}")
                location = response.headers.get("Location", "")
                if location and urlsplit(location).netloc not in ("", "localhost"):
                    failures.append(f"{rule.endpoint}: redirected off the site to {location}")
                elif location and rule.endpoint not in SIGNS_OUT:
                    # Where the person lands must not be a bare error page either.
                    landing = client.get(urlsplit(location).path + (
                        "?" + urlsplit(location).query if urlsplit(location).query else ""))
                    if bare(landing):
                        failures.append(f"{rule.endpoint} POST {url} as {role} ({attempt}): "
                                        f"lands on {location}: {describe(landing)}")
    finally:
        snapshot.drop()
    assert walked > 90
    assert failures == [], "\n".join(failures)


# --- defects the walk found, each on its own ----------------------------------------------------

def test_an_asset_form_sent_without_availability_comes_back_with_a_message(app, make, login,
                                                                           client):
    operator = make.user(role="operator")
    group = make.group(operators=(operator,))
    login(operator)
    for data in ({"title": "会議室"}, {"title": "会議室", "availability": ""},
                 {"title": "会議室", "capacity": "20"}):
        response = client.post(f"/groups/{group.slug}/assets/new?kind=venue", data=data)
        assert not bare(response), (data, describe(response))


def test_a_venue_without_availability_can_be_edited_and_requested(app, make, login, client):
    from datetime import timedelta

    from federation.models import utcnow

    operator = make.user(role="operator")
    group = make.group(operators=(operator,))
    other_operator = make.user(role="operator")
    other = make.group(operators=(other_operator,))
    asset = make.asset(group, "venue", availability=[])
    login(operator)
    assert not bare(client.get(f"/assets/{asset.id}/edit"))
    response = client.post(f"/assets/{asset.id}/edit", data={"title": "会議室", "availability": ""})
    assert not bare(response), describe(response)
    client.post("/auth/logout")
    login(other_operator)
    start = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT10:00")
    end = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT12:00")
    response = client.post(f"/assets/{asset.id}/request", data={
        "group": str(other.id), "starts_at": start, "ends_at": end, "message": "お借りしたい"})
    assert not bare(response), describe(response)
    response = client.post(f"/assets/{asset.id}/request", data={
        "group": str(other.id), "message": "お借りしたい"})
    assert not bare(response), describe(response)


def test_an_asset_edit_sent_without_its_availability_keeps_it(app, make, login, client):
    """The edit form sent without the availability field (a script, an old
    page): WTForms falls back to the stored windows, which were a 500."""
    from federation.models import SharedAsset

    operator = make.user(role="operator")
    group = make.group(operators=(operator,))
    asset = make.asset(group, "venue")
    windows = list(asset.availability or [])
    login(operator)
    response = client.post(f"/assets/{asset.id}/edit", data={})
    assert not bare(response), describe(response)
    response = client.post(f"/assets/{asset.id}/edit", data={"title": "大会議室"})
    assert not bare(response), describe(response)
    db.session.expire_all()
    assert db.session.get(SharedAsset, asset.id).availability == windows
