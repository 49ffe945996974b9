"""gunicorn settings for Jusoor: `gunicorn -c deploy/gunicorn.conf.py jusoor.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("JUSOOR_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one database connection; 2 per core plus one is the usual fit.
workers = int(os.environ.get("JUSOOR_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("JUSOOR_WEB_THREADS", "1"))
timeout = int(os.environ.get("JUSOOR_WEB_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Import the application once, in the master: a worker then starts by forking (milliseconds)
# instead of importing Django and the analysis libraries again (seconds of CPU), which matters
# each time max_requests recycles a worker and after a crash. The price: a HUP (systemctl
# reload) restarts the workers on the code already loaded; a new release needs a restart.
preload_app = True


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    # Nothing opened in the master may be shared with a worker: each opens its own connections.
    from django.db import connections

    connections.close_all()


# Upload limit is enforced by nginx (client_max_body_size) and by the app per kind of upload.
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("JUSOOR_PROXY_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Access logs must not carry personal data: no query strings (invitation codes, tokens).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
