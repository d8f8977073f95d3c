"""The project's own PostgreSQL cluster for development and tests.

Used by the Makefile when DATABASE_URL is not set:

    python -m svenn.devdb url [DBNAME]   start the cluster if needed, create DBNAME,
                                         print its DATABASE_URL
    python -m svenn.devdb stop           stop the cluster

The cluster lives under .local/ (git-ignored) and listens only on a Unix socket,
so it takes no TCP port. initdb and pg_ctl refuse to run as root, so as root they
run as the ``postgres`` user; when that user cannot reach .local/ (a parent folder
closed to others), the cluster is kept in a temporary folder instead.
Standard library only: it runs before the virtualenv has anything installed.
"""

import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
SUPERUSER = "postgres"
# A Unix socket path may not exceed 107 bytes; leave room for "/.s.PGSQL.5432".
MAX_SOCKET_DIR = 80


def fail(message):
    print(f"svenn: {message}", file=sys.stderr)
    sys.exit(1)


def find_bindir():
    candidates = [os.path.dirname(p) for p in [shutil.which("pg_ctl")] if p]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for bindir in candidates:
        real = os.path.realpath(bindir)
        if all(os.access(os.path.join(real, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return real
    fail(
        "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them "
        "(Debian: apt-get install postgresql postgresql-contrib) or set DATABASE_URL."
    )


def _version(path):
    try:
        return int(Path(path).parent.name)
    except ValueError:
        return 0


def as_root():
    return os.geteuid() == 0


def runs_as():
    """The user that owns and runs the cluster."""
    return SUPERUSER if as_root() else None


def can_reach(user, path):
    """Whether ``user`` can traverse every parent folder of ``path``."""
    if user is None:
        return True
    result = subprocess.run(
        ["runuser", "-u", user, "--", "test", "-x", str(path)], capture_output=True, check=False
    )
    return result.returncode == 0


def state_dir(name):
    """.local/<name>, or a temporary folder of this checkout's when the user that runs
    the clusters cannot reach .local/."""
    if can_reach(runs_as(), ROOT):
        return ROOT / ".local" / name
    tag = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"svenn-{name}-{tag}"


def cluster_dir():
    return state_dir("pg")


def socket_dir(datadir):
    if len(str(datadir)) <= MAX_SOCKET_DIR:
        return datadir
    tag = hashlib.sha1(str(datadir).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"svenn-sock-{tag}"


def run(cmd, user=None, **kwargs):
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, check=False, **kwargs)


def make_dir(path, user):
    path.mkdir(parents=True, exist_ok=True)
    if user:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    path.chmod(0o700)


def ensure_running():
    bindir = find_bindir()
    user = runs_as()
    datadir = cluster_dir()
    sockdir = socket_dir(datadir)
    if not (datadir / "PG_VERSION").exists():
        make_dir(datadir, user)
        result = run(
            [
                f"{bindir}/initdb",
                "-D",
                str(datadir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            user=user,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            fail(f"initdb failed:\n{result.stdout}{result.stderr}")
    status = run([f"{bindir}/pg_ctl", "status", "-D", str(datadir)], user=user, capture_output=True)
    if status.returncode != 0:
        if sockdir != datadir:
            make_dir(sockdir, user)
        options = f"-k {sockdir} -c listen_addresses='' -c fsync=off -c max_connections=200"
        result = run(
            [
                f"{bindir}/pg_ctl",
                "start",
                "-w",
                "-D",
                str(datadir),
                "-l",
                str(datadir / "server.log"),
                "-o",
                options,
            ],
            user=user,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            log = (datadir / "server.log").read_text(errors="replace")[-2000:]
            fail(f"could not start PostgreSQL:\n{result.stdout}{result.stderr}{log}")
    return bindir, sockdir


def url_for(sockdir, dbname):
    return f"postgresql://{SUPERUSER}@{quote(str(sockdir), safe='')}/{dbname}"


def ensure_database(bindir, sockdir, dbname):
    psql = [f"{bindir}/psql"] if os.path.exists(f"{bindir}/psql") else ["psql"]
    base = [*psql, "-h", str(sockdir), "-U", SUPERUSER, "-d", "postgres", "-tAq", "-c"]
    query = f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"
    found = run([*base, query], capture_output=True, text=True)
    if found.returncode != 0:
        fail(f"cannot reach the cluster: {found.stderr.strip()}")
    if found.stdout.strip() != "1":
        created = run([*base, f'CREATE DATABASE "{dbname}"'], capture_output=True, text=True)
        if created.returncode != 0:
            fail(f"could not create database {dbname}: {created.stderr.strip()}")


def stop():
    bindir = find_bindir()
    datadir = cluster_dir()
    if not (datadir / "PG_VERSION").exists():
        print("svenn: no project cluster to stop")
        return
    run([f"{bindir}/pg_ctl", "stop", "-D", str(datadir), "-m", "fast"], user=runs_as())


def main(argv):
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        dbname = argv[2] if len(argv) > 2 else "svenn"
        if not dbname.replace("_", "").isalnum():
            fail(f"bad database name: {dbname}")
        bindir, sockdir = ensure_running()
        ensure_database(bindir, sockdir, dbname)
        print(url_for(sockdir, dbname))
    elif command == "stop":
        stop()
    else:
        fail(f"unknown command {command!r}; use 'url [DBNAME]' or 'stop'")


if __name__ == "__main__":
    main(sys.argv)
