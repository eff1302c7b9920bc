"""The portal: server-rendered Vietnamese pages over the service, served by
``criteria-engine serve`` itself.

One module per family of pages — :mod:`.login`, :mod:`.unit_form`, :mod:`.district`,
:mod:`.review`, :mod:`.admin`, :mod:`.public` — over the same domain functions as the
API, with :mod:`.csrf` for the forms. Templates are Jinja2 with autoescape; the one
stylesheet is the HTML report's with the portal's additions, and the one small script
only enhances pages that work without it. Nothing is fetched from elsewhere.
"""

from __future__ import annotations

from typing import Any


def mount(app: Any) -> None:
    """Add the portal's routes and static files to the service's app."""
    from . import admin, district, login, public, review, static, unit_form

    for module in (static, login, unit_form, district, review, admin, public):
        app.include_router(module.router)
