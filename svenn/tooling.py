"""Shared by the benchmark (bench/run.py) and the load test (loadtest/run.py): a
gunicorn server of this project for the length of a `with` block, and a logged-in
session made directly in the database (no password hashing per simulated user)."""

import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# The app believes it is behind a TLS proxy, as in production.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@contextmanager
def gunicorn(port, env, *, args=(), log=None, start_timeout=60):
    """Serve svenn.wsgi on 127.0.0.1:``port`` with ``env``; yield the master process."""
    process = subprocess.Popen(  # noqa: S603 - this project's own gunicorn
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "svenn.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/accounts/login/"
                httpx.get(url, headers=PROXY_HEADERS, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            where = f"; see {log.name}" if log else ""
            raise SystemExit(f"gunicorn on port {port} did not start{where}")
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def session_key_for(user):
    """A logged-in session for ``user``, made as a login makes it but without checking
    a password (Django set up); the configured session store keeps it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    request.session.save()
    return request.session.session_key
