"""The apps depend on each other one way, in Python and in templates (make lint)."""

import shutil
import subprocess
import sys
from pathlib import Path

from svenn import lint_templates

ROOT = Path(__file__).resolve().parent.parent


def test_the_project_has_no_upward_dependency_in_python_or_templates():
    imports = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert imports.returncode == 0, imports.stdout
    assert list(lint_templates.violations()) == []


def _project(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for app in ("projects", "timesheets", "core"):
        (tmp_path / app / "templatetags").mkdir(parents=True)
    (tmp_path / "projects" / "templatetags" / "project_tags.py").write_text("")
    (tmp_path / "timesheets" / "templatetags" / "hours_tags.py").write_text("")
    (tmp_path / "core" / "templatetags" / "core.py").write_text("")
    (tmp_path / "templates" / "customers").mkdir(parents=True)
    return tmp_path


def test_a_customer_template_loading_a_projects_tag_library_is_reported(tmp_path):
    root = _project(tmp_path)
    (root / "templates" / "customers" / "card.html").write_text(
        "{% load i18n core %}{% load customer_projects from project_tags %}"
    )
    found = list(lint_templates.violations(root))
    assert found == [
        "templates/customers/card.html: customers uses 'project_tags' of projects,"
        " which is above it"
    ]


def test_a_customer_template_including_an_hours_template_is_reported(tmp_path):
    root = _project(tmp_path)
    (root / "templates" / "customers" / "card.html").write_text(
        '{% include "timesheets/_customer_hours.html" %}{% include "_field.html" %}'
    )
    assert len(list(lint_templates.violations(root))) == 1


def test_a_projects_template_may_use_customers_and_core(tmp_path):
    root = _project(tmp_path)
    (root / "templates" / "projects").mkdir()
    (root / "templates" / "projects" / "list.html").write_text(
        '{% load core project_tags %}{% include "customers/_x.html" %}'
    )
    assert list(lint_templates.violations(root)) == []


def test_an_hours_template_including_a_working_time_template_is_reported(tmp_path):
    root = _project(tmp_path)
    (root / "templates" / "timesheets").mkdir()
    (root / "templates" / "timesheets" / "week.html").write_text(
        '{% include "worktime/_week.html" %}{% include "projects/_badges.html" %}'
    )
    assert list(lint_templates.violations(root)) == [
        "templates/timesheets/week.html: timesheets uses 'worktime/_week.html' of worktime,"
        " which is above it"
    ]


def test_invoicing_sits_above_timesheets_in_python_and_templates(tmp_path):
    assert lint_templates.layers()[2:4] == [("invoicing", "worktime"), ("timesheets",)]
    root = _project(tmp_path)
    (root / "templates" / "timesheets").mkdir()
    (root / "templates" / "timesheets" / "week.html").write_text(
        '{% include "invoicing/_basis.html" %}'
    )
    (root / "templates" / "invoicing").mkdir()
    (root / "templates" / "invoicing" / "basis.html").write_text(
        '{% load core hours_tags project_tags %}{% include "timesheets/_x.html" %}'
    )
    assert [v.split(":")[0] for v in lint_templates.violations(root)] == [
        "templates/timesheets/week.html"
    ]


def test_an_invoicing_template_using_its_sibling_working_time_is_reported(tmp_path):
    root = _project(tmp_path)
    (root / "templates" / "invoicing").mkdir()
    (root / "templates" / "invoicing" / "basis.html").write_text(
        '{% include "worktime/_week.html" %}'
    )
    assert list(lint_templates.violations(root)) == [
        "templates/invoicing/basis.html: invoicing uses 'worktime/_week.html' of worktime,"
        " beside it"
    ]
