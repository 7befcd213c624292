import base64
import logging
import secrets
from datetime import timedelta

from psycopg2 import errorcodes

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..tools import PROVIDERS, WhatsAppProviderError

_logger = logging.getLogger(__name__)

ADMIN = "roms_crm.group_roms_admin"
TIMEOUT_PARAM = "roms_whatsapp.provider_timeout"
DEFAULT_TIMEOUT = 15  # seconds
# a serialisation failure or deadlock: Odoo retries the request; a write on a
# read-only transaction: Odoo repeats it on a read-write one
RETRIED_BY_ODOO = (
    *PG_CONCURRENCY_ERRORS_TO_RETRY,
    errorcodes.READ_ONLY_SQL_TRANSACTION,
)
# what a webhook request reads of its account: the provider and what
# ``_client_config`` gives its client (cached per worker: ``_roms_webhook_configs``)
WEBHOOK_FIELDS = (
    "active",
    "provider",
    "meta_base_url",
    "meta_api_version",
    "meta_phone_number_id",
    "meta_access_token",
    "meta_app_secret",
    "meta_verify_token",
    "meta_app_id",
    "waha_base_url",
    "waha_api_key",
    "waha_session",
    "waha_webhook_secret",
    "fonnte_base_url",
    "fonnte_token",
    "fonnte_webhook_secret",
)


def _new_secret(*_args):
    return secrets.token_urlsafe(32)


class RomsWhatsappAccount(models.Model):
    _name = "roms.whatsapp.account"
    _description = "WhatsApp Account"
    _order = "is_default desc, sequence, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    provider = fields.Selection(
        [
            ("meta", "Meta WhatsApp Cloud API"),
            ("waha", "QR-code gateway (WAHA)"),
            ("fonnte", "Fonnte"),
        ],
        required=True,
        default="meta",
    )
    is_default = fields.Boolean(
        string="Default Account",
        help="ROMS messages (thank-you, reminders, broadcasts) leave through the "
        "default connected account.",
    )
    state = fields.Selection(
        # the status bar reads from not yet connected to connected
        [("disconnected", "Disconnected"), ("connected", "Connected")],
        default="disconnected",
        required=True,
        readonly=True,
    )
    state_reason = fields.Selection(
        [
            ("not_configured", "Not configured"),
            ("scan_needed", "QR code scan needed"),
            ("starting", "Starting"),
            ("stopped", "Session stopped"),
            ("failed", "Failed"),
            ("token_expired", "Token expired or invalid"),
            ("unreachable", "Provider unreachable"),
        ],
        string="Reason",
        default="not_configured",
        readonly=True,
    )
    state_since = fields.Datetime(
        string="Status Since", default=fields.Datetime.now, readonly=True
    )
    state_checked_at = fields.Datetime(
        string="Last Checked",
        readonly=True,
        copy=False,
        help="When ROMS last asked the provider for the status (on opening the "
        "account, with Check now, and every 15 minutes).",
    )
    webhook_url = fields.Char(
        compute="_compute_webhook_url",
        groups=ADMIN,
        help="Give this address to the provider as the webhook (callback) URL.",
    )

    # Meta WhatsApp Cloud API
    meta_phone_number_id = fields.Char(string="Phone Number ID")
    meta_business_account_id = fields.Char(
        string="WhatsApp Business Account ID",
        help="The business account (WABA) the number belongs to: its message "
        "templates are submitted and synced through it.",
    )
    meta_app_id = fields.Char(
        string="Meta App ID",
        help="Needed to upload the sample image of a template's image header.",
    )
    template_ids = fields.One2many(
        "roms.whatsapp.template", "account_id", string="WhatsApp Templates"
    )
    template_count = fields.Integer(compute="_compute_template_count")
    templates_synced_at = fields.Datetime(string="Templates Synced", readonly=True)
    meta_access_token = fields.Char(string="Access Token", groups=ADMIN, copy=False)
    meta_app_secret = fields.Char(
        string="App Secret",
        groups=ADMIN,
        copy=False,
        help="Signs the webhooks (X-Hub-Signature-256).",
    )
    meta_verify_token = fields.Char(
        string="Webhook Verify Token",
        groups=ADMIN,
        copy=False,
        default=_new_secret,
        help="Type the same token in the Meta app's webhook settings.",
    )
    meta_api_version = fields.Char(string="Graph API Version", default="v21.0")
    meta_base_url = fields.Char(
        string="Graph API URL", default="https://graph.facebook.com"
    )

    # WAHA (QR-code WhatsApp Web gateway)
    waha_base_url = fields.Char(string="Gateway URL", help="e.g. http://localhost:3000")
    waha_api_key = fields.Char(string="Gateway API Key", groups=ADMIN, copy=False)
    waha_session = fields.Char(string="Session Name", default="default")
    waha_webhook_secret = fields.Char(
        string="Gateway Webhook Secret",
        groups=ADMIN,
        copy=False,
        default=_new_secret,
        help="The HMAC key with which the gateway signs its webhooks "
        "(X-Webhook-Hmac, SHA-512).",
    )
    # scanning it links a phone to the shop's gateway: a credential
    waha_qr_image = fields.Binary(
        string="QR Code", attachment=False, copy=False, groups=ADMIN
    )

    # Fonnte
    fonnte_token = fields.Char(string="Device Token", groups=ADMIN, copy=False)
    fonnte_base_url = fields.Char(string="Fonnte URL", default="https://api.fonnte.com")
    fonnte_webhook_secret = fields.Char(
        groups=ADMIN,
        copy=False,
        default=_new_secret,
        help="Part of the webhook URL given to Fonnte: webhooks without it are "
        "refused.",
    )

    _sql_constraints = [
        (
            "waha_session_unique",
            "unique(provider, waha_base_url, waha_session)",
            "Two accounts cannot use the same gateway session.",
        ),
    ]

    @api.constrains("provider", "meta_api_version", "meta_base_url", "waha_base_url")
    def _check_urls(self):
        for account in self:
            for url in (account.meta_base_url, account.waha_base_url):
                if url and not url.startswith(("http://", "https://")):
                    raise ValidationError(
                        self.env._("%(url)s is not an http(s) address.", url=url)
                    )
            version = account.meta_api_version
            if account.provider == "meta" and version and not version.startswith("v"):
                raise ValidationError(
                    self.env._(
                        "The Graph API version looks like v21.0, not %(version)s.",
                        version=version,
                    )
                )

    @api.depends("provider", "fonnte_webhook_secret")
    def _compute_webhook_url(self):
        for account in self:
            if not account.id:
                account.webhook_url = False
                continue
            url = f"{account.get_base_url()}/roms/whatsapp/webhook/{account.id}"
            if account.provider == "fonnte":
                url += f"?token={account.fonnte_webhook_secret or ''}"
            account.webhook_url = url

    def _compute_template_count(self):
        counts = dict(
            self.env["roms.whatsapp.template"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.template_count = counts.get(account, 0)

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts.filtered("is_default")._unset_other_defaults()
        self.env.registry.clear_cache()  # _roms_webhook_configs, every worker
        return accounts

    def write(self, vals):
        result = super().write(vals)
        if not vals.keys().isdisjoint(WEBHOOK_FIELDS):
            self.env.registry.clear_cache()  # _roms_webhook_configs, every worker
        if vals.get("is_default"):
            self[-1:]._unset_other_defaults()
        if "state" in vals:
            # the composers of the conversations with an agent warn at once
            self.env["discuss.channel"].sudo().search(
                [
                    ("channel_type", "=", "roms_whatsapp"),
                    ("roms_account_id", "in", self.ids),
                    ("roms_agent_id", "!=", False),
                ]
            )._roms_wa_push_store()
        return result

    def _unset_other_defaults(self):
        """Only one default account: the last of ``self`` stays default."""
        if not self:
            return
        others = self.search(
            [("is_default", "=", True), ("id", "not in", self[-1:].ids)]
        )
        if others:
            others.write({"is_default": False})
        if len(self) > 1:
            self[:-1].write({"is_default": False})

    # Provider client
    # ------------------------------------------------------------------

    def _client_config(self):
        self.ensure_one()
        account = self.sudo()
        if account.provider == "meta":
            return {
                "base_url": account.meta_base_url or "https://graph.facebook.com",
                "api_version": account.meta_api_version or "v21.0",
                "phone_number_id": account.meta_phone_number_id or "",
                "access_token": account.meta_access_token or "",
                "app_secret": account.meta_app_secret or "",
                "verify_token": account.meta_verify_token or "",
                "app_id": account.meta_app_id or "",
            }
        if account.provider == "waha":
            return {
                "base_url": account.waha_base_url or "",
                "api_key": account.waha_api_key or "",
                "session": account.waha_session or "default",
                "webhook_secret": account.waha_webhook_secret or "",
            }
        return {
            "base_url": account.fonnte_base_url or "https://api.fonnte.com",
            "token": account.fonnte_token or "",
            "webhook_secret": account.fonnte_webhook_secret or "",
        }

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    @tools.ormcache()
    def _roms_webhook_configs(self):
        """``{account id: (provider, client configuration)}`` of the active
        accounts: what a webhook request needs to verify and read its body.
        Cached per worker as one entry (a shop has a few accounts; a stranger
        trying ids adds nothing to the cache), so the hot path of inbound
        traffic touches the database only to store what it received; a change
        of an account's provider, secrets or activity clears the cache of every
        worker."""
        accounts = self.sudo().search_fetch([], list(WEBHOOK_FIELDS))
        return {
            account.id: (account.provider, tuple(account._client_config().items()))
            for account in accounts
        }

    @api.model
    def _roms_webhook_client(self, account_id):
        """The provider client of the active account ``account_id`` as its
        webhook sees it, or None when there is no such account."""
        known = self._roms_webhook_configs().get(account_id)
        if not known:
            return None
        provider, config = known
        return self._new_client(provider, dict(config))

    @api.model
    def _roms_webhook_targets(self, account_id, events):
        """``{account id: [events]}``: the events of a request verified for the
        account ``account_id``, by the account each is for. An event that names
        another number of the provider (Meta's ``phone_number_id``: every number
        of an app posts to the app's one callback URL) goes to the active account
        of that number when it has the same app secret, which signed the
        request; any other is no event of ours, and is logged and dropped."""
        configs = self._roms_webhook_configs()
        provider, config = configs.get(account_id, (None, ()))
        config = dict(config)
        targets = {}
        for event in events:
            receiver = event.receiver_id
            target_id = account_id
            if receiver and receiver != config.get("phone_number_id"):
                target_id = next(
                    (
                        other_id
                        for other_id, (other_provider, other) in configs.items()
                        if other_provider == provider
                        and dict(other).get("phone_number_id") == receiver
                        and dict(other).get("app_secret") == config.get("app_secret")
                    ),
                    None,
                )
            if target_id is None:
                _logger.warning(
                    "WhatsApp webhook of account %s: %s event for the number %r "
                    "of no account of this app ignored",
                    account_id,
                    event.kind,
                    receiver[:64],
                )
                continue
            targets.setdefault(target_id, []).append(event)
        return targets

    def _client(self):
        """The provider client of this account (``tools/``)."""
        self.ensure_one()
        return self._new_client(self.provider, self._client_config())

    @api.model
    def _new_client(self, provider, config):
        timeout = self.env["ir.config_parameter"]._roms_param(
            TIMEOUT_PARAM, DEFAULT_TIMEOUT
        )
        return PROVIDERS[provider](config, timeout=timeout)

    @api.model
    def _default_account(self):
        """The connected account ROMS messages leave through: the default one,
        else the first connected one."""
        return self.sudo().search([("state", "=", "connected")], limit=1)

    # Status
    # ------------------------------------------------------------------

    def _set_state(self, state, reason=False):
        for account in self:
            vals = {"state_reason": reason or False}
            if account.state != state:
                vals.update(state=state, state_since=fields.Datetime.now())
            if state == "connected":
                vals["waha_qr_image"] = False
            if any(account[k] != v for k, v in vals.items()):
                account.write(vals)

    def _check_status(self):
        for account in self:
            if not account._is_configured():
                account._set_state("disconnected", "not_configured")
            else:
                state, reason = account._client().status()
                account._set_state(state, reason)
            account.state_checked_at = fields.Datetime.now()

    def action_check_status_on_open(self):
        """The account form asks for a fresh status when it opens (roms_whatsapp
        ``roms_whatsapp_account_form``), at most once a minute per account: a
        gateway that stopped listening sends no webhook to say so."""
        recent = fields.Datetime.now() - timedelta(minutes=1)
        stale = self.filtered(
            lambda a: not a.state_checked_at or a.state_checked_at < recent
        )
        # customer service reads the account without the right to write it: the
        # check writes nothing but the status
        stale.sudo()._check_status()
        return bool(stale)

    def _is_configured(self):
        self.ensure_one()
        config = self._client_config()
        required = {
            "meta": ("phone_number_id", "access_token"),
            "waha": ("base_url",),
            "fonnte": ("token",),
        }[self.provider]
        return all(config.get(key) for key in required)

    def action_check_status(self):
        self._check_status()
        return True

    @api.model
    def _cron_check_status(self):
        """Every account is checked: WAHA pushes ``session.status`` webhooks,
        but a gateway that stopped listening pushes nothing at all."""
        for account in self.search([]):  # pylint: disable=no-search-all
            try:
                account._check_status()
            except Exception:
                _logger.exception(
                    "WhatsApp account %s: status check failed", account.id
                )

    # WAHA session
    # ------------------------------------------------------------------

    def _check_waha(self):
        self.ensure_one()
        if self.provider != "waha":
            raise UserError(self.env._("Only QR-code gateway accounts have a session."))
        if not self._is_configured():
            raise UserError(self.env._("Fill in the gateway URL first."))

    def _user_error(self, error):
        return UserError(
            self.env._(
                "The WhatsApp provider refused the request: %(error)s", error=str(error)
            )
        )

    def _reload(self):
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_waha_start(self):
        """Start the gateway session (with our webhook) and show its QR code."""
        self._check_waha()
        client = self._client()
        try:
            client.start_session(
                self.sudo().webhook_url, self.sudo().waha_webhook_secret
            )
        except WhatsAppProviderError as error:
            raise self._user_error(error) from error
        return self.action_waha_refresh_qr()

    def action_waha_refresh_qr(self):
        self.action_waha_poll()
        return self._reload()

    def action_waha_poll(self):
        """Read the session status and, until connected, the current QR code
        (called every few seconds by the QR widget of the form)."""
        self._check_waha()
        client = self._client()
        state, reason = client.status()
        self._set_state(state, reason)
        if state != "connected":
            try:
                qr = client.qr_code()
            except WhatsAppProviderError as error:
                raise self._user_error(error) from error
            self.waha_qr_image = base64.b64encode(qr) if qr else False
        return True

    def action_waha_logout(self):
        self._check_waha()
        try:
            self._client().logout()
        except WhatsAppProviderError as error:
            raise self._user_error(error) from error
        self._set_state("disconnected", "scan_needed")
        return self._reload()

    # Webhook events
    # ------------------------------------------------------------------

    def _handle_events(self, events):
        """Apply the normalised events of one verified webhook request. Inbound
        messages are queued in one INSERT (processed right after the answer; a
        replay inserts nothing); receipts, session changes and template updates
        are applied at once, each in its own savepoint when the request carries
        others: a bad event is logged and skipped, its siblings are kept (a
        failed request would be delivered again forever)."""
        self.ensure_one()
        Inbound = self.env["roms.whatsapp.inbound"].sudo()
        messages = [event for event in events if event.kind == "message"]
        others = [event for event in events if event.kind != "message"]
        alone = len(events) == 1
        if messages:
            self._handle_event_safely(
                messages[0], lambda: Inbound._enqueue(self, messages), alone
            )
        for event in others:
            self._handle_event_safely(
                event, lambda e=event: self._apply_event(e), alone
            )

    def _handle_event_safely(self, event, apply, alone):
        """Run ``apply``; on failure log ``event`` as skipped and undo its writes
        only: the whole transaction when the request carries nothing else
        (``alone``, the common case, without a savepoint's two queries), else a
        savepoint's."""
        cr = self.env.cr
        try:
            if alone:
                apply()
            else:
                with cr.savepoint():
                    apply()
        except Exception as error:
            if getattr(error, "pgcode", None) in RETRIED_BY_ODOO:
                raise  # the whole request is retried by Odoo
            if alone:
                cr.rollback()
            self.env.invalidate_all()
            _logger.warning(
                "WhatsApp webhook of account %s: %s event %r skipped (%s)",
                self.id,
                event.kind,
                event.provider_message_id[:64],
                str(error)[:200],
            )

    def _apply_event(self, event):
        if event.kind == "status":
            self._apply_status(event)
        elif event.kind == "session":
            self._set_state(event.state, event.reason)
        elif event.kind == "template":
            self._apply_template_event(event)

    def _apply_status(self, event):
        """A receipt applies to the WhatsApp messages this account sent with that
        provider id: ids are unique per provider account only."""
        self.ensure_one()
        if not event.provider_message_id:
            return self.env["roms.message"]
        messages = (
            self.env["roms.message"]
            .sudo()
            .search(
                [
                    ("provider_message_id", "=", event.provider_message_id),
                    ("channel", "=", "whatsapp"),
                    ("roms_wa_account_id", "=", self.id),
                ]
            )
        )
        return messages._set_status(
            event.status,
            error_code=event.error_code or None,
            error_message=event.error_message or None,
            when=event.timestamp,
        )

    # Message templates (Meta)
    # ------------------------------------------------------------------

    def _apply_template_event(self, event):
        """A ``message_template_status_update`` of this account's business
        account: the template is found by its Meta id, else by name and
        language; one unknown to ROMS waits for the next sync."""
        self.ensure_one()
        Template = self.env["roms.whatsapp.template"].sudo()
        info = event.template
        business_account = info.get("business_account")
        if (
            business_account
            and self.meta_business_account_id
            and business_account != self.meta_business_account_id
        ):
            # the app's business accounts share its callback URL: a template
            # of another one is none of this account's, whatever its name
            _logger.warning(
                "WhatsApp account %s: status of template %s of the business "
                "account %s ignored",
                self.id,
                event.provider_message_id,
                business_account,
            )
            return Template
        template = Template.search(
            [("account_id", "=", self.id), ("meta_id", "=", event.provider_message_id)],
            limit=1,
        ) or Template.search(
            [
                ("account_id", "=", self.id),
                ("meta_id", "=", False),
                ("name", "=", info.get("name")),
                ("lang", "=", info.get("language")),
            ],
            limit=1,
        )
        if not template:
            _logger.info(
                "WhatsApp account %s: status of unknown template %s (sync to import)",
                self.id,
                event.provider_message_id,
            )
            return template
        if not template.meta_id:
            template.meta_id = event.provider_message_id
        template._apply_meta_status(
            info.get("event"), info.get("reason"), event.timestamp
        )
        return template

    def action_view_templates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_whatsapp.roms_whatsapp_template_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def action_sync_templates(self):
        self.check_access("write")
        for account in self:
            if account.provider != "meta" or not account.meta_business_account_id:
                raise UserError(
                    self.env._(
                        "Fill in the WhatsApp Business Account ID of %(account)s "
                        "first.",
                        account=account.name,
                    )
                )
            try:
                account._sync_templates()
            except WhatsAppProviderError as error:
                raise self._user_error(error) from error
        return True

    def _sync_templates(self):
        """Bring the account's templates in line with Meta's list: statuses and
        reasons of the known ones, the others imported, the ones Meta no longer
        lists disabled."""
        self.ensure_one()
        account = self.sudo()
        if account.provider != "meta" or not account.meta_business_account_id:
            return
        listed = account._client().list_templates(account.meta_business_account_id)
        Template = self.env["roms.whatsapp.template"].sudo()
        known = Template.search([("account_id", "=", account.id)])
        by_id = {t.meta_id: t for t in known if t.meta_id}
        by_name = {(t.name, t.lang): t for t in known if not t.meta_id}
        now = fields.Datetime.now()
        seen = set()
        for data in listed:
            meta_id = str(data.get("id") or "")
            name, lang = data.get("name"), data.get("language")
            if not meta_id or not isinstance(name, str) or not isinstance(lang, str):
                continue
            seen.add(meta_id)
            template = by_id.get(meta_id) or by_name.get((name, lang))
            try:
                with self.env.cr.savepoint():
                    if not template:
                        template = account._import_template(data)
                    elif not template.meta_id:
                        template.meta_id = meta_id
                    template._apply_meta_status(
                        str(data.get("status") or ""),
                        data.get("rejected_reason"),
                        now,
                    )
            except Exception as error:  # noqa: BLE001 — one bad template
                self.env.invalidate_all()
                _logger.warning(
                    "WhatsApp account %s: template %s not imported (%s)",
                    account.id,
                    meta_id,
                    str(error)[:200],
                )
        gone = known.filtered(
            lambda t: t.meta_id and t.meta_id not in seen and t.state != "disabled"
        )
        gone.write(
            {
                "state": "disabled",
                "state_reason": self.env._("No longer in the business account."),
                "state_at": now,
            }
        )
        account.templates_synced_at = now

    def _import_template(self, data):
        self.ensure_one()
        Template = self.env["roms.whatsapp.template"].sudo()
        vals, examples = Template._values_from_meta(data)
        template = Template.create({**vals, "account_id": self.id})
        for variable in template.variable_ids:
            if variable.number <= len(examples):
                variable.example = examples[variable.number - 1]
        return template

    @api.model
    def _cron_sync_templates(self):
        """Daily: every Cloud API account with a business account id."""
        accounts = self.search(
            [("provider", "=", "meta"), ("meta_business_account_id", "!=", False)]
        )
        for account in accounts:
            if not account._is_configured():
                continue
            try:
                account._sync_templates()
            except Exception:
                _logger.exception(
                    "WhatsApp account %s: template sync failed", account.id
                )
