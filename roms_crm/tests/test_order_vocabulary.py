import inspect
import re
from pathlib import Path

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

# Raw copies of the vocabulary that no query should write out again.
COPIES = {
    "an order that counts": re.compile(r"\bstate\s*=\s*'sale'"),
    "an amount in company currency": re.compile(
        r"NULLIF\(\s*[^,]*currency_rate\s*,\s*0\s*\)"
    ),
    "the primary segment": re.compile(
        r"FROM\s+roms_partner_segment_rel\b.{0,300}?LIMIT\s+1", re.DOTALL
    ),
}
ADDONS = ("roms_crm", "roms_whatsapp", "roms_loyalty", "roms_reports")


@tagged("post_install", "-at_install")
class TestOrderVocabulary(TransactionCase):
    """The SQL vocabulary of orders that count (sale.order and res.partner
    ``_roms_*_sql`` helpers): what each helper selects, and that no query writes
    one of them out again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["sale.order"]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Sari", "roms_category": "customer"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Gula Aren", "list_price": 100000, "taxes_id": [Command.clear()]}
        )

    def _order(self, confirm=True, amount=100000):
        order = self.Order.create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _select(self, expression, orders, where=None):
        """``{order id: expression}`` over ``orders`` (alias ``so``), filtered by
        the ``where`` condition."""
        return dict(
            self.env.execute_query(
                SQL(
                    "SELECT so.id, %s FROM sale_order so WHERE so.id = ANY(%s) AND %s",
                    expression,
                    orders.ids,
                    where or SQL("TRUE"),
                )
            )
        )

    def test_orders_that_count(self):
        confirmed = self._order()
        quotation = self._order(confirm=False)
        sent = self._order(confirm=False)
        sent.action_quotation_sent()
        cancelled = self._order()
        cancelled._action_cancel()
        locked = self._order()
        locked.action_lock()
        orders = confirmed | quotation | sent | cancelled | locked
        counting = self._select(
            SQL("1"), orders, self.Order._roms_counting_order_sql("so")
        )
        self.assertEqual(set(counting), {confirmed.id, locked.id})
        # the Python and ORM twins select the same orders (on sale.order and on
        # sale.report)
        self.assertEqual(orders._roms_counting_orders(), confirmed | locked)
        domain = self.Order._roms_counting_order_domain()
        self.assertEqual(
            self.Order.search([("id", "in", orders.ids), *domain]), confirmed | locked
        )
        report = self.env["sale.report"].search(
            [("partner_id", "=", self.customer.id), *domain]
        )
        self.assertEqual(set(report.mapped("name")), {confirmed.name, locked.name})
        # the condition sees unflushed changes (its fields are in to_flush)
        confirmed._action_cancel()
        counting = self.env.execute_query(
            SQL(
                "SELECT so.id FROM sale_order so WHERE so.id = ANY(%s) AND %s",
                orders.ids,
                self.Order._roms_counting_order_sql("so"),
            )
        )
        self.assertEqual(counting, [(locked.id,)])

    def test_refunded_orders(self):
        refunded, other = self._order(), self._order()
        refund = self.env["roms.refund.request"].create(
            {
                "order_id": refunded.id,
                "reason": "Broken seal",
                "line_ids": [
                    Command.create(
                        {"sale_line_id": refunded.order_line.id, "quantity": 1}
                    )
                ],
            }
        )
        refund.action_approve()
        orders = refunded | other
        is_refunded = self.Order._roms_refunded_order_sql("so")
        self.assertFalse(self._select(SQL("1"), orders, is_refunded))
        refund.action_mark_refunded()
        self.assertEqual(
            set(self._select(SQL("1"), orders, is_refunded)), {refunded.id}
        )
        # a refunded order still counts
        counting = self.Order._roms_counting_order_sql("so")
        self.assertEqual(set(self._select(SQL("1"), orders, counting)), set(orders.ids))
        # on any row holding an order id
        rows = self.env.execute_query(
            SQL(
                """SELECT l.id FROM sale_order_line l
                    WHERE l.order_id = ANY(%s) AND %s""",
                orders.ids,
                self.Order._roms_refunded_order_sql("l", "order_id"),
            )
        )
        self.assertEqual(rows, [(refunded.order_line.id,)])
        refund.action_undo_refund()
        self.assertFalse(self._select(SQL("1"), orders, is_refunded))

    def test_amount_in_company_currency(self):
        order = self._order(amount=100000)
        amount = self.Order._roms_amount_company_sql("so")
        refund = self.Order._roms_amount_company_sql("so", SQL("%s", 30000))
        for rate, total, refunded in ((1, 100000, 30000), (2, 50000, 15000)):
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order SET currency_rate = %s WHERE id = %s",
                    rate,
                    order.id,
                )
            )
            self.assertAlmostEqual(self._select(amount, order)[order.id], total)
            self.assertAlmostEqual(self._select(refund, order)[order.id], refunded)
        # an order without a rate is in the company currency
        for rate in (0, None):
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order SET currency_rate = %s WHERE id = %s",
                    rate,
                    order.id,
                )
            )
            self.assertAlmostEqual(self._select(amount, order)[order.id], 100000)

    def test_primary_segment(self):
        Segment = self.env["roms.segment"]
        only_sari = repr([("id", "=", self.customer.id)])
        first, second, retired = (
            Segment.create(
                {"name": name, "code": code, "sequence": sequence, "domain": only_sari}
            )
            for name, code, sequence in (
                ("First", "test_first", -2),
                ("Second", "test_second", -1),
                ("Retired", "test_retired", -3),
            )
        )
        retired.active = False
        # a membership left over from when the segment was active
        self.env.cr.execute(
            SQL(
                "INSERT INTO roms_partner_segment_rel (partner_id, segment_id)"
                " VALUES (%s, %s) ON CONFLICT DO NOTHING",
                self.customer.id,
                retired.id,
            )
        )
        self.assertEqual(
            self.customer.with_context(active_test=False).roms_segment_ids
            & (first | second | retired),
            first | second | retired,
        )
        nobody = self.env["res.partner"].create(
            {"name": "Tanpa Segmen", "roms_category": False}
        )
        primary = self.env["res.partner"]._roms_primary_segment_sql("p")

        def primaries():
            return dict(
                self.env.execute_query(
                    SQL(
                        """SELECT p.id, seg.segment_id FROM res_partner p
                            LEFT JOIN LATERAL (%s) seg ON TRUE
                            WHERE p.id = ANY(%s)""",
                        primary,
                        (self.customer | nobody).ids,
                    )
                )
            )

        self.assertEqual(primaries(), {self.customer.id: first.id, nobody.id: None})
        # the order of the segments decides, whatever the order of membership
        first.sequence = 0
        self.assertEqual(primaries()[self.customer.id], second.id)

    def test_no_copies(self):
        """Queries say these notions with the helpers, never written out."""
        homes = {
            inspect.getsourcefile(cls)
            for model, method in (
                ("sale.order", "_roms_counting_order_sql"),
                ("sale.order", "_roms_amount_company_sql"),
                ("res.partner", "_roms_primary_segment_sql"),
            )
            for cls in type(self.env[model]).mro()
            if method in vars(cls)
        }
        root = Path(get_module_path("roms_crm")).parent
        paths = [
            path
            for folder in (*ADDONS, "setup")
            if (root / folder).is_dir()
            for path in (root / folder).rglob("*.py")
            if "tests" not in path.parts and str(path) not in homes
        ]
        self.assertTrue(paths)
        copies = [
            f"{path.relative_to(root)}: {notion}"
            for path in paths
            for notion, pattern in COPIES.items()
            if pattern.search(path.read_text())
        ]
        self.assertFalse(copies, "write these with roms_crm's SQL vocabulary")
