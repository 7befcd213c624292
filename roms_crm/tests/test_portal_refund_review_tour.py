from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_order


@tagged("post_install", "-at_install")
class TestPortalRefundReviewTour(HttpCase):
    def test_customer_refund_and_review_then_admin_publishes(self):
        customer = new_test_user(
            self.env, "roms_tour_customer", groups="base.group_portal"
        )
        customer.partner_id.roms_category = "customer"
        new_test_user(
            self.env,
            "roms_tour_admin",
            groups="base.group_user,roms_crm.group_roms_admin",
        )
        product = self.env["product.product"].create(
            {
                "name": "Kopi Ulasan Tour",
                "list_price": 85000,
                "taxes_id": [Command.clear()],
            }
        )
        order = make_order(
            self.env, customer.partner_id, product, qty=2, stage="delivered"
        )
        self.start_tour(
            f"/my/orders/{order.id}", "roms_portal_refund_review", login=customer.login
        )
        refund = order.roms_refund_request_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.source, "portal")
        self.assertEqual(refund.line_ids.quantity, 1)
        self.assertEqual(refund.reason, "Kemasan penyok saat tiba")
        review = self.env["roms.product.review"].search(
            [("product_tmpl_id", "=", product.product_tmpl_id.id)]
        )
        self.assertEqual(len(review), 1)
        self.assertEqual((review.rating, review.state), (5, "pending"))

        self.start_tour(
            "/odoo/action-roms_crm.roms_product_review_action",
            "roms_review_publish",
            login="roms_tour_admin",
        )
        self.assertEqual(review.state, "published")
        self.assertEqual(product.product_tmpl_id.roms_review_count, 1)
