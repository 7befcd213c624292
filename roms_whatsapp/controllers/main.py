import json
import logging
import re

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/roms/whatsapp/webhook/"
_SECRET_QUERY = re.compile(r"((?:^|[?&])(?:token|hub\.verify_token)=)[^&\s\"]*")


class _RedactWebhookSecrets(logging.Filter):
    """The webhook URL of a gateway carries a secret (``?token=``), and Meta's
    handshake its verify token: keep them out of the access log."""

    def filter(self, record):
        args = record.args
        if isinstance(args, tuple) and args and WEBHOOK_PATH in str(args[0]):
            record.args = (_SECRET_QUERY.sub(r"\1***", str(args[0])), *args[1:])
        return True


logging.getLogger("werkzeug").addFilter(_RedactWebhookSecrets())


class RomsWhatsappWebhook(http.Controller):
    @http.route(
        WEBHOOK_PATH + "<int:account_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def roms_whatsapp_webhook(self, account_id, **_params):
        httprequest = request.httprequest
        account_sudo = (
            request.env["roms.whatsapp.account"].sudo().browse(account_id).exists()
        )
        if not account_sudo or not account_sudo.active:
            return request.make_response("unknown account", status=404)
        client = account_sudo._roms_client()
        query = httprequest.args
        if httprequest.method == "GET":
            challenge = None
            if account_sudo.provider == "meta":
                challenge = client.verify_handshake(query)
            if challenge is None:
                return request.make_response("forbidden", status=403)
            return request.make_response(
                challenge, headers=[("Content-Type", "text/plain; charset=utf-8")]
            )
        raw_body = httprequest.get_data(cache=True)
        if not client.verify_webhook(httprequest.headers, raw_body, query):
            _logger.warning(
                "WhatsApp webhook of account %s: missing or wrong signature", account_id
            )
            return request.make_response("forbidden", status=403)
        try:
            events = client.parse_webhook(httprequest.headers, raw_body)
        except (ValueError, TypeError, AttributeError, KeyError):
            return request.make_response("bad payload", status=400)
        account_sudo._roms_handle_events(events)
        return request.make_response(
            json.dumps({"status": "ok"}),
            headers=[("Content-Type", "application/json")],
        )
