"""Fonnte client (fonnte.com), an Indonesian WhatsApp gateway.

Docs: docs.fonnte.com — ``POST /send`` with the device token in ``Authorization``
and form fields ``target``, ``message`` (and ``file`` for a media); ``POST /device``
for the device status. Fonnte answers HTTP 200 with ``{"status": false, "reason":
…}`` on errors. Its webhooks are not signed: the webhook URL carries a secret
``token`` query parameter that only Fonnte knows.
"""

import hashlib
import json
from urllib.parse import parse_qsl

from .wa_provider import (
    WhatsAppEvent,
    WhatsAppProvider,
    WhatsAppProviderError,
    e164,
    from_unix,
    read_limited,
    secret_equals,
)

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

    def parse_webhook(self, headers, raw_body):
        content_type = headers.get("Content-Type") or ""
        if "json" in content_type:
            data = json.loads(raw_body)
        else:
            data = dict(parse_qsl(raw_body.decode()))
        if "sender" in data:
            sender = data.get("sender") or ""
            if "@g.us" in sender or data.get("member"):
                return []  # group chats
            # Fonnte gives no stable message id to every plan: the payload's hash
            # makes a replayed delivery recognisable.
            message_id = data.get("inboxid") or data.get("id")
            if not message_id:
                message_id = "fonnte-" + hashlib.sha256(raw_body).hexdigest()[:40]
            event = WhatsAppEvent(
                kind="message",
                provider_message_id=str(message_id),
                number=e164(sender),
                profile_name=data.get("name") or "",
                body=data.get("message") or data.get("text") or "",
                timestamp=from_unix(data.get("timestamp")),
            )
            if data.get("url"):
                event.media = {
                    "ref": data["url"],
                    "mimetype": "",
                    "filename": data.get("filename") or "",
                }
            return [event] if event.number else []
        if "stateid" in data or "state" in data:
            status = STATE_MAP.get(str(data.get("state") or data.get("status")).lower())
            if not status or not data.get("id"):
                return []
            return [
                WhatsAppEvent(
                    kind="status",
                    provider_message_id=str(data["id"]),
                    status=status,
                    error_code="fonnte" if status == "failed" else "",
                    error_message=str(data.get("reason") or "")
                    if status == "failed"
                    else "",
                )
            ]
        if data.get("status") in ("connect", "disconnect"):
            connected = data["status"] == "connect"
            return [
                WhatsAppEvent(
                    kind="session",
                    state="connected" if connected else "disconnected",
                    reason="" if connected else "scan_needed",
                )
            ]
        return []

    def download_media(self, media, max_bytes):
        response = self._request("GET", media["ref"], stream=True)
        mimetype = response.headers.get("Content-Type", "").split(";")[0]
        return read_limited(response, max_bytes), mimetype
