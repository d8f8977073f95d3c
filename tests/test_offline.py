"""Installable and offline (svenn/offline.py): the manifest, the service worker, the
page it shows without a connection, the one-time tokens that make a write sent again
from the phone's queue save once, and logging out, which clears what the site keeps."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from accounts.permissions import Role
from timesheets.models import TimeEntry

from .factories import TimeEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(client):
    user = UserFactory(role=Role.EMPLOYEE)
    client.force_login(user)
    return user


def test_the_manifest_opens_svenn_full_screen_with_its_icons(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == reverse("start") and manifest["scope"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_the_service_worker_is_javascript_whose_scope_is_the_whole_site(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/static/js/service-worker.js"' in body
    assert '"offline": "/offline/"' in body


def test_every_page_names_the_manifest_and_the_home_screen_icon(client, employee):
    page = client.get(reverse("timesheets:week")).content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page
    assert '<meta name="theme-color"' in page
    assert "js/offline.js" in page and 'data-worker="/sw.js"' in page


def test_the_login_page_registers_no_service_worker(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert "js/offline.js" not in page


def test_the_offline_page_holds_nothing_of_the_user(client, employee):
    page = client.get(reverse("offline")).content.decode()

    assert "Uten nett" in page
    assert employee.name not in page and "csrf" not in page.lower()


def test_logging_out_tells_the_browser_to_clear_the_sites_caches_and_storage(client, employee):
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def edit_data(entry, token, **values):
    return {
        "form_token": token,
        "version": entry.version,
        "date": entry.date.isoformat(),
        "hours": "3",
        "description": "Ny tekst",
        "no_project": "on",
        **values,
    }


def test_a_change_sent_twice_with_its_form_token_saves_once(client, employee):
    entry = TimeEntryFactory(user=employee)
    url = reverse("timesheets:entry_update", args=[entry.pk])
    data = edit_data(entry, "6f1c7c1e-8d0a-4a57-9d43-3b0c7d1e2f3a")

    first = client.post(url, data, headers={"HX-Request": "true"})
    again = client.post(url, data, headers={"HX-Request": "true"})

    assert first.status_code == 200
    assert again.status_code == 204  # the first answer updated the page already
    entry.refresh_from_db()
    assert entry.description == "Ny tekst" and entry.version == 2


def test_a_delete_sent_twice_with_its_form_token_deletes_once(client, employee):
    entry = TimeEntryFactory(user=employee)
    url = reverse("timesheets:entry_delete", args=[entry.pk])
    data = {"form_token": "0b7a4a9e-2f61-4c8e-9d2a-5e6f7a8b9c0d"}

    first = client.post(url, data, headers={"HX-Request": "true"})
    again = client.post(url, data, headers={"HX-Request": "true"})

    assert first.status_code == 200 and again.status_code == 204
    assert TimeEntry.objects.get(pk=entry.pk).is_deleted


def test_a_refused_change_gives_its_token_back_for_the_corrected_form(client, employee):
    entry = TimeEntryFactory(user=employee)
    url = reverse("timesheets:entry_update", args=[entry.pk])
    token = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"

    refused = client.post(url, edit_data(entry, token, hours="25"), headers={"HX-Request": "true"})
    corrected = client.post(url, edit_data(entry, token), headers={"HX-Request": "true"})

    assert refused.status_code == 422 and corrected.status_code == 200
    entry.refresh_from_db()
    assert entry.hours == 3
