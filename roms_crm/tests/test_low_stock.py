from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLowStock(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            "roms_admin_stock",
            groups="base.group_user,roms_crm.group_roms_admin",
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Gula Semut Test",
                "is_storable": True,
                "list_price": 30000,
                "roms_low_stock_threshold": 10,
            }
        )
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Pembeli", "roms_category": "customer", "mobile": "081299990000"}
        )

    def _set_stock(self, qty):
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": self.product.id,
                "location_id": self.stock.id,
                "inventory_quantity": qty,
            }
        ).action_apply_inventory()
        self.env.invalidate_all()

    def _sell(self, qty):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": qty}
                    )
                ],
            }
        )
        order.action_confirm()
        self.env.invalidate_all()
        return order

    def _alerts(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "product.template"),
                ("res_id", "=", self.product.product_tmpl_id.id),
                ("user_id", "=", self.admin.id),
            ]
        )

    def test_alert_once_per_crossing(self):
        template = self.product.product_tmpl_id
        self._set_stock(15)
        self.assertFalse(template.roms_low_stock)
        self.assertFalse(self._alerts())
        self._sell(7)  # reserved: 8 free, below 10
        self.assertTrue(template.roms_low_stock)
        self.assertEqual(len(self._alerts()), 1)
        self.assertIn("Gula Semut Test", self._alerts().summary)
        self._sell(2)  # still below: no second alert
        self.assertEqual(len(self._alerts()), 1)
        self.assertIn(
            template,
            self.env["product.template"].search([("roms_low_stock", "=", True)]),
        )

        self._set_stock(40)  # back above: re-armed
        self.assertFalse(template.roms_low_stock)
        self.assertFalse(template.roms_low_stock_alerted)
        self._sell(25)  # below again: a new alert
        self.assertEqual(len(self._alerts()), 2)

    def test_no_threshold_no_alert(self):
        self.product.roms_low_stock_threshold = 0
        self._set_stock(1)
        self._sell(1)
        self.assertFalse(self._alerts())
        self.assertNotIn(
            self.product.product_tmpl_id,
            self.env["product.template"].search([("roms_low_stock", "=", True)]),
        )

    def test_cross_sell_preview(self):
        template = self.product.product_tmpl_id
        self.assertFalse(template.roms_cross_sell_preview)
        template.roms_cross_sell_text = "Kak, sekalian Kopi Robusta-nya!"
        self.assertIn("Gula Semut Test", template.roms_cross_sell_preview)
        self.assertTrue(
            template.roms_cross_sell_preview.endswith("Kak, sekalian Kopi Robusta-nya!")
        )
