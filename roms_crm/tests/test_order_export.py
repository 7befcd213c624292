import base64
import io
from datetime import datetime
from unittest.mock import patch

import openpyxl

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.roms_crm.wizards.fulfilment import roms_order_export


@tagged("post_install", "-at_install")
class TestOrderExport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_export", groups="roms_crm.group_roms_cs"
        )
        Product = cls.env["product.product"].sudo()
        cls.kopi = Product.create(
            {
                "name": "Kopi Ekspor",
                "default_code": "KOPI-EXP",
                "list_price": 50000,
                "taxes_id": [Command.clear()],
            }
        )
        cls.gula = Product.create(
            {
                "name": "Gula Ekspor",
                "default_code": "GULA-EXP",
                "list_price": 20000,
                "taxes_id": [Command.clear()],
            }
        )
        cls.customer = (
            cls.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": "Dewi Ekspor",
                    "mobile": "081298765432",
                    "city": "Bandung",
                    "roms_category": "customer",
                }
            )
        )
        # an order of 9 June 2026, 20:30 in Jakarta (13:30 UTC): two lines, paid
        cls.paid = cls._order(
            datetime(2026, 6, 9, 13, 30), [(cls.kopi, 2), (cls.gula, 1)]
        )
        cls._invoice(cls.paid, "paid")
        # 10 June 2026 00:30 in Jakarta (9 June 17:30 UTC): delivered, partly paid
        cls.partial = cls._order(datetime(2026, 6, 9, 17, 30), [(cls.gula, 3)])
        cls.partial._roms_set_stage("delivered")
        cls.partial.date_order = datetime(2026, 6, 9, 17, 30)
        cls._invoice(cls.partial, "partial")
        # 12 June: a pending quotation, not paid
        cls.quote = cls._order(
            datetime(2026, 6, 12, 3, 0), [(cls.kopi, 1)], confirm=False
        )

    @classmethod
    def _order(cls, date_order, lines, confirm=True):
        order = (
            cls.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": cls.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "tax_id": [Command.clear()],
                            }
                        )
                        for product, qty in lines
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
        order.date_order = date_order
        return order

    @classmethod
    def _invoice(cls, order, payment_state):
        invoice = order._create_invoices()
        invoice.action_post()
        invoice.flush_recordset()
        # the payment itself is Odoo's business; set the state it leads to
        cls.env.cr.execute(
            "UPDATE account_move SET payment_state = %s WHERE id = %s",
            [payment_state, invoice.id],
        )
        invoice.invalidate_recordset()
        return invoice

    def _export(self, **vals):
        wizard = (
            self.env["roms.order.export.wizard"].with_user(self.cs_user).create(vals)
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        export = self.env["roms.customer.export"].search([], order="id desc", limit=1)
        self.assertIn(f"/{export.id}/file/", action["url"])
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        rows = list(workbook.active.iter_rows(values_only=True))
        # only the rows of this test's customer (the database may hold demo orders)
        return rows[0], [row for row in rows[1:] if row[2] == "Dewi Ekspor"]

    def test_export_all_lines(self):
        header, rows = self._export()
        self.assertEqual(
            header,
            (
                "Order",
                "Date",
                "Customer",
                "Phone",
                "City",
                "Product",
                "SKU",
                "Quantity",
                "Price",
                "Subtotal",
                "Stage",
                "Payment Status",
            ),
        )
        self.assertEqual(len(rows), 4)
        first = rows[0]
        self.assertEqual(first[0], self.paid.name)
        self.assertEqual(first[1], datetime(2026, 6, 9, 20, 30))  # Jakarta time
        self.assertTrue(first[3])
        self.assertEqual(first[4], "Bandung")
        self.assertEqual(first[5], "Kopi Ekspor")
        self.assertEqual(first[6], "KOPI-EXP")
        self.assertEqual(first[7], 2)
        self.assertEqual(first[8], 50000)
        self.assertEqual(first[9], 100000)
        self.assertEqual(first[10], "Processed")
        self.assertEqual(first[11], "Paid")
        self.assertEqual(
            [row[0] for row in rows],
            [self.paid.name] * 2 + [self.partial.name, self.quote.name],
        )
        self.assertEqual(rows[2][10], "Delivered")
        self.assertEqual(rows[2][11], "Partially Paid")
        self.assertEqual(rows[3][10], "Pending")
        self.assertEqual(rows[3][11], "Not Paid")

    def test_filters(self):
        # dates are Jakarta days: the order of 10 June 00:30 WIB is on 10 June
        _header, rows = self._export(
            date_from=datetime(2026, 6, 10).date(), date_to=datetime(2026, 6, 10).date()
        )
        self.assertEqual({row[0] for row in rows}, {self.partial.name})
        _header, rows = self._export(date_to=datetime(2026, 6, 9).date())
        self.assertEqual({row[0] for row in rows}, {self.paid.name})
        _header, rows = self._export(stage_pending=True, stage_delivered=True)
        self.assertEqual({row[0] for row in rows}, {self.partial.name, self.quote.name})
        _header, rows = self._export(payment_paid=True)
        self.assertEqual({row[0] for row in rows}, {self.paid.name})
        _header, rows = self._export(payment_partial=True, payment_not_paid=True)
        self.assertEqual({row[0] for row in rows}, {self.partial.name, self.quote.name})
        _header, rows = self._export(stage_processed=True, payment_not_paid=True)
        self.assertFalse(rows)

    def test_batches(self):
        with patch.object(roms_order_export, "ORDER_BATCH_SIZE", 1):
            _header, rows = self._export()
        self.assertEqual(
            [row[0] for row in rows],
            [self.paid.name] * 2 + [self.partial.name, self.quote.name],
        )

    def test_dates_checked(self):
        with self.assertRaises(ValidationError):
            self.env["roms.order.export.wizard"].create(
                {"date_from": "2026-06-10", "date_to": "2026-06-01"}
            )
