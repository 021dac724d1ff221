"""Engage: listen to the county and show what was done about it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from engage.config import load_settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, templates, errors, commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(load_settings(app.instance_path))
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["ENGAGE_PROXY_COUNT"]:
        count = app.config["ENGAGE_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from engage import cli, database, errors, layout, security

    database.init_app(app)
    security.init_app(app)
    layout.init_app(app)
    register_blueprints(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Mount each capability; they meet only through engage.core."""
    from engage.auth.views import blueprint as auth
    from engage.concerns.views import blueprint as concerns
    from engage.core.admin_views import blueprint as admin
    from engage.core.views import blueprint as core
    from engage.scrutiny.views import blueprint as scrutiny
    from engage.surveys.views import blueprint as surveys

    app.register_blueprint(core)
    app.register_blueprint(auth)
    app.register_blueprint(admin, url_prefix="/admin")
    app.register_blueprint(surveys, url_prefix="/surveys")
    app.register_blueprint(concerns, url_prefix="/concerns")
    app.register_blueprint(scrutiny, url_prefix="/scrutiny")
