from lxml import etree

from odoo.tests import TransactionCase, tagged

ROMS_MODULES = ("roms_crm", "roms_whatsapp", "roms_loyalty", "roms_reports")


@tagged("post_install", "-at_install")
class TestDateWidgets(TransactionCase):
    def _date_widgets_on_datetimes(self, view):
        """``(view, field)`` of the fields of ``view`` that put Odoo's ``date``
        widget on a datetime field, sub-views' fields included."""
        found = []

        def walk(node, model):
            for child in node:
                if not isinstance(child.tag, str):
                    continue
                sub_model = model
                if child.tag == "field" and model is not None:
                    field = model._fields.get(child.get("name"))
                    if (
                        child.get("widget") == "date"
                        and field
                        and (field.type == "datetime")
                    ):
                        found.append((view.xml_id, child.get("name")))
                    if field is not None and field.relational:
                        sub_model = self.env[field.comodel_name]
                walk(child, sub_model)

        walk(etree.fromstring(view.arch_db), self.env.get(view.model))
        return found

    def test_date_widget_only_on_dates(self):
        """Odoo's ``date`` widget on a datetime field still prints the time (the
        order board's cards ran "04/12/2026 04:52:00" into the tracking number):
        a datetime shows only its day with ``options="{'show_time': false}"``."""
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"]
            .search([("model", "=", "ir.ui.view"), ("module", "in", ROMS_MODULES)])
            .mapped("res_id")
        )
        self.assertGreater(len(views), 50)
        found = [hit for view in views for hit in self._date_widgets_on_datetimes(view)]
        self.assertFalse(found, "widget='date' on datetime fields")

    def test_detects_a_date_widget_on_a_datetime(self):
        view = self.env["ir.ui.view"].create(
            {
                "name": "date widget probe",
                "model": "sale.order",
                "arch": '<list><field name="date_order" widget="date"/>'
                '<field name="validity_date" widget="date"/></list>',
            }
        )
        self.assertEqual(
            [name for _view, name in self._date_widgets_on_datetimes(view)],
            ["date_order"],
        )
