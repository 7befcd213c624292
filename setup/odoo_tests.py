"""odoo-bin that runs the tests of an installed database on its whole registry.

Used by ``./setup/test`` for every run that installs or updates nothing: ``--db``
reruns, the step of the tests tagged ``roms_isolated``, and ``--core``. It takes
odoo-bin's server arguments. Run without ``-i`` / ``-u`` and with ``--test-enable
--test-tags ...``, odoo-bin loads the registry of the database and runs the
post_install tests of the installed modules that match the tags. This wrapper

* moves their at_install tests (which Odoo would otherwise run while loading each
  module, with a half-loaded registry) to that post-install run, first, so every test
  sees the registry with all the installed addons -- the columns and defaults ROMS
  adds included -- as it does in a shop's database;
* runs the tests tagged ``roms_isolated`` (they commit, or start a second Odoo
  process) after all the others;
* imports only the tests of the modules the tags name (``/roms_crm:TestX`` reads
  roms_crm's tests, not those of the seventy modules installed with it), which
  keeps a one-class rerun short.
"""

import os
import sys

os.environ["TZ"] = "UTC"  # as odoo-bin: the server's timezone is UTC

import odoo  # noqa: E402
from odoo.tests import loader  # noqa: E402
from odoo.tests.suite import OdooSuite  # noqa: E402
from odoo.tests.tag_selector import TagsSelector  # noqa: E402
from odoo.tools import config  # noqa: E402

ISOLATED = "roms_isolated"
_make_suite = loader.make_suite


def tagged_modules():
    """The modules the test tags are limited to, or None for any module."""
    include = TagsSelector(config["test_tags"] or "").include
    modules = {module for _tag, module, _class, _method, _path in include}
    return None if not modules or None in modules else modules


def make_suite(module_names, position="at_install"):
    if position != "post_install":
        # Without -i/-u, Odoo runs each module's at_install tests while it loads the
        # registry, before the modules that depend on it are loaded: not here.
        return OdooSuite([])
    wanted = tagged_modules()
    if wanted is not None:
        module_names = [name for name in module_names if name in wanted]
    tests = [
        *_make_suite(module_names, "at_install"),
        *_make_suite(module_names, "post_install"),
    ]
    return OdooSuite(
        [test for test in tests if ISOLATED not in test.test_tags]
        + [test for test in tests if ISOLATED in test.test_tags]
    )


loader.make_suite = make_suite

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "server", *sys.argv[1:]]
    odoo.cli.main()
