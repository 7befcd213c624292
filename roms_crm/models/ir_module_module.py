import io
import os

import polib

from odoo import api, models
from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationImporter

# {po path: (mtime, {modules named}, po text of the entries)}, per process
_FOREIGN_CACHE = {}


def _foreign_entries(module, lang):
    """The entries of ``module``'s ``i18n/<lang>.po`` that translate other
    modules' records (``#. module: sale``, named by full XML id), as po text,
    with the modules they name; read once per file version."""
    path = get_module_path(module)
    po_path = path and os.path.join(path, "i18n", f"{lang.split('_')[0]}.po")
    if not po_path or not os.path.exists(po_path):
        return set(), ""
    mtime = os.path.getmtime(po_path)
    cached = _FOREIGN_CACHE.get(po_path)
    if cached and cached[0] == mtime:
        return cached[1], cached[2]
    foreign = polib.POFile()
    targets = set()
    for entry in polib.pofile(po_path):
        if entry.obsolete or not entry.msgstr or not entry.comment:
            continue
        if entry.comment.startswith(f"module: {module}"):
            continue
        foreign.append(entry)
        for occurrence, _line in entry.occurrences:
            xmlid = occurrence.rsplit(":", 1)[-1]
            targets.add(xmlid.split(".", 1)[0])
    _FOREIGN_CACHE[po_path] = (mtime, targets, str(foreign))
    return targets, str(foreign)


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        self._roms_load_foreign_terms(modules, langs)
        return result

    @api.model
    def _roms_load_foreign_terms(self, modules, langs):
        """ROMS's wording of the terms of other modules' records that show on its
        screens (a label of sale's order form, a page of base's partner form, a
        menu). They are in ROMS's ``i18n/<lang>.po`` under their full XML ids;
        Odoo would keep the other module's existing translation (``Kutipan
        Template``) or let it win by load order: ROMS's wording is loaded again
        last, overwriting, whenever ROMS or one of those modules loads terms."""
        langs = [lang for lang in langs if lang != "en_US"]
        if not langs:
            return
        roms = self.search_fetch(
            [
                ("name", "=like", "roms\\_%"),
                ("state", "in", ("installed", "to install", "to upgrade")),
            ],
            ["name"],
        ).mapped("name")
        for module in roms:
            for lang in langs:
                targets, text = _foreign_entries(module, lang)
                if not text or not (targets | {module}) & set(modules):
                    continue
                importer = TranslationImporter(self.env.cr, verbose=False)
                content = io.BytesIO(text.encode())
                # no file name: Odoo would merge the module's .pot into it, which
                # holds only the module's own terms
                content.name = None
                importer.load(content, "po", lang)
                importer.save(overwrite=True, force_overwrite=True)
