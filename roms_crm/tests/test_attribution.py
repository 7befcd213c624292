"""Attribution: the message an order came from (its reorder link, and through
``sale.order._roms_attribute_to_message`` a reply button or a recovery link), and
the first opening of a message's link (clicked)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import make_order
from .test_reorder_link import DAY0, ReorderLinkCommon

DUE = DAY0 + timedelta(days=14)


@tagged("post_install", "-at_install")
class TestAttribution(ReorderLinkCommon):
    def _remind(self):
        """The reminders of day 14 (one per line of the delivered order), each
        carrying the link of its line."""
        with freeze_time(DUE):
            self.env["roms.reminder.rule"]._cron_roms_reminders()
        reminders = self.env["roms.message"].search(
            [("reminder_rule_id", "=", self.rule.id)], order="id"
        )
        self.assertEqual(len(reminders), 2)
        return reminders

    def test_a_reminder_owns_the_link_it_carries(self):
        reminders = self._remind()
        for reminder in reminders:
            link = self.Link.search(
                [("line_ids", "in", reminder.sale_order_line_id.ids)]
            )
            self.assertEqual(link.message_id, reminder)
        # a later message carrying the same link takes it over: the latest one led
        # to the order
        link = self.Link.search([("message_id", "=", reminders[0].id)])
        later = self.env["roms.message"].create(
            {
                "partner_id": self.customer.id,
                "kind": "reminder",
                "body": f"Masih ingat? {link._url()}",
            }
        )
        self.assertEqual(link.message_id, later)

    def test_another_customers_message_never_owns_a_link(self):
        link = self._link()
        message = self.env["roms.message"].create(
            {
                "partner_id": self.stranger.id,
                "kind": "manual",
                "body": f"Salah kirim: {link._url()}",
            }
        )
        self.assertFalse(link.message_id)
        self.assertNotEqual(link.message_id, message)

    def test_opening_the_link_marks_the_message_clicked_once(self):
        reminders = self._remind()
        link = self.Link.search([("message_id", "=", reminders[0].id)])
        opened = DUE + timedelta(hours=3)
        with freeze_time(opened):
            self.assertEqual(self.url_open(self._path(link)).status_code, 200)
        self.assertEqual(reminders[0].clicked_at, opened)
        self.assertFalse(reminders[1].clicked_at, "only the message of that link")
        with freeze_time(opened + timedelta(hours=5)):
            self.url_open(self._path(link))
        self.assertEqual(reminders[0].clicked_at, opened, "the first opening")
        # a forged token clicks nothing
        other = self.Link.search([("message_id", "=", reminders[1].id)])
        self.url_open(self._path(other, token="x" * 43))
        self.assertFalse(reminders[1].clicked_at)

    def test_an_order_from_the_link_is_attributed_to_its_message(self):
        reminders = self._remind()
        link = self.Link.search([("message_id", "=", reminders[0].id)])
        product = link.line_ids.product_id
        with freeze_time(DUE + timedelta(hours=2)):
            response = self._post(
                link,
                {
                    f"qty_{product.id}": "1",
                    "address": str(self.customer.id),
                    "note": "",
                },
            )
        self.assertEqual(response.status_code, 303)
        order = self._orders()
        self.assertEqual(order.roms_message_id, reminders[0])
        self.assertEqual(order.roms_attribution, "reorder_link")

    def test_the_hook_accepts_only_the_customers_own_message(self):
        reminders = self._remind()
        order = make_order(self.env, self.customer, self.coffee)
        stranger_order = make_order(self.env, self.stranger, self.coffee)
        Order = self.env["sale.order"]
        # another customer's order is never attributed to this customer's message
        self.assertFalse(
            stranger_order._roms_attribute_to_message(reminders[0], "reply_button")
        )
        self.assertFalse(stranger_order.roms_message_id)
        # an unknown way is refused, nothing written
        self.assertFalse(order._roms_attribute_to_message(reminders[0], "telepathy"))
        self.assertFalse(
            order._roms_attribute_to_message(Order.roms_message_id, "reply_button")
        )
        self.assertFalse(order.roms_message_id)
        # a contact of the customer's company ordering counts for the company
        self.assertTrue(order._roms_attribute_to_message(reminders[0], "reply_button"))
        self.assertEqual(
            (order.roms_message_id, order.roms_attribution),
            (reminders[0], "reply_button"),
        )
        # the first attribution stays
        self.assertFalse(order._roms_attribute_to_message(reminders[1], "reorder_link"))
        self.assertEqual(order.roms_message_id, reminders[0])
        self.assertTrue(order._roms_attribute_to_message(reminders[0], "reply_button"))
        office_order = make_order(self.env, self.office, self.coffee)
        self.assertTrue(
            office_order._roms_attribute_to_message(reminders[1], "recovery_link")
        )

    def test_attribution_is_for_roms_users_only(self):
        """Odoo's own sales users still read whole orders: the attribution fields
        are ROMS's (its CS and administrators)."""
        order = make_order(self.env, self.customer, self.coffee)
        fields = order.fields_get(["roms_message_id", "roms_attribution"])
        self.assertEqual(set(fields), {"roms_message_id", "roms_attribution"})
        salesman = self.env["res.users"].create(
            {
                "name": "Sales Only",
                "login": "sales_only_attr",
                "groups_id": [
                    (
                        6,
                        0,
                        [self.env.ref("sales_team.group_sale_salesman_all_leads").id],
                    )
                ],
            }
        )
        self.assertFalse(
            order.with_user(salesman).fields_get(["roms_message_id"]),
            "hidden from Odoo's sales users",
        )
        order.with_user(salesman).read(["name", "amount_total"])

    def test_opening_the_payment_link_marks_its_message_clicked(self):
        self.env.ref("payment.payment_provider_transfer").write(
            {"state": "enabled", "is_published": True}
        )
        order = make_order(self.env, self.customer, self.coffee)
        url = order._roms_payment_link()
        self.assertIn("/payment/pay?", url)
        message = self.env["roms.message"].create(
            {
                "partner_id": self.customer.id,
                "kind": "order_confirmation",
                "res_model": "sale.order",
                "res_id": order.id,
                "body": f"Terima kasih! Bayar di sini: {url}",
                "state": "sent",
            }
        )
        path = url[url.index("/payment/pay") :]
        # a tampered token: Sales refuses the page, nothing is clicked
        self.url_open(path.replace("access_token=", "access_token=x"))
        self.assertFalse(message.clicked_at)
        with freeze_time(DUE):
            self.assertEqual(self.url_open(path).status_code, 200)
        self.assertEqual(message.clicked_at, DUE)
        with freeze_time(DUE + timedelta(days=1)):
            self.url_open(path)
        self.assertEqual(message.clicked_at, DUE, "the first opening")
