import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError


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

    # interactive parts (point 4 of issue 22): sent by agents within the window
    roms_wa_interactive_type = fields.Selection(
        [
            ("button", "Reply buttons"),
            ("list", "List"),
            ("cta_url", "Link button"),
        ],
        string="Interactive",
        help="Reply buttons (at most 3), a list (at most 10 options) or a link "
        "button sent with the text on the Cloud API within the 24-hour window; QR "
        "gateways send the options numbered, answered with the number.",
    )
    roms_wa_header = fields.Char(
        string="Interactive Header", translate=True, help="At most 60 characters."
    )
    roms_wa_footer = fields.Char(
        string="Interactive Footer", translate=True, help="At most 60 characters."
    )
    roms_wa_list_button = fields.Char(
        string="List Button",
        translate=True,
        help="The label that opens the list (at most 20 characters).",
    )
    roms_wa_url = fields.Char(
        string="Link",
        help="The link button's address; may hold variables such as {order_link}.",
    )
    roms_wa_url_label = fields.Char(
        string="Link Label", translate=True, help="At most 20 characters."
    )
    roms_wa_option_ids = fields.One2many(
        "roms.message.template.option",
        "template_id",
        string="Options",
        copy=True,
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

    @api.constrains(
        "roms_wa_interactive_type",
        "roms_wa_option_ids",
        "roms_wa_header",
        "roms_wa_footer",
        "roms_wa_list_button",
        "roms_wa_url",
        "roms_wa_url_label",
    )
    def _check_roms_wa_interactive(self):
        for template in self:
            errors = template._roms_wa_interactive_errors()
            if errors:
                raise ValidationError(" ".join(errors))

    def _roms_wa_interactive_errors(self):
        """Meta's limits of an interactive message, said at save time."""
        self.ensure_one()
        kind = self.roms_wa_interactive_type
        if not kind:
            return []
        env = self.env
        errors = []
        options = self.roms_wa_option_ids
        limit, title_length = {"button": (3, 20), "list": (10, 24)}.get(kind, (0, 0))
        if kind in ("button", "list") and not 1 <= len(options) <= limit:
            errors.append(env._("Give 1 to %(limit)s options.", limit=limit))
        for option in options:
            if len(option.title or "") > title_length:
                errors.append(
                    env._(
                        "The option %(title)s is longer than %(n)s characters.",
                        title=option.title,
                        n=title_length,
                    )
                )
            if kind == "list" and len(option.description or "") > 72:
                errors.append(
                    env._(
                        "The description of %(title)s is longer than 72 characters.",
                        title=option.title,
                    )
                )
        for text, length in (
            (self.roms_wa_header, 60),
            (self.roms_wa_footer, 60),
            (self.roms_wa_list_button, 20),
            (self.roms_wa_url_label, 20),
        ):
            if len(text or "") > length:
                errors.append(
                    env._(
                        "%(text)s is longer than %(n)s characters.", text=text, n=length
                    )
                )
        if kind == "list" and not (self.roms_wa_list_button or "").strip():
            errors.append(env._("Name the button that opens the list."))
        if kind == "cta_url":
            url = self.roms_wa_url or ""
            errors += self._template_errors(url)
            if not re.fullmatch(r"(https?://\S+|\{[a-z_]+\}\S*)", url):
                errors.append(env._("The link is not a web address."))
            if not (self.roms_wa_url_label or "").strip():
                errors.append(env._("Give the link button a label."))
        return errors

    def _roms_wa_interactive(self, values, lang=None):
        """The interactive parts of this template as ``roms.message.
        roms_wa_interactive`` takes them, for the variable ``values`` and in
        ``lang``; False without interactive parts. An option answers
        ``tpl:<template id>:<n>``."""
        self.ensure_one()
        template = self.with_context(lang=lang) if lang else self
        kind = template.roms_wa_interactive_type
        if not kind:
            return False
        options = [
            {
                "id": f"tpl:{template.id}:{n}",
                "title": option.title,
                "description": option.description or None,
            }
            for n, option in enumerate(template.roms_wa_option_ids, 1)
        ]
        interactive = {
            "type": kind,
            "header": template.roms_wa_header or None,
            "footer": template.roms_wa_footer or None,
            "button": template.roms_wa_list_button or None,
            "options": options if kind != "cta_url" else [],
            "url": None,
            "url_label": None,
        }
        if kind == "cta_url":
            url = template._substitute(template.roms_wa_url, values).strip()
            if not re.fullmatch(r"https?://\S+", url):
                raise UserError(
                    self.env._(
                        "The link of %(template)s is empty for this customer.",
                        template=template.name,
                    )
                )
            interactive.update(url=url, url_label=template.roms_wa_url_label)
        if options and kind != "cta_url":
            interactive["numbered_hint"] = template.env._(
                "Reply 1–%(count)s", count=len(options)
            )
        return interactive

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


class RomsMessageTemplateOption(models.Model):
    """An option of a template's reply buttons or list: the customer's answer
    comes back as ``tpl:<template id>:<n>`` and is answered with
    ``reply_template_id`` when set (else it stays a chat message for the
    agent)."""

    _name = "roms.message.template.option"
    _description = "Message Template Option"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "roms.message.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    title = fields.Char(required=True, translate=True)
    description = fields.Char(translate=True, help="Lists only: at most 72 characters.")
    reply_template_id = fields.Many2one(
        "roms.message.template",
        string="Answer With",
        ondelete="set null",
        help="The automatic answer when the customer chooses this option; empty: "
        "the agent answers.",
    )

    @api.constrains("title", "description")
    def _check_limits(self):
        self.template_id._check_roms_wa_interactive()
