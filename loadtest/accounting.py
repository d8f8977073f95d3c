"""The load test's bookkeeping, free of servers and databases (so it is unit-tested).

Every write the simulated users send carries a unique marker: ``LT`` + 12 hex digits
in the name or description of what it creates, ``LE`` + 12 hex digits for an edit.
After the run the database is searched for the markers and compared with what the
server acknowledged: every acknowledged create exactly once, nothing else, every
acknowledged edit still there. Only requests that overlap the planned database
outage may end either way (their answer never arrived or was a 503).
"""

import math
import re
import secrets
from collections import defaultdict
from html.parser import HTMLParser

CREATE_PREFIX, EDIT_PREFIX = "LT", "LE"
CREATE_MARKER = re.compile(rf"{CREATE_PREFIX}[0-9a-f]{{12}}")
EDIT_MARKER = re.compile(rf"{EDIT_PREFIX}[0-9a-f]{{12}}")
# Headers with which a view answers a successful htmx write (django-htmx helpers).
HTMX_SUCCESS_HEADERS = ("HX-Redirect", "HX-Location", "HX-Retarget", "HX-Trigger")


def clean_503(text):
    """Whether a 503 is the app's own "try again" page (templates/errors/503.html)."""
    return "Prøv igjen om litt" in text and "Traceback" not in text


def new_marker(prefix=CREATE_PREFIX):
    return prefix + secrets.token_hex(6)


def acknowledged(status, headers=None):
    """Whether a write's response tells the user it was saved: a redirect after a plain
    form, or a 200/204 that tells htmx what to do next."""
    if status in (301, 302, 303):
        return True
    if status in (200, 204) and headers:
        names = {name.lower() for name in headers}
        return any(header.lower() in names for header in HTMX_SUCCESS_HEADERS)
    return False


def overlaps(t0, t1, window):
    """Whether the request from t0 to t1 overlaps the outage window (or None)."""
    return window is not None and t0 <= window[1] and t1 >= window[0]


def percentile(values, share):
    """The nearest-rank percentile (share 0.95 for p95) of a list of numbers."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Form:
    """The fields a browser would send for one form, and the choices of its selects."""

    def __init__(self):
        self.fields = []  # (name, value) in document order; a name may repeat
        self.options = defaultdict(list)  # select name -> option values

    def get(self, name, default=None):
        return next((value for key, value in self.fields if key == name), default)

    def set(self, name, value):
        """Replace every value of ``name`` by ``value`` (or add it)."""
        self.fields = [(key, v) for key, v in self.fields if key != name] + [(name, value)]


class _FormParser(HTMLParser):
    SKIP_TYPES = {"submit", "button", "image", "file", "reset"}

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action, self.form = action, None
        self._inside = self._done = False
        self._select = self._textarea = None
        self._selected = self._first = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and attrs.get("action") == self.action:
            self._inside, self.form = True, Form()
        if not self._inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            checked = "checked" in attrs
            if kind not in self.SKIP_TYPES and (kind not in ("checkbox", "radio") or checked):
                self.form.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._selected, self._first = name, None, None
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            self.form.options[self._select].append(value)
            if self._first is None:
                self._first = value
            if "selected" in attrs:
                self._selected = value

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self._inside:
            return
        if tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.form.fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = self._selected if self._selected is not None else self._first
            if chosen is not None:
                self.form.fields.append((self._select, chosen))
            self._select = None
        elif tag == "form":
            self._inside, self._done = False, True


def parse_form(html, action):
    """The first form in ``html`` posting to ``action``, or None."""
    parser = _FormParser(action)
    parser.feed(html)
    parser.close()
    return parser.form


def markers(text):
    """(create marker, last edit marker) found in a name or description."""
    create = CREATE_MARKER.search(text or "")
    edits = EDIT_MARKER.findall(text or "")
    return (create.group(0) if create else None, edits[-1] if edits else None)


FIGURES = [
    "creates_acknowledged",
    "rows_found",
    "creates_lost",
    "creates_doubled",
    "rows_unknown",
    "unacknowledged_saved",
    "unacknowledged_saved_in_outage",
    "double_submits",
    "double_submits_both_acknowledged",
    "edits_acknowledged",
    "edits_lost",
    "approvals_acknowledged",
    "approvals_lost",
]
# Figures that must be zero for the run to pass.
MUST_BE_ZERO = [
    "creates_lost",
    "creates_doubled",
    "rows_unknown",
    "unacknowledged_saved",
    "edits_lost",
    "approvals_lost",
]


def account(writes, found, approved_ids, window):
    """Compare the writes the users sent with what the database holds.

    ``writes``: dicts with ``op`` (create, double, edit, approve), ``kind``, ``marker``
    (the created object's; for edits ``edit`` is the edit's), ``t0``, ``t1``, ``ack``
    and for approvals ``entries``. ``found``: kind -> texts (names, descriptions)
    holding markers. ``approved_ids``: ids of approved entries. ``window``: the
    outage as (start, end), or None.
    """
    rows = defaultdict(int)  # (kind, create marker) -> rows holding it
    final_edit = {}
    for kind, texts in found.items():
        for text in texts:
            create, edit = markers(text)
            if create:
                rows[kind, create] += 1
                final_edit[kind, create] = edit
    figures = dict.fromkeys(FIGURES, 0)
    attempts = defaultdict(list)
    edits = defaultdict(list)
    for write in writes:
        if write["op"] in ("create", "double"):
            attempts[write["kind"], write["marker"]].append(write)
        elif write["op"] == "edit":
            edits[write["kind"], write["marker"]].append(write)
    for key, tries in attempts.items():
        count = rows.get(key, 0)
        acked = any(w["ack"] for w in tries)
        in_outage = any(overlaps(w["t0"], w["t1"], window) for w in tries)
        if tries[0]["op"] == "double":
            figures["double_submits"] += 1
            figures["double_submits_both_acknowledged"] += all(w["ack"] for w in tries)
        if acked:
            figures["creates_acknowledged"] += 1
            figures["creates_lost"] += count == 0
        elif count and in_outage:
            figures["unacknowledged_saved_in_outage"] += 1
        elif count:
            figures["unacknowledged_saved"] += 1
        figures["creates_doubled"] += count > 1
    figures["rows_found"] = sum(rows.values())
    figures["rows_unknown"] = sum(n for key, n in rows.items() if key not in attempts)
    for key, tries in edits.items():
        tries.sort(key=lambda w: w["t0"])
        acked = [i for i, w in enumerate(tries) if w["ack"]]
        figures["edits_acknowledged"] += len(acked)
        last = acked[-1] if acked else -1
        allowed = {tries[last]["edit"]} if acked else {None}
        allowed |= {w["edit"] for w in tries[last + 1 :] if overlaps(w["t0"], w["t1"], window)}
        figures["edits_lost"] += rows.get(key, 0) > 0 and final_edit.get(key) not in allowed
    approved = set(approved_ids)
    for write in writes:
        if write["op"] == "approve" and write["ack"]:
            figures["approvals_acknowledged"] += 1
            figures["approvals_lost"] += len(set(write["entries"]) - approved)
    return figures
