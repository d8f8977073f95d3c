"""makemessages that files the strings of templates/<app>/ under <app>/locale/.

Each app keeps its own catalogue, so the templates of an app that live in the
project-level templates/ folder belong to the app, not to the project.
Run from the project root: ``make messages``.
"""

import os

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--app", help="Only update this app's catalogue.")

    def handle(self, *args, **options):
        self.only_app = options.pop("app")
        super().handle(*args, **options)

    def find_files(self, root):
        files = super().find_files(root)
        templates = os.path.abspath("templates")
        for translatable in files:
            path = os.path.abspath(translatable.dirpath)
            if path.startswith(templates + os.sep):
                app = os.path.relpath(path, templates).split(os.sep)[0]
                app_locale = os.path.abspath(os.path.join(app, "locale"))
                if os.path.isdir(app_locale):
                    translatable.locale_dir = app_locale
        if self.only_app:
            wanted = os.path.abspath(os.path.join(self.only_app, "locale"))
            files = [f for f in files if os.path.abspath(f.locale_dir) == wanted]
        return files
