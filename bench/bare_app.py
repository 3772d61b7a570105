"""The baseline: a bare Flask endpoint returning a constant JSON, served exactly like the app.

    gunicorn -w 2 bench.bare_app:app      # GET /ping
"""

from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping():
    return {"status": "ok", "service": "bare"}
