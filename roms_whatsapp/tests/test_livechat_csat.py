from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import WhatsappCase
from .common_livechat import LivechatCase

# 09:00 in Jakarta
T0 = datetime(2026, 12, 7, 2, 0, 0)


class CsatMixin:
    def enable_csat(self, hours=None):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("roms_whatsapp.csat_enabled", "True")
        if hours is not None:
            params.set_param("roms_whatsapp.csat_window_hours", str(hours))

    def questions(self, channel):
        return self.env["roms.message"].search(
            [
                ("kind", "=", "csat"),
                ("res_model", "=", "discuss.channel"),
                ("res_id", "=", channel.id),
            ]
        )


@tagged("post_install", "-at_install")
class TestLivechatCsat(CsatMixin, LivechatCase, TransactionCase):
    """The satisfaction question after a resolve: an answer within the window from
    the conversation's own number is stored, anything else is an ordinary
    message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.env["roms.whatsapp.account"].search([("id", "!=", cls.account.id)]).write(
            {"active": False}
        )

    def resolved(self, number, minutes=0):
        """A conversation of ``number`` answered and resolved by its agent."""
        with freeze_time(T0 + timedelta(minutes=minutes)):
            channel = self.conversation(self.receive(number, body="Kopinya ready?"))
            agent = channel.roms_agent_id
            channel.with_user(agent).message_post(
                body="Ready kak", message_type="comment"
            )
            channel.with_user(agent).action_roms_resolve()
        return channel

    def answer(self, number, body, minutes, **extra):
        with freeze_time(T0 + timedelta(minutes=minutes)):
            return self.receive(number, body=body, **extra)

    def test_off_by_default_sends_nothing(self):
        self.assertFalse(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("roms_whatsapp.csat_enabled")
        )
        channel = self.resolved("081233331001")
        self.assertFalse(self.questions(channel))
        self.assertFalse(self.env["roms.message"].search([("kind", "=", "csat")]))
        # a "5" afterwards is an ordinary message: the conversation reopens
        self.answer("081233331001", "5", 10)
        self.assertEqual(channel.roms_status, "open")
        self.assertFalse(channel.roms_csat_score)

    def test_digit_answer_is_stored_without_reopening(self):
        self.enable_csat()
        channel = self.resolved("081233331002")
        question = self.questions(channel)
        self.assertEqual(len(question), 1)
        self.assertEqual(question.state, "queued")
        self.assertEqual(question.channel, "whatsapp")
        self.assertEqual(question.recipient, "+6281233331002")
        # a QR gateway gets text: the template, then "reply 1–5"
        self.assertIn("Bagaimana pelayanan kami hari ini?", question.body)
        self.assertIn("1–5", question.body)
        self.assertFalse(question.roms_wa_buttons)
        episode = channel.roms_episode_id
        agent = episode.agent_id
        self.assertTrue(agent)
        message = self.answer("081233331002", " 4 ", 30)
        self.assertEqual(message.res_id, channel.id)
        self.assertEqual(channel.roms_status, "resolved")
        self.assertEqual(channel.roms_episode_id, episode)
        self.assertEqual(
            (channel.roms_csat_score, channel.roms_csat_agent_id), (4, agent)
        )
        self.assertEqual(channel.roms_csat_answered_at, T0 + timedelta(minutes=30))
        self.assertEqual(episode.csat_score, 4)
        self.assertEqual(episode.csat_answer_id, message)
        # one answer per question: the next "5" is an ordinary message
        self.answer("081233331002", "5", 31)
        self.assertEqual(channel.roms_status, "open")
        self.assertEqual(episode.csat_score, 4)
        self.assertNotEqual(channel.roms_episode_id, episode)

    def test_another_number_is_just_a_message(self):
        self.enable_csat()
        channel = self.resolved("081233331003")
        message = self.answer("081233331004", "4", 5)
        other = self.conversation(message)
        self.assertNotEqual(other, channel)
        self.assertEqual(other.roms_status, "open")
        self.assertFalse(other.roms_csat_score)
        self.assertFalse(channel.roms_csat_score)
        self.assertFalse(channel.roms_episode_id.csat_score)
        self.assertEqual(channel.roms_status, "resolved")

    def test_answer_outside_the_window_is_just_a_message(self):
        self.enable_csat(hours=2)
        channel = self.resolved("081233331005")
        episode = channel.roms_episode_id
        self.answer("081233331005", "4", 2 * 60 + 1)
        self.assertFalse(episode.csat_score)
        self.assertFalse(channel.roms_csat_score)
        # the customer wrote again: a new episode
        self.assertEqual(channel.roms_status, "open")
        self.assertNotEqual(channel.roms_episode_id, episode)

    def test_hostile_answers_store_nothing(self):
        self.enable_csat()
        for index, (body, extra) in enumerate(
            [
                ("99", {}),
                ("1e30", {}),
                ("0", {}),
                ("4 bintang", {}),
                ("٤", {}),  # an Arabic-Indic four
                ("👍 Good", {"reply_id": "roms_csat_99"}),
                ("4", {"reply_id": "' OR 1=1 --"}),
                ("4", {"reply_id": ["roms_csat_5"]}),
            ]
        ):
            number = f"08123333120{index}"
            channel = self.resolved(number, minutes=index)
            episode = channel.roms_episode_id
            self.answer(number, body, index + 5, **extra)
            self.assertFalse(episode.csat_score, body)
            self.assertFalse(channel.roms_csat_score, body)
            self.assertEqual(channel.roms_status, "open", body)

    def test_opted_out_customer_is_not_asked(self):
        self.enable_csat()
        with freeze_time(T0):
            channel = self.conversation(self.receive("081233331301"))
        channel.roms_partner_id.roms_opt_out = True
        channel.with_user(channel.roms_agent_id).action_roms_resolve()
        self.assertFalse(self.questions(channel))

    def test_answers_in_the_report(self):
        self.enable_csat()
        scores = {"081233331401": "5", "081233331402": "3", "081233331403": None}
        for index, number in enumerate(scores):
            self.resolved(number, minutes=index)
        for index, (number, score) in enumerate(scores.items()):
            if score:
                self.answer(number, score, 10 + index)
        self.env.flush_all()
        episodes = self.env["roms.whatsapp.episode"].search(
            [("channel_id.roms_wa_number", "in", [f"+62{n[1:]}" for n in scores])]
        )
        self.assertEqual(len(episodes), 3)
        Report = self.env["roms.whatsapp.agent.report"].with_user(self.admin)
        groups = Report.read_group(
            [("agent_id", "in", episodes.agent_id.ids)],
            [
                "csat_requests:sum",
                "csat_responses:sum",
                "csat_score:avg",
                "csat_rate:avg",
            ],
            [],
        )
        self.assertEqual(groups[0]["csat_requests"], 3)
        self.assertEqual(groups[0]["csat_responses"], 2)
        self.assertAlmostEqual(groups[0]["csat_score"], 4)
        self.assertAlmostEqual(groups[0]["csat_rate"], 66.7)


@tagged("post_install", "-at_install")
class TestLivechatCsatProviders(CsatMixin, LivechatCase, WhatsappCase):
    """The question leaves through the queue to the providers' loopback fakes (reply
    buttons on the Cloud API, text on WAHA) and the answer comes back through the
    webhook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.account.active = False
        cls.meta_account._set_state("connected")
        cls.waha.connect("default")
        cls.waha_account._set_state("connected")

    def webhook(self, fake, account, payload):
        response = self.post_webhook(fake, self.webhook_url(account), payload)
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()

    def resolve(self, account, fake, payload):
        self.webhook(fake, account, payload)
        channel = self.env["discuss.channel"].search(
            [("roms_account_id", "=", account.id)], order="id desc", limit=1
        )
        channel.with_user(channel.roms_agent_id).action_roms_resolve()
        # the queue sends it (the cron's own claim and send, for this message)
        self.questions(channel)._send_now()
        return channel

    def test_cloud_api_reply_buttons(self):
        self.enable_csat()
        number = "+6281244441001"
        channel = self.resolve(
            self.meta_account,
            self.meta,
            self.meta.message_payload(number, "Pesanan saya sudah dikirim?"),
        )
        question = self.questions(channel)
        self.assertEqual(question.state, "sent")
        [sent] = self.meta.sent("/messages")
        self.assertEqual(sent.json["type"], "interactive")
        interactive = sent.json["interactive"]
        self.assertEqual(interactive["type"], "button")
        self.assertIn("Bagaimana pelayanan kami", interactive["body"]["text"])
        self.assertEqual(
            [b["reply"]["id"] for b in interactive["action"]["buttons"]],
            ["roms_csat_5", "roms_csat_3", "roms_csat_1"],
        )
        # an unknown button stores nothing (and is an ordinary message)
        other = self.resolve(
            self.meta_account,
            self.meta,
            self.meta.message_payload("+6281244441002", "Halo"),
        )
        self.webhook(
            self.meta,
            self.meta_account,
            self.meta.button_reply_payload("+6281244441002", "roms_csat_7", "👍"),
        )
        self.assertFalse(other.roms_episode_id.csat_score)
        self.assertEqual(other.roms_status, "open")
        # the customer taps 😐: 3 on the 1–5 scale, the conversation stays resolved
        self.webhook(
            self.meta,
            self.meta_account,
            self.meta.button_reply_payload(
                number,
                "roms_csat_3",
                "😐 Okay",
                context_id=question.provider_message_id,
            ),
        )
        self.assertEqual(channel.roms_status, "resolved")
        self.assertEqual(channel.roms_csat_score, 3)
        self.assertEqual(channel.roms_csat_agent_id, channel.roms_episode_id.agent_id)
        self.assertTrue(channel.roms_csat_answered_at)

    def test_waha_digit_reply(self):
        self.enable_csat()
        number = "+6281244441003"
        channel = self.resolve(
            self.waha_account,
            self.waha,
            self.waha.message_event(number, "Kak, ongkir ke Bandung berapa?"),
        )
        [sent] = self.waha.sent("sendText")
        self.assertIn("Bagaimana pelayanan kami", sent.json["text"])
        self.assertIn("1–5", sent.json["text"])
        self.webhook(self.waha, self.waha_account, self.waha.message_event(number, "4"))
        self.assertEqual(channel.roms_status, "resolved")
        self.assertEqual(channel.roms_csat_score, 4)
        answer = channel.roms_episode_id.csat_answer_id
        self.assertEqual(answer.author_id, channel.roms_partner_id)
        self.assertIn("4", answer.body)
