"""The staff pages (web forms). Each feature registers its own blueprint here."""

from flask import Flask, render_template


def register(app: Flask) -> None:
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale

    @app.get("/")
    def index():
        return render_template("index.html")
