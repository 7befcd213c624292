from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import hmac

OPT_OUT_KEYWORDS_PARAM = "roms_crm.opt_out_keywords"
DEFAULT_OPT_OUT_KEYWORDS = "STOP,BERHENTI"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Messaging: opt-out lives in Odoo's own blacklists, so every sender
    # (ROMS queue, mass mailing, SMS) checks one place.
    roms_opt_out = fields.Boolean(
        string="Opted Out",
        compute="_compute_roms_opt_out",
        inverse="_inverse_roms_opt_out",
        search="_search_roms_opt_out",
        compute_sudo=True,
        help="The customer asked not to receive reminders or broadcasts (their "
        "e-mail and WhatsApp number are blacklisted). Order confirmations and "
        "shipping messages are still sent.",
    )
    roms_message_count = fields.Integer(
        string="Customer Messages",
        compute="_compute_roms_message_count",
        compute_sudo=True,
        groups="roms_crm.group_roms_cs",
    )
    # ------------------------------------------------------------------
    # Messaging: opt-out and messages
    # ------------------------------------------------------------------

    @api.depends("email_normalized", "roms_whatsapp_number")
    def _compute_roms_opt_out(self):
        emails = [e for e in self.mapped("email_normalized") if e]
        numbers = [n for n in self.mapped("roms_whatsapp_number") if n]
        blocked_emails = set()
        blocked_numbers = set()
        if emails:
            blocked_emails = set(
                self.env["mail.blacklist"]
                .sudo()
                .search([("email", "in", emails)])
                .mapped("email")
            )
        if numbers:
            blocked_numbers = set(
                self.env["phone.blacklist"]
                .sudo()
                .search([("number", "in", numbers)])
                .mapped("number")
            )
        for partner in self:
            partner.roms_opt_out = bool(
                (partner.email_normalized in blocked_emails)
                or (partner.roms_whatsapp_number in blocked_numbers)
            )

    def _inverse_roms_opt_out(self):
        for partner in self:
            partner._roms_set_opt_out(partner.roms_opt_out)

    def _roms_set_opt_out(self, opt_out, message=None):
        """Add (or remove) this customer's e-mail and WhatsApp number to Odoo's
        blacklists."""
        MailBlacklist = self.env["mail.blacklist"].sudo()
        PhoneBlacklist = self.env["phone.blacklist"].sudo()
        for partner in self:
            if partner.email_normalized:
                if opt_out:
                    MailBlacklist._add(partner.email_normalized, message=message)
                else:
                    MailBlacklist._remove(partner.email_normalized, message=message)
            if partner.roms_whatsapp_number:
                if opt_out:
                    PhoneBlacklist._add([partner.roms_whatsapp_number], message=message)
                else:
                    PhoneBlacklist._remove(
                        [partner.roms_whatsapp_number], message=message
                    )
        self.invalidate_recordset(["roms_opt_out"])

    def _search_roms_opt_out(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on opt-out."))
        self.env["res.partner"].flush_model(
            ["email_normalized", "roms_whatsapp_number"]
        )
        self.env["mail.blacklist"].flush_model(["email", "active"])
        self.env["phone.blacklist"].flush_model(["number", "active"])
        blocked = SQL(
            """(SELECT partner.id FROM res_partner partner
                 WHERE partner.email_normalized IN (
                           SELECT email FROM mail_blacklist WHERE active)
                    OR partner.roms_whatsapp_number IN (
                           SELECT number FROM phone_blacklist WHERE active))"""
        )
        return [("id", "in" if (operator == "=") == value else "not in", blocked)]

    def _roms_points_summary(self):
        """The customer's loyalty points and what they buy, as a short text for
        the WhatsApp menu bot ("Poin saya"); False without a loyalty module
        (``roms_loyalty`` overrides it)."""
        self.ensure_one()
        return False

    def _roms_opt_out_keywords(self):
        keywords = self.env["ir.config_parameter"]._roms_param(
            OPT_OUT_KEYWORDS_PARAM, DEFAULT_OPT_OUT_KEYWORDS
        )
        return {k.strip().upper() for k in keywords.split(",") if k.strip()}

    def _roms_opt_out_by_keyword(self, text):
        """Opt these customers out when ``text`` (an inbound message) is an opt-out
        keyword; return whether it was one."""
        normalized = " ".join((text or "").split()).strip(" .!").upper()
        if not normalized or normalized not in self._roms_opt_out_keywords():
            return False
        self._roms_set_opt_out(
            True,
            message=self.env._(
                "Opted out by replying %(keyword)s.", keyword=normalized
            ),
        )
        return True

    def _roms_unsubscribe_token(self):
        self.ensure_one()
        return hmac(self.env(su=True), "roms-unsubscribe", self.id)

    def _roms_unsubscribe_url(self):
        self.ensure_one()
        return (
            f"{self.get_base_url()}/roms/unsubscribe/{self.id}/"
            f"{self._roms_unsubscribe_token()}"
        )

    def _compute_roms_message_count(self):
        counts = dict(
            self.env["roms.message"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.roms_message_count = counts.get(partner._origin, 0)

    def action_roms_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_message_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _roms_panel_partner_values(self):
        """What a customer panel (the live chat's, roms_whatsapp) shows of this
        customer. A hook: modules add their own figures (roms_loyalty: points)."""
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "phone": self.roms_whatsapp_number or self.mobile or self.phone or "",
            "email": self.email or "",
            "category": dict(
                self._fields["roms_category"]._description_selection(self.env)
            ).get(self.roms_category, ""),
            "segments": self.roms_segment_ids.mapped("name"),
        }
