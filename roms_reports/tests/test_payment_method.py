from odoo.tests import tagged

from odoo.addons.roms_crm.models.order_api.roms_api import RomsApiError

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestPaymentMethod(RomsReportsCase):
    def payload(self, **overrides):
        self.product.default_code = "ROMS-PM-1"
        return {
            "external_id": "PM-1",
            "source": "woocommerce",
            "customer": {"name": "Budi Bayar", "phone": "0812-7000-5555"},
            "lines": [{"sku": "ROMS-PM-1", "quantity": 1, "price_unit": 1000}],
            **overrides,
        }

    def test_order_api_sets_payment_method(self):
        status, data = self.env["roms.api"]._api_create(
            self.payload(payment_method="ewallet")
        )
        self.assertEqual(status, 201)
        self.assertEqual(data["payment_method"], "ewallet")
        order = self.env["sale.order"].browse(data["id"])
        self.assertEqual(order.roms_payment_method, "ewallet")

    def test_order_api_refuses_unknown_method(self):
        count = self.env["sale.order"].search_count([])
        with self.assertRaises(RomsApiError) as caught:
            self.env["roms.api"]._api_create(self.payload(payment_method="cash"))
        self.assertEqual(caught.exception.field, "payment_method")
        self.assertEqual(self.env["sale.order"].search_count([]), count)
