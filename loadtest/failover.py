"""`make failover-test`: the load test's shape over a primary and a synchronous standby,
and the primary killed with SIGKILL midway.

1. Starts a pg_auto_failover monitor and two PostgreSQL nodes (the machine's PostgreSQL
   binaries, under .local/failover/, as the postgres user when run as root, as
   svenn/devdb.py does). The first node becomes the primary, the second its standby
   with synchronous streaming replication (synchronous_commit = on, the standby named
   in synchronous_standby_names).
2. Runs loadtest/run.py's load (two gunicorn servers, 50 users, every write accounted
   for) with DATABASE_URL naming both nodes and target_session_attrs=read-write.
3. At 25 s kills the primary's keeper and PostgreSQL with SIGKILL, as when its machine
   dies; the monitor sees it gone and promotes the standby.
4. Prints and writes loadtest/failover.json: the seconds without a primary, requests
   that got the clean 503 page meanwhile, 5xx outside that window (must be 0), and the
   acknowledged writes against the rows on the new primary (none lost, none doubled).
   Exits 1 when a promise is broken.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest import run as loadtest  # noqa: E402
from svenn import devdb  # noqa: E402

DBNAME = "svenn_failover"
NODES = ("node1", "node2")
# The defaults take about 50 s to fail over: 20 s before the monitor calls a silent
# primary dead, then 30 s for it to demote itself before the standby may take writes.
# Shorter here, in the same order: a keeper cut off from the monitor and its standby
# stops taking writes (network_partition_timeout) before the monitor's
# primary_demote_timeout lets the standby take them, so a partition cannot leave two
# primaries.
MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "3000",
    "pgautofailover.primary_demote_timeout": "4000",
}
KEEPER_SETTINGS = {"timeout.network_partition_timeout": "3"}
START_TIMEOUT = 120
FAILOVER_TIMEOUT = 60


def say(message):
    print(f"failover-test: {message}", file=sys.stderr, flush=True)


class Formation:
    """The monitor and the nodes, each a pg_autoctl process group of its own."""

    def __init__(self, folder, bindir, ports):
        self.folder, self.bindir, self.user = folder, bindir, devdb.runs_as()
        self.ports = dict(zip(("monitor", *NODES), ports, strict=True))
        self.sockets = devdb.socket_dir(folder / "sock")
        self.processes, self.killed = {}, set()
        self.env = {
            "PATH": f"{bindir}:/usr/bin:/bin",
            "HOME": str(folder),
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_RUNTIME_DIR": str(folder / "run"),
            "LANG": "C.UTF-8",
            # The Unix sockets' folder (the monitor has no option for it).
            "PGHOST": str(self.sockets),
        }

    def command(self, *args):
        """pg_autoctl as the user that owns the clusters."""
        env = [f"{key}={value}" for key, value in self.env.items()]
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return [*prefix, "env", "-i", *env, "pg_autoctl", *args]

    def common(self, name):
        return [
            "--pgdata",
            str(self.folder / name),
            "--pgport",
            str(self.ports[name]),
            "--pgctl",
            f"{self.bindir}/pg_ctl",
            "--hostname",
            "127.0.0.1",
            "--auth",
            "trust",
            "--no-ssl",
        ]

    def initdb(self, name):
        """A data folder whose Unix sockets are ours: pg_autoctl has no option for them,
        and the compiled-in folder may not be writable by us. The standby copies the
        primary's, settings included."""
        pgdata = self.folder / name
        subprocess.run(  # noqa: S603
            [
                *(["runuser", "-u", self.user, "--"] if self.user else []),
                f"{self.bindir}/initdb",
                "-D",
                str(pgdata),
                "-U",
                devdb.SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        with (pgdata / "postgresql.conf").open("a") as conf:
            conf.write(f"unix_socket_directories = '{self.sockets}'\n")

    def start(self, name, *args):
        log = (self.folder / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own tool and arguments
            self.command(*args, "--run"),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def monitor_url(self, user="autoctl_node"):
        return f"host=127.0.0.1 port={self.ports['monitor']} dbname=pg_auto_failover user={user}"

    def node_url(self, name, dbname=DBNAME):
        return f"host=127.0.0.1 port={self.ports[name]} dbname={dbname} user=postgres"

    def app_url(self):
        """The application's DATABASE_URL: both nodes, whichever takes writes."""
        hosts = ",".join("127.0.0.1" for _ in NODES)
        ports = ",".join(str(self.ports[name]) for name in NODES)
        return (
            f"host={hosts} port={ports} dbname={DBNAME} user=postgres "
            "target_session_attrs=read-write connect_timeout=2"
        )

    def states(self):
        with psycopg.connect(self.monitor_url(), connect_timeout=2) as conn:
            rows = conn.execute(
                "SELECT nodename, reportedstate::text, goalstate::text FROM pgautofailover.node"
            ).fetchall()
        return {name: (reported, goal) for name, reported, goal in rows}

    def wait_for(self, wanted, timeout=START_TIMEOUT):
        """Until every node in ``wanted`` reports (and is assigned) its state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            try:
                states = self.states()
            except psycopg.Error:
                states = {}
            if all(states.get(name) == (state, state) for name, state in wanted.items()):
                return
            time.sleep(0.5)
        raise SystemExit(f"failover-test: nodes not {wanted} in time; logs in {self.folder}")

    def check_running(self):
        for name, process in self.processes.items():
            if process.poll() is not None and name not in self.killed:
                log = (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"failover-test: pg_autoctl for {name} stopped:\n{log}")

    def configure_monitor(self):
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.check_running()
            try:
                conn = psycopg.connect(
                    self.monitor_url("postgres"), connect_timeout=2, autocommit=True
                )
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        with conn:
            for name, value in MONITOR_SETTINGS.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            conn.execute("SELECT pg_reload_conf()")

    def configure_keeper(self, name):
        for key, value in KEEPER_SETTINGS.items():
            subprocess.run(  # noqa: S603
                self.command("config", "set", "--pgdata", str(self.folder / name), key, value),
                check=True,
                capture_output=True,
            )

    def kill(self, name):
        """SIGKILL to the node's keeper, its PostgreSQL and every backend."""
        self.killed.add(name)
        os.killpg(self.processes[name].pid, signal.SIGKILL)

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def build(stack):
    """A running formation: the monitor, node1 primary, node2 its synchronous standby."""
    # Where pg_ctl really is: pg_autoctl looks for pg_controldata and postgres beside it.
    bindir = os.path.dirname(os.path.realpath(os.path.join(devdb.find_bindir(), "pg_ctl")))
    if not shutil.which("pg_autoctl"):
        raise SystemExit("failover-test: pg_autoctl not found (make failover-test installs it)")
    folder = devdb.state_dir("failover")
    if folder.exists():
        shutil.rmtree(folder)  # a run leaves a failed-over formation behind
    formation = Formation(folder, bindir, loadtest.free_ports(3))
    for path in (folder, formation.sockets, folder / "config", folder / "data", folder / "run"):
        devdb.make_dir(path, formation.user)
    stack.callback(formation.stop)
    say(f"monitor and two nodes under {folder}")
    formation.initdb("monitor")
    formation.start("monitor", "create", "monitor", *formation.common("monitor"))
    formation.configure_monitor()
    monitor = formation.monitor_url()
    formation.initdb("node1")
    for name, state in (("node1", "single"), ("node2", "secondary")):
        formation.start(
            name,
            "create",
            "postgres",
            *formation.common(name),
            "--pghost",
            str(formation.sockets),
            "--listen",
            "127.0.0.1",
            "--name",
            name,
            "--dbname",
            DBNAME,
            "--monitor",
            monitor,
        )
        formation.wait_for({name: state})
        formation.configure_keeper(name)
    formation.wait_for({"node1": "primary", "node2": "secondary"})
    return formation


def replication(url):
    with psycopg.connect(url, connect_timeout=2) as conn:
        names = conn.execute("SHOW synchronous_standby_names").fetchone()[0]
        commit = conn.execute("SHOW synchronous_commit").fetchone()[0]
        standbys = conn.execute(
            "SELECT application_name, sync_state FROM pg_stat_replication"
        ).fetchall()
    return {"synchronous_standby_names": names, "synchronous_commit": commit, "standbys": standbys}


def kill_primary(formation):
    def fault(url):
        say("killing the primary (node1) with SIGKILL")
        killed = time.time()
        formation.kill("node1")
        while time.time() - killed < FAILOVER_TIMEOUT:
            try:
                psycopg.connect(url, connect_timeout=1).close()
            except psycopg.OperationalError:
                time.sleep(0.05)
            else:
                say("node2 takes writes")
                return {
                    "label": "no primary (kill to new primary taking writes)",
                    "stopping": killed,
                    "down": killed,
                    "up": time.time(),
                }
        say(f"no new primary within {FAILOVER_TIMEOUT} s")
        return {"label": "no primary", "stopping": killed, "down": killed, "up": None}

    return fault


def summary(figures, ports, before, after):
    return {
        "promoted_by": "pg_auto_failover",
        "ports": ports,
        "replication_before": before,
        "states_after": after,
        "seconds_without_primary": figures["down_s"],
        "clean_503_in_window": figures["clean_503_in_outage"] + sum(figures["probe_503_in_outage"]),
        "server_errors_outside_window": figures["server_errors"],
        "writes_acknowledged": figures["creates_acknowledged"],
        "rows_on_new_primary": figures["rows_found"],
        "lost": figures["creates_lost"],
        "doubled": figures["creates_doubled"],
    }


def main():
    with ExitStack() as stack:
        formation = build(stack)
        before = replication(formation.node_url("node1"))
        if not before["synchronous_standby_names"] or before["synchronous_commit"] != "on":
            raise SystemExit(f"failover-test: replication is not synchronous: {before}")
        say(f"replication: {before}")
        figures, problems, work = loadtest.load(
            formation.app_url(), fresh=True, fault=kill_primary(formation)
        )
        after = formation.states()
    if after.get("node2", ("",))[0] not in ("wait_primary", "primary"):
        problems.append("node2 was not promoted")
    result = {**summary(figures, formation.ports, before, after), **figures}
    loadtest.report(figures, problems)
    for name in ("seconds_without_primary", "clean_503_in_window", "lost", "doubled"):
        print(f"{name}: {result[name]}")
    loadtest.write_figures("failover.json", result, problems, work)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
