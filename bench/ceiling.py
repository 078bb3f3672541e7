"""The ceiling: bare Flask pages on the same database and server settings.

Every figure of the real app is also reported as a ratio to these, because
absolute times on a shared machine drift.
"""
import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

from federation.config import normalise_database_url

app = Flask(__name__)
engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]))

ROWS = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>rows</title></head>
<body><table>{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.family_name }} {{ row.given_name }}</td>
<td>{{ row.email }}</td></tr>{% endfor %}</table></body></html>"""


@app.route("/hello")
def hello():
    return "hello"


@app.route("/rows")
def rows():
    with engine.connect() as conn:
        result = conn.execute(text(
            'SELECT id, family_name, given_name, email FROM "user" ORDER BY id LIMIT 50'
        )).all()
    return render_template_string(ROWS, rows=result)
