from odoo.tests import HttpCase, new_test_user, tagged

from .common_livechat import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatTour(LivechatCase, HttpCase):
    def test_agent_goes_online_and_replies(self):
        self.env["res.users"].search([("roms_online", "=", True)]).roms_online = False
        cs1 = self.env.ref("roms_crm.res_users_cs1_demo", raise_if_not_found=False)
        if not cs1:
            cs1 = new_test_user(
                self.env,
                "cs1",
                password="cs1",
                groups="base.group_user,roms_crm.group_roms_cs",
            )
        self.assertFalse(cs1.roms_online)
        self.account = self._make_account(self.env)
        self.env["mail.canned.response"].create(
            {
                "source": "ready",
                "substitution": "Stok ready kak, silakan diorder 🙏",
                "group_ids": [(4, self.env.ref("roms_crm.group_roms_cs").id)],
            }
        )
        message = self.receive("081277776543", body="Halo kak, kopi gayo ready?")
        channel = self.conversation(message)
        self.assertFalse(channel.roms_agent_id, "nobody is online yet")

        self.start_tour("/odoo/discuss", "roms_whatsapp_livechat", login="cs1")

        self.assertTrue(cs1.roms_online)
        self.assertEqual(channel.roms_agent_id, cs1)
        replies = self.env["mail.message"].search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", channel.id),
                ("roms_wa_direction", "=", "out"),
            ],
            order="id",
        )
        self.assertEqual(len(replies), 2)
        self.assertIn("Stok ready kak", replies[0].body)
        self.assertEqual(replies[0].author_id, cs1.partner_id)
        self.assertEqual(replies[1].attachment_ids.name, "foto-produk.png")
