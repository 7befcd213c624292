"""Fonnte client (fonnte.com), an Indonesian WhatsApp gateway.

Docs: docs.fonnte.com — ``POST /send`` with the device token in ``Authorization``
and form fields ``target``, ``message`` (and ``file`` for a media); ``POST /device``
for the device status. Fonnte answers HTTP 200 with ``{"status": false, "reason":
…}`` on errors. Its webhooks are not signed: the webhook URL carries a secret
``token`` query parameter that only Fonnte knows. They come as JSON or as a form
(urlencoded or multipart). A media is a ``url`` on Fonnte's storage: since anyone
who learns the webhook URL can put any URL there, the device token goes only to
the configured API host, and no private or loopback address is fetched unless it
is that host.
"""

import hashlib
import json
from urllib.parse import parse_qsl

from .wa_provider import (
    WebhookBodyError,
    WhatsAppEvent,
    WhatsAppProvider,
    WhatsAppProviderError,
    e164,
    is_public_host,
    load_json,
    origin,
    secret_equals,
)

MAX_FORM_FIELDS = 100

STATE_MAP = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "invalid": "failed",
}
TEMPORARY_REASONS = ("rate limit", "limit", "busy", "timeout", "try again")
INVALID_NUMBER_REASONS = ("target invalid", "invalid target", "not registered")


class FonnteApi(WhatsAppProvider):
    provider = "fonnte"

    def _headers(self):
        return {"Authorization": self.config.get("token") or ""}

    def _check(self, payload):
        if payload.get("status") is True:
            return payload
        reason = str(payload.get("reason") or payload.get("detail") or "error")
        lowered = reason.lower()
        if any(r in lowered for r in INVALID_NUMBER_REASONS):
            code = "invalid_number"
        elif "token" in lowered:
            code = "invalid_token"
        else:
            code = "fonnte"
        temporary = any(r in lowered for r in TEMPORARY_REASONS)
        raise WhatsAppProviderError(reason[:500], code=code, temporary=temporary)

    def _send(self, data, files=None):
        data = {"countryCode": "0", **data}
        response = self._request("POST", "/send", data=data, files=files)
        payload = self._check(self._json(response))
        ids = payload.get("id") or []
        sent_id = ids[0] if isinstance(ids, list) and ids else ids
        if not sent_id:
            raise WhatsAppProviderError(
                "Fonnte answered without a message id.", code="bad_response"
            )
        return str(sent_id)

    def send_text(self, to, body):
        return self._send({"target": to.lstrip("+"), "message": body})

    def send_media(self, to, media_type, data, filename, mimetype, caption=""):
        return self._send(
            {"target": to.lstrip("+"), "message": caption or "", "filename": filename},
            files={"file": (filename, data, mimetype)},
        )

    def status(self):
        try:
            payload = self._check(self._json(self._request("POST", "/device")))
        except WhatsAppProviderError as error:
            if error.code == "invalid_token":
                return "disconnected", "token_expired"
            return "disconnected", "unreachable" if error.temporary else "failed"
        if payload.get("device_status") == "connect":
            return "connected", ""
        return "disconnected", "scan_needed"

    def verify_webhook(self, headers, raw_body, query):
        return secret_equals(
            self.config.get("webhook_secret"), query.get("token") or ""
        )

    def _load_payload(self, headers, raw_body, form):
        if form is not None:
            fields = form.to_dict() if hasattr(form, "to_dict") else dict(form)
            if len(fields) > MAX_FORM_FIELDS:
                raise ValueError("Too many form fields.")
            return fields
        content_type = headers.get("Content-Type") or ""
        if "json" in content_type or raw_body.lstrip()[:1] in (b"{", b"["):
            return load_json(raw_body)
        return dict(parse_qsl(raw_body.decode(), max_num_fields=MAX_FORM_FIELDS))

    def _webhook_items(self, payload, raw_body):
        if not isinstance(payload, dict):
            raise WebhookBodyError("A Fonnte webhook is an object or a form.")
        # Fonnte gives no stable message id to every plan: the payload's hash
        # makes a replayed delivery recognisable (the same fields, however encoded)
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True, default=str).encode()
        ).hexdigest()[:40]
        return [(payload, digest)]

    def _parse_item(self, item):
        data, digest = item
        if "sender" in data:
            sender = data.get("sender") or ""
            if not isinstance(sender, (str, int)) or isinstance(sender, bool):
                raise TypeError("the sender is not text")
            if "@g.us" in str(sender) or data.get("member"):
                return None  # group chats
            message_id = data.get("inboxid") or data.get("id")
            if not message_id:
                message_id = "fonnte-" + digest
            event = WhatsAppEvent(
                kind="message",
                provider_message_id=message_id,
                number=e164(sender),
                profile_name=data.get("name") or "",
                body=data.get("message") or data.get("text") or "",
                timestamp=data.get("timestamp"),
            )
            if data.get("url"):
                event.media = {
                    "ref": data["url"],
                    "mimetype": "",
                    "filename": data.get("filename") or "",
                }
            return event if event.number else None
        if "stateid" in data or "state" in data:
            state = data.get("state") or data.get("status")
            status = STATE_MAP.get(state.lower()) if isinstance(state, str) else None
            if not status or not data.get("id"):
                return None
            reason = data.get("reason") if status == "failed" else ""
            return WhatsAppEvent(
                kind="status",
                provider_message_id=data["id"],
                status=status,
                error_code="fonnte" if status == "failed" else "",
                error_message=reason if isinstance(reason, str) else "",
                timestamp=data.get("timestamp"),
            )
        if data.get("status") in ("connect", "disconnect"):
            connected = data["status"] == "connect"
            return WhatsAppEvent(
                kind="session",
                state="connected" if connected else "disconnected",
                reason="" if connected else "scan_needed",
            )
        return None

    def _media_policy(self, url):
        """The configured API host gets the device token; a public host gets a
        plain GET; private and loopback addresses are not fetched."""
        target = origin(url)
        if not target:
            return False, False
        if target == self._base_origin():
            return True, True
        if is_public_host(target[1]):
            return True, False
        return False, False

    def download_media(self, media, max_bytes):
        return self._get_media(media.get("ref") or "", max_bytes)
