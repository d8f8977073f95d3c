from ..test_accounts_users import new_user_data
from . import METHODS, Route, admins, everyone

# A logged-in user who opens the login page is sent on to the start page, whatever
# the method.
SENT_ON = {"admin": 302, "moderator": 302, "employee": 302, "other_admin": 302}


def each(methods, name, expect, **options):
    """One route per method: Django's own class-based views (the "done" pages) answer
    HEAD like GET and OPTIONS with the methods they allow; ours allow GET and POST."""
    return [Route(name, expect, method=method, **options) for method in methods.split()]


ROUTES = [
    Route("home", everyone()),
    Route("start", everyone(), ok=302),
    # Svenn on the home screen and offline (svenn/offline.py): nothing of a user's in them.
    Route("manifest", everyone(), public=True),
    Route("service_worker", everyone(), public=True),
    Route("offline", everyone(), public=True),
    Route("accounts:login", SENT_ON, public=True),
    Route("accounts:login", SENT_ON, method="post", public=True, ok=422),
    Route("accounts:logout", everyone(), method="post", public=True, ok=302),
    Route("accounts:logout", everyone(), method="options", public=True),
    Route("accounts:profile", everyone()),
    Route("accounts:profile", everyone(), method="post", ok=422),
    Route("accounts:password_change", everyone()),
    Route("accounts:password_change", everyone(), method="post", ok=422),
    Route("accounts:password_reset", everyone(), public=True),
    Route("accounts:password_reset", everyone(), method="post", public=True, ok=422),
    *each("get head options", "accounts:password_reset_done", everyone(), public=True),
    # A link with a bad token shows "the link is not valid" whatever the method.
    *each(
        " ".join(METHODS),
        "accounts:password_reset_confirm",
        everyone(),
        args=lambda w: ["MQ", "bad-token"],
        public=True,
    ),
    *each("get head options", "accounts:password_reset_complete", everyone(), public=True),
    # Another firm's Administrator gets their own firm's page.
    Route("accounts:firm", admins()),
    Route("accounts:firm", admins(), method="post", ok=422),
    Route(
        "accounts:firm",
        admins(),
        method="post",
        data=lambda w: {"name": "Demo Bygg og Rør AS", "org_number": "988 077 917"},
        ok=302,
    ),
    Route(
        "accounts:firm_prices",
        admins(),
        method="post",
        data=lambda w: {"hourly_rate": "-1"},
        ok=422,
    ),
    Route(
        "accounts:firm_prices",
        admins(),
        method="post",
        data=lambda w: {"hourly_rate": "950"},
        ok=302,
    ),
    Route(
        "accounts:firm_timer",
        admins(),
        method="post",
        data=lambda w: {"timer_rounding": "20"},
        ok=422,
    ),
    Route(
        "accounts:firm_timer",
        admins(),
        method="post",
        data=lambda w: {"timer_rounding": "15"},
        ok=302,
    ),
    Route("accounts:users", admins()),
    Route("accounts:user_create", admins()),
    Route("accounts:user_create", admins(), method="post", ok=422),
    Route("accounts:user_create", admins(), method="post", data=lambda w: new_user_data(), ok=302),
    Route("accounts:user_update", admins(other=404), args=lambda w: [w.employee.pk]),
    Route(
        "accounts:user_update",
        admins(other=404),
        args=lambda w: [w.employee.pk],
        method="post",
        ok=422,
    ),
    Route(
        "accounts:user_set_active",
        admins(other=404),
        args=lambda w: [w.employee2.pk],
        method="post",
        ok=302,
    ),
    # Another firm's Administrator gets their own firm's log.
    Route("accounts:security_log", admins()),
    # Two-factor sign-in. The code step sends a signed-in user on, and an anonymous one
    # without a pending sign-in back to log in.
    Route("accounts:login_code", SENT_ON, public=True, ok=302),
    Route("accounts:login_code", SENT_ON, method="post", public=True, ok=302),
    Route("accounts:two_factor", everyone()),
    Route("accounts:two_factor_setup", everyone()),
    Route("accounts:two_factor_setup", everyone(), method="post", ok=422),
    Route("accounts:two_factor_codes", everyone(), method="post", ok=422),
    Route("accounts:two_factor_disable", everyone(), method="post", ok=422),
    Route("accounts:firm_two_factor", admins(), method="post", ok=302),
    # Nobody in the matrix uses it: the reset says so and goes back to the user's page.
    Route(
        "accounts:user_two_factor_reset",
        admins(other=404),
        args=lambda w: [w.employee2.pk],
        method="post",
        ok=302,
    ),
]
