import ast
import os

import polib
from lxml import etree

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationModuleReader


def _demo_xmlids(env, module):
    """External ids of the records a module creates from its demo files.

    Demo records are shop content, not user interface: their terms are not translated.
    Records of ``_inherits`` models (a product.product) also create their parent
    record (its product.template) under ``<xmlid>_<parent table>``.
    """
    path = get_module_path(module)
    with open(os.path.join(path, "__manifest__.py")) as manifest_file:
        manifest = ast.literal_eval(manifest_file.read())
    xmlids = set()
    for demo_file in manifest.get("demo", []):
        if not demo_file.endswith(".xml"):
            continue
        tree = etree.parse(os.path.join(path, demo_file))
        for node in tree.xpath("//record[@id] | //template[@id]"):
            xmlid = node.get("id")
            xmlid = xmlid if "." in xmlid else f"{module}.{xmlid}"
            xmlids.add(xmlid)
            model = env.get(node.get("model") or "ir.ui.view")
            for parent in model._inherits if model is not None else ():
                xmlids.add(f"{xmlid}_{env[parent]._table}")
    return xmlids


def untranslated_terms(env, module, lang="id_ID"):
    """Return (terms missing from ``i18n/<lang>.po``, terms missing from the .pot).

    The terms are what Odoo's own exporter finds for ``module`` in the database: field
    labels and helps, selection values, views, menus, actions, code strings in
    ``_()``/``env._()`` and the JavaScript and QWeb terms of the module.
    """
    path = get_module_path(module)
    po_path = os.path.join(path, "i18n", f"{lang.split('_')[0]}.po")
    pot_path = os.path.join(path, "i18n", f"{module}.pot")
    po = polib.pofile(po_path) if os.path.exists(po_path) else []
    pot = polib.pofile(pot_path) if os.path.exists(pot_path) else []
    translated = {
        entry.msgid
        for entry in po
        if entry.msgstr.strip() and not entry.obsolete and "fuzzy" not in entry.flags
    }
    in_pot = {entry.msgid for entry in pot if not entry.obsolete}
    demo = _demo_xmlids(env, module)
    terms = set()
    env["res.lang"]._activate_lang(lang)
    reader = TranslationModuleReader(env.cr, modules=[module], lang=lang)
    for _module, ttype, _name, res_id, source, _value, _comments in reader:
        if not source or not source.strip():
            continue
        if ttype in ("model", "model_terms") and res_id in demo:
            continue
        terms.add(source)
    return sorted(terms - translated), sorted(terms - in_pot)


class TranslationCompletenessMixin:
    """Every user-facing term of an addon has an Indonesian translation."""

    def assertModuleTranslated(self, module):
        missing, not_in_pot = untranslated_terms(self.env, module)
        self.assertFalse(
            not_in_pot,
            f"{module}/i18n/{module}.pot is out of date, run ./setup/i18n {module}; "
            f"terms not in it: {not_in_pot[:20]}",
        )
        self.assertFalse(
            missing,
            f"{module}/i18n/id.po lacks Indonesian translations for {len(missing)} "
            f"terms: {missing[:20]}",
        )

    def assertWebClientTermsUnambiguous(self, module, lang="id_ID"):
        """The web client merges the JavaScript translations of every installed
        module into one table, the last module winning, in no fixed order: a term
        of ``module`` that another module translates differently would show one
        translation or the other from one server start to the next."""
        modules = (
            self.env["ir.module.module"]
            .search([("state", "=", "installed")])
            .mapped("name")
        )
        per_module, _params = self.env["ir.http"].get_translations_for_webclient(
            modules, lang
        )
        ours = {
            message["id"]: message["string"]
            for message in per_module.get(module, {}).get("messages", [])
        }
        self.assertTrue(ours, f"{module} has no web client translations in {lang}")
        clashes = sorted(
            (message["id"], ours[message["id"]], other, message["string"])
            for other, data in per_module.items()
            if other != module
            for message in data.get("messages", [])
            if message["id"] in ours and message["string"] != ours[message["id"]]
        )
        self.assertFalse(
            clashes,
            f"JavaScript terms of {module} translated otherwise by other modules "
            "(term, ours, module, theirs): use their translation or another term",
        )


def visible_menus(env):
    """External ids of the menus the user of ``env`` sees in the menu tree."""
    menus = env["ir.ui.menu"].load_menus(debug=False)
    seen, todo = set(), list(menus["root"]["children"])
    while todo:
        menu_id = todo.pop()
        if menu_id not in seen:
            seen.add(menu_id)
            todo.extend(menus[menu_id]["children"])
    return {menus[menu_id]["xmlid"] for menu_id in seen}


def make_order(env, partner, product, qty=1, price=None, stage="processed"):
    """A confirmed, tax-free order of ``qty`` × ``product`` for ``partner``, moved on
    to ``stage``."""
    line = {
        "product_id": product.id,
        "product_uom_qty": qty,
        "tax_id": [Command.clear()],
    }
    if price is not None:
        line["price_unit"] = price
    order = (
        env["sale.order"]
        .sudo()
        .create({"partner_id": partner.id, "order_line": [Command.create(line)]})
    )
    order.action_confirm()
    if stage != "processed":
        # a confirmed order back at Pending is an administrator's correction
        order._roms_set_stage(
            stage, comment="Test fixture", correction=stage == "pending"
        )
    return order
