import json
import logging
import re

from odoo import http
from odoo.http import request

from odoo.addons.roms_crm.tools import webhook

_logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/roms/whatsapp/webhook/"
MAX_BODY_PARAM = "roms_whatsapp.webhook_max_body_bytes"
FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


_SECRET_QUERY = re.compile(r"((?:^|[?&])(?:token|hub\.verify_token)=)[^&\s\"]*")


class _RedactWebhookSecrets(logging.Filter):
    """The webhook URL of a gateway carries a secret (``?token=``), and Meta's
    handshake its verify token: keep them out of the access log."""

    def filter(self, record):
        if isinstance(record.msg, str) and WEBHOOK_PATH in record.msg:
            record.msg = _SECRET_QUERY.sub(r"\1***", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_QUERY.sub(r"\1***", arg)
                if isinstance(arg, str) and WEBHOOK_PATH in arg
                else arg
                for arg in record.args
            )
        return True


logging.getLogger("werkzeug").addFilter(_RedactWebhookSecrets())


def _text(body, status=200):
    """A plain-text answer: nothing of a request (the handshake's challenge) is
    ever read as HTML by a browser."""
    return request.make_response(
        body,
        headers=[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("X-Content-Type-Options", "nosniff"),
        ],
        status=status,
    )


class RomsWhatsappWebhook(http.Controller):
    @http.route(
        WEBHOOK_PATH + "<int:account_id>",
        type="http",
        auth="none",
        readonly=False,
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        max_content_length=webhook.read_limit(MAX_BODY_PARAM),
    )
    def roms_whatsapp_webhook(self, account_id, **_params):
        """Order of the checks: the body size (before anything reads the body,
        setting ``roms_whatsapp.webhook_max_body_bytes``), the account, the
        signature, the document (400 when it is no webhook at all), then each
        event on its own.

        The hot path of inbound traffic: the account's provider and secrets
        come from a per-worker cache, so a message costs Odoo's own per-request
        work plus one INSERT (and the commit)."""
        httprequest = request.httprequest
        # auth="public" without its query of the public user: its id is cached
        request.update_env(
            user=request.env["ir.model.data"]._xmlid_to_res_id("base.public_user")
        )
        Account = request.env["roms.whatsapp.account"].sudo()
        client = Account._roms_webhook_client(account_id)
        if client is None:
            return _text("unknown account", 404)
        query = httprequest.args
        if httprequest.method == "GET":
            challenge = None
            if client.provider == "meta":
                challenge = client.verify_handshake(query)
            if challenge is None:
                return _text("forbidden", 403)
            return _text(challenge)
        limit = webhook.max_body(MAX_BODY_PARAM)
        length = httprequest.content_length
        if length is not None and length > limit:
            return _text("request too large", 413)
        # a form body was parsed (and consumed) by Odoo before this method runs
        form = httprequest.form if httprequest.mimetype in FORM_MIMETYPES else None
        raw_body = webhook.read_body(httprequest, limit)
        if raw_body is None:
            return _text("request too large", 413)
        if not client.verify_webhook(httprequest.headers, raw_body, query):
            _logger.warning(
                "WhatsApp webhook of account %s: missing or wrong signature", account_id
            )
            return _text("forbidden", 403)
        try:
            events = client.parse_webhook(httprequest.headers, raw_body, form=form)
        except ValueError as error:
            _logger.warning(
                "WhatsApp webhook of account %s: bad body (%s)",
                account_id,
                str(error)[:200],
            )
            return _text("bad payload", 400)
        targets = Account._roms_webhook_targets(account_id, events)
        for target_id, target_events in targets.items():
            Account.browse(target_id)._handle_events(target_events)
        return request.make_response(
            json.dumps({"status": "ok"}),
            headers=[("Content-Type", "application/json")],
        )
