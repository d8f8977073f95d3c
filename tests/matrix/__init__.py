"""The role x URL matrix: every URL of the site, every role, anonymous and another
firm's Administrator. Each app lists its routes in a module here; the test in
tests/test_matrix.py walks them all and fails for any URL nobody listed.

``expect`` maps an actor to the status the request must get. "ok" means the action
was allowed: any of 200, 204, 302 (redirect after a write) or 422 (form errors for
the empty POST the matrix sends). Anonymous users are always redirected to log in.
"""

from dataclasses import dataclass, field

ACTORS = ["anonymous", "admin", "moderator", "employee", "other_admin"]
OK = "ok"
ALLOWED = {200, 204, 302, 422}


@dataclass(frozen=True)
class Route:
    name: str
    expect: dict
    args: object = None  # world -> list of URL args
    method: str = "get"
    data: object = None  # world -> POST data
    query: str = ""
    public: bool = False  # reachable without logging in
    extra: dict = field(default_factory=dict)

    def url_args(self, world):
        return self.args(world) if self.args else []


def everyone(other=OK):
    """Every firm user may; another firm's admin gets ``other`` (their own firm's page
    for lists, 404 for an object of ours)."""
    return {"admin": OK, "moderator": OK, "employee": OK, "other_admin": other}


def managers(other=OK):
    """Administrator and Moderator only (GUIDE section 2)."""
    return {"admin": OK, "moderator": OK, "employee": 403, "other_admin": other}


def admins(other=OK):
    return {"admin": OK, "moderator": 403, "employee": 403, "other_admin": other}
