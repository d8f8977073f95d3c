"""The whole site, fed hostile values: every URL (from the resolver, by way of the
role x URL matrix, which must list each one), as every role, an anonymous visitor and
another firm's Administrator.

Each GET parameter a view reads (recorded while the page is asked for) and each field
of each form the site renders (parsed from the pages, whatever URL they post to) gets
values a user, a bot or a broken client may send: boundary dates and weeks, numbers
at and past every bound, in scientific notation and with huge exponents, negative
zero, Unicode digits, over-long strings, NUL, invalid UTF-8 in the query string and
the body, a key repeated where one value is expected, and ids that are not ours. An
object URL is also asked for with ids of another firm and ids that exist nowhere.

Whatever is sent: no 5xx; a 4xx leaves every table as it was; and no answer to one of
our users changes a row of the other firm. Each request is rolled back afterwards,
so every one meets the same database.

`make test` sends a sample (a few values per field, picked by a fixed seed;
FUZZ_SEED=n picks others); `make fuzz` (HYPOTHESIS_PROFILE=fuzz) sends every value
to every field as every actor.
"""

import html.parser
import os
import random
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

from django.apps import apps
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import SecurityEvent, Session, Throttle

from .matrix import ACTORS, undone
from .test_matrix import ROUTES, views

FULL = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
SEED = int(os.environ.get("FUZZ_SEED", "2026"))

# Values -----------------------------------------------------------------------

DATES = [
    "0001-01-01",
    "9999-12-31",
    "01.01.0001",
    "31.12.9999",
    "1999-12-31",
    "2100-01-01",
    "2000-01-01",
    "2099-12-31",
    "2025-02-29",
    "29.02.2025",
    "2026-13-01",
    "2026-00-10",
    "31.02.26",
]
WEEKS = [
    "0001-W01",
    "9999-W52",
    "9999-W53",
    "2026-W00",
    "2026-W53",
    "2020-W53",
    "1999-W52",
    "2099-W53",
    "2100-W01",
    "٢٠٢٦-W١٠",
    "2026-w10",
]
NUMBERS = [
    "0",
    "-0",
    "-0,0",
    "24",
    "24,01",
    "23.999",
    "100000",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "1e2",
    "7.5e0",
    "1E+2",
    "1e309",
    "1e1000000",
    "-1e1000000",
    "1e-1000000",
    "9" * 400,
    "0." + "0" * 400 + "1",
    "NaN",
    "-Infinity",
    "٧٫٥",
    "٣",
    "７,５",
    "²",
    "0x10",
    "1_000",
]
TIMES = ["24:00", "23:59:60", "25:61", "-01:00", "7", "07:00:00.9999999"]
IDS = ["0", "-1", "999999999", "2147483648", "9223372036854775808", "1.0", "abc", "٣"]
TEXTS = [
    "x" * 100_000,
    "a\x00b",
    "\x00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202eevil",
    "😀" * 500,
    " ",
    "%00",
]
EVERY_FIELD = ["", "a\x00b", "x" * 5000, "٣", "1e1000000", "9999-12-31", "9999-W52"]

KINDS = {"date": DATES, "week": WEEKS, "number": NUMBERS, "time": TIMES, "id": IDS, "text": TEXTS}
# Field names whose kind their input does not say.
NAMED = {
    "week": "week",
    "date": "date",
    "date_from": "date",
    "date_to": "date",
    "page": "number",
    "version": "number",
    "number": "number",
    "hours": "number",
    "estimated_hours": "number",
    "break_minutes": "number",
    "user": "id",
    "entry": "id",
    "entries": "id",
    "customer": "id",
    "project": "id",
    "members": "id",
}
# Raw bytes that are not UTF-8, percent-encoded (as a browser sends them) and bare.
BAD_UTF8 = ["%FF%FE%FD", "%C0%AF", "%ED%A0%80", "\xff\xfe"]


def kind_of(name, default="text"):
    """The kind of a field its input does not say: by its name ("contacts-0-id": id)."""
    if name.endswith(("-id", "_id")):
        return "id"
    if name.endswith("_FORMS"):  # a formset's counts
        return "number"
    return NAMED.get(name, default)


def values_for(kind):
    return KINDS.get(kind, TEXTS) + EVERY_FIELD


# The site's forms, as a browser sees them -------------------------------------


@dataclass
class Form:
    view: str  # the URL name it sends to
    method: str
    fields: dict = field(default_factory=dict)  # name -> kind
    defaults: dict = field(default_factory=dict)  # what the browser sends untouched


def _view_name(path, default):
    if not path:
        return default
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


class FormParser(html.parser.HTMLParser):
    """The forms of a page: where each goes, its fields, their kind and defaults."""

    def __init__(self, view):
        super().__init__()
        self.view, self.forms, self.current, self.select = view, [], None, None
        self.links = []  # (URL name, query keys, URL) of each link with a query

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href") or attrs.get("hx-get") or ""
        if tag == "a" and "?" in href and (target := _view_name(href, None)):
            self.links.append((target, set(parse_qs(urlsplit(href).query)), href))
        if tag == "form":
            target = _view_name(attrs.get("action"), self.view)
            self.current = Form(target, (attrs.get("method") or "get").lower())
            if target:
                self.forms.append(self.current)
        elif self.current is None or not attrs.get("name"):
            return
        elif tag in ("input", "textarea", "select", "button"):
            name, kind = attrs["name"], attrs.get("type", "text")
            if attrs.get("formaction"):  # a button that sends its form elsewhere
                target = _view_name(attrs["formaction"], None)
                if target:
                    self.forms.append(Form(target, self.current.method, dict(self.current.fields)))
                return
            guess = kind_of(name, None)
            if kind in ("date", "time", "number"):
                guess = guess or kind
            if attrs.get("inputmode") in ("decimal", "numeric"):
                guess = "number"
            if tag == "select" or kind in ("checkbox", "radio"):
                guess = guess or "id"
            self.current.fields[name] = guess or "text"
            sends = tag == "textarea" or (
                tag == "input"
                and (kind not in ("checkbox", "radio", "submit") or "checked" in attrs)
            )
            if sends and name not in self.current.defaults:
                self.current.defaults[name] = attrs.get("value", "")
            if tag == "select":
                self.select = name
        elif tag == "option" and self.select:
            defaults = self.current.defaults
            if "selected" in attrs or self.select not in defaults:
                defaults[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


@contextmanager
def recorded_reads():
    """The keys a view asks of request.GET and request.POST while it runs."""
    keys = set()
    with ExitStack() as stack:
        for name in ("get", "__getitem__", "getlist", "__contains__"):
            original = getattr(QueryDict, name)

            def recording(self, key, *args, _original=original, **kwargs):
                keys.add(key)
                return _original(self, key, *args, **kwargs)

            stack.enter_context(mock.patch.object(QueryDict, name, recording))
        yield keys


@dataclass
class Target:
    """One URL and method to fuzz, with what it reads and a request that passes."""

    view: str
    method: str
    url: str
    args: list
    fields: dict
    baseline: dict
    route: object


def discover(world, clients):
    """Every (URL, method) of the matrix, with the fields its view reads (asked as the
    matrix asks, and by each link to it on the site's pages) and those of the forms the
    pages send to it; and a baseline: what the form sends untouched, updated with the
    matrix's own request (one that passes)."""
    site = {name for name, _ in views()}
    targets, forms, links = {}, [], {}

    def visit(client, name, method, url, data):
        with undone(), recorded_reads() as keys:
            response = getattr(client, method)(url, data)
        if method == "get" and "html" in response.get("Content-Type", ""):
            parser = FormParser(name)
            parser.feed(response.content.decode())
            forms.extend(parser.forms)
            for link in parser.links:
                links.setdefault((link[0], tuple(sorted(link[1]))), link[2])
        return keys

    for route in ROUTES:
        if route.name not in site or route.method not in ("get", "post"):
            continue
        data = route.data(world) if route.data else {}
        client = clients["anonymous" if route.public else "admin"]
        keys = visit(client, route.name, route.method, route.url(world), data)
        args = route.args(world) if route.args else []
        url = route.url(world).split("?")[0]
        target = targets.setdefault(
            (route.name, route.method), Target(route.name, route.method, url, args, {}, {}, route)
        )
        for name in keys | set(data):
            target.fields.setdefault(name, kind_of(name))
        if len(data) >= len(target.baseline):
            target.baseline, target.route = {**target.baseline, **data}, route
    for (name, keys), url in list(links.items()):
        target = targets.get((name, "get"))
        if target is not None:
            for key in set(keys) | visit(clients["admin"], name, "get", url, {}):
                target.fields.setdefault(key, kind_of(key))
    for form in forms:
        target = targets.get((form.view, form.method))
        if target is not None:
            target.fields.update(form.fields)
            target.baseline = {**form.defaults, **target.baseline}
    for target in targets.values():
        target.fields.pop("csrfmiddlewaretoken", None)
        target.baseline.pop("csrfmiddlewaretoken", None)
    return list(targets.values())


# What must hold ----------------------------------------------------------------


# Written by a refused request by design: the request's own state (its session: the
# messages, a two-factor set-up in progress), the counts of the reset limits, and the
# security log's record of a refused sign-in.
BOOKKEEPING = {Session, Throttle, SecurityEvent}


def firm_tables():
    """(table, has company_id) of every app's model but the bookkeeping ones."""
    tables = {}
    for label in ("core", "accounts", "customers", "projects", "timesheets"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model in BOOKKEEPING:
                continue
            columns = {f.column for f in model._meta.concrete_fields}
            tables[model._meta.db_table] = "company_id" in columns
    return sorted(tables.items())


# A digest of a table's rows (those matching a condition), in one aggregate.
DIGEST = "md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)){}, ''))"


def snapshot(tables, other_company):
    """Per table: a digest of all its rows, and one of the other firm's."""
    parts, params = [], []
    for table, owned in tables:
        if owned or table == "accounts_company":
            theirs = "t.company_id = %s" if owned else "t.id = %s"
            params.append(other_company.pk)
        else:
            theirs = "false"
        everything, filtered = DIGEST.format(""), DIGEST.format(f" FILTER (WHERE {theirs})")
        parts.append(f"SELECT '{table}', {everything}, {filtered} FROM \"{table}\" t")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    everything = {table: digest for table, digest, _ in rows}
    return everything, {table: digest for table, _, digest in rows}


@dataclass
class Checker:
    world: object
    tables: list
    before: tuple
    problems: dict = field(default_factory=dict)
    sent: int = 0

    def send(self, actor, client, target, what, request):
        """Send ``request(client)`` and note what went wrong, once per kind of fault."""
        self.sent += 1
        cookies = SimpleCookie(client.cookies)  # a logout or a new session is undone too
        with undone():
            try:
                response = request(client)
            except Exception as error:  # the test client re-raises the view's exception
                self.note(actor, target, what, f"{type(error).__name__}: {error}"[:200])
                return
            status = response.status_code
            if status >= 500:
                self.note(actor, target, what, f"{status}")
                return
            everything, theirs = snapshot(self.tables, self.world.other_company)
            if status >= 400:
                changed = [t for t in everything if everything[t] != self.before[0][t]]
                if changed:
                    self.note(actor, target, what, f"{status} but changed {changed}")
            if actor != "other_admin":
                changed = [t for t in theirs if theirs[t] != self.before[1][t]]
                if changed:
                    self.note(actor, target, what, f"{status}, changed the other firm's {changed}")
        client.cookies = cookies

    def note(self, actor, target, what, fault):
        key = (target.view, target.method, what[0], fault.split(":")[0])
        self.problems.setdefault(
            key, f"{actor} {target.method.upper()} {target.view} {what}: {fault}"
        )


def body(pairs):
    return urlencode(pairs, doseq=True)


FORM = "application/x-www-form-urlencoded"


def cases_for(target, world):
    """Every (what, request) for ``target``, grouped by what they vary: each field with
    each of its values, the key repeated, invalid UTF-8; and the URL with ids that are
    not ours."""
    url, base = target.url, target.baseline

    def send(data=None, raw=None, path=None):
        path = path or url
        if target.method == "get":
            if raw is not None:
                return lambda c: c.get(path, QUERY_STRING=raw)
            return lambda c: c.get(path, data)
        payload = raw.encode("latin-1") if raw is not None else body(data)
        return lambda c: c.post(path, payload, content_type=FORM)

    groups = {}
    for name, kind in sorted(target.fields.items()):
        values = values_for(kind)
        cases = [((name, repr(value)[:40]), send({**base, name: value})) for value in values]
        for value in values[:3]:
            repeated = [base.get(name) or "1", value]
            cases.append(((name, f"repeated {value!r}"[:40]), send({**base, name: repeated})))
        rest = body({k: v for k, v in base.items() if k != name})
        for raw in BAD_UTF8:
            query = f"{rest}&{name}={raw}".lstrip("&")
            cases.append(((name, f"bytes {raw!r}"), send(raw=query)))
        groups[name] = cases
    if target.args and unknown_ids(world, target):
        groups["<id>"] = [
            (("<id>", arg), send(base, path=url.replace(f"/{target.args[0]}/", f"/{arg}/", 1)))
            for arg in unknown_ids(world, target)
        ]
    return groups


def unknown_ids(world, target):
    """Ids for an object URL that are not of our firm: the other firm's object of the
    same kind, and ids nobody has."""
    if not isinstance(target.args[0], int):
        return []
    theirs = {
        "customers": world.other_customer,
        "projects": world.other_project,
        "timesheets": world.other_entry,
        "accounts": world.other_admin,
    }.get(target.view.split(":")[0])
    # Working time's ids name users, absences and days off, and the world has no invoice
    # basis: another firm's of each is tests/test_attacks_ids.py's.
    ours_elsewhere = [str(theirs.pk)] if theirs is not None else []
    return [*ours_elsewhere, "999999999", "9223372036854775807", "0"]


def allowed(route):
    """The actors who get past the route's login and role checks."""
    return [actor for actor in ACTORS if route.status_for(actor) == route.ok] or ACTORS


def plan(targets, world, rng):
    """(actor, target, what, request) to send. ``make fuzz``: every case as every actor.
    The sample: one case of each field of each URL, as one of the actors it is for."""
    for target in targets:
        for cases in cases_for(target, world).values():
            if FULL:
                for actor in ACTORS:
                    for what, request in cases:
                        yield actor, target, what, request
            else:
                what, request = rng.choice(cases)
                yield rng.choice(allowed(target.route)), target, what, request


def test_the_whole_site_takes_hostile_values_as_every_role_without_a_5xx_or_a_stray_write(
    world,
):
    clients = {}
    for actor in ACTORS:
        clients[actor] = Client()
        if world.user(actor) is not None:
            clients[actor].force_login(world.user(actor))
    targets = discover(world, clients)
    tables = firm_tables()
    checker = Checker(world, tables, snapshot(tables, world.other_company))
    for actor, target, what, request in plan(targets, world, random.Random(SEED)):
        checker.send(actor, clients[actor], target, what, request)
    problems = sorted(checker.problems.values())
    assert not problems, f"{len(problems)} faults in {checker.sent} requests:\n" + "\n".join(
        problems[:40]
    )
