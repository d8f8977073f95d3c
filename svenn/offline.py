"""Svenn on a phone's home screen and without a connection: the web app manifest, the
service worker and the page it shows where nothing is kept (README, "Offline")."""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME = "#083d6e"  # the favicon's blue
ICONS = [
    ("icons/svenn-192.png", "192x192", "any"),
    ("icons/svenn-512.png", "512x512", "any"),
    ("icons/svenn-maskable-512.png", "512x512", "maskable"),
]
# What every page needs (base.html), kept by the service worker when it installs.
SHELL = [
    "css/svenn.css",
    "css/customers.css",
    "css/projects.css",
    "css/timesheets.css",
    "css/worktime.css",
    "django_htmx/htmx-2.min.js",
    "js/svenn.js",
    "js/combobox.js",
    "js/offline-queue.js",
    "js/offline.js",
    "favicon.svg",
    "icons/svenn-192.png",
]
WORKER = ["js/offline-queue.js", "js/service-worker.js"]


@cache
def _release():
    """A short hash of the shell's and the worker's files: a new release has a new
    worker, which empties the caches of the one before."""
    digest = hashlib.sha256()
    for name in sorted({*SHELL, *WORKER}):
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


@login_not_required
@require_GET
def manifest(request):
    """The web app manifest: "Legg til på Hjem-skjerm" gives Svenn's icon, which opens
    the user's first page full screen."""
    data = {
        "id": "/",
        "name": "Svenn",
        "short_name": "Svenn",
        "description": _("Customers, projects and hours for craft firms."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("start"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@login_not_required
@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, at the site's root so that its scope is the whole site: this
    release's files and addresses, then the worker's code from static/."""
    config = {
        "release": _release(),
        "shell": [static(path) for path in SHELL] + [reverse("offline")],
        "offline": reverse("offline"),
        "login": reverse("accounts:login"),
        "week": reverse("timesheets:week"),
        "static": settings.STATIC_URL,
    }
    body = (
        "// Svenn's service worker: the files of this release, then its code.\n"
        f"self.SVENN = {json.dumps(config)};\n"
        f"importScripts({', '.join(json.dumps(static(path)) for path in WORKER)});\n"
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_GET
def offline(request):
    """What the service worker shows for a page it has not kept, without a connection."""
    return render(request, "svenn/offline.html")
