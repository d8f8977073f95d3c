import pytest

from .conftest import DESKTOP, PHONE


@pytest.mark.parametrize(
    ("email", "sees_customers", "sees_employees"),
    [
        ("admin@demo.no", True, True),
        ("moderator@demo.no", True, False),
        ("ansatt@demo.no", False, False),
        ("ansatt2@demo.no", False, False),
        ("admin@annen.no", True, True),
    ],
)
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_demo_user_logs_in_and_sees_their_menu(
    demo, page, login, email, sees_customers, sees_employees, size
):
    page.set_viewport_size(size)
    login(email)
    menu_toggle = page.get_by_role("button", name="Meny")
    if size is PHONE:
        # On a phone the menu hides behind a button.
        assert menu_toggle.is_visible()
        menu_toggle.click()
    else:
        assert not menu_toggle.is_visible()
    nav = page.get_by_role("navigation", name="Hovedmeny")
    assert nav.get_by_role("link", name="Prosjekter").is_visible()
    assert nav.get_by_role("link", name="Timer").is_visible()
    assert nav.get_by_role("link", name="Kunder").is_visible() == sees_customers
    assert nav.get_by_role("link", name="Ansatte").is_visible() == sees_employees
    assert nav.get_by_role("button", name="Logg ut").is_visible()


def test_login_page_and_start_page_have_no_accessibility_violations(
    demo, page, login, live_server, axe
):
    page.goto(f"{live_server.url}/accounts/login/")
    axe(page)
    login("admin@demo.no")
    axe(page)
