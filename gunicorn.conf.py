"""gunicorn settings for the SDP (docs/deployment.md):

    gunicorn -c gunicorn.conf.py 'sdp:create_app()'

The one source of these settings: production copies it to /etc/sdp/gunicorn.conf.py (adjusting
``bind`` and ``forwarded_allow_ips`` through SDP_BIND and SDP_FORWARDED_ALLOW_IPS), and the
registry benchmark (``make bench``, bench/registry.py) serves the app with it. gunicorn also
reads it by itself when started in this folder without ``-c``.
"""

import multiprocessing
import os

bind = os.environ.get(
    "SDP_BIND", "127.0.0.1:8000"
)  # the private address nginx reaches; never public
workers = int(os.environ.get("SDP_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = 4
keepalive = 5
preload_app = True
max_requests = 20000
max_requests_jitter = 2000
timeout = 30
graceful_timeout = 30
worker_tmp_dir = "/dev/shm"
forwarded_allow_ips = os.environ.get("SDP_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Whatever a worker writes (the SQLite database, keys, uploads) is the service user's alone.
umask = 0o077
# No access log of gunicorn's own: the app writes one JSON line per request (sdp/security/logs.py:
# method, route, path without the query string, status, duration, request id, actor), and
# gunicorn's repeated it on the same stream, for about 21 µs of CPU per request (a tenth of a
# registry check's) and twice the log volume. nginx logs the client's address.
accesslog = None

# gunicorn answers a request over these limits itself, with a short HTML body, before the app
# sees it: nginx refuses such requests first (large_client_header_buffers, docs/deployment.md)
# and answers in JSON. The request line's limit sits above the app's own (SDP_MAX_URL_LENGTH,
# 4096), so that a long address that gets this far is answered by the app, in JSON (414).
limit_request_line = 8190  # gunicorn's maximum
limit_request_fields = 100
limit_request_field_size = 8190


def post_fork(server, worker):
    """Each worker keeps the audit chainer of partner checks running (sdp/audit/journal.py,
    ``start_background_chainer``): by default a process of its own, started by whichever worker
    finds none running, which chains until this server's master (``server.pid``) has ended;
    ``SDP_AUDIT_CHAINER=thread`` chains in the workers, ``off`` leaves it to a `flask audit
    chain --follow` run beside."""
    from sdp.audit import journal

    for app in journal.apps_with_journal():
        journal.start_background_chainer(app, server_pid=server.pid)
