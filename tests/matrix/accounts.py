from . import Route, admins, everyone

ROUTES = [
    Route("home", everyone()),
    Route(
        "accounts:login",
        {"admin": 302, "moderator": 302, "employee": 302, "other_admin": 302},
        public=True,
    ),
    Route("accounts:logout", everyone(), method="post"),
    Route("accounts:profile", everyone()),
    Route("accounts:password_change", everyone()),
    Route("accounts:password_reset", everyone(), public=True),
    Route("accounts:password_reset_done", everyone(), public=True),
    Route(
        "accounts:password_reset_confirm",
        everyone(),
        args=lambda w: ["MQ", "bad-token"],
        public=True,
    ),
    Route("accounts:password_reset_complete", everyone(), public=True),
    # Another firm's Administrator gets their own firm's page.
    Route("accounts:firm", admins()),
    Route("accounts:firm", admins(), method="post"),
    Route("accounts:users", admins()),
    Route("accounts:user_create", admins()),
    Route("accounts:user_update", admins(other=404), args=lambda w: [w.employee.pk]),
    Route(
        "accounts:user_set_active",
        admins(other=404),
        args=lambda w: [w.employee2.pk],
        method="post",
    ),
]
