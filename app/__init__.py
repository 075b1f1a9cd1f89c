"""The administrative-reform (CCHC) intranet portal."""
from __future__ import annotations

import os

from flask import Flask

from app.config import default_config, load_or_create_secret
from app.resilience import PortalFlask


def create_app(test_config: dict | None = None) -> Flask:
    """Build and return the Flask app.

    The instance folder (database, index, uploads, secret key) is ``instance/`` beside the
    package unless ``PORTAL_INSTANCE_PATH`` or ``test_config["INSTANCE_PATH"]`` moves it.
    """
    # The app's modules are imported here, as in flaskr, not at the top: importing the package alone
    # (``python -m app.search.merge``, a script using ``app.vntext``) then loads no blueprint, model or service.
    from werkzeug.middleware.proxy_fix import ProxyFix

    from app import cli, guards, heap, mail, models, observability, security, templating  # noqa: F401  (models: tables)
    from app.extensions import csrf, db, htmx, login_manager, migrate
    from app.read_gate import ReadGate
    from app.routes import (
        admin,
        api,
        auth,
        documents,
        errors,
        health,
        main,
        news,
        notifications,
        plans,
        reports,
        search,
    )
    from app.search import arrays
    from app.search.upkeep import add_light_step, start_background
    from app.services.library import ocr_worker
    from app.services.notify import scheduler as notify_scheduler

    test_config = dict(test_config or {})
    instance_path = test_config.pop("INSTANCE_PATH", None) or os.environ.get("PORTAL_INSTANCE_PATH")
    if not instance_path:
        instance_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance")
    instance_path = os.path.abspath(instance_path)
    os.makedirs(instance_path, exist_ok=True)

    app = PortalFlask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.update(default_config(instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or load_or_create_secret(instance_path)
    for key in ("INDEX_DIR", "UPLOAD_DIR"):
        os.makedirs(app.config[key], exist_ok=True)

    observability.init_app(app)  # first: every later hook logs with the request id

    guards.init_app(app)  # <int:…> within the database's range, clean input, body size before reading

    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)  # a connection the server dropped is replaced, not used
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Several processes write (web workers, imports, the index catch-up): wait for the lock.
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A server that does not answer (host down, network cut) fails fast instead of hanging a worker.
        options["connect_args"] = {"connect_timeout": app.config["DATABASE_CONNECT_TIMEOUT"],
                                   **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    if app.config["READ_CONCURRENCY"] > 0:
        app.wsgi_app = ReadGate(app.wsgi_app, app.config["READ_CONCURRENCY"], app.config["READ_QUEUE_SECONDS"])
    if app.config["PROXY_COUNT"]:
        # Only the client address is taken from the proxy's headers, never the scheme or host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=0, x_host=0, x_port=0,
                                x_prefix=0)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)

    security.init_app(app)
    templating.init_app(app)

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(news.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(notifications.bp)
    notifications.init_app(app)
    errors.init_app(app)

    cli.init_app(app)

    arrays.configure(app.config["SEARCH_CACHE_MB"] * 1024 * 1024)
    heap.limit_malloc_arenas(app.config["MALLOC_ARENAS"])  # before a worker starts its threads

    if app.config["OCR_MODE"] == "background":
        @app.before_request
        def start_ocr_worker():
            ocr_worker.start_background(app)

    if app.config["SMTP_URL"]:
        mail.parse_smtp_url(app.config["SMTP_URL"], app.config["MAIL_FROM"])  # an unusable value stops the start
    if app.config["NOTIFY_BACKGROUND"]:
        add_light_step(notify_scheduler.background_round)  # deadline reminders and e-mail, once a minute
    if app.config["HEAP_TRIM_SECONDS"] > 0:
        add_light_step(heap.trim_step)  # freed memory back to the system, every 30 s

    # One background thread per web process: it applies queued index changes when this process is
    # a writer (PORTAL_SEARCH_WRITER=web) and runs the light steps (notifications, memory) either way.
    search_here = app.config["SEARCH_BACKGROUND_SYNC"] and app.config.get("SEARCH_WRITER", "web") == "web"
    if search_here or app.config["NOTIFY_BACKGROUND"] or app.config["HEAP_TRIM_SECONDS"] > 0:
        @app.before_request
        def start_search_upkeep():
            start_background(app, search=search_here)

    return app
