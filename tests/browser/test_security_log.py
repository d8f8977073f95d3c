"""The security log in Chromium, at desktop width and on a 390 px phone."""

from playwright.sync_api import expect

from accounts import security_log
from accounts.models import User


def test_the_administrator_reads_the_log_without_sideways_scrolling(
    demo, page, login, live_server, axe, viewport
):
    page.set_viewport_size(viewport)
    employee = User.objects.get(email="ansatt@demo.no")
    security_log.record(
        security_log.Kind.SIGN_IN_FAILED,
        user=employee,
        detail={"email": "ansatt-med-en-svært-lang-adresse-uten-mellomrom@demo.no"},
    )
    login("admin@demo.no")
    page.goto(f"{live_server.url}/accounts/users/")
    page.get_by_role("link", name="Sikkerhetslogg").click()

    table = page.get_by_role("table", name="Hendelser")
    expect(table).to_be_visible()
    expect(table.get_by_text("Mislykket innlogging")).to_be_visible()
    expect(table.get_by_text("Logget inn")).to_be_visible()
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] == sizes[1], sizes
    axe(page)
