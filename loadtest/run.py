"""`make loadtest`: two gunicorn servers over one PostgreSQL, 50 simulated users for
60 seconds, and a PostgreSQL restart in the middle.

1. Resets its own database (svenn_load in the project's cluster, or LOAD_DATABASE_URL),
   migrates, loads the demo firms and adds 40 employees, 5 moderators and 5 admins.
2. Starts two gunicorn servers on two free loopback ports under production settings.
3. Runs locust headless (loadtest/locustfile.py), half the users on each server,
   while a probe asks a database page of each server every 250 ms.
4. At 25 s stops PostgreSQL, waits 2 s and starts it again (only for the project's
   own cluster: an outside database is not ours to restart).
5. Compares acknowledged writes with the rows in the database (loadtest/accounting.py),
   prints one table, writes loadtest/last.json and exits 1 when a figure that must be
   zero is not.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.accounting import (  # noqa: E402
    MUST_BE_ZERO,
    account,
    clean_503,
    overlaps,
    percentile,
)
from svenn import devdb  # noqa: E402
from svenn.tooling import PROXY_HEADERS, gunicorn, session_key_for  # noqa: E402

DBNAME = "svenn_load"
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
RESTART_AT = float(os.environ.get("LOADTEST_RESTART_AT", "25"))
DOWN_SECONDS = 2
MAX_RECOVERY_SECONDS = 5
# 50 by default: 40 employees, 5 moderators, 5 administrators.
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
_OFFICE = max(1, round(USERS / 10))
COUNTS = {"employee": USERS - 2 * _OFFICE, "moderator": _OFFICE, "admin": _OFFICE}
# Who signs in through the login form; everyone else starts with a session made for
# them, as after the sign-in of an earlier day (a session lasts 14 days). Fifty Argon2
# password checks at once (0.86 s each measured here while the machine was shared,
# Django's m=100 MiB, t=2, p=8) kept the two servers busy for the first ten seconds, queued every
# other request behind them (p95 3.4 s) and let a probe wait past its 5 s timeout.
SIGN_IN_ROLES = ("admin",)
PROBE_PATH = "/timesheets/"
# Often enough to time a recovery against its 5 s limit; every 100 ms the two probes
# were a load of their own, up to 20 requests/s beside the users' 13.
PROBE_INTERVAL = 0.25
# Seconds each simulated user waits between two actions (LOADTEST_THINK="min,max").
# Acting every 5 to 20 s, 50 users ask about 8 requests/s: below what the two servers
# held on this 2-core machine shared with other work (about 13 requests/s at p95 2 to
# 5 s, see docs/operations.md); a real firm of 50 asks far less.
THINK = [float(x) for x in os.environ.get("LOADTEST_THINK", "5,20").split(",")]
# Production settings, as behind a TLS-terminating proxy.
SERVER_ENV = {
    "DEBUG": "false",
    "SVENN_TESTING": "",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}
HEADERS = PROXY_HEADERS


def say(message):
    print(f"loadtest: {message}", file=sys.stderr, flush=True)


def database():
    """(url, restartable): the load test's own database, created empty."""
    outside = os.environ.get("LOAD_DATABASE_URL")
    if outside:
        return outside, False
    bindir, sockdir = devdb.ensure_running()
    psql = [f"{bindir}/psql"] if os.path.exists(f"{bindir}/psql") else ["psql"]
    drop = [*psql, "-h", str(sockdir), "-U", devdb.SUPERUSER, "-d", "postgres", "-qc"]
    subprocess.run([*drop, f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)'], check=True)
    devdb.ensure_database(bindir, sockdir, DBNAME)
    return devdb.url_for(sockdir, DBNAME), True


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(url, fresh, env):
    say("migrating, loading demo data, collecting static files")
    manage("migrate", "--noinput", "-v0", env=env)
    if not fresh:
        manage("flush", "--noinput", "-v0", env=env)
    manage("demo", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)


def setup_django(env):
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svenn.settings")
    import django

    django.setup()


def create_users():
    """The load's users in the first demo firm, with the demo password; returns their
    e-mails per role, a session cookie for the probe and one for each user who starts
    signed in (every role but those in SIGN_IN_ROLES)."""
    from django_scopes import scopes_disabled

    from accounts.demo import FIRMS, PASSWORD
    from accounts.models import User
    from accounts.permissions import Role

    roles = {"employee": Role.EMPLOYEE, "moderator": Role.MODERATOR, "admin": Role.ADMIN}
    with scopes_disabled():
        admin = User.objects.get(email=FIRMS[0]["users"][0][0])
        emails = {
            role: [f"last-{role}-{i:02d}@demo.no" for i in range(n)] for role, n in COUNTS.items()
        }
        User.objects.bulk_create(
            User(
                email=email,
                name=f"Last {role} {i}",
                role=roles[role],
                company=admin.company,
                password=admin.password,
            )
            for role, addresses in emails.items()
            for i, email in enumerate(addresses)
        )
        users = User.objects.filter(email__in=[e for a in emails.values() for e in a])
        sessions = {
            user.email: session_key_for(user)
            for user in users
            if not any(user.email in emails[role] for role in SIGN_IN_ROLES)
        }
        probe_user = User.objects.get(email=emails["employee"][0])
    return emails, PASSWORD, session_key_for(probe_user), sessions


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def server(port, env, log):
    return gunicorn(
        port,
        env,
        log=log,
        args=[
            "--workers",
            "2",
            "--threads",
            "4",
            # Longer than any client keeps a connection idle: otherwise a request sent
            # on a connection gunicorn is closing right then is reset (see
            # docs/operations.md).
            "--keep-alive",
            "75",
        ],
    )


class Probe(threading.Thread):
    """Asks a database page of one server every 250 ms and keeps every answer."""

    def __init__(self, host, session_key):
        super().__init__(daemon=True)
        self.host, self.results, self.done = host, [], threading.Event()
        self.client = httpx.Client(
            base_url=host, headers={**HEADERS, "Cookie": f"sessionid={session_key}"}, timeout=5
        )

    def run(self):
        while not self.done.is_set():
            t0 = time.time()
            try:
                response = self.client.get(PROBE_PATH)
                status, text = response.status_code, response.text
            except httpx.HTTPError:
                status, text = 0, ""
            t1 = time.time()
            self.results.append({"t0": t0, "t1": t1, "status": status, "clean": clean_503(text)})
            self.done.wait(max(0.0, PROBE_INTERVAL - (t1 - t0)))


def restart_database(url):
    """Stop PostgreSQL, wait, start it; the times it went down and accepted connections."""
    say("stopping PostgreSQL")
    up = {}

    def first_connection():
        while True:
            try:
                psycopg.connect(url, connect_timeout=1).close()
            except psycopg.OperationalError:
                time.sleep(0.02)
            else:
                up["at"] = time.time()
                return

    stopping = time.time()
    try:
        devdb.stop()
        down = time.time()
        time.sleep(DOWN_SECONDS)
        poller = threading.Thread(target=first_connection, daemon=True)
        poller.start()
    finally:
        devdb.ensure_running()  # also when interrupted: never leave the cluster down
    poller.join(timeout=30)
    say("PostgreSQL is back")
    return {
        "label": "PostgreSQL down (stop to accepting)",
        "stopping": stopping,
        "down": down,
        "up": up.get("at"),
    }


def outage(fault, probes):
    """Recovery per server and the outage window (stop to the last server's recovery)."""
    if fault is None:
        return None, {}
    recovered = {}
    for index, probe in enumerate(probes):
        first = next(
            (r["t1"] for r in probe.results if r["status"] == 200 and r["t0"] >= fault["down"]),
            None,
        )
        recovered[index] = first
    ends = [t for t in recovered.values() if t is not None]
    end = max(ends) if len(ends) == len(probes) else float("inf")
    return (fault["stopping"], end), recovered


def read_jsonl(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def database_state():
    """Texts holding markers per kind, and the ids of approved entries."""
    from django.db import connections
    from django_scopes import scopes_disabled

    from customers.models import Customer
    from projects.models import Project
    from timesheets.models import TimeEntry

    connections.close_all()  # the connection from before the restart is gone
    pattern = r"LT[0-9a-f]{12}"
    with scopes_disabled():
        found = {
            "entry": list(
                TimeEntry.objects.filter(description__regex=pattern).values_list(
                    "description", flat=True
                )
            ),
            "customer": list(
                Customer.objects.filter(name__regex=pattern).values_list("name", flat=True)
            ),
            "project": list(
                Project.objects.filter(name__regex=pattern).values_list("name", flat=True)
            ),
        }
        approved = list(
            TimeEntry.objects.filter(approved_at__isnull=False).values_list("pk", flat=True)
        )
    return found, approved


def request_figures(requests, window, started, finished):
    outside = [r for r in requests if not overlaps(r["t0"], r["t1"], window)]
    inside = [r for r in requests if overlaps(r["t0"], r["t1"], window)]
    latencies = [(r["t1"] - r["t0"]) * 1000 for r in outside]
    return {
        "requests": len(requests),
        "requests_per_s": round(len(requests) / max(finished - started, 1), 1),
        "server_errors": sum(1 for r in outside if r["status"] >= 500),
        "transport_errors": sum(1 for r in outside if r["status"] == 0),
        "failed_in_outage": sum(1 for r in inside if r["status"] >= 500 or r["status"] == 0),
        "clean_503_in_outage": sum(1 for r in inside if r["status"] == 503 and r.get("clean")),
        "unclean_in_outage": sum(
            1
            for r in inside
            if (r["status"] >= 500 and not (r["status"] == 503 and r.get("clean")))
        ),
        "p50_ms": round(percentile(latencies, 0.5) or 0),
        "p95_ms": round(percentile(latencies, 0.95) or 0),
        "max_ms": round(max(latencies, default=0)),
        "per_server": [sum(1 for r in requests if r["server"] == i) for i in (0, 1)],
    }


def probe_figures(probes, fault, window, recovered):
    figures = {"probes": sum(len(p.results) for p in probes), "probe_errors": 0}
    statuses = Counter(str(r["status"]) for p in probes for r in p.results)
    figures["probe_statuses"] = dict(sorted(statuses.items()))
    for probe in probes:
        for r in probe.results:
            in_window = overlaps(r["t0"], r["t1"], window)
            good = r["status"] == 200 or (in_window and r["status"] == 503 and r["clean"])
            figures["probe_errors"] += not good
    if fault is None:
        return figures
    figures["probe_503_in_outage"] = [
        sum(1 for r in p.results if r["status"] == 503 and overlaps(r["t0"], r["t1"], window))
        for p in probes
    ]
    figures["recovery_s"] = [
        None if t is None or fault["up"] is None else round(max(0.0, t - fault["up"]), 2)
        for t in recovered.values()
    ]
    figures["outage"] = fault["label"]
    figures["down_s"] = round((fault["up"] or 0) - fault["down"], 2)
    return figures


def verdict(figures):
    """The figures that broke a promise, as text; empty when the run passed."""
    problems = [name for name in MUST_BE_ZERO if figures[name]]
    for name in ("server_errors", "transport_errors", "unclean_in_outage", "probe_errors"):
        if figures[name]:
            problems.append(name)
    if figures["creates_acknowledged"] == 0 or figures["double_submits"] == 0:
        problems.append("no writes were made")
    if "recovery_s" in figures:
        slow = [t for t in figures["recovery_s"] if t is None or t > MAX_RECOVERY_SECONDS]
        if slow or min(figures["probe_503_in_outage"]) == 0:
            problems.append("recovery_s")
    return problems


def report(figures, problems):
    rows = [
        ("simulated users / seconds", f"{sum(COUNTS.values())} / {SECONDS}"),
        (
            "requests (server 1 / 2)",
            "{} ({} / {})".format(figures["requests"], *figures["per_server"]),
        ),
        ("requests per second", figures["requests_per_s"]),
        (
            "latency p50 / p95 / max",
            f"{figures['p50_ms']} / {figures['p95_ms']} / {figures['max_ms']} ms",
        ),
        ("5xx outside the outage", figures["server_errors"]),
        ("connection errors outside the outage", figures["transport_errors"]),
        ("creates acknowledged", figures["creates_acknowledged"]),
        ("rows found by marker", figures["rows_found"]),
        ("lost (acknowledged, not found)", figures["creates_lost"]),
        ("doubled (found more than once)", figures["creates_doubled"]),
        ("found but never acknowledged", figures["unacknowledged_saved"]),
        ("rows no request made", figures["rows_unknown"]),
        (
            "double submits (both answered ok)",
            f"{figures['double_submits']} ({figures['double_submits_both_acknowledged']})",
        ),
        ("edits acknowledged / lost", f"{figures['edits_acknowledged']} / {figures['edits_lost']}"),
        (
            "approvals acknowledged / lost entries",
            f"{figures['approvals_acknowledged']} / {figures['approvals_lost']}",
        ),
    ]
    if "recovery_s" in figures:
        recovery = " / ".join("never" if t is None else f"{t} s" for t in figures["recovery_s"])
        rows += [
            (figures["outage"], f"{figures['down_s']} s"),
            ("requests failed in the outage (503)", figures["failed_in_outage"]),
            ("  of them not the clean 503 page", figures["unclean_in_outage"]),
            (
                "probe 503s in the outage (1 / 2)",
                " / ".join(map(str, figures["probe_503_in_outage"])),
            ),
            ("recovery after PostgreSQL is back", recovery),
            ("writes saved but unanswered in outage", figures["unacknowledged_saved_in_outage"]),
        ]
    else:
        rows.append(("fault midway", "none: LOAD_DATABASE_URL is not ours to restart"))
    rows.append(("probe answers that were wrong", figures["probe_errors"]))
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print()
    print("FAILED: " + ", ".join(problems) if problems else "PASSED")


def load(url, *, fresh, fault):
    """Runs the load against ``url`` and calls ``fault(url)`` midway (None: no fault);
    returns the figures, the broken promises and the folder with the logs."""
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    prepare(url, fresh, env)
    setup_django({**SERVER_ENV, "DATABASE_URL": url})
    emails, password, session_key, sessions = create_users()
    from django.db import connections

    connections.close_all()
    ports = free_ports(2)
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    work = Path(tempfile.mkdtemp(prefix="svenn-loadtest-"))
    config = work / "config.json"
    config.write_text(
        json.dumps(
            {
                "hosts": hosts,
                "users": emails,
                "counts": COUNTS,
                "password": password,
                "sessions": sessions,
                "think": THINK,
                "out": str(work),
            }
        )
    )
    outcome = None
    with ExitStack() as stack:
        log = stack.enter_context((work / "gunicorn.log").open("w"))
        for port in ports:
            stack.enter_context(server(port, env, log))
        say(f"servers on {', '.join(hosts)}; {sum(COUNTS.values())} users for {SECONDS} s")
        probes = [Probe(host, session_key) for host in hosts]
        for probe in probes:
            probe.start()
        started = time.time()
        locust_log = stack.enter_context((work / "locust.log").open("w"))
        locust = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(sum(COUNTS.values())),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{SECONDS}s",
                "--stop-timeout",
                "30",
                "--host",
                hosts[0],
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "LOADTEST_CONFIG": str(config)},
            stdout=locust_log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(locust.kill)  # only if it is still running when we leave
        if fault is not None:
            time.sleep(max(0.0, started + RESTART_AT - time.time()))
            outcome = fault(url)
        locust.wait(timeout=SECONDS + 120)
        finished = time.time()
        time.sleep(0.5)
        for probe in probes:
            probe.done.set()
            probe.join()
    locust_text = (work / "locust.log").read_text()
    if "Traceback" in locust_text:
        print(locust_text[-4000:], file=sys.stderr)
        raise SystemExit("loadtest: the simulated users failed (see above)")
    with (work / "probes.jsonl").open("w") as log:
        for index, probe in enumerate(probes):
            log.writelines(json.dumps({"server": index, **r}) + "\n" for r in probe.results)
    window, recovered = outage(outcome, probes)
    requests = read_jsonl(work / "requests.jsonl")
    writes = read_jsonl(work / "writes.jsonl")
    found, approved = database_state()
    figures = {
        **request_figures(requests, window, started, finished),
        **account(writes, found, approved, window),
        **probe_figures(probes, outcome, window, recovered),
    }
    return figures, verdict(figures), work


def write_figures(name, figures, problems, work):
    """loadtest/<name>: the run and its figures; keeps the logs of a failed run."""
    out = ROOT / "loadtest" / name
    run = {
        "users": COUNTS,
        "seconds": SECONDS,
        "think_s": THINK,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out.write_text(json.dumps({"run": run, **figures, "problems": problems}, indent=2) + "\n")
    print(f"Figures written to {out.relative_to(ROOT)}")
    if problems:
        print(f"Server and locust logs: {work}")
    else:
        shutil.rmtree(work)


def main():
    url, ours = database()
    if not ours:
        say("LOAD_DATABASE_URL is set: skipping the PostgreSQL restart")
    figures, problems, work = load(url, fresh=ours, fault=restart_database if ours else None)
    report(figures, problems)
    write_figures("last.json", figures, problems, work)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
