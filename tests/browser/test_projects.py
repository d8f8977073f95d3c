import re

from playwright.sync_api import expect

from projects.models import Project

from .conftest import log_out


def switch_user(page, login, email):
    log_out(page)
    return login(email)


def test_moderator_limits_a_new_project_to_one_employee(demo, page, login, live_server, viewport):
    page.set_viewport_size(viewport)
    login("moderator@demo.no")
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="Opprett prosjekt").click()

    page.get_by_label("Prosjektnavn").fill("Garasje hos Moen")
    customer = page.get_by_role("combobox", name="Kunde", exact=True)
    customer.fill("nordlys")
    match = page.get_by_role("option", name=re.compile("Nordlys Eiendom AS"))
    expect(match).to_have_count(1)
    match.click()
    page.get_by_label("Startdato").fill("2026-12-01")
    page.get_by_label("Sluttdato").fill("2027-01-15")
    page.get_by_label("Estimerte timer").fill("42,5")
    page.get_by_role("button", name="Lagre").click()

    expect(page.get_by_role("heading", name="Garasje hos Moen")).to_be_visible()
    expect(page.get_by_text("Nordlys Eiendom AS")).to_be_visible()
    page.get_by_label("Valgte ansatte").check()
    page.get_by_label("Per Hansen").check()
    page.locator("#project-access").get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Tilgangen er lagret.")).to_be_visible()

    project = Project.objects.get(name="Garasje hos Moen")
    assert [user.email for user in project.members.all()] == ["ansatt@demo.no"]
    assert str(project.estimated_hours) == "42.50"

    switch_user(page, login, "ansatt@demo.no")
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="Garasje hos Moen").click()
    expect(page.get_by_role("heading", name="Garasje hos Moen")).to_be_visible()
    expect(page.get_by_text("Ansattes tilgang")).to_have_count(0)

    switch_user(page, login, "ansatt2@demo.no")
    page.goto(f"{live_server.url}/projects/")
    expect(page.get_by_role("link", name="Garasje hos Moen")).to_have_count(0)
    response = page.goto(f"{live_server.url}/projects/{project.pk}/")
    assert response.status == 404


def test_search_and_tabs_swap_the_list_and_push_the_url(demo, page, login, live_server):
    login("admin@demo.no")
    page.goto(f"{live_server.url}/projects/")

    page.get_by_role("searchbox").fill("takutskifting")
    expect(page).to_have_url(re.compile(r"q=takutskifting"))
    expect(page.get_by_text("Ingen prosjekter passer")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Ferdig")).click()
    expect(page).to_have_url(re.compile(r"status=done"))
    expect(page.get_by_role("link", name="Takutskifting")).to_be_visible()


def test_project_list_and_card_have_no_accessibility_violations(
    demo, page, login, live_server, axe, viewport
):
    page.set_viewport_size(viewport)
    project = Project.objects.get(company__name="Demo Bygg AS", name="Serviceavtale ventilasjon")
    for email in ["admin@demo.no", "ansatt@demo.no"]:
        switch_user(page, login, email)
        page.goto(f"{live_server.url}/projects/")
        axe(page)
        page.goto(f"{live_server.url}/projects/{project.pk}/")
        axe(page)
    switch_user(page, login, "admin@demo.no")
    page.goto(f"{live_server.url}/projects/new/")
    axe(page)
