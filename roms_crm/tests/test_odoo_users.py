from odoo import Command
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestOdooUsers(TransactionCase):
    """People who use Odoo's own sales and inventory flows and never open a ROMS
    screen: ROMS never makes their work fail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, "roms_plain_sales", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesperson = new_test_user(
            cls.env, "roms_other_sales", groups="sales_team.group_sale_salesman"
        )
        cls.sales_manager = new_test_user(
            cls.env, "roms_plain_manager", groups="sales_team.group_sale_manager"
        )
        cls.warehouse_user = new_test_user(
            cls.env, "roms_warehouse", groups="stock.group_stock_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Wulan Gudang", "roms_category": "customer"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Kopi Gudang", "is_storable": True, "list_price": 50000}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.env.ref("stock.stock_location_stock"), 100
        )

    def _order(self, user):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )

    def test_warehouse_user_validates_delivery_of_someone_elses_order(self):
        order = self._order(self.other_salesperson)
        order.action_confirm()
        self.assertEqual(order.roms_stage, "processed")
        picking = order.picking_ids.with_user(self.warehouse_user)
        picking.move_ids.write({"quantity": 2, "picked": True})
        picking.with_context(skip_sms=True).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.roms_stage, "shipped")
        history = order.roms_stage_history_ids.sorted("id")
        self.assertEqual(history.mapped("stage"), ["pending", "processed", "shipped"])
        self.assertEqual(history[-1].create_uid, self.warehouse_user)

    def test_salesperson_of_another_team_validates_partial_delivery(self):
        """Odoo's own case: a salesperson and inventory admin validates part of a
        delivery of another salesperson's order (which their sales rights do not
        let them read), without a backorder."""
        user = new_test_user(
            self.env,
            "roms_sales_stock",
            groups="sales_team.group_sale_salesman,stock.group_stock_manager",
        )
        order = self._order(self.other_salesperson)
        order.action_confirm()
        picking = order.picking_ids.with_user(user)
        picking.move_ids.write({"quantity": 1, "picked": True})
        Form.from_action(
            self.env(user=user), picking.button_validate()
        ).save().process_cancel_backorder()
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.roms_stage, "shipped")

    def test_salesperson_and_manager_open_an_order(self):
        for user in (self.salesperson, self.sales_manager):
            with self.subTest(user=user.login):
                order = self._order(user)
                order.action_confirm()
                # every field of the order they may read, as the export and RPC do
                values = order.read()[0]
                self.assertEqual(values["roms_stage"], "processed")
                self.assertNotIn("roms_refund_request_ids", values)
                # the form view, as the web client loads it
                views = order.get_views([(False, "form")])
                fields = views["models"]["sale.order"]["fields"]
                self.assertNotIn("roms_refund_count", fields)
                self.assertTrue(order.web_read({name: {} for name in fields}))
                with Form(order) as form:
                    form.client_order_ref = "PO-ROMS"
                self.assertEqual(order.client_order_ref, "PO-ROMS")
