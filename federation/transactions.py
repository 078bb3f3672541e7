"""The page layer's one transaction edge.

Services flush and never commit; forms and views neither. A page request's
writes are committed here, once, after the view has answered: a success or a
redirect (any status below 400) commits, anything else rolls back. The API
has its own single commit point (`authenticated` in blueprints/api).

What depends on the commit follows it: mails queued in the outbox are handed
to the job queue and uploaded files are written in `after_commit` listeners
(services/mail.py, services/uploads.py), so nothing is enqueued for rows that
were rolled back. A view that catches a refusal it answers with a redirect
(a flash, then 303) rolls back itself, as `forms.base.submit` does, so that a
half-done action is not committed with the redirect.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

from federation.extensions import db

API_BLUEPRINT = "api"


def register(app: Flask) -> None:
    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if API_BLUEPRINT in request.blueprints:
            return response  # committed by the API's handler wrapper
        # A form shown again with a conflict is a 409 to scripts (errors.py
        # sets the status after this hook has run): not a success either.
        if response.status_code < 400 and "form_conflict" not in g:
            db.session.commit()
        else:
            db.session.rollback()
        return response
