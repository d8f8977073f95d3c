"""`make lint`: templates depend on apps the way Python does (docs/architecture.md).

A template of an app may ``{% load %}`` the tag libraries and ``{% include %}`` /
``{% extends %}`` the templates of its own app and of the apps below it, never above.
The order is import-linter's layers contract in pyproject.toml, so Python and templates
share one list. Templates in templates/<app>/ belong to <app>; the other top-level
templates (layout, errors, widgets, shared partials) belong to core. Django's and
third-party libraries (i18n, static, partials, django_htmx, ...) are allowed everywhere.

Run from the project root: ``python -m svenn.lint_templates``; exits 1 on a violation.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
USE = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def layers(root=ROOT):
    """The layers of import-linter's contract, highest first, each a tuple of its apps:
    "a | b" are siblings, which may use neither each other nor anything above them."""
    config = tomllib.loads((root / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [tuple(app.strip() for app in layer.split("|")) for layer in contract["layers"]]


def libraries(apps, root=ROOT):
    """{library name: app} for the tag libraries the project's apps define."""
    return {
        module.stem: app
        for app in apps
        for module in (root / app / "templatetags").glob("*.py")
        if module.stem != "__init__"
    }


def owner(template, apps):
    """The app a template belongs to, from its path under a templates folder."""
    parts = Path(template).parts
    return parts[0] if len(parts) > 1 and parts[0] in apps else "core"


def template_files(apps, root=ROOT):
    for folder in [root / "templates", *(root / app / "templates" for app in apps)]:
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else ():
            yield path, path.relative_to(folder).as_posix()


def loaded(source):
    for match in LOAD.finditer(source):
        words = match.group(1).split()
        # "{% load name from library %}" names one library, at the end.
        yield from words[-1:] if "from" in words else words


def violations(root=ROOT):
    rank = {app: index for index, layer in enumerate(layers(root)) for app in layer}
    order = list(rank)  # smaller rank is higher
    libs = libraries(order, root)
    for path, name in template_files(order, root):
        app = owner(name, order)
        source = path.read_text()
        used = [(lib, libs[lib]) for lib in loaded(source) if lib in libs]
        used += [(other, owner(other, order)) for other in USE.findall(source)]
        for what, other in used:
            if rank[other] < rank[app]:
                yield f"{path.relative_to(root)}: {app} uses {what!r} of {other}, which is above it"
            elif rank[other] == rank[app] and other != app:
                yield f"{path.relative_to(root)}: {app} uses {what!r} of {other}, beside it"


def main():
    found = list(violations())
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} template dependencies point upwards (see docs/architecture.md).")
        return 1
    print("Templates follow the layers: " + " -> ".join(" | ".join(layer) for layer in layers()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
