from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.roms_crm.tests.common import make_order


class RomsReportsCase(TransactionCase):
    """A shop of its own (a fresh company), so that demo data never count: every
    figure is computed for the current companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        main = cls.env.ref("base.main_company")
        cls.company = cls.env["res.company"].create(
            {"name": "Toko Uji Laporan", "currency_id": main.currency_id.id}
        )
        cls.owner = new_test_user(
            cls.env,
            "roms_reports_owner",
            groups="base.group_user,roms_crm.group_roms_admin",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz="Asia/Jakarta",
        )
        cls.env = cls.env(
            user=cls.owner,
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids),
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Kopi Uji", "list_price": 1000, "type": "consu"}
        )

    @classmethod
    def customer(cls, name, **values):
        return cls.env["res.partner"].create(
            {"name": name, "roms_category": "customer", **values}
        )

    @classmethod
    def order(cls, partner, amount, when, stage="processed", product=None, qty=1):
        """A confirmed order of ``amount`` Rupiah placed at ``when`` (UTC)."""
        order = make_order(
            cls.env,
            partner,
            product or cls.product,
            qty=qty,
            price=amount / qty,
            stage=stage,
        )
        order.date_order = when
        return order
