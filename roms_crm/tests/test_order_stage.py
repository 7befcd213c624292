from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command, http
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.roms_crm.models.fulfilment.sale_order import SaleOrder


@tagged("post_install", "-at_install")
class TestOrderStage(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_stage", groups="roms_crm.group_roms_cs"
        )
        cls.env = cls.env(user=cls.cs_user)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Wulan", "roms_category": "customer", "mobile": "081234500001"}
        )
        cls.product = (
            cls.env["product.product"]
            .sudo()
            .create(
                {"name": "Gula Aren Test", "is_storable": True, "list_price": 50000}
            )
        )
        cls.env["stock.quant"].sudo()._update_available_quantity(
            cls.product, cls.env.ref("stock.stock_location_stock"), 100
        )

    def _order(self):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2}
                    )
                ],
            }
        )

    def _stages(self, order):
        return order.roms_stage_history_ids.sorted("id").mapped("stage")

    def test_stage_follows_odoo(self):
        order = self._order()
        self.assertEqual(order.roms_stage, "pending")
        order.action_confirm()
        self.assertEqual(order.roms_stage, "processed")
        picking = order.picking_ids
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.with_context(skip_sms=True).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.roms_stage, "shipped")
        self.assertEqual(self._stages(order), ["pending", "processed", "shipped"])

    def test_cancel_and_back_to_quotation(self):
        order = self._order()
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(order.roms_stage, "cancelled")
        with self.assertRaises(UserError):
            order._roms_set_stage("shipped")
        order.action_draft()
        self.assertEqual(order.roms_stage, "pending")

    @freeze_time("2026-05-04 09:30:00")
    def test_manual_change_with_comment_tracking_and_notification(self):
        order = self._order()
        order.action_confirm()
        wizard = Form(
            self.env["roms.order.stage.wizard"].with_context(
                default_order_ids=order.ids, default_stage="shipped"
            )
        )
        wizard.tracking_number = "JNE CGK1234567890"
        wizard.comment = "Dikirim dengan JNE REG"
        wizard.notify = True
        wizard.save().action_apply()
        self.assertEqual(order.roms_stage, "shipped")
        self.assertEqual(order.roms_tracking_number, "JNE CGK1234567890")
        line = order.roms_stage_history_ids.sorted("id")[-1]
        self.assertEqual(
            (line.stage, line.previous_stage, line.comment, line.tracking_number),
            ("shipped", "processed", "Dikirim dengan JNE REG", "JNE CGK1234567890"),
        )
        self.assertTrue(line.customer_notified)
        self.assertEqual(line.user_id, self.cs_user)
        # the notification is queued as a shipping message with the tracking number
        notification = (
            self.env["roms.message"]
            .search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
            .filtered(lambda m: m.kind == "shipping")
        )
        self.assertEqual(len(notification), 1)
        self.assertEqual(notification.partner_id, self.customer)
        self.assertIn("JNE CGK1234567890", notification.body)
        self.assertIn("Dikirim dengan JNE REG", notification.body)

        order._roms_set_stage("delivered")
        self.assertEqual(str(order.roms_delivered_date), "2026-05-04 09:30:00")
        self.assertFalse(
            order.roms_stage_history_ids.sorted("id")[-1].customer_notified
        )

    def test_tracking_typed_on_order_shows_in_its_stage_row(self):
        """A tracking number typed on the order goes on the history row of the
        stage it was typed in, once; one sent with a stage change (the API) on
        that change's row."""
        order = self._order()
        order.action_confirm()
        order._roms_set_stage("shipped")
        order.roms_tracking_number = "J&T JP0012345"
        order.roms_tracking_number = "J&T JP0012345"
        order._roms_set_stage("delivered")
        rows = order.roms_stage_history_ids.sorted("id")
        self.assertEqual(
            [(row.stage, row.tracking_number) for row in rows],
            [
                ("pending", False),
                ("processed", False),
                ("shipped", "J&T JP0012345"),
                ("delivered", False),
            ],
        )
        # the API writes both at once
        other = self._order()
        other.action_confirm()
        other.write({"roms_tracking_number": "SICEPAT 000777", "roms_stage": "shipped"})
        self.assertEqual(
            other.roms_stage_history_ids.sorted("id")[-1].tracking_number,
            "SICEPAT 000777",
        )

    def test_order_source_reads_as_a_name(self):
        order = self._order()
        labels = {}
        for source in ("whatsapp", "portal", "WooCommerce", "toko_sebelah", False):
            order.sudo().roms_source = source
            labels[source] = order.roms_source_label
        self.assertEqual(
            labels,
            {
                "whatsapp": "WhatsApp",
                "portal": "Reseller portal",
                "WooCommerce": "WooCommerce",
                "toko_sebelah": "toko_sebelah",
                False: False,
            },
        )

    def test_fulfilment_stage_is_the_status_bar_once_confirmed(self):
        """Once confirmed, the order form's status bar is the fulfilment stage
        (what a person acts on); Odoo's status is a badge in the details."""
        arch = self.env["sale.order"].get_view(self.env.ref("sale.view_order_form").id)[
            "arch"
        ]
        tree = etree.fromstring(arch)
        [odoo_bar] = tree.xpath("//header/field[@name='state']")
        self.assertEqual(odoo_bar.get("invisible"), "state == 'sale'")
        [roms_bar] = tree.xpath("//header/field[@name='roms_stage']")
        self.assertEqual(
            (roms_bar.get("widget"), roms_bar.get("invisible")),
            ("statusbar", "state != 'sale'"),
        )
        [badge] = tree.xpath("//group[@name='order_details']/field[@name='state']")
        self.assertEqual(badge.get("widget"), "badge")
        self.assertTrue(tree.xpath("//field[@name='roms_source_label']"))

    def test_moving_a_quotation_forward_confirms_it(self):
        order = self._order()
        order._roms_set_stage("processed")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.roms_stage, "processed")
        order._roms_set_stage("cancelled")
        self.assertEqual(order.state, "cancel")

    def test_new_order_event_fires_once(self):
        order = self._order()
        with patch.object(
            SaleOrder, "_roms_on_new_order", autospec=True, return_value=True
        ) as hook:
            order.action_confirm()
            self.assertEqual(hook.call_count, 1)
            order._action_cancel()
            order.action_draft()
            order.action_confirm()
            self.assertEqual(hook.call_count, 1)
        self.assertTrue(order.roms_new_order_done)
        self.assertFalse(order.copy().roms_new_order_done)


@tagged("post_install", "-at_install")
class TestOrderStagePortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            "roms_portal_stage",
            password="roms_portal_stage",
            groups="base.group_portal",
        )
        cls.other_user = new_test_user(
            cls.env,
            "roms_portal_other",
            password="roms_portal_other",
            groups="base.group_portal",
        )
        product = cls.env["product.product"].create(
            {"name": "Kopi Portal", "list_price": 1000}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.portal_user.partner_id.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        cls.order._roms_set_stage(
            "shipped",
            comment="Dikirim via SiCepat",
            tracking_number="SICEPAT 0012345678",
        )

    def _post_receipt(self):
        return self.url_open(
            f"/my/orders/{self.order.id}/roms_received",
            data={"csrf_token": http.Request.csrf_token(self)},
        )

    def test_customer_sees_history_and_confirms_receipt(self):
        self.authenticate("roms_portal_stage", "roms_portal_stage")
        page = self.url_open(f"/my/orders/{self.order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("SICEPAT 0012345678", page.text)
        self.assertIn("Dikirim via SiCepat", page.text)
        self.assertIn("roms_received", page.text)
        self._post_receipt()
        self.assertEqual(self.order.roms_stage, "delivered")
        self.assertTrue(self.order.roms_delivered_date)
        self.assertIn(
            "Receipt confirmed by the customer.",
            self.order.roms_stage_history_ids.mapped("comment"),
        )

    def test_history_times_in_the_customers_time_zone(self):
        """The stage history reads in the reader's time zone; on the order's
        token link (the public user, who has none) in the customer's, else the
        shop's: it showed UTC, seven hours early in Jakarta."""
        self.order.roms_stage_history_ids.sudo().write({"date": "2026-05-04 09:30:00"})
        cases = [
            (None, "Asia/Jakarta", "16:30:00"),
            (None, False, "16:30:00"),  # the shop's time zone (Jakarta)
            (None, "Asia/Makassar", "17:30:00"),
            ("roms_portal_stage", "Asia/Jayapura", "18:30:00"),
        ]
        for login, tz, shown in cases:
            with self.subTest(login=login, tz=tz):
                self.portal_user.partner_id.tz = tz
                self.authenticate(login, login)
                url = self.order.get_portal_url()
                history = etree.fromstring(
                    self.url_open(url).content, etree.HTMLParser()
                ).xpath("//section[@id='roms_fulfilment']//li")
                self.assertTrue(history)
                for row in history:
                    self.assertIn(shown, "".join(row.itertext()))

    def test_other_customer_cannot_confirm(self):
        self.authenticate("roms_portal_other", "roms_portal_other")
        self._post_receipt()
        self.assertEqual(self.order.roms_stage, "shipped")
