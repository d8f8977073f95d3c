from ..factories import JobFactory
from . import OK, Route, everyone

# A job is its user's alone (docs/architecture.md, "Jobs"): here the employee's.
ASKER = {"admin": 404, "moderator": 404, "employee": OK, "other_admin": 404}


def employees_job(world):
    return [JobFactory(user=world.employee).pk]


ROUTES = [
    # Everyone's own jobs; another firm's Administrator sees theirs.
    Route("core:my_jobs", everyone()),
    Route("core:job", ASKER, args=employees_job),
    Route("core:job_file", ASKER, args=employees_job),
]
