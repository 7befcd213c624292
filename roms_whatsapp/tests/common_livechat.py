from datetime import datetime

from odoo.tests import new_test_user

from .fake_providers import FakeMetaCloud


class LivechatCase:
    """Fixtures of the live-chat tests: a WhatsApp account and CS agents."""

    @classmethod
    def _make_account(cls, env, name="Toko Kopi"):
        return (
            env["roms.whatsapp.account"]
            .sudo()
            .create({"name": name, "provider": "waha"})
        )

    @classmethod
    def _make_agent(cls, env, login, online=True, admin=False):
        groups = "base.group_user,roms_crm.group_roms_cs"
        if admin:
            groups += ",roms_crm.group_roms_admin"
        user = new_test_user(env, login, groups=groups, name=login.upper())
        user.roms_online = online
        return user

    @classmethod
    def _setup_livechat(cls):
        env = cls.env
        # agents and admins of the database itself (demo data) stay out of the way
        env["res.users"].search([("roms_online", "=", True)]).roms_online = False
        cls.account = cls._make_account(env)
        cls.agent_a = cls._make_agent(env, "roms_agent_a")
        cls.agent_b = cls._make_agent(env, "roms_agent_b")
        cls.agent_c = cls._make_agent(env, "roms_agent_c", online=False)
        cls.admin = cls._make_agent(env, "roms_wa_admin", online=False, admin=True)

    @classmethod
    def _setup_meta_account(cls, name):
        """``cls.meta``, a fake of the Cloud API on loopback (stopped with the
        class), and ``cls.account``, the only active account: connected to it."""
        cls.meta = FakeMetaCloud()
        cls.addClassCleanup(cls.meta.stop)
        Account = cls.env["roms.whatsapp.account"]
        Account.search([]).write({"active": False})
        cls.account = Account.create(cls.meta.account_values(name, state="connected"))
        # only connected accounts send
        cls.account._set_state("connected")

    def receive(self, number, body="Halo kak", profile_name="Budi123", **extra):
        account = extra.pop("account", None) or self.account
        values = {
            "number": number,
            "profile_name": profile_name,
            "body": body,
            "provider_message_id": f"wamid.{number}.{body}",
            "timestamp": datetime.now(),
            "attachment_ids": [],
            **extra,
        }
        return self.env["discuss.channel"]._roms_wa_receive(account, values)

    def conversation(self, message):
        return self.env["discuss.channel"].browse(message.res_id)
