"""WhatsApp automation per account: business hours (weekly schedule and holidays),
keyword auto-replies and the menu bot's entries. The engine that uses them lives
in ``discuss_channel_automation.py``."""

import unicodedata
from datetime import datetime, time, timedelta

import pytz
from babel.dates import format_datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import babel_locale_parse

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]
#: what is matched of a customer's text, and of a rule's variants: plain
#: matching on bounded texts, never a user-supplied regular expression
MATCH_TEXT_LENGTH = 1000
VARIANT_LENGTH = 100
MAX_VARIANTS = 50
#: how far ahead the next opening time is looked for
OPENING_LOOKAHEAD_DAYS = 60


def normalize_text(text):
    """``text`` folded for matching: accents removed (NFKD), case folded, every
    run of characters other than letters and digits one space. "Harga?" and
    "HÁRGA" both become "harga"."""
    text = unicodedata.normalize("NFKD", (text or "")[:MATCH_TEXT_LENGTH])
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def keyword_variants(keywords):
    """The normalized variants of a rule: separated by commas or lines."""
    variants = []
    for part in (keywords or "").replace("\n", ",").split(","):
        variant = normalize_text(part[:VARIANT_LENGTH])
        if variant and variant not in variants:
            variants.append(variant)
    return variants[:MAX_VARIANTS]


def text_matches(match_type, variants, text):
    """Whether the normalized ``text`` matches one of ``variants``: as whole
    words (``exact``), anywhere (``contains``) or at its start (``starts``)."""
    if not text:
        return False
    padded = f" {text} "
    for variant in variants:
        if match_type == "exact" and f" {variant} " in padded:
            return True
        if match_type == "contains" and variant in text:
            return True
        if match_type == "starts" and (
            text == variant or text.startswith(f"{variant} ")
        ):
            return True
    return False


class RomsWhatsappHours(models.Model):
    """One opening period of a WhatsApp account's week (shop time zone)."""

    _name = "roms.whatsapp.hours"
    _description = "WhatsApp Business Hours"
    _order = "weekday, hour_from"

    account_id = fields.Many2one(
        "roms.whatsapp.account", required=True, ondelete="cascade", index=True
    )
    weekday = fields.Selection(WEEKDAYS, string="Day", required=True, default="0")
    hour_from = fields.Float(string="From", required=True, default=8.0)
    hour_to = fields.Float(string="To", required=True, default=20.0)

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for line in self:
            if not 0 <= line.hour_from < line.hour_to <= 24:
                raise ValidationError(
                    self.env._(
                        "Opening hours run from 00:00 to 24:00 and end after they "
                        "start."
                    )
                )


class RomsWhatsappHoliday(models.Model):
    """A day the shop is closed (Indonesian public holidays, leave…)."""

    _name = "roms.whatsapp.holiday"
    _description = "WhatsApp Closed Day"
    _order = "date"

    account_id = fields.Many2one(
        "roms.whatsapp.account", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(required=True)
    name = fields.Char(string="Holiday", translate=True)

    _sql_constraints = [
        (
            "date_uniq",
            "UNIQUE(account_id, date)",
            "This day is already a holiday of the account.",
        ),
    ]


class RomsWhatsappAccount(models.Model):
    _inherit = "roms.whatsapp.account"

    roms_auto_enabled = fields.Boolean(
        string="Automatic Replies",
        help="Business hours, welcome and away messages, keyword auto-replies and "
        "the menu bot answer customers of this account by themselves.",
    )
    roms_hours_ids = fields.One2many(
        "roms.whatsapp.hours",
        "account_id",
        string="Business Hours",
        help="When the shop answers (shop time zone). No line: always open.",
    )
    roms_holiday_ids = fields.One2many(
        "roms.whatsapp.holiday",
        "account_id",
        string="Holidays",
        help="Days the shop is closed all day, whatever the weekly schedule says.",
    )
    roms_welcome_enabled = fields.Boolean(string="Welcome Message")
    roms_welcome_text = fields.Text(
        string="Welcome Text",
        translate=True,
        help="Sent to a customer's first message ever, or after the silence below. "
        "Variables such as {customer_name} are filled in.",
    )
    roms_welcome_silence_days = fields.Integer(
        string="Welcome Again After (days)",
        default=30,
        help="A customer who has not written for this many days is welcomed again.",
    )
    roms_away_enabled = fields.Boolean(string="Away Message")
    roms_away_text = fields.Text(
        string="Away Text",
        translate=True,
        help="Sent outside business hours and on holidays; {next_open} becomes the "
        'next opening time ("Senin 08:00").',
    )
    roms_auto_cooldown_hours = fields.Integer(
        string="Repeat After (hours)",
        default=12,
        help="The welcome, the away message and the menu are sent at most once per "
        "conversation within this many hours.",
    )
    roms_bot_enabled = fields.Boolean(
        string="Menu Bot",
        help="Answers with a menu: on the Cloud API as a list, on QR gateways as "
        "numbered text. It steps aside as soon as an agent writes or the customer "
        "asks for CS, and resumes once the conversation is resolved.",
    )
    roms_bot_greeting = fields.Text(
        string="Menu Text",
        translate=True,
        help="The text above the menu.",
    )
    roms_bot_button = fields.Char(
        string="Menu Button",
        translate=True,
        help="The label that opens the list on the Cloud API (20 characters).",
    )
    roms_bot_catalog_url = fields.Char(
        string="Catalogue Link",
        help="Sent by the Katalog entry when the customer has no portal link.",
    )
    roms_bot_entry_ids = fields.One2many(
        "roms.whatsapp.bot.entry", "account_id", string="Menu Entries"
    )
    roms_keyword_rule_ids = fields.One2many(
        "roms.whatsapp.keyword.rule", "account_id", string="Keyword Rules"
    )

    @api.constrains("roms_welcome_silence_days", "roms_auto_cooldown_hours")
    def _check_automation_numbers(self):
        for account in self:
            if not 0 <= account.roms_welcome_silence_days <= 3650 or not (
                0 <= account.roms_auto_cooldown_hours <= 24 * 365
            ):
                raise ValidationError(
                    self.env._(
                        "The welcome's silence is 0 to 3650 days, the repeat time "
                        "0 to 8760 hours."
                    )
                )

    # Business hours
    # ------------------------------------------------------------------

    def _roms_wa_local(self, when):
        """The shop's local time of the naive UTC datetime ``when``."""
        zone = pytz.timezone(self.env["res.partner"]._roms_tz())
        return pytz.utc.localize(when).astimezone(zone)

    def _roms_wa_periods(self, day):
        """The opening periods ``[(from, to)]`` (local datetimes) of the local
        date ``day``: none on a holiday."""
        self.ensure_one()
        if day in set(self.roms_holiday_ids.mapped("date")):
            return []
        zone = pytz.timezone(self.env["res.partner"]._roms_tz())
        start = zone.localize(datetime.combine(day, time.min))
        return [
            (
                start + timedelta(hours=line.hour_from),
                start + timedelta(hours=line.hour_to),
            )
            for line in self.roms_hours_ids
            if int(line.weekday) == day.weekday()
        ]

    def _roms_wa_is_open(self, when=None):
        """Whether the shop answers at ``when`` (naive UTC, default now)."""
        self.ensure_one()
        if not self.roms_hours_ids:
            return True
        local = self._roms_wa_local(when or fields.Datetime.now())
        return any(
            start <= local < end for start, end in self._roms_wa_periods(local.date())
        )

    def _roms_wa_next_opening(self, when=None):
        """The next opening time (local, aware) after ``when``, or None."""
        self.ensure_one()
        local = self._roms_wa_local(when or fields.Datetime.now())
        for offset in range(OPENING_LOOKAHEAD_DAYS):
            day = local.date() + timedelta(days=offset)
            for start, _end in sorted(self._roms_wa_periods(day)):
                if start > local:
                    return start
        return None

    def _roms_wa_format_opening(self, opening, lang):
        """ "Senin 08:00" (this week) or "Senin, 17 Agu 08:00" (later) in ``lang``."""
        if not opening:
            return ""
        locale = babel_locale_parse(lang or "en_US")
        now = self._roms_wa_local(fields.Datetime.now())
        pattern = (
            "EEEE HH:mm" if opening - now < timedelta(days=6) else "EEEE, d MMM HH:mm"
        )
        return format_datetime(opening, pattern, tzinfo=opening.tzinfo, locale=locale)


class RomsWhatsappBotEntry(models.Model):
    """An entry of the menu bot: built in (Cek pesanan, Katalog, Poin saya,
    Bicara dengan CS) or a custom one answered with a message template."""

    _name = "roms.whatsapp.bot.entry"
    _description = "WhatsApp Menu Entry"
    _order = "sequence, id"

    account_id = fields.Many2one(
        "roms.whatsapp.account", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    name = fields.Char(
        string="Title",
        required=True,
        translate=True,
        help="Shown in the menu (24 characters on the Cloud API).",
    )
    description = fields.Char(translate=True, help="A line under the title (lists).")
    action = fields.Selection(
        [
            ("orders", "Check my orders"),
            ("catalog", "Catalogue"),
            ("points", "My points"),
            ("human", "Talk to CS"),
            ("template", "Reply with a template"),
        ],
        required=True,
        default="template",
    )
    template_id = fields.Many2one(
        "roms.message.template",
        string="Reply Template",
        ondelete="restrict",
        help="The answer of a custom entry.",
    )

    @api.constrains("action", "template_id")
    def _check_template(self):
        for entry in self:
            if entry.action == "template" and not entry.template_id:
                raise ValidationError(
                    self.env._("A custom menu entry replies with a template.")
                )

    def _roms_wa_reply_id(self):
        self.ensure_one()
        key = self.action if self.action != "template" else str(self.id)
        return f"bot:{key}"


class RomsWhatsappKeywordRule(models.Model):
    """An auto-reply: when a customer's message matches one of the variants, the
    reply is sent (text, image, document or a message template); optionally a
    label is put on the conversation and it is handed over to the agents. The
    first matching rule in sequence order wins."""

    _name = "roms.whatsapp.keyword.rule"
    _description = "WhatsApp Keyword Auto-Reply"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        "roms.whatsapp.account",
        required=True,
        ondelete="cascade",
        index=True,
    )
    match_type = fields.Selection(
        [
            ("exact", "Exact word"),
            ("contains", "Contains"),
            ("starts", "Starts with"),
        ],
        string="Match",
        required=True,
        default="exact",
        help="Exact word: a variant appears as whole words. Contains: anywhere, "
        "even inside a word. Starts with: the message begins with it. Case and "
        "accents never matter.",
    )
    keywords = fields.Text(
        string="Variants",
        required=True,
        help="Separated by commas or lines, Indonesian and English: "
        "harga, berapa, price.",
    )
    reply_type = fields.Selection(
        [
            ("text", "Text"),
            ("image", "Image"),
            ("document", "Document"),
            ("template", "Message template"),
        ],
        required=True,
        default="text",
    )
    reply_text = fields.Text(
        string="Reply",
        translate=True,
        help="The answer (the caption of an image or document); variables such as "
        "{customer_name} are filled in.",
    )
    reply_file = fields.Binary(string="File", attachment=True)
    reply_filename = fields.Char(string="File Name")
    template_id = fields.Many2one("roms.message.template", ondelete="restrict")
    label_id = fields.Many2one(
        "roms.whatsapp.label",
        ondelete="set null",
        help="Put on the conversation when the rule answers.",
    )
    handover = fields.Boolean(
        string="Hand Over to CS",
        help="After the reply the conversation goes to the agents (round-robin) "
        "and the bot steps aside.",
    )
    test_text = fields.Char(
        string="Sample Message",
        help="Type a customer's message and press Try the rule: the rule that "
        "answers it and its reply are shown.",
    )
    test_result = fields.Text(string="Result", compute="_compute_test_result")

    @api.constrains("reply_type", "reply_text", "reply_file", "template_id")
    def _check_reply(self):
        for rule in self:
            missing = (
                (rule.reply_type == "text" and not (rule.reply_text or "").strip())
                or (rule.reply_type in ("image", "document") and not rule.reply_file)
                or (rule.reply_type == "template" and not rule.template_id)
            )
            if missing:
                raise ValidationError(
                    self.env._("The rule %(rule)s has no reply.", rule=rule.name)
                )

    @api.constrains("keywords")
    def _check_keywords(self):
        for rule in self:
            if not keyword_variants(rule.keywords):
                raise ValidationError(
                    self.env._(
                        "The rule %(rule)s needs at least one word to match.",
                        rule=rule.name,
                    )
                )

    def _roms_matches(self, normalized):
        self.ensure_one()
        return text_matches(
            self.match_type, keyword_variants(self.keywords), normalized
        )

    @api.model
    def _roms_first_match(self, account, text):
        """The first active rule of ``account`` (sequence order) that ``text``
        matches, or an empty recordset."""
        normalized = normalize_text(text)
        if not normalized:
            return self.browse()
        rules = self.sudo().search([("account_id", "=", account.id)])
        return next(
            (rule for rule in rules if rule._roms_matches(normalized)), self.browse()
        )

    def _roms_reply_text(self, partner, channel=None):
        """The reply's text for ``partner`` (template rendered, variables
        filled)."""
        self.ensure_one()
        if self.reply_type == "template":
            order = channel._roms_wa_last_order() if channel else self.env["sale.order"]
            return self.template_id.sudo()._render(partner, order)
        if channel:
            return str(channel._roms_wa_fill_variables(self.reply_text or ""))
        return self.reply_text or ""

    @api.depends("test_text", "keywords", "match_type", "sequence", "reply_text")
    def _compute_test_result(self):
        for rule in self:
            if not rule.test_text:
                rule.test_result = False
                continue
            account = rule.account_id
            match = (
                self._roms_first_match(account, rule.test_text) if account else False
            )
            if not match:
                rule.test_result = self.env._("No rule answers this message.")
                continue
            reply = match._roms_reply_text(self.env.user.partner_id)
            if match.reply_type in ("image", "document"):
                reply = f"[{match.reply_filename or match.reply_type}] {reply}"
            rule.test_result = self.env._(
                "Answered by the rule %(rule)s%(this)s:\n%(reply)s",
                rule=match.name,
                this=self.env._(" (this one)") if match == rule._origin else "",
                reply=reply,
            )

    def action_roms_test(self):
        """Try the rule (Coba aturan): the saved form shows which rule answers
        the sample message."""
        self.ensure_one()
        return True
