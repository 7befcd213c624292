"""Each addon's README.rst is generated from its readme/*.md fragments and its
manifest by setup/gen_readme.py: a fragment or a version changed without running
it leaves the page Odoo's Apps screen and the OCA tooling show behind."""

import importlib.util
import io
from pathlib import Path

import docutils.core

from odoo.tests import BaseCase, tagged

ROOT = Path(__file__).resolve().parents[3]


def gen_readme():
    spec = importlib.util.spec_from_file_location(
        "roms_gen_readme", ROOT / "setup" / "gen_readme.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestAddonReadmes(BaseCase):
    def test_readme_rst_is_generated_from_the_fragments(self):
        generator = gen_readme()
        addons = generator.addon_dirs()
        self.assertGreaterEqual(len(addons), 4)
        for addon in addons:
            with self.subTest(addon=addon.name):
                self.assertEqual(
                    (addon / "README.rst").read_text(),
                    generator.render(addon),
                    "run .venv/bin/python setup/gen_readme.py",
                )

    def test_readme_rst_renders_without_warnings(self):
        """Odoo renders README.rst in the Apps screen and logs every docutils
        warning at install (a list not closed by a blank line, say)."""
        generator = gen_readme()
        for addon in generator.addon_dirs():
            with self.subTest(addon=addon.name):
                warnings = io.StringIO()
                docutils.core.publish_string(
                    (addon / "README.rst").read_text(),
                    writer_name="null",
                    settings_overrides={
                        "report_level": 2,
                        "halt_level": 5,
                        "warning_stream": warnings,
                    },
                )
                self.assertEqual(warnings.getvalue(), "")
