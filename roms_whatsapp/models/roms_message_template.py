import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class RomsMessageTemplate(models.Model):
    _inherit = "roms.message.template"

    template_type = fields.Selection(
        selection_add=[("csat", "Satisfaction Question")],
        ondelete={"csat": "set default"},
    )
    roms_meta_template_name = fields.Char(
        string="Meta Template Name",
        help="Name of the approved WhatsApp template (Meta Business Manager) sent "
        "instead of free text through the Cloud API. Its body parameters {{1}}, "
        "{{2}}… receive this template's variables in the order they appear.",
    )
    roms_meta_template_lang = fields.Char(
        string="Meta Template Language",
        default="id",
        help="Language code of the approved template, e.g. id or en_US.",
    )

    roms_wa_template_ids = fields.One2many(
        "roms.whatsapp.template",
        "message_template_id",
        string="WhatsApp Templates",
        help="Templates submitted to Meta for this message: an approved one carries "
        "it outside the 24-hour window.",
    )

    roms_shortcut = fields.Char(
        string="Quick Reply Shortcut",
        help="In a WhatsApp chat, type ':' and this shortcut to insert the quick "
        "reply (default: the template's name).",
    )
    roms_canned_response_id = fields.Many2one(
        "mail.canned.response",
        string="Discuss Canned Response",
        readonly=True,
        copy=False,
        ondelete="set null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._sync_canned_responses()
        return templates

    def write(self, vals):
        result = super().write(vals)
        if {"name", "body", "template_type", "active", "roms_shortcut"} & vals.keys():
            self._sync_canned_responses()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_roms_canned_responses(self):
        self.roms_canned_response_id.sudo().unlink()

    def action_roms_wa_new_template(self):
        """A draft WhatsApp template of this message on the default Cloud API
        account: its name, its body (variables become {{1}}… with examples)."""
        self.ensure_one()
        account = self.env["roms.whatsapp.account"].search(
            [("provider", "=", "meta")], order="is_default desc, sequence, id", limit=1
        )
        if not account:
            raise UserError(self.env._("Add a WhatsApp Cloud API account first."))
        name = re.sub(r"[^a-z0-9]+", "_", (self.name or "").lower()).strip("_")
        template = self.env["roms.whatsapp.template"].create(
            {
                "name": name or f"roms_{self.id}",
                "account_id": account.id,
                "message_template_id": self.id,
                "body": self.body,
                "category": "marketing"
                if self.template_type in ("broadcast", "cart_recovery")
                else "utility",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "roms.whatsapp.template",
            "res_id": template.id,
            "view_mode": "form",
        }

    def _quick_reply_shortcut(self):
        self.ensure_one()
        text = (self.roms_shortcut or self.name or "").strip().lower()
        return re.sub(r"[^\w]+", "-", text).strip("-") or f"reply-{self.id}"

    def _sync_canned_responses(self):
        """Quick-reply templates are Discuss canned responses shared with the CS
        agents: ':' and the shortcut inserts them in a chat."""
        group = self.env.ref("roms_crm.group_roms_cs")
        Canned = self.env["mail.canned.response"].sudo()
        for template in self:
            canned = template.roms_canned_response_id.sudo()
            if template.template_type != "quick_reply" or not template.active:
                canned.unlink()
                continue
            vals = {
                "source": template._quick_reply_shortcut(),
                "substitution": template.body,
                "description": template.name,
                "group_ids": [Command.set(group.ids)],
            }
            if canned:
                canned.write(vals)
            else:
                template.roms_canned_response_id = Canned.create(vals)
