from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import RomsReportsCase

# Wednesday 18 March 2026, 12:00 in Jakarta
NOW = "2026-03-18 05:00:00"


@tagged("post_install", "-at_install")
class TestDashboard(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls.ana = cls.customer("Ana")
            cls.budi = cls.customer("Budi")
            cls.citra = cls.customer("Citra")
            cls.dewi = cls.customer("Dewi")
            # before the chart period: Ana is a returning customer today
            cls.order(cls.ana, 50000, "2026-01-10 03:00:00", stage="delivered")
            # same weekday last week: 09:00 counts, 15:00 is later than now's time
            cls.order(cls.citra, 60000, "2026-03-11 02:00:00", stage="shipped")
            cls.order(cls.dewi, 40000, "2026-03-11 08:00:00", stage="delivered")
            # today 08:00 and 10:00 Jakarta
            cls.order(cls.ana, 100000, "2026-03-18 01:00:00", stage="pending")
            cls.order(cls.budi, 50000, "2026-03-18 03:00:00")
            # neither a quotation nor a cancelled order counts
            quotation = cls.env["sale.order"].create(
                {
                    "partner_id": cls.budi.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "price_unit": 9})
                    ],
                }
            )
            quotation.roms_stage = "processed"
            cancelled = cls.order(cls.citra, 70000, "2026-03-18 02:00:00")
            cancelled._action_cancel()
            cls.quotation = quotation

    def data(self):
        with freeze_time(NOW):
            self.env.invalidate_all()
            return self.env["roms.dashboard"].get_dashboard_data()

    def test_today_against_last_week(self):
        orders = self.data()["orders"]
        self.assertEqual(orders["count"], 2)
        self.assertEqual(orders["count_last_week"], 1)
        self.assertEqual(orders["count_change"], 100.0)
        self.assertEqual(orders["sales"], 150000)
        self.assertEqual(orders["sales_last_week"], 60000)
        self.assertEqual(orders["sales_change"], 150.0)
        found = self.env["sale.order"].search(orders["action"]["domain"])
        self.assertEqual(found.partner_id, self.ana | self.budi)

    def test_rupiah_is_shown_whole(self):
        company = self.env.company
        usd = self.env.ref("base.USD")
        # another currency keeps its decimals
        self.env.cr.execute(
            "UPDATE res_company SET currency_id = %s WHERE id = %s",
            [usd.id, company.id],
        )
        company.invalidate_recordset(["currency_id"])
        self.assertEqual(
            self.data()["currency"], {"symbol": "$", "position": "before", "digits": 2}
        )
        # Rupiah at Odoo's default of two decimals is still shown whole
        idr = self.env.ref("base.IDR").sudo()
        idr.rounding = 0.01
        self.env.cr.execute(
            "UPDATE res_company SET currency_id = %s WHERE id = %s",
            [idr.id, company.id],
        )
        company.invalidate_recordset(["currency_id"])
        self.assertEqual(self.data()["currency"]["digits"], 0)
        self.assertEqual(idr.decimal_places, 2)

    def test_daily_chart(self):
        data = self.data()
        daily = {d["date"]: d for d in data["daily"]}
        self.assertEqual(len(daily), 30)
        self.assertEqual(data["daily"][0]["date"], "2026-02-17")
        self.assertEqual(data["daily"][-1]["date"], "2026-03-18")
        self.assertEqual(
            daily["2026-03-11"], {"date": "2026-03-11", "orders": 2, "sales": 100000}
        )
        self.assertEqual(daily["2026-03-18"]["orders"], 2)
        self.assertEqual(daily["2026-03-18"]["sales"], 150000)
        self.assertEqual(sum(d["orders"] for d in data["daily"]), 4)

    def test_new_and_returning_customers(self):
        customers = {d["date"]: d for d in self.data()["customers"]}
        self.assertEqual(
            customers["2026-03-11"],
            {"date": "2026-03-11", "new": 2, "returning": 0},
        )
        self.assertEqual(
            customers["2026-03-18"],
            {"date": "2026-03-18", "new": 1, "returning": 1},
        )
        self.assertEqual(sum(d["new"] + d["returning"] for d in customers.values()), 4)

    def test_a_company_is_one_customer(self):
        """Two contacts of one reseller company order: one customer, who is
        returning when any of its contacts ordered before."""
        company = self.customer("CV Laris Manis", is_company=True)
        yesterday_buyer, today_buyer = (
            self.customer(name, parent_id=company.id) for name in ("Eka", "Fajar")
        )
        with freeze_time(NOW):
            self.order(yesterday_buyer, 30000, "2026-03-17 03:00:00")
            self.order(today_buyer, 20000, "2026-03-18 02:00:00")
            self.order(yesterday_buyer, 10000, "2026-03-18 04:00:00")
        customers = {d["date"]: d for d in self.data()["customers"]}
        self.assertEqual(
            customers["2026-03-17"], {"date": "2026-03-17", "new": 1, "returning": 0}
        )
        # Ana, Budi as before, and the company once, returning
        self.assertEqual(
            customers["2026-03-18"], {"date": "2026-03-18", "new": 1, "returning": 2}
        )

    def test_returning_without_statistics(self):
        """The customers' first order date only saves the search for an earlier
        order: missing (statistics not computed yet, e.g. after an import) or
        later than the truth, the orders decide."""
        eka, fajar, gita = (self.customer(n) for n in ("Eka", "Fajar", "Gita"))
        with freeze_time(NOW):
            self.order(eka, 30000, "2026-01-05 03:00:00")
            self.order(eka, 20000, "2026-03-18 02:00:00")
            self.order(fajar, 30000, "2026-01-20 03:00:00")
            self.order(fajar, 20000, "2026-03-18 04:00:00")
            self.order(gita, 30000, "2026-03-02 03:00:00")
            self.order(gita, 20000, "2026-03-18 04:00:00")
        self.env.flush_all()
        # Eka's and Gita's never computed, Fajar's later than his first order
        self.env.cr.execute(
            """UPDATE res_partner SET roms_first_order_date = CASE id
                 WHEN %s THEN DATE '2026-03-18' ELSE NULL END
               WHERE id IN %s""",
            (fajar.id, (eka.id, fajar.id, gita.id)),
        )
        customers = {d["date"]: d for d in self.data()["customers"]}
        # Gita is new on the 2nd, in the period
        self.assertEqual(
            customers["2026-03-02"], {"date": "2026-03-02", "new": 1, "returning": 0}
        )
        # Ana and Budi as before; Eka, Fajar and Gita returning
        self.assertEqual(
            customers["2026-03-18"], {"date": "2026-03-18", "new": 1, "returning": 4}
        )

    def test_waiting_orders_per_stage(self):
        stages = {s["stage"]: s for s in self.data()["waiting_orders"]}
        self.assertEqual(list(stages), ["pending", "processed", "shipped"])
        # pending: today's order of Ana; processed: Budi's order and the quotation
        self.assertEqual(stages["pending"]["count"], 1)
        self.assertEqual(stages["processed"]["count"], 2)
        self.assertEqual(stages["shipped"]["count"], 1)
        self.assertEqual(stages["shipped"]["records"][0]["partner"], "Citra")
        found = self.env["sale.order"].search(stages["processed"]["action"]["domain"])
        self.assertEqual(len(found), 2)

    def test_segment_sizes(self):
        segments = self.data()["segments"]
        self.env.cr.execute(
            "SELECT segment_id, count(*) FROM roms_partner_segment_rel GROUP BY 1"
        )
        expected = dict(self.env.cr.fetchall())
        self.assertTrue(segments)
        for segment in segments:
            self.assertEqual(segment["count"], expected.get(segment["id"], 0))
            self.assertEqual(
                self.env["res.partner"].search_count(segment["action"]["domain"]),
                segment["count"],
            )

    def test_customer_service_sees_no_sales(self):
        cs = self.owner.copy({"login": "roms_reports_cs"})
        cs.groups_id = [
            Command.set(
                [
                    self.env.ref("base.group_user").id,
                    self.env.ref("roms_crm.group_roms_cs").id,
                ]
            )
        ]
        with freeze_time(NOW):
            data = self.env["roms.dashboard"].with_user(cs).get_dashboard_data()
        self.assertEqual(data["orders"]["count"], 2)
        self.assertIsNone(data["orders"]["sales"])
        self.assertIsNone(data["orders"]["sales_change"])
        self.assertTrue(all(d["sales"] is None for d in data["daily"]))
        # the dashboard then draws neither the sales tile nor the sales axis
        self.assertIs(data["orders"]["show_sales"], False)
        self.assertIs(self.data()["orders"]["show_sales"], True)

    def test_query_count_does_not_grow(self):
        self.data()  # warm up
        with freeze_time(NOW):
            self.env.invalidate_all()
            with self.assertQueryCount(QUERIES):
                self.env["roms.dashboard"].get_dashboard_data()
            # ten times the customers and orders: the same queries
            for index in range(10):
                partner = self.customer(f"Extra {index}")
                self.order(partner, 1000 * (index + 1), "2026-03-18 02:00:00")
                self.order(partner, 1000, "2026-03-01 02:00:00", stage="shipped")
            self.env.invalidate_all()
            with self.assertQueryCount(QUERIES):
                data = self.env["roms.dashboard"].get_dashboard_data()
        self.assertEqual(data["orders"]["count"], 12)

    def test_no_jit_compilation(self):
        """The figures run without PostgreSQL's JIT, whose compilation of the
        new/returning query cost seconds at 100,000 customers (./setup/load)."""
        self.env.cr.execute("SET LOCAL jit = on")
        self.data()
        self.env.cr.execute("SHOW jit")
        self.assertEqual(self.env.cr.fetchone()[0], "off")


# queries of one dashboard load, whatever the data: one per figure (orders today,
# daily chart, new/returning, segments, waiting orders, chats today, today's median
# first response, waiting chats, WhatsApp account, this week's reminder sales) plus
# reading the shop's time zone
# and the user's groups, which a fresh cache reads again, and turning PostgreSQL's JIT
# off for the transaction
QUERIES = 14


@tagged("post_install", "-at_install")
class TestDashboardChats(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Channel = cls.env["discuss.channel"].sudo()
        # nobody online: conversations wait unassigned
        cls.env["res.users"].sudo().search([("roms_online", "=", True)]).write(
            {"roms_online": False}
        )
        cls.env.flush_all()
        cls.before = cls.env["roms.dashboard"]._fig_waiting_chats()["count"]
        cls.account = (
            cls.env["roms.whatsapp.account"]
            .sudo()
            .create({"name": "Toko Uji WA", "state": "connected", "is_default": True})
        )
        cls.conversations = {}
        for when, number in [
            ("2026-03-11 02:00:00", "+6281200000002"),  # last week, 09:00
            ("2026-03-11 08:00:00", "+6281200000003"),  # last week, after 12:00
            ("2026-03-18 01:00:00", "+6281200000001"),  # today
            ("2026-03-18 01:30:00", "+6281200000001"),  # same conversation
            ("2026-03-18 02:00:00", "+6281200000004"),  # today
        ]:
            with freeze_time(when):
                message = Channel._roms_wa_receive(
                    cls.account,
                    {
                        "number": number,
                        "profile_name": f"Pelanggan {number[-1]}",
                        "body": "Halo, kopinya masih ada?",
                        "provider_message_id": f"wamid.{when}.{number}",
                        "timestamp": when,
                    },
                )
            cls.conversations[number] = Channel.browse(message.res_id)

    def data(self):
        with freeze_time(NOW):
            self.env.invalidate_all()
            return self.env["roms.dashboard"].get_dashboard_data()

    def test_chats_today_against_last_week(self):
        chats = self.data()["chats"]
        self.assertEqual((chats["count"], chats["count_last_week"]), (2, 1))
        self.assertEqual(chats["count_change"], 100.0)
        found = self.env["discuss.channel"].sudo().search(chats["action"]["domain"])
        self.assertEqual(
            found,
            self.conversations["+6281200000001"] | self.conversations["+6281200000004"],
        )

    def test_waiting_chats(self):
        self.assertFalse(any(c.roms_agent_id for c in self.conversations.values()))
        waiting = self.data()["waiting_chats"]
        self.assertEqual(waiting["count"], self.before + 4)
        self.assertEqual(
            [r["id"] for r in waiting["records"][:4]],
            [
                self.conversations[n].id
                for n in (
                    "+6281200000002",
                    "+6281200000003",
                    "+6281200000001",
                    "+6281200000004",
                )
            ],
        )
        self.conversations["+6281200000004"].roms_agent_id = self.owner
        self.assertEqual(self.data()["waiting_chats"]["count"], self.before + 3)

    def test_whatsapp_status(self):
        status = self.data()["whatsapp"]
        self.assertTrue(status["configured"])
        self.assertTrue(status["connected"])
        self.assertEqual(status["name"], "Toko Uji WA")
        self.assertEqual(status["action"]["res_id"], self.account.id)

    def test_first_response_today(self):
        # nobody answered today: no figure (the card shows "—")
        empty = self.data()["first_response"]
        self.assertIsNone(empty["median"])
        root = self.env.ref("base.partner_root")
        for when, number, author in [
            ("2026-03-11 02:05:00", "+6281200000002", self.owner.partner_id),
            ("2026-03-18 01:10:00", "+6281200000001", self.owner.partner_id),
            # a bot's line is no first response
            ("2026-03-18 02:01:00", "+6281200000004", root),
            ("2026-03-18 02:30:00", "+6281200000004", self.owner.partner_id),
        ]:
            with freeze_time(when):
                self.conversations[number].message_post(
                    body="Siap kak",
                    author_id=author.id,
                    message_type="comment",
                    roms_wa_direction="out",
                )
        # today: 10 and 30 minutes; last week's 5 minutes do not count
        figure = self.data()["first_response"]
        self.assertEqual(figure["median"], 20.0)
        self.assertEqual(figure["action"]["res_model"], "roms.whatsapp.agent.report")
        self.assertEqual(figure["action"]["domain"], [("day", "=", "2026-03-18")])
        # the same figure as the Agent Performance report's
        rows = self.env["roms.whatsapp.agent.report"].search(
            [("day", "=", "2026-03-18"), ("agent_id", "=", self.owner.id)]
        )
        self.assertEqual(rows.first_response_median, 20.0)
        # customer service sees the figure, not the owner's report
        cs = self.owner.copy({"login": "roms_reports_cs_chats"})
        cs.groups_id = [
            Command.set(
                [
                    self.env.ref("base.group_user").id,
                    self.env.ref("roms_crm.group_roms_cs").id,
                ]
            )
        ]
        with freeze_time(NOW):
            data = self.env["roms.dashboard"].with_user(cs).get_dashboard_data()
        self.assertEqual(data["first_response"], {"median": 20.0, "action": False})
