from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common_livechat import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatStatus(LivechatCase, TransactionCase):
    """A conversation is open → pending (an agent replied) → resolved; the
    customer writing again opens it; agents label it and keep an internal note."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        # replies leave through no account here: they fail, the status still moves
        cls.env["roms.whatsapp.account"].search([]).write({"active": False})
        cls.label = cls.env["roms.whatsapp.label"].create({"name": "Komplain"})

    def test_open_pending_resolved_reopened(self):
        channel = self.conversation(self.receive("081299995001"))
        agent = channel.roms_agent_id
        self.assertEqual(channel.roms_status, "open")
        channel.with_user(agent).message_post(body="Halo kak", message_type="comment")
        self.assertEqual(channel.roms_status, "pending")
        # another agent cannot resolve it; its agent can
        other = (self.agent_a | self.agent_b) - agent
        with self.assertRaises(AccessError):
            channel.with_user(other).action_roms_resolve()
        channel.with_user(agent).action_roms_resolve()
        self.assertEqual(channel.roms_status, "resolved")
        self.assertTrue(channel.roms_resolved_at)
        # the customer writes again: open, same conversation
        message = self.receive("081299995001", body="Satu lagi kak")
        self.assertEqual(self.conversation(message), channel)
        self.assertEqual(channel.roms_status, "open")
        # an admin may reopen / resolve any
        channel.with_user(self.admin).action_roms_resolve()
        channel.with_user(self.admin).action_roms_reopen()
        self.assertEqual(channel.roms_status, "open")
        data = channel.with_user(agent).roms_wa_panel_data()
        self.assertEqual(data["status"], "open")
        self.assertTrue(data["can_resolve"])
        self.assertFalse(channel.with_user(other).roms_wa_panel_data()["can_resolve"])

    def test_labels_and_note_from_the_panel(self):
        channel = self.conversation(self.receive("081299995002"))
        agent = channel.with_user(channel.roms_agent_id)
        data = agent.roms_wa_set_labels([self.label.id])
        self.assertEqual([lbl["name"] for lbl in data["labels"]], ["Komplain"])
        self.assertEqual(channel.roms_label_ids, self.label)
        data = agent.roms_wa_set_note("Paket rusak,\nkirim ulang\x00 besok")
        self.assertEqual(channel.roms_note, "Paket rusak,\nkirim ulang besok")
        self.assertEqual(data["note"], channel.roms_note)
        # the note never reaches the customer
        self.assertFalse(
            self.env["roms.message"].search(
                [("res_model", "=", "discuss.channel"), ("res_id", "=", channel.id)]
            )
        )
        # hostile input: nothing written
        for bad in ("1", [True], [-1], [2**40], None, [{"id": 1}]):
            with self.assertRaises(UserError):
                agent.roms_wa_set_labels(bad)
        with self.assertRaises(UserError):
            agent.roms_wa_set_note("x" * 2001)
        self.assertEqual(channel.roms_label_ids, self.label)
        self.assertEqual(channel.roms_note, "Paket rusak,\nkirim ulang besok")
        # labels that vanished are ignored; an empty list clears them
        agent.roms_wa_set_labels([self.label.id + 10000])
        self.assertFalse(channel.roms_label_ids)
        # a user who is not CS cannot
        clerk = self.env["res.users"].create(
            {"name": "Clerk", "login": "roms_status_clerk"}
        )
        with self.assertRaises(AccessError):
            channel.with_user(clerk).roms_wa_set_note("hack")

    def filter_domain(self, name, user):
        """The domain of the inbox's search filter ``name``, as ``user`` gets it."""
        view = self.env.ref("roms_whatsapp.discuss_channel_view_search_roms_whatsapp")
        node = etree.fromstring(view.arch).xpath(f"//filter[@name='{name}']")[0]
        return safe_eval(node.get("domain"), {"uid": user.id})

    def inbox(self, name, user):
        action = self.env.ref("roms_whatsapp.discuss_channel_action_roms_whatsapp")
        return (
            self.env["discuss.channel"]
            .with_user(user)
            .search(safe_eval(action.domain) + self.filter_domain(name, user))
        )

    def test_inbox_filters(self):
        mine = self.conversation(self.receive("081299995003"))
        agent = mine.roms_agent_id
        other = self.conversation(self.receive("081299995005"))
        self.assertNotEqual(other.roms_agent_id, agent)
        mine.with_user(agent).action_roms_resolve()
        (self.agent_a | self.agent_b).roms_online = False
        waiting = self.conversation(self.receive("081299995004"))
        self.assertIn(waiting, self.inbox("unassigned", agent))
        self.assertNotIn(mine, self.inbox("unassigned", agent))
        self.assertEqual(self.inbox("my_chats", agent) & (mine | other), mine)
        self.assertIn(other, self.inbox("all_open", agent))
        self.assertIn(waiting, self.inbox("all_open", agent))
        self.assertNotIn(mine, self.inbox("all_open", agent))
        self.assertIn(mine, self.inbox("resolved", self.admin))
        self.assertNotIn(other, self.inbox("resolved", self.admin))
