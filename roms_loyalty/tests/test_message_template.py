from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsVariable(RomsLoyaltyCase):
    def test_points_variable_in_templates(self):
        Template = self.env["roms.message.template"]
        self.assertIn("points", Template._allowed_variables())
        template = Template.create(
            {
                "name": "Saldo poin",
                "template_type": "other",
                "body": "Halo {customer_name}, poin Anda {points}.",
            }
        )
        self.assertEqual(
            template._render(partner=self.customer),
            "Halo Budi Loyal, poin Anda 0.",
        )
        self._give_points(self.customer, 1250)
        self.assertEqual(
            template._render(partner=self.customer),
            "Halo Budi Loyal, poin Anda 1.250.",
        )
        with self.assertRaises(ValidationError):
            template.body = "Poin {poin}"

    def test_thank_you_message_shows_the_new_balance(self):
        template = self.env.ref("roms_crm.roms_message_template_order_confirmation")
        template.body = "Terima kasih {customer_name}! Poin Anda sekarang {points}."
        # a shop taking no online payment: the confirmation offers no payment link
        # (the demo shop's bank transfer off)
        self.env["payment.provider"].sudo().search([("state", "!=", "disabled")]).write(
            {"state": "disabled"}
        )
        order = self._order(self.customer, 250000)
        message = self.env["roms.message"].search(
            [
                ("kind", "=", "order_confirmation"),
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
            ]
        )
        self.assertEqual(
            message.body, "Terima kasih Budi Loyal! Poin Anda sekarang 20."
        )
