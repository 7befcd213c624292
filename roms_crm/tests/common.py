import ast
import json
import os
from html import escape

import polib
from lxml import etree

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.module import get_module_path
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, new_test_user
from odoo.tools.translate import TranslationModuleReader

from odoo.addons.roms_crm.controllers.order_api.api import _rate_limit_reset


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


def foreign_entries(module, lang="id_ID"):
    """The entries of ``module``'s ``i18n/<lang>.po`` that give ROMS's wording
    to other modules' records: ``[(xmlid, field, msgid, msgstr)]``."""
    po_path = os.path.join(get_module_path(module), "i18n", f"{lang.split('_')[0]}.po")
    rows = []
    for entry in polib.pofile(po_path):
        if entry.obsolete or not entry.comment:
            continue
        if entry.comment.startswith(f"module: {module}"):
            continue
        for occurrence, _line in entry.occurrences:
            model_field, xmlid = occurrence.split(":", 1)[1].split(":", 1)
            rows.append((xmlid, model_field.split(",")[1], entry.msgid, entry.msgstr))
    return rows


class CoreTermsMixin:
    """Terms of Odoo's own records that show on ROMS's screens read in ROMS's
    Indonesian, whatever the modules' translations and their load order."""

    def assertCoreTermsTranslated(self, module, expected, lang="id_ID"):
        rows = foreign_entries(module, lang)
        self.assertLessEqual(
            set(expected), {(xmlid, msgid) for xmlid, _f, msgid, _s in rows}
        )
        self.env["res.lang"]._activate_lang(lang)
        Module = self.env["ir.module.module"]
        targets = sorted({xmlid.split(".", 1)[0] for xmlid, *_rest in rows})
        # the other modules' own catalogues first, then again after ROMS's (as a
        # language installed later loads every module, in name order)
        Module._load_module_terms([*targets, module], [lang])
        Module._load_module_terms([module, *targets], [lang])
        for xmlid, field, msgid, msgstr in rows:
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if not record:
                continue  # that module is not installed: nothing to show
            value = record.with_context(lang=lang)[field]
            self.assertTrue(
                msgstr in value or escape(msgstr, quote=False) in value,
                f"{xmlid}.{field}: {msgid!r} should read {msgstr!r}",
            )
            self.assertNotIn(escape(msgid, quote=False), value.replace(msgstr, ""))


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


class CommittedCursorsMixin:
    """For tests of concurrent transactions, whose data the other transactions must
    see: cursors of their own that commit (closed at the end of the test), and an
    environment of the superuser on one."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _cursor(self):
        cr = db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        return cr


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


class OrderApiCase(HttpCase):
    """The order REST API of one integration (sources woocommerce and shopify): an
    API user with a key for it, the products ROMS-API-KOPI and ROMS-API-GULA
    (``cls.products``), the request helpers, and a fresh rate limit for each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api_user = new_test_user(
            cls.env, "roms_api_shop", groups="base.group_user,roms_crm.group_roms_api"
        )
        cls.integration = cls.env["roms.api.integration"].create(
            {"name": "Toko Test", "source_names": "woocommerce, shopify"}
        )
        cls.key = cls.api_key(cls.api_user, cls.integration, "test")
        cls.products = cls.env["product.product"].create(cls._api_product_values())

    @classmethod
    def _api_product_values(cls):
        return [
            {
                "name": "Kopi API",
                "default_code": "ROMS-API-KOPI",
                "list_price": 50000,
                "type": "consu",
            },
            {
                "name": "Gula Aren API",
                "default_code": "ROMS-API-GULA",
                "list_price": 20000,
                "type": "consu",
            },
        ]

    @classmethod
    def api_key(cls, user, integration, name):
        """A new API key of ``user`` for ``integration``."""
        return (
            cls.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._roms_generate(integration, name)
        )

    def setUp(self):
        super().setUp()
        _rate_limit_reset()
        self.addCleanup(_rate_limit_reset)

    def _call(self, method, path, body=None, key=None, raw=None, headers=None):
        """``method`` on ``path`` with ``body`` (JSON) or the ``raw`` text, with the
        key of the class unless another (or none, ``""``) is given."""
        headers = dict(headers or {})
        key = self.key if key is None else key
        if key:
            headers["Authorization"] = f"Bearer {key}"
        data = (
            raw if raw is not None else (json.dumps(body) if body is not None else None)
        )
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        return self.opener.request(
            method, self.base_url() + path, data=data, headers=headers, timeout=30
        )

    def _payload(self, external_id="WC-1", **overrides):
        payload = {
            "external_id": external_id,
            "source": "woocommerce",
            "date_order": "2026-01-15T10:00:00+07:00",
            "customer": {
                "name": "Budi API",
                "phone": "0812-7000-1234",
                "email": "budi.api@example.com",
                "city": "Bandung",
                "state": "Jawa Barat",
            },
            "lines": [
                {"sku": "ROMS-API-KOPI", "quantity": 2, "price_unit": 45000},
                {"sku": "ROMS-API-GULA", "quantity": 1},
            ],
            "payment_status": "paid",
            "note": "Tolong dibungkus rapi",
        }
        payload.update(overrides)
        return payload

    def _counts(self):
        """(orders, customers): what a refused request must leave unchanged."""
        self.env.invalidate_all()
        return (
            self.env["sale.order"].search_count([]),
            self.env["res.partner"].with_context(active_test=False).search_count([]),
        )

    def assertError(self, response, status, code=None, field=None):
        self.assertEqual(response.status_code, status, response.text)
        error = response.json()["error"]
        if code:
            self.assertEqual(error["code"], code)
        self.assertEqual(error["field"], field)
        self.assertTrue(error["message"])
        return error

    def assertNothingWritten(self, before):
        self.assertEqual(self._counts(), before, "an erroneous request wrote data")
