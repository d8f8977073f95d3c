"""Simulated Svenn users for `make loadtest` (loadtest/run.py starts locust with this).

Employees log and edit hours, moderators create and edit customers and projects,
admins approve hours, all through the real forms: each write GETs its form, takes
the CSRF token, one-time form token and version from it and posts it back. Every
request and every write is logged as a JSON line for run.py to account for.
"""

import http.cookiejar
import itertools
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadtest.accounting import (  # noqa: E402
    EDIT_PREFIX,
    acknowledged,
    clean_503,
    new_marker,
    parse_form,
)

CONFIG = json.loads(Path(os.environ["LOADTEST_CONFIG"]).read_text())
HOSTS = CONFIG["hosts"]
OUT = Path(CONFIG["out"])
REQUESTS_LOG = (OUT / "requests.jsonl").open("a", buffering=1)
WRITES_LOG = (OUT / "writes.jsonl").open("a", buffering=1)
COUNTERS = {role: itertools.count() for role in CONFIG["users"]}
# Share of new entries sent twice at once, as from a double tap on "Lagre".
DOUBLE_SUBMIT_SHARE = 0.1


class SecureCookiesOverHttp(http.cookiejar.DefaultCookiePolicy):
    """The app runs as behind a TLS proxy (X-Forwarded-Proto: https), so its cookies are
    Secure; the load reaches it over plain http and must send them all the same.

    requests copies the session's cookies into a jar with the default policy for every
    request, so the cookies are kept without their Secure flag as they come in."""

    def set_ok(self, cookie, request):
        cookie.secure = False
        return True

    def return_ok_secure(self, cookie, request):
        return True


def origin(url):
    parts = urlsplit(url)
    return f"https://{parts.netloc}"


@events.request.add_listener
def log_request(request_type, name, response_time, response=None, start_time=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    t0 = start_time or time.time() - response_time / 1000
    record = {
        "t0": t0,
        "t1": t0 + response_time / 1000,
        "method": request_type,
        "name": name,
        "status": status,
        "server": server_of(kwargs.get("url") or ""),
    }
    if status >= 500:
        record["clean"] = clean_503(response.text or "")
    REQUESTS_LOG.write(json.dumps(record) + "\n")


def server_of(url):
    base = f"http://{urlsplit(url).netloc}"
    return HOSTS.index(base) if base in HOSTS else -1


def log_write(**record):
    WRITES_LOG.write(json.dumps(record) + "\n")


class SvennUser(HttpUser):
    abstract = True
    wait_time = between(*CONFIG["think"])
    role = ""

    def on_start(self):
        index = next(COUNTERS[self.role])
        self.email = CONFIG["users"][self.role][index % len(CONFIG["users"][self.role])]
        # Half the users of each role on each server, as behind a load balancer.
        self.server = index % len(HOSTS)
        self.client.base_url = HOSTS[self.server]
        self.client.cookies.set_policy(SecureCookiesOverHttp())
        self.client.headers.update(
            {"X-Forwarded-Proto": "https", "Origin": origin(HOSTS[self.server])}
        )
        # Users start spread over one wait, as they do at work, not all in one second.
        gevent.sleep(random.uniform(0, CONFIG["think"][1]))
        session = CONFIG["sessions"].get(self.email)
        if session:
            self.client.cookies.set("sessionid", session)
        else:
            self.login()

    def login(self):
        for _attempt in range(20):
            form = self.form("/accounts/login/", "/accounts/login/", "login form")
            if form is not None:
                form.set("username", self.email)
                form.set("password", CONFIG["password"])
                if self.post("/accounts/login/", form, "login").status_code == 302:
                    return
            gevent.sleep(1)
        raise StopUser

    def get(self, path, name):
        return self.client.get(path, name=name, allow_redirects=False)

    def form(self, path, action, name):
        """The form posting to ``action`` on the page at ``path``, or None."""
        response = self.get(path, name)
        if response.status_code != 200:
            return None
        return parse_form(response.text, action)

    def post(self, path, form, name, server=None):
        url = HOSTS[self.server if server is None else server] + path
        return self.client.post(
            url,
            data=form.fields,
            name=name,
            allow_redirects=False,
            headers={"Origin": origin(url)},
        )

    def write(self, path, form, name, **record):
        """POST a write and log it with its outcome."""
        t0 = time.time()
        response = self.post(path, form, name)
        status = response.status_code or 0
        log_write(
            t0=t0,
            t1=time.time(),
            status=status,
            ack=acknowledged(status, response.headers),
            **record,
        )
        return response


def edited(text, marker):
    """``text`` with its edit marker replaced: the create marker stays for counting."""
    return re.sub(rf"\s*{EDIT_PREFIX}[0-9a-f]{{12}}", "", text).strip() + f" {marker}"


ENTRY_ROW = re.compile(r'<li class="entry" id="entry-(\d+)">(.*?)</li>', re.S)


class Employee(SvennUser):
    role = "employee"
    fixed_count = CONFIG["counts"]["employee"]

    @task(5)
    def log_hours(self):
        form = self.form("/timesheets/new/", "/timesheets/new/", "entry form")
        if form is None:
            return
        marker = new_marker()
        form.set("hours", random.choice(["7,5", "8", "4", "2,25", "1"]))
        form.set("description", f"Last {marker}")
        projects = [value for value in form.options["project"] if value]
        if projects and random.random() < 0.5:
            form.set("project", random.choice(projects))
        if random.random() < DOUBLE_SUBMIT_SHARE:
            self.double_submit(form, marker)
        else:
            self.write(
                "/timesheets/new/", form, "entry create", op="create", kind="entry", marker=marker
            )

    def double_submit(self, form, marker):
        """The same form (same one-time token) twice at once, once to each server."""

        def send(server):
            t0 = time.time()
            response = self.post("/timesheets/new/", form, "entry create twice", server=server)
            status = response.status_code or 0
            log_write(
                op="double",
                kind="entry",
                marker=marker,
                t0=t0,
                t1=time.time(),
                status=status,
                ack=acknowledged(status, response.headers),
            )

        gevent.joinall([gevent.spawn(send, server) for server in range(len(HOSTS))])

    @task(3)
    def edit_hours(self):
        response = self.get("/timesheets/", "week")
        mine = [
            (pk, found.group(0))
            for pk, row in ENTRY_ROW.findall(response.text if response.status_code == 200 else "")
            if "/edit/" in row and (found := re.search(r"LT[0-9a-f]{12}", row))
        ]
        if not mine:
            return
        pk, marker = random.choice(mine)
        path = f"/timesheets/{pk}/edit/"
        form = self.form(path, path, "entry edit form")
        if form is None:  # approved meanwhile (403)
            return
        edit = new_marker(EDIT_PREFIX)
        form.set("description", edited(form.get("description", ""), edit))
        form.set("hours", random.choice(["6", "7,5", "3,5"]))
        self.write(path, form, "entry edit", op="edit", kind="entry", marker=marker, edit=edit)

    @task(2)
    def browse(self):
        self.get("/projects/", "project list")
        self.get("/timesheets/?week=" + time.strftime("%G-W%V"), "week")


class Moderator(SvennUser):
    role = "moderator"
    fixed_count = CONFIG["counts"]["moderator"]

    def on_start(self):
        super().on_start()
        self.customers, self.projects = {}, {}  # pk -> create marker

    def create(self, kind, path, name_prefix, store):
        # Two users may take the same suggested number: the loser gets 422 and tries
        # again with the next one.
        for _attempt in range(3):
            form = self.form(path, path, f"{kind} form")
            if form is None:
                return
            marker = new_marker()
            form.set("name", f"{name_prefix} {marker}")
            if kind == "project" and random.random() < 0.5:
                customers = [value for value in form.options["customer"] if value]
                if customers:
                    form.set("customer", random.choice(customers))
            response = self.write(
                path, form, f"{kind} create", op="create", kind=kind, marker=marker
            )
            found = re.search(r"/(\d+)/$", response.headers.get("Location", ""))
            if response.status_code == 302 and found:
                store[found.group(1)] = marker
                return
            if response.status_code != 422:
                return

    @task(3)
    def create_customer(self):
        self.create("customer", "/customers/new/", "Kunde", self.customers)

    @task(2)
    def create_project(self):
        self.create("project", "/projects/new/", "Prosjekt", self.projects)

    @task(2)
    def edit_customer(self):
        if self.customers:
            pk, marker = random.choice(list(self.customers.items()))
            self.edit("customer", f"/customers/{pk}/", f"/customers/{pk}/", marker)

    @task(1)
    def edit_project(self):
        if self.projects:
            pk, marker = random.choice(list(self.projects.items()))
            self.edit("project", f"/projects/{pk}/edit/", f"/projects/{pk}/edit/", marker)

    def edit(self, kind, path, action, marker):
        form = self.form(path, action, f"{kind} edit form")
        if form is None:
            return
        edit = new_marker(EDIT_PREFIX)
        form.set("name", edited(form.get("name", ""), edit))
        self.write(action, form, f"{kind} edit", op="edit", kind=kind, marker=marker, edit=edit)

    @task(1)
    def edit_shared_customer(self):
        """Everybody edits the same few demo customers: the loser of a race gets 409."""
        response = self.get("/customers/", "customer list")
        pks = re.findall(r'href="/customers/(\d+)/"', response.text)[:3]
        if response.status_code != 200 or not pks:
            return
        path = f"/customers/{random.choice(pks)}/"
        form = self.form(path, path, "customer edit form")
        if form is not None:
            form.set("note", f"Ringt {time.strftime('%H:%M:%S')}")
            self.post(path, form, "shared customer edit")

    @task(2)
    def browse(self):
        self.get("/customers/", "customer list")
        self.get("/customers/?q=as", "customer search")
        self.get("/projects/", "project list")


class Admin(SvennUser):
    role = "admin"
    fixed_count = CONFIG["counts"]["admin"]

    @task(3)
    def approve(self):
        path = "/timesheets/overview/?status=open"
        response = self.get(path, "overview open")
        if response.status_code != 200:
            return
        form = parse_form(response.text, "/timesheets/approve/")
        ids = re.findall(r'name="entries" value="(\d+)"', response.text)
        if form is None or not ids:
            return
        chosen = random.sample(ids, min(len(ids), random.randint(1, 5)))
        if len(chosen) == 1:
            form.set("entry", chosen[0])
        else:
            form.fields += [("entries", pk) for pk in chosen]
        self.write(
            "/timesheets/approve/",
            form,
            "approve",
            op="approve",
            kind="entry",
            entries=[int(pk) for pk in chosen],
        )

    @task(2)
    def browse(self):
        self.get("/timesheets/overview/", "overview")
        self.get("/customers/", "customer list")
        self.get("/timesheets/export.csv", "export csv")
