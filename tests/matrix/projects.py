from ..test_projects_views import form_data
from . import Route, everyone, managers


def project(world):
    return [world.project.pk]


ROUTES = [
    Route("projects:list", everyone()),
    Route("projects:list", everyone(), query="?status=done&q=bad&page=2"),
    Route("projects:create", managers()),
    Route("projects:create", managers(), method="post", ok=422),
    Route("projects:create", managers(), method="post", data=lambda w: form_data(), ok=302),
    Route("projects:customer_options", managers(), query="?q=kari"),
    # An employee has access to the world's project (open to all employees).
    Route("projects:detail", everyone(other=404), args=project),
    Route("projects:update", managers(other=404), args=project),
    Route("projects:update", managers(other=404), args=project, method="post", ok=422),
    Route(
        "projects:update",
        managers(other=404),
        args=project,
        method="post",
        data=lambda w: form_data(number=str(w.project.number), version=str(w.project.version)),
        ok=302,
    ),
    Route(
        "projects:access",
        managers(other=404),
        args=project,
        method="post",
        data=lambda w: {"access": "all"},
        ok=302,
    ),
    Route(
        "projects:set_status",
        managers(other=404),
        args=project,
        method="post",
        data=lambda w: {"status": "in_progress"},
        ok=302,
    ),
    # GET asks first; the world's project has hours, so the page says why it cannot go.
    Route("projects:delete", managers(other=404), args=project),
    # The world's project has hours, so the delete is refused (with a message): 302.
    Route("projects:delete", managers(other=404), args=project, method="post", ok=302),
]
