"""The music store's Storefront, its /aesys panel and the AIM back office."""

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import build_config
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application; overrides win over the environment (for tests)."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path, overrides))

    register_logging(app)
    register_extensions(app)
    register_proxy(app)
    register_blueprints(app)
    register_security(app)
    register_errors(app)
    register_template_filters(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    """INFO and up from the app's own modules, to stderr, once per process.

    Only the "app" logger is configured, so gunicorn's and the libraries'
    loggers keep their own settings.
    """
    logger = logging.getLogger("app")
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        logger.addHandler(handler)


def register_extensions(app: Flask) -> None:
    from app import auth, database

    db.init_app(app)
    database.configure_engines(app)
    if os.environ.get("LOCK_ORDER_CHECK"):
        database.watch_lock_order()
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth.configure(login_manager)
    app.before_request(auth.load_user_first)


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-For only from as many proxies as configured."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register_blueprints(app: Flask) -> None:
    from app.web import ColumnIntConverter

    # Before any route: <int:...> in every URL then stops at the column's size.
    app.url_map.converters["int"] = ColumnIntConverter

    from app.aesys.routes import bp as aesys_bp
    from app.aim.routes import bp as aim_bp
    from app.storefront.routes import bp as storefront_bp

    app.register_blueprint(storefront_bp)
    app.register_blueprint(aesys_bp, url_prefix="/aesys")
    app.register_blueprint(aim_bp, url_prefix="/aim")


def register_security(app: Flask) -> None:
    from app import security

    app.after_request(security.set_headers)


def register_errors(app: Flask) -> None:
    from app import errors

    errors.register(app)


def register_template_filters(app: Flask) -> None:
    from app import templating

    templating.register(app)


def register_commands(app: Flask) -> None:
    from app import commands

    commands.register(app)
