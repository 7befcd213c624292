"""Run Odoo's own tests of installed modules after the whole registry is loaded.

Used by ``./setup/test --core``; takes odoo-bin's server arguments. Run without ``-i`` /
``-u`` and with ``--test-enable --test-tags /sale,/loyalty,...``, odoo-bin loads the
registry of the database and runs the post_install tests of the installed modules that
match the tags. This wrapper moves their at_install tests (which Odoo would otherwise run
while loading each module, with a half-loaded registry) to that post-install run, first,
so every test of the modules sees the registry with all the installed addons — the columns
and defaults ROMS adds included — as it does in a shop's database.
"""

import os
import sys

os.environ["TZ"] = "UTC"  # as odoo-bin: the server's timezone is UTC

import odoo  # noqa: E402
from odoo.tests import loader  # noqa: E402
from odoo.tests.suite import OdooSuite  # noqa: E402

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position != "post_install":
        # Without -i/-u, Odoo runs each module's at_install tests while it loads the
        # registry, before the modules that depend on it are loaded: not here.
        return OdooSuite([])
    at_install = _make_suite(module_names, "at_install")
    post_install = _make_suite(module_names, "post_install")
    return OdooSuite([*at_install, *post_install])


loader.make_suite = make_suite

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "server", *sys.argv[1:]]
    odoo.cli.main()
