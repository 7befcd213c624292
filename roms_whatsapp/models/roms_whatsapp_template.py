"""WhatsApp message templates of a Cloud API business account, in Odoo.

A template is written here (category, language, header, body with ``{{1}}``…
mapped to ROMS's ``{variables}``, footer, buttons), submitted to Meta
(``POST /{waba-id}/message_templates``), and its review followed through the
``message_template_status_update`` webhook and a sync (button and daily cron,
``GET /{waba-id}/message_templates``), which also imports the templates made in
Meta's WhatsApp Manager. Approved templates carry ROMS messages outside the
customer-service window (``roms.message._send_whatsapp``).
"""

import base64
import logging
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

from ..tools import WhatsAppProviderError

_logger = logging.getLogger(__name__)

#: a Meta template name: lowercase letters, digits and underscores
NAME_RE = re.compile(r"[a-z0-9_]{1,512}")
LANG_RE = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,4})?")
#: ``{{1}}`` placeholders of Meta, ``{customer_name}`` variables of ROMS
PLACEHOLDER_RE = re.compile(r"\{\{\s*(\d{1,3})\s*\}\}|\{([a-z_]+)\}")
BODY_LENGTH = 1024
HEADER_LENGTH = 60
FOOTER_LENGTH = 60
BUTTON_TEXT_LENGTH = 25
#: Meta's template statuses (list and webhook events) → ours
META_STATUSES = {
    "PENDING": "pending",
    "IN_APPEAL": "pending",
    "APPROVED": "approved",
    "REINSTATED": "approved",
    "REJECTED": "rejected",
    "PAUSED": "paused",
    "DISABLED": "disabled",
    "PENDING_DELETION": "disabled",
    "DELETED": "disabled",
    "ARCHIVED": "disabled",
    "LIMIT_EXCEEDED": "disabled",
}
CATEGORIES = {"MARKETING", "UTILITY", "AUTHENTICATION"}


class RomsWhatsappTemplate(models.Model):
    _name = "roms.whatsapp.template"
    _description = "WhatsApp Template (Meta)"
    _order = "account_id, name, lang, id"

    name = fields.Char(
        required=True,
        help="The template's name at Meta: lowercase letters, digits and "
        "underscores, e.g. pengingat_kopi.",
    )
    account_id = fields.Many2one(
        "roms.whatsapp.account",
        string="WhatsApp Account",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("provider", "=", "meta")],
    )
    lang = fields.Char(
        string="Language",
        required=True,
        default="id",
        help="Meta's language code: id, en, en_US…",
    )
    category = fields.Selection(
        [
            ("marketing", "Marketing"),
            ("utility", "Utility"),
            ("authentication", "Authentication"),
        ],
        required=True,
        default="utility",
    )
    message_template_id = fields.Many2one(
        "roms.message.template",
        string="ROMS Template",
        ondelete="set null",
        index=True,
        help="The ROMS message template this WhatsApp template carries outside the "
        "24-hour window once approved.",
    )
    header_type = fields.Selection(
        [("none", "None"), ("text", "Text"), ("image", "Image")],
        string="Header",
        required=True,
        default="none",
    )
    header_text = fields.Char(help="At most 60 characters, without variables.")
    header_image = fields.Binary(attachment=True, help="A JPEG or PNG image.")
    header_image_filename = fields.Char()
    body = fields.Text(
        required=True,
        help="At most 1024 characters. Write ROMS variables such as "
        "{customer_name}: they become {{1}}, {{2}}… when saved, each mapped below "
        "with its example.",
    )
    footer = fields.Char(help="At most 60 characters.")
    button_ids = fields.One2many(
        "roms.whatsapp.template.button", "template_id", string="Buttons", copy=True
    )
    variable_ids = fields.One2many(
        "roms.whatsapp.template.variable",
        "template_id",
        string="Variables",
        copy=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "In review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("paused", "Paused"),
            ("disabled", "Disabled"),
        ],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    state_reason = fields.Char(string="Reason", readonly=True, copy=False)
    state_at = fields.Datetime(
        string="Status Date",
        readonly=True,
        copy=False,
        help="When Meta set the status: older updates arriving late are ignored.",
    )
    meta_id = fields.Char(string="Meta Template ID", readonly=True, copy=False)
    submitted_at = fields.Datetime(readonly=True, copy=False)
    imported = fields.Boolean(
        readonly=True, copy=False, help="Made in Meta's WhatsApp Manager, imported."
    )
    preview = fields.Text(compute="_compute_preview")

    _sql_constraints = [
        (
            "name_lang_unique",
            "unique(account_id, name, lang)",
            "This account already has a template of that name in that language.",
        ),
        (
            "meta_id_unique",
            "unique(account_id, meta_id)",
            "This Meta template is already in ROMS.",
        ),
    ]

    # --------------------------------------------------------------- checks

    @api.constrains("name", "lang", "account_id")
    def _check_name(self):
        for template in self:
            if not NAME_RE.fullmatch(template.name or ""):
                raise ValidationError(
                    self.env._(
                        "The template name %(name)s may only hold lowercase letters, "
                        "digits and underscores.",
                        name=template.name,
                    )
                )
            if not LANG_RE.fullmatch(template.lang or ""):
                raise ValidationError(
                    self.env._(
                        "%(lang)s is not a language code of Meta (id, en, en_US…).",
                        lang=template.lang,
                    )
                )
            if template.account_id.provider != "meta":
                raise ValidationError(
                    self.env._(
                        "Message templates belong to WhatsApp Cloud API accounts."
                    )
                )

    @api.constrains("body", "header_text", "footer", "header_type")
    def _check_texts(self):
        for template in self:
            errors = template._text_errors()
            if errors:
                raise ValidationError(" ".join(errors))

    def _text_errors(self):
        self.ensure_one()
        env = self.env
        errors = []
        body = self.body or ""
        if len(body) > BODY_LENGTH:
            errors.append(
                env._("The body has more than %(n)s characters.", n=BODY_LENGTH)
            )
        numbers = self._body_numbers()
        if numbers and sorted(set(numbers)) != list(range(1, max(numbers) + 1)):
            errors.append(
                env._("The body's variables are numbered {{1}}, {{2}}… without gaps.")
            )
        if self.header_type == "text":
            text = self.header_text or ""
            if not text.strip() or len(text) > HEADER_LENGTH or "{" in text:
                errors.append(
                    env._(
                        "A text header has 1 to %(n)s characters and no variable.",
                        n=HEADER_LENGTH,
                    )
                )
        if len(self.footer or "") > FOOTER_LENGTH or "{" in (self.footer or ""):
            errors.append(
                env._(
                    "The footer has at most %(n)s characters and no variable.",
                    n=FOOTER_LENGTH,
                )
            )
        return errors

    @api.constrains("button_ids")
    def _check_buttons(self):
        for template in self:
            kinds = template.button_ids.mapped("button_type")
            if (
                len(kinds) > 10
                or kinds.count("url") > 2
                or kinds.count("phone_number") > 1
            ):
                raise ValidationError(
                    self.env._(
                        "A template has at most 10 buttons, 2 of them links and 1 "
                        "phone number."
                    )
                )

    # ------------------------------------------------------ body variables

    def _body_numbers(self):
        return [
            int(m.group(1))
            for m in PLACEHOLDER_RE.finditer(self.body or "")
            if m.group(1)
        ]

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._sync_variables()
        return templates

    def write(self, vals):
        result = super().write(vals)
        if "body" in vals and not self.env.context.get("roms_wa_syncing"):
            self._sync_variables()
        return result

    def _sync_variables(self):
        """ROMS variables written in the body become ``{{n}}`` placeholders (in
        the order they appear, after the numbered ones), each with a variable
        line mapping it to the ROMS variable, its example a sample value."""
        allowed = self.env["roms.message.template"]._allowed_variables()
        samples = self.env["roms.message.template"]._preview_sample_values()
        for template in self:
            numbers = template._body_numbers()
            next_number = max(numbers, default=0) + 1
            mapping, parts, position = {}, [], 0
            for match in PLACEHOLDER_RE.finditer(template.body or ""):
                name = match.group(2)
                if match.group(1) or name not in allowed:
                    continue
                mapping[next_number] = name
                parts += [
                    template.body[position : match.start()],
                    f"{{{{{next_number}}}}}",
                ]
                position = match.end()
                next_number += 1
            body = "".join(parts) + (template.body or "")[position:]
            if body != template.body:
                template.with_context(roms_wa_syncing=True).body = body
            count = max(template._body_numbers(), default=0)
            existing = {v.number: v for v in template.variable_ids}
            template.variable_ids.filtered(lambda v, c=count: v.number > c).unlink()
            new_lines = []
            for number in range(1, count + 1):
                line = existing.get(number)
                name = mapping.get(number)
                if line and name:
                    line.write({"variable": name, "example": str(samples[name])})
                elif not line:
                    new_lines.append(
                        {
                            "template_id": template.id,
                            "number": number,
                            "variable": name or False,
                            "example": str(samples[name]) if name else False,
                        }
                    )
            if new_lines:
                self.env["roms.whatsapp.template.variable"].create(new_lines)

    @api.depends("body", "variable_ids.example", "variable_ids.variable")
    def _compute_preview(self):
        for template in self:
            examples = {v.number: v.example or "" for v in template.variable_ids}
            template.preview = PLACEHOLDER_RE.sub(
                lambda m, ex=examples: (
                    ex.get(int(m.group(1)), m.group(0)) if m.group(1) else m.group(0)
                ),
                template.body or "",
            )

    # ------------------------------------------------------------ submit

    def _meta_payload(self, header_handle=None):
        """The template as ``POST /{waba-id}/message_templates`` takes it."""
        self.ensure_one()
        components = []
        if self.header_type == "text":
            components.append(
                {"type": "HEADER", "format": "TEXT", "text": self.header_text}
            )
        elif self.header_type == "image":
            components.append(
                {
                    "type": "HEADER",
                    "format": "IMAGE",
                    "example": {"header_handle": [header_handle]},
                }
            )
        body = {"type": "BODY", "text": self.body}
        variables = self.variable_ids.sorted("number")
        if variables:
            body["example"] = {"body_text": [[v.example for v in variables]]}
        components.append(body)
        if self.footer:
            components.append({"type": "FOOTER", "text": self.footer})
        if self.button_ids:
            components.append(
                {
                    "type": "BUTTONS",
                    "buttons": [b._meta_payload() for b in self.button_ids],
                }
            )
        return {
            "name": self.name,
            "language": self.lang,
            "category": self.category.upper(),
            "components": components,
        }

    def _submit_errors(self):
        """What Meta would refuse, said before anything is sent."""
        self.ensure_one()
        env = self.env
        errors = self._text_errors()
        if self.category == "authentication":
            errors.append(
                env._(
                    "Authentication templates (one-time codes) are made in Meta's "
                    "WhatsApp Manager; import them here with Sync."
                )
            )
        if not self.account_id.meta_business_account_id:
            errors.append(
                env._("Fill in the account's WhatsApp Business Account ID first.")
            )
        if self.header_type == "image" and not self.header_image:
            errors.append(env._("Choose the header image."))
        for variable in self.variable_ids.sorted("number"):
            if not variable.variable or not (variable.example or "").strip():
                errors.append(
                    env._(
                        "Map {{%(number)s}} to a ROMS variable and give an example.",
                        number=variable.number,
                    )
                )
        body = (self.body or "").strip()
        if re.match(r"\{\{\d+\}\}", body) or re.search(r"\{\{\d+\}\}$", body):
            errors.append(
                env._("Meta refuses a body that starts or ends with a variable.")
            )
        for button in self.button_ids:
            errors += button._errors()
        return errors

    def action_submit(self):
        """Submit the draft templates to Meta for review (ROMS admins)."""
        self.check_access("write")
        for template in self:
            if template.state != "draft":
                raise UserError(
                    self.env._("%(name)s was already submitted.", name=template.name)
                )
            errors = template._submit_errors()
            if errors:
                raise UserError("\n".join(errors))
            account = template.account_id.sudo()
            client = account._client()
            try:
                handle = None
                if template.header_type == "image":
                    data = base64.b64decode(template.header_image)
                    mimetype = guess_mimetype(data)
                    if mimetype not in ("image/jpeg", "image/png"):
                        raise UserError(
                            self.env._("The header image must be a JPEG or PNG.")
                        )
                    handle = client.upload_template_media(
                        data, template.header_image_filename or "header", mimetype
                    )
                answer = client.create_template(
                    account.meta_business_account_id,
                    template._meta_payload(handle),
                )
            except WhatsAppProviderError as error:
                raise UserError(
                    self.env._(
                        "Meta refused the template %(name)s: %(error)s",
                        name=template.name,
                        error=error.message,
                    )
                ) from error
            now = fields.Datetime.now()
            vals = {
                "meta_id": str(answer["id"]),
                "submitted_at": now,
                "state": META_STATUSES.get(str(answer.get("status")), "pending"),
                "state_reason": False,
                "state_at": now,
            }
            category = str(answer.get("category") or "")
            if category in CATEGORIES:
                vals["category"] = category.lower()
            template.write(vals)
        return True

    def action_sync(self):
        self.check_access("write")
        self.account_id._sync_templates()
        return True

    # -------------------------------------------------------- Meta updates

    @api.model
    def _reason_text(self, reason):
        """Meta's rejection or pause reason in words (the code kept)."""
        if not reason or reason == "NONE":
            return False
        env = self.env
        known = {
            "ABUSIVE_CONTENT": env._("abusive content"),
            "INCORRECT_CATEGORY": env._("the category does not match the content"),
            "INVALID_FORMAT": env._(
                "invalid format (variables, example values or a misspelling)"
            ),
            "SCAM": env._("looks like a scam"),
            "TAG_CONTENT_MISMATCH": env._(
                "the content does not match the language or category"
            ),
            "PROMOTIONAL": env._("promotional content in a utility template"),
        }
        text = known.get(reason)
        return f"{text} ({reason})" if text else reason

    def _apply_meta_status(self, status, reason, when):
        """Apply a status from Meta dated ``when``: an update older than the
        one applied is ignored (webhooks arrive late and twice)."""
        when = when or fields.Datetime.now()
        state = META_STATUSES.get(status)
        for template in self:
            if not state or (template.state_at and when < template.state_at):
                continue
            vals = {
                "state": state,
                "state_reason": template._reason_text(reason)
                if state in ("rejected", "paused", "disabled")
                else False,
                "state_at": when,
            }
            if any(template[k] != v for k, v in vals.items()):
                template.write(vals)

    @api.model
    def _migrate_name_mappings(self):
        """WhatsApp template records for the ROMS templates mapped by name to a
        Meta template (migration 18.0.1.3.0): one per Cloud API account, taken
        as approved, the body the ROMS template's; the next sync confirms."""
        accounts = (
            self.env["roms.whatsapp.account"]
            .with_context(active_test=False)
            .search([("provider", "=", "meta")])
        )
        mapped = self.env["roms.message.template"].search(
            [("roms_meta_template_name", "!=", False)]
        )
        now = fields.Datetime.now()
        vals_list = []
        for roms_template in mapped:
            name = roms_template.roms_meta_template_name.strip()
            lang = (roms_template.roms_meta_template_lang or "id").strip()
            if not NAME_RE.fullmatch(name) or not LANG_RE.fullmatch(lang):
                _logger.warning(
                    "Template %s: Meta name %r not migrated", roms_template.id, name
                )
                continue
            for account in accounts:
                if self.search_count(
                    [
                        ("account_id", "=", account.id),
                        ("name", "=", name),
                        ("lang", "=", lang),
                    ]
                ):
                    continue
                vals_list.append(
                    {
                        "name": name,
                        "lang": lang,
                        "account_id": account.id,
                        "message_template_id": roms_template.id,
                        "body": (roms_template.body or "")[:BODY_LENGTH],
                        "category": "utility",
                        "state": "approved",
                        "state_at": now,
                    }
                )
        return self.create(vals_list)

    @api.model
    def _values_from_meta(self, data):
        """Import values of a template as Meta lists it."""
        vals = {
            "name": data.get("name"),
            "lang": data.get("language") or "id",
            "meta_id": str(data.get("id")),
            "imported": True,
            "header_type": "none",
            "body": "",
        }
        category = str(data.get("category") or "").lower()
        if category in ("marketing", "utility", "authentication"):
            vals["category"] = category
        examples = []
        buttons = []
        for component in data.get("components") or []:
            if not isinstance(component, dict):
                continue
            kind = str(component.get("type") or "").upper()
            if kind == "HEADER":
                fmt = str(component.get("format") or "").upper()
                if fmt == "TEXT":
                    vals.update(
                        header_type="text",
                        header_text=str(component.get("text") or "")[:HEADER_LENGTH],
                    )
                elif fmt == "IMAGE":
                    vals["header_type"] = "image"
            elif kind == "BODY":
                vals["body"] = str(component.get("text") or "")[:BODY_LENGTH]
                sample = (component.get("example") or {}).get("body_text") or [[]]
                if isinstance(sample, list) and sample and isinstance(sample[0], list):
                    examples = [str(v) for v in sample[0]]
            elif kind == "FOOTER":
                vals["footer"] = str(component.get("text") or "")[:FOOTER_LENGTH]
            elif kind == "BUTTONS":
                for button in component.get("buttons") or []:
                    if isinstance(button, dict):
                        buttons.append(
                            self.env["roms.whatsapp.template.button"]._values_from_meta(
                                button
                            )
                        )
        vals["button_ids"] = [(0, 0, b) for b in buttons if b]
        return vals, examples


class RomsWhatsappTemplateVariable(models.Model):
    _name = "roms.whatsapp.template.variable"
    _description = "WhatsApp Template Variable"
    _order = "template_id, number"

    template_id = fields.Many2one(
        "roms.whatsapp.template", required=True, ondelete="cascade", index=True
    )
    number = fields.Integer(required=True, readonly=True)
    placeholder = fields.Char(compute="_compute_placeholder")
    variable = fields.Selection(
        selection="_selection_variable",
        string="ROMS Variable",
        help="The value this placeholder takes for each customer.",
    )
    example = fields.Char(help="Shown to Meta's reviewers: a realistic value.")

    _sql_constraints = [
        (
            "number_unique",
            "unique(template_id, number)",
            "A placeholder is mapped once.",
        ),
    ]

    @api.model
    def _selection_variable(self):
        return [
            (name, f"{{{name}}}")
            for name in sorted(self.env["roms.message.template"]._allowed_variables())
        ]

    @api.depends("number")
    def _compute_placeholder(self):
        for variable in self:
            variable.placeholder = "{{" + str(variable.number) + "}}"


class RomsWhatsappTemplateButton(models.Model):
    _name = "roms.whatsapp.template.button"
    _description = "WhatsApp Template Button"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "roms.whatsapp.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    button_type = fields.Selection(
        [
            ("quick_reply", "Quick reply"),
            ("url", "Link"),
            ("phone_number", "Call"),
        ],
        string="Type",
        required=True,
        default="quick_reply",
    )
    text = fields.Char(required=True, help="At most 25 characters.")
    url = fields.Char(string="URL")
    phone_number = fields.Char()

    def _errors(self):
        self.ensure_one()
        env = self.env
        errors = []
        if not (self.text or "").strip() or len(self.text) > BUTTON_TEXT_LENGTH:
            errors.append(
                env._(
                    "A button's text has 1 to %(n)s characters: %(text)s",
                    n=BUTTON_TEXT_LENGTH,
                    text=self.text or "",
                )
            )
        if self.button_type == "url" and not re.fullmatch(
            r"https?://[^\s{}]{3,2000}", self.url or ""
        ):
            errors.append(
                env._("The link of %(text)s is not a web address.", text=self.text)
            )
        if self.button_type == "phone_number" and not re.fullmatch(
            r"\+[1-9]\d{7,14}", self.phone_number or ""
        ):
            errors.append(
                env._(
                    "The number of %(text)s is not an international number (+62…).",
                    text=self.text,
                )
            )
        return errors

    def _meta_payload(self):
        self.ensure_one()
        payload = {"type": self.button_type.upper(), "text": self.text}
        if self.button_type == "url":
            payload["url"] = self.url
        elif self.button_type == "phone_number":
            payload["phone_number"] = self.phone_number
        return payload

    @api.model
    def _values_from_meta(self, button):
        kind = str(button.get("type") or "").lower()
        if kind not in ("quick_reply", "url", "phone_number"):
            return None
        return {
            "button_type": kind,
            "text": str(button.get("text") or "")[:BUTTON_TEXT_LENGTH] or kind,
            "url": str(button.get("url") or "")[:2000] or False,
            "phone_number": str(button.get("phone_number") or "")[:32] or False,
        }
