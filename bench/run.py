"""`make bench`: serve Svenn with gunicorn under production settings against the
benchmark database (`make bench-data`) and measure every everyday page over HTTP.

Prints one table and writes bench/last.json. Run through the Makefile, which sets
DATABASE_URL to the benchmark database and BENCH10_DATABASE_URL to the one of
`make bench-data SCALE=10`: when that is loaded, a second server serves it and the
same pages of the same firms are asked of both servers alternately, each compared with
scale 1 (FLAT: within 1.3x, with as many queries).
"""

import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from svenn.tooling import PROXY_HEADERS, gunicorn, session_key_for  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
# The server of the SCALE=10 database, beside the first one.
PORT_X10 = PORT + 1
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "30"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "4"))
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "CONN_MAX_AGE": "600",
    # The staff user's session is made without a sign-in, so without its second step;
    # Django's admin is a baseline of speed here, not of security.
    "ADMIN_REQUIRE_2FA": "false",
}
# The server thinks it is behind a TLS proxy, as in production.
HEADERS = {**PROXY_HEADERS, "Accept-Encoding": "gzip"}


def setup_django():
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def targets():
    """Users, ids and dates the pages are measured with, for the big and a small firm."""
    from django.db.models import Count, Max, Min, Q
    from django_scopes import scopes_disabled

    from accounts.models import Company, User
    from accounts.permissions import Role
    from customers.models import Customer
    from svenn.management.commands.bench_data import BIG_FIRM, SMALL_FIRM_PREFIX, STAFF_EMAIL
    from timesheets.models import TimeEntry

    alive_entries = Q(time_entries__deleted_at__isnull=True)
    with scopes_disabled():
        firms = {
            "big": Company.objects.get(name=BIG_FIRM),
            "small": Company.objects.filter(name__startswith=SMALL_FIRM_PREFIX).order_by("pk")[0],
        }
        result = {"staff": User.objects.get(email=STAFF_EMAIL)}
        for key, company in firms.items():
            users = User.objects.filter(company=company, is_active=True).order_by("pk")
            manager = users.filter(role=Role.ADMIN).first()
            employee = (
                users.filter(role=Role.EMPLOYEE)
                .annotate(n=Count("time_entries", filter=alive_entries))
                .order_by("-n")
                .first()
            )
            span = TimeEntry.objects.alive().filter(company=company)
            span = span.aggregate(first=Min("date"), latest=Max("date"))
            customer = (
                Customer.objects.filter(company=company, deleted_at__isnull=True)
                .annotate(n=Count("time_entries", filter=alive_entries))
                .order_by("-n")
                .first()
            )
            result[key] = {
                "manager": manager,
                "employee": employee,
                "customer": customer,
                # Customer number 1: a tenth of the firm's hours (bench_data, KEY_SHARE).
                "key_customer": Customer.objects.get(company=company, number=1),
                "first": span["first"],
                "latest": span["latest"],
            }
    return result


def pages(t):
    """(name, path, who) for every measured page of one firm."""
    latest = t["latest"]
    # The last whole month of the data.
    month_end = latest.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    iso = latest.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    period = f"date_from={month_start:%Y-%m-%d}&date_to={month_end:%Y-%m-%d}"
    return [
        ("customer list", "/customers/", "manager"),
        ("customer list p200", "/customers/?page=200", "manager"),
        ("customer search", "/customers/?q=nord", "manager"),
        ("customer inactive", "/customers/?status=inactive", "manager"),
        ("customer card", f"/customers/{t['customer'].pk}/", "manager"),
        ("customer picker", "/timesheets/options/customers/?q=nord", "employee"),
        ("project list", "/projects/", "manager"),
        ("entry form", "/timesheets/new/", "employee"),
        ("week view", f"/timesheets/?week={week}", "employee"),
        ("month overview", f"/timesheets/overview/?{period}", "manager"),
        ("invoice basis", f"/invoicing/?customer={t['customer'].pk}&{period}", "manager"),
        ("invoice basis key", basis_path(t), "manager"),
    ]


def basis_path(t, group="date"):
    """The key customer's invoice basis over all the data: 20,000 hours in the big firm."""
    return (
        f"/invoicing/?customer={t['key_customer'].pk}&group={group}"
        f"&date_from={t['first']:%Y-%m-%d}&date_to={t['latest']:%Y-%m-%d}"
    )


def export_path(t, days):
    end = t["latest"]
    start = end - timedelta(days=days)
    return f"/timesheets/export.csv?date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}"


# The firms and the users every page is measured for (targets()).
FIRMS = ("big", "small")
ROLES = ("manager", "employee")
PDF_LINES = 2000
# A page is flat when ten times the data makes it at most this much slower.
FLAT = 1.3


def basis_pdf(t, lines=PDF_LINES):
    """Seconds to make the PDF of ``lines`` lines of the key customer's basis (all its
    hours, by date), as the worker of its job does (invoicing/jobs.py); and the seconds
    the selector takes for the whole basis."""
    from django.utils import translation
    from django_scopes import scope

    from core.pdf import pdf_bytes
    from invoicing import exports, selectors

    company = t["manager"].company
    choice = {
        "customer": t["key_customer"],
        "project": None,
        "date_from": t["first"],
        "date_to": t["latest"],
        "group": "date",
    }
    with scope(company=company), translation.override("nb"):
        start = time.perf_counter()
        found = selectors.basis(company=company, **choice)
        selector_s = time.perf_counter() - start
        document = selectors.first_lines(found, lines)
        context = exports.pdf_context(company, choice, document)
        pdf_bytes("<p>warm</p>")  # fonts loaded once, as in a worker that has run a job
        start, cpu = time.perf_counter(), time.process_time()
        data = exports.pdf_bytes(context)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "lines": document.line_count,
        "basis_lines": found.line_count,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "kb": round(len(data) / 1024, 1),
        "selector_s": round(selector_s, 3),
        "direct_up_to_lines": exports.PDF_DIRECT_LINES,
    }


def server(workers, port=PORT):
    return gunicorn(
        port, {**os.environ, **SERVER_ENV}, args=["--workers", str(workers), "--timeout", "600"]
    )


def worker_pids(master):
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def timed(client, path):
    """(milliseconds, SQL queries) of one request."""
    start = time.perf_counter()
    response = client.get(path)
    ms = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return ms, int(response.headers.get("X-Queries", "-1"))


FLOOR = "/bench/floor/"


def measure(client, path, floor=None):
    """Median and p95 at concurrency 1, requests/s at concurrency 4, queries; with a
    ``floor`` client, the floor page asked between the samples and its median too
    (``floor_ms``), so that the page's ratio to the floor is of one moment."""
    for _ in range(3):
        client.get(path).raise_for_status()
    timings, floors = [], []
    for _ in range(SAMPLES):
        ms, queries = timed(client, path)
        timings.append(ms)
        if floor is not None:
            floors.append(timed(floor, FLOOR)[0])
    timings.sort()
    done = []
    stop = time.monotonic() + LOAD_SECONDS

    def hammer():
        with httpx.Client(base_url=BASE, headers=HEADERS, cookies=client.cookies) as own:
            count = 0
            while time.monotonic() < stop:
                own.get(path).raise_for_status()
                count += 1
            done.append(count)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    figures = {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "rps": round(sum(done) / elapsed, 1),
        "queries": queries,
    }
    if floors:
        figures["floor_ms"] = round(statistics.median(floors), 1)
    return figures


def export_run(client, path):
    rows = 0
    start = time.perf_counter()
    with client.stream("GET", path) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line:
                rows += 1
    elapsed = time.perf_counter() - start
    return rows - 1, elapsed  # minus the header row


def page_weight(client, path):
    """First load of a page: HTML + its CSS and JS, compressed as served, in KB."""
    response = client.get(path)
    total = response.num_bytes_downloaded
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', response.text)
    for asset in dict.fromkeys(assets):
        total += client.get(urljoin(BASE, asset)).num_bytes_downloaded
    return round(total / 1024, 1)


def phone_figures(t):
    """ "Mine timer" on a slow phone connection (bench/phone.py), as the employee, at
    localhost (a secure context, where the session's Secure cookie and the service
    worker work over plain HTTP)."""
    from django.conf import settings
    from django_scopes import scopes_disabled

    from bench import phone
    from timesheets import services
    from timesheets.models import TimeEntry

    iso = t["latest"].isocalendar()
    employee = t["employee"]
    description = f"bench {secrets.token_hex(4)}"
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_key_for(employee)}
    week = f"/timesheets/?week={iso.year}-W{iso.week:02d}"
    figures = phone.measure(f"http://localhost:{PORT}", cookie, week, description)
    with scopes_disabled():
        for entry in TimeEntry.objects.alive().filter(user=employee, description=description):
            services.entry_delete(entry=entry, by=employee)
    return figures


def client_for(user):
    return session_client(BASE, session_key_for(user))


def session_client(base, session_key):
    """A client of the server at ``base`` signed in with ``session_key``."""
    from django.conf import settings

    cookies = {settings.SESSION_COOKIE_NAME: session_key}
    return httpx.Client(base_url=base, headers=HEADERS, cookies=cookies, timeout=600)


def measure_pages(t):
    """Every page of the big and of a small firm: {"big": {name: figures}, "small": ...},
    each with the floor asked between its samples, as the big firm's manager."""
    floor = client_for(t["big"]["manager"])
    found = {}
    for firm in FIRMS:
        clients = {who: client_for(t[firm][who]) for who in ROLES}
        found[firm] = {}
        for name, path, who in pages(t[firm]):
            print(f"  {firm:5} {name} ...", file=sys.stderr, flush=True)
            found[firm][name] = measure(clients[who], path, floor=floor)
    return found


def entry_count():
    from django_scopes import scopes_disabled

    from timesheets.models import TimeEntry

    with scopes_disabled():
        return TimeEntry.objects.count()


@contextmanager
def ten_times():
    """The database of `make bench-data SCALE=10` served beside the first (Django holds
    one DATABASE_URL, so a process of its own starts that server): yields what asking
    it for the same pages takes (``ten_times_child``), or None when it is not loaded."""
    url = os.environ.get("BENCH10_DATABASE_URL")
    if not url:
        yield None
        return
    out = ROOT / "bench" / "x10.json"
    out.unlink(missing_ok=True)
    child = subprocess.Popen(  # noqa: S603 - this benchmark, run again as the child
        [sys.executable, __file__, "--ten-times", str(out)],
        env={**os.environ, "DATABASE_URL": url},
        stdin=subprocess.PIPE,
    )
    try:
        while not out.exists():
            if child.poll() is not None:
                raise SystemExit("the SCALE=10 benchmark server did not start")
            time.sleep(0.2)
        yield json.loads(out.read_text())
    finally:
        child.stdin.close()  # the child stops its server and ends
        child.wait(timeout=120)
        out.unlink(missing_ok=True)


def ten_times_child(out):
    setup_django()
    from django.db.utils import ProgrammingError

    from accounts.models import Company
    from svenn.management.commands.bench_data import BIG_FIRM

    try:
        loaded = Company.objects.filter(name=BIG_FIRM).exists()
    except ProgrammingError:  # not migrated: never loaded
        loaded = False
    if not loaded:
        Path(out).write_text("null")
        return
    t = targets()
    found = {
        "entries": entry_count(),
        "paths": {firm: {name: path for name, path, _who in pages(t[firm])} for firm in FIRMS},
        "sessions": {firm: {who: session_key_for(t[firm][who]) for who in ROLES} for firm in FIRMS},
    }
    with server(workers=2, port=PORT_X10):
        written = Path(f"{out}.part")
        written.write_text(json.dumps(found))
        written.rename(out)  # whole, or not there yet
        sys.stdin.read()  # until the parent has measured


def compare_scales(t, x10):
    """Each page of each firm at ten times the data against the same page at one, the
    two asked alternately, one request each way per sample: a machine that slows down
    meanwhile slows both, so the ratio measures the data, not the moment."""
    found = {}
    for firm in FIRMS:
        ones_by = {who: client_for(t[firm][who]) for who in ROLES}
        tens_by = {
            who: session_client(f"http://127.0.0.1:{PORT_X10}", key)
            for who, key in x10["sessions"][firm].items()
        }
        for name, path, who in pages(t[firm]):
            one, ten, path_x10 = ones_by[who], tens_by[who], x10["paths"][firm][name]
            print(f"  x1/x10 {firm:5} {name} ...", file=sys.stderr, flush=True)
            for _ in range(3):
                timed(one, path)
                timed(ten, path_x10)
            ones, tens = [], []
            for _ in range(SAMPLES):
                ms, queries_x1 = timed(one, path)
                ones.append(ms)
                ms, queries_x10 = timed(ten, path_x10)
                tens.append(ms)
            x1_ms, x10_ms = statistics.median(ones), statistics.median(tens)
            found[f"{firm} {name}"] = {
                "x1_ms": round(x1_ms, 1),
                "x10_ms": round(x10_ms, 1),
                "ratio": round(x10_ms / x1_ms, 2),
                "queries_x1": queries_x1,
                "queries_x10": queries_x10,
            }
    return found


def main():
    if sys.argv[1:2] == ["--ten-times"]:
        ten_times_child(sys.argv[2])
        return
    setup_django()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )
    t = targets()
    entries = entry_count()
    results = {"export": {}}
    with server(workers=2), ten_times() as x10:
        if x10:
            results["scales"] = {
                "entries_x1": entries,
                "entries_x10": x10["entries"],
                "pages": compare_scales(t, x10),
            }
        found = measure_pages(t)
        results["pages"], small_results = found["big"], found["small"]
        results["phone"] = phone_figures(t["big"])
        big_manager = client_for(t["big"]["manager"])
        results["page_weight_kb"] = page_weight(big_manager, "/customers/")
        staff = client_for(t["staff"])
        floor = measure(big_manager, FLOOR)
        admin_plain = measure(staff, "/admin/customers/customer/")
        admin_search = measure(staff, "/admin/customers/customer/?q=nord")
        rows, seconds = export_run(big_manager, export_path(t["big"], 31))
        results["export"]["month_rows"] = rows
        results["export"]["rows_per_s"] = round(rows / seconds)
    # Peak memory: a fresh single worker streams about 1,000,000 rows (2.5 years).
    with server(workers=1) as master:
        (worker,) = worker_pids(master)
        client = client_for(t["big"]["manager"])
        before = peak_rss_mb(worker)
        rows, seconds = export_run(client, export_path(t["big"], 912))  # ~1,000,000 rows
        results["export"].update(
            big_rows=rows,
            big_rows_per_s=round(rows / seconds),
            rss_before_mb=round(before, 1),
            peak_rss_mb=round(peak_rss_mb(worker), 1),
        )
    # In this process, not the server's: the PDF of a long basis is made by a worker.
    results["basis_pdf"] = basis_pdf(t["big"])
    results["baselines"] = {"floor": floor, "admin": admin_plain, "admin_search": admin_search}
    for name, figures in results["pages"].items():
        admin = admin_search if "search" in name else admin_plain
        # Against the floor asked between this page's own samples.
        figures["vs_floor"] = round(figures["median_ms"] / figures["floor_ms"], 2)
        figures["vs_admin"] = round(figures["median_ms"] / admin["median_ms"], 2)
        figures["big_vs_small"] = round(figures["median_ms"] / small_results[name]["median_ms"], 2)
        figures["small_median_ms"] = small_results[name]["median_ms"]
        figures["small_queries"] = small_results[name]["queries"]
    report(results)
    out = ROOT / "bench" / "last.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nFigures written to {out.relative_to(ROOT)}")


def report(results):
    head = (
        f"{'page':22} {'median':>8} {'p95':>8} {'req/s':>7} {'queries':>7} "
        f"{'/floor':>7} {'/admin':>7} {'big/small':>9} {'small q':>7}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for name, f in results["pages"].items():
        print(
            f"{name:22} {f['median_ms']:>6.1f}ms {f['p95_ms']:>6.1f}ms {f['rps']:>7.1f} "
            f"{f['queries']:>7} {f['vs_floor']:>7.2f} {f['vs_admin']:>7.2f} "
            f"{f['big_vs_small']:>9.2f} {f['small_queries']:>7}"
        )
    for name, f in results["baselines"].items():
        print(
            f"{'[' + name + ']':22} {f['median_ms']:>6.1f}ms {f['p95_ms']:>6.1f}ms "
            f"{f['rps']:>7.1f} {f['queries']:>7}"
        )
    e = results["export"]
    print(
        f"\nCSV export: one month {e['month_rows']} rows at {e['rows_per_s']} rows/s; "
        f"{e['big_rows']} rows at {e['big_rows_per_s']} rows/s with worker peak RSS "
        f"{e['peak_rss_mb']} MB (idle {e['rss_before_mb']} MB)"
    )
    print(f"First load of the customer list: {results['page_weight_kb']} KB compressed")
    ph = results["phone"]
    print(
        f"Mine timer at 400 ms, 400/150 kbit/s: first visit {ph['first_visit_s']} s "
        f"({ph['first_visit_kb']} KB), repeat {ph['repeat_visit_s']} s "
        f"({ph['repeat_visit_kb']} KB), "
        f"with the service worker {ph['repeat_with_worker_s']} s; an entry written offline "
        f"saved {ph['queued_entry_saved_s']} s after the connection returned"
    )
    p = results["basis_pdf"]
    print(
        f"Invoice basis PDF: {p['lines']} lines in {p['seconds']} s, {p['cpu_seconds']} s CPU "
        f"({p['kb']} KB; made by a "
        f"job above {p['direct_up_to_lines']} lines); the key customer's basis "
        f"({p['basis_lines']} lines) selected in {p['selector_s']} s"
    )
    pages = results["pages"]
    ratio = pages["invoice basis key"]["median_ms"] / pages["customer list"]["median_ms"]
    print(f"The key customer's basis page: {ratio:.2f}x the customer list's time")
    scales = results.get("scales")
    if not scales:
        print("\nTen times the data: not loaded (make bench-data SCALE=10)")
        return
    head = f"{'page, firm':30} {'x1':>8} {'x10':>8} {'x10/x1':>7} {'queries':>9}"
    print(
        f"\nTen times the data ({scales['entries_x1']:,} and {scales['entries_x10']:,} "
        f"entries; the same firms):\n{head}\n" + "-" * len(head)
    )
    for name, f in scales["pages"].items():
        queries = f"{f['queries_x1']}/{f['queries_x10']}"
        print(
            f"{name:30} {f['x1_ms']:>6.1f}ms {f['x10_ms']:>6.1f}ms {f['ratio']:>7.2f} {queries:>9}"
        )
    steep = [
        name
        for name, f in scales["pages"].items()
        if f["ratio"] > FLAT or f["queries_x1"] != f["queries_x10"]
    ]
    print(f"Not flat (over {FLAT}x, or other queries): {', '.join(steep) or 'none'}")


if __name__ == "__main__":
    main()
