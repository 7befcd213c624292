"""Orders sold without returns (the override of the order's history): refund
requests for them are refused, in the backend and on the portal."""

from odoo import Command, http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .test_refund_request import RefundCommon


@tagged("post_install", "-at_install")
class TestNoReturns(RefundCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_refund_data()
        cls.portal_user = cls.env["res.users"].create(
            {
                "name": "Tono Tanpa Retur",
                "login": "roms_no_returns",
                "password": "roms_no_returns",
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )
        cls.delivered = cls._order(cls.portal_user.partner_id, stage="delivered")
        cls.Refund = cls.env["roms.refund.request"].sudo()

    def _mark_no_returns(self):
        wizard = (
            self.env["roms.order.stage.wizard"]
            .with_context(default_order_ids=self.delivered.ids)
            .create(
                {
                    "order_ids": [Command.set(self.delivered.ids)],
                    "stage": "delivered",
                    "no_returns": True,
                    "notify": False,
                    "comment": "Barang promo, tanpa retur",
                }
            )
        )
        wizard.action_apply()
        self.assertTrue(self.delivered.roms_no_returns)

    def test_backend_refund_refused(self):
        self._mark_no_returns()
        with self.assertRaisesRegex(ValidationError, "without returns"):
            self.Refund.create(
                {
                    "order_id": self.delivered.id,
                    "reason": "Rusak",
                    "line_ids": [
                        Command.create(
                            {
                                "sale_line_id": self.delivered.order_line.id,
                                "quantity": 1,
                            }
                        )
                    ],
                }
            )

    def test_portal_refund_refused(self):
        self.delivered.roms_no_returns = True
        self.authenticate("roms_no_returns", "roms_no_returns")
        response = self.url_open(
            f"/my/orders/{self.delivered.id}/refund",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "reason": "Rusak",
                f"qty_{self.delivered.order_line.id}": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("refund_error=no_returns", response.url)
        self.assertIn("sold without returns", response.text)
        self.assertFalse(self.Refund.search([("order_id", "=", self.delivered.id)]))

    def test_returns_allowed_by_default(self):
        self.assertFalse(self.delivered.roms_no_returns)
        refund = self.Refund.create(
            {
                "order_id": self.delivered.id,
                "reason": "Rusak",
                "line_ids": [
                    Command.create(
                        {"sale_line_id": self.delivered.order_line.id, "quantity": 1}
                    )
                ],
            }
        )
        self.assertEqual(refund.state, "requested")
