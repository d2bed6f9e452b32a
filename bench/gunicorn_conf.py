"""gunicorn settings for the benchmark: the same for the app and for hello."""

accesslog = None
loglevel = "warning"
threads = 1
