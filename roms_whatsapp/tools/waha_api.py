"""WAHA (WhatsApp HTTP API) client: a QR-code WhatsApp Web gateway.

Docs: waha.devlike.pro — ``X-Api-Key`` header; ``POST /api/sendText``,
``/api/sendImage``, ``/api/sendFile`` with ``session`` and ``chatId``
(``<digits>@c.us``); sessions ``GET /api/sessions/{session}``, ``PUT`` (config),
``POST /api/sessions`` (create), ``POST /api/sessions/{session}/start|logout``;
QR ``GET /api/{session}/auth/qr?format=image`` (JSON when asked); webhooks signed
with ``X-Webhook-Hmac`` = HMAC-SHA512 of the raw body with the session's HMAC key.
"""

import base64
import hashlib
from urllib.parse import urlsplit

from .wa_provider import (
    WebhookBodyError,
    WhatsAppEvent,
    WhatsAppProvider,
    WhatsAppProviderError,
    as_dict,
    e164,
    hmac_ok,
    origin,
)

# session status → (our state, reason)
SESSION_STATES = {
    "WORKING": ("connected", ""),
    "SCAN_QR_CODE": ("disconnected", "scan_needed"),
    "STARTING": ("disconnected", "starting"),
    "STOPPED": ("disconnected", "stopped"),
    "FAILED": ("disconnected", "failed"),
}
# message.ack → status (-1 ERROR, 0 PENDING, 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED)
ACK_STATES = {-1: "failed", 1: "sent", 2: "delivered", 3: "read", 4: "read"}
WEBHOOK_EVENTS = ["message", "message.ack", "session.status"]


def message_id(message):
    """WAHA engines spell the id differently: a string, ``{"_serialized": …}``
    (WEBJS) or ``{"key": {"id": …}}`` (NOWEB). Whatever else is returned as is
    (and refused by ``WhatsAppEvent.bounded``)."""
    value = message.get("id")
    if isinstance(value, dict):
        value = value.get("_serialized") or value.get("id")
    if not value and isinstance(message.get("key"), dict):
        value = message["key"].get("id")
    return value or ""


class WahaApi(WhatsAppProvider):
    provider = "waha"

    def _headers(self):
        key = self.config.get("api_key")
        return {"X-Api-Key": key} if key else {}

    @property
    def session(self):
        return self.config.get("session") or "default"

    def _chat_id(self, to):
        return f"{to.lstrip('+')}@c.us"

    def _send(self, path, payload):
        body = {"session": self.session, **payload}
        response = self._request("POST", path, json=body)
        sent_id = message_id(as_dict(self._json(response)))
        if not isinstance(sent_id, str) or not sent_id:
            raise WhatsAppProviderError(
                "The gateway answered without a message id.", code="bad_response"
            )
        return sent_id

    def send_text(self, to, body):
        return self._send("/api/sendText", {"chatId": self._chat_id(to), "text": body})

    def send_media(self, to, media_type, data, filename, mimetype, caption=""):
        path = "/api/sendImage" if media_type == "image" else "/api/sendFile"
        payload = {
            "chatId": self._chat_id(to),
            "file": {
                "mimetype": mimetype,
                "filename": filename,
                "data": base64.b64encode(data).decode(),
            },
        }
        if caption:
            payload["caption"] = caption
        return self._send(path, payload)

    # -- session ----------------------------------------------------------------

    def session_info(self):
        return self._json(self._request("GET", f"/api/sessions/{self.session}"))

    def status(self):
        try:
            info = self.session_info()
        except WhatsAppProviderError as error:
            if error.code == "404":
                return "disconnected", "stopped"
            if error.code in ("401", "403"):
                return "disconnected", "token_expired"
            return "disconnected", "unreachable"
        return SESSION_STATES.get(info.get("status"), ("disconnected", "failed"))

    def start_session(self, webhook_url=None, webhook_secret=None):
        """Create or update the session (with our webhook) and start it."""
        config = {}
        if webhook_url:
            webhook = {"url": webhook_url, "events": WEBHOOK_EVENTS}
            if webhook_secret:
                webhook["hmac"] = {"key": webhook_secret}
            config["webhooks"] = [webhook]
        try:
            self._request(
                "PUT",
                f"/api/sessions/{self.session}",
                json={"name": self.session, "config": config},
            )
        except WhatsAppProviderError as error:
            if error.code != "404":
                raise
            self._request(
                "POST",
                "/api/sessions",
                json={"name": self.session, "start": True, "config": config},
            )
            return
        try:
            self._request("POST", f"/api/sessions/{self.session}/start")
        except WhatsAppProviderError as error:
            if error.code not in ("409", "422"):  # already started
                raise

    def qr_code(self):
        """The QR code to scan, PNG bytes (None when no QR is waiting)."""
        try:
            response = self._request(
                "GET",
                f"/api/{self.session}/auth/qr",
                params={"format": "image"},
                headers={"Accept": "application/json"},
            )
        except WhatsAppProviderError as error:
            if error.code in ("404", "422"):
                return None
            raise
        data = self._json(response).get("data")
        return base64.b64decode(data) if data else None

    def logout(self):
        self._request("POST", f"/api/sessions/{self.session}/logout")

    # -- webhooks -----------------------------------------------------------------

    def verify_webhook(self, headers, raw_body, query):
        algorithm = (headers.get("X-Webhook-Hmac-Algorithm") or "sha512").lower()
        if algorithm != "sha512":
            return False
        return hmac_ok(
            self.config.get("webhook_secret"),
            raw_body,
            headers.get("X-Webhook-Hmac") or "",
            algorithm=hashlib.sha512,
        )

    def _webhook_items(self, payload, raw_body):
        if not isinstance(payload, dict):
            raise WebhookBodyError("A WAHA webhook is a JSON object.")
        return [payload]

    def _parse_item(self, payload):
        if payload.get("session") and payload["session"] != self.session:
            return None
        event = payload.get("event")
        data = as_dict(payload.get("payload"))
        if event == "session.status":
            status = data.get("status")
            state, reason = SESSION_STATES.get(
                status if isinstance(status, str) else "", ("disconnected", "failed")
            )
            return WhatsAppEvent(kind="session", state=state, reason=reason)
        if event == "message.ack":
            ack = data.get("ack")
            status = ACK_STATES.get(ack) if isinstance(ack, int) else None
            if not status or not message_id(data):
                return None
            return WhatsAppEvent(
                kind="status",
                provider_message_id=message_id(data),
                status=status,
                error_code="ack_error" if status == "failed" else "",
                error_message="The gateway could not deliver the message."
                if status == "failed"
                else "",
                timestamp=data.get("timestamp"),
            )
        if event in ("message", "message.any"):
            sender = data.get("from") or ""
            if not isinstance(sender, str):
                raise TypeError("the sender is not text")
            if data.get("fromMe") or not sender.endswith("@c.us"):
                return None  # our own messages, groups, status broadcasts
            event = WhatsAppEvent(
                kind="message",
                provider_message_id=message_id(data),
                number=e164(sender),
                profile_name=as_dict(data.get("_data")).get("notifyName") or "",
                body=data.get("body") or "",
                timestamp=data.get("timestamp"),
            )
            media = as_dict(data.get("media"))
            if data.get("hasMedia") and media.get("url"):
                event.media = {
                    "ref": media["url"],
                    "mimetype": media.get("mimetype") or "",
                    "filename": media.get("filename") or "",
                }
            return event if event.provider_message_id else None
        return None

    def _media_policy(self, url):
        """Media only from the gateway's own files (``{base}/api/files/…``), with
        the API key; nothing else is fetched."""
        target = origin(url)
        base_path = urlsplit(self.config.get("base_url") or "").path.rstrip("/")
        if (
            target
            and target == self._base_origin()
            and urlsplit(url).path.startswith(f"{base_path}/api/files/")
            and ".." not in url
        ):
            return True, True
        return False, False

    def download_media(self, media, max_bytes):
        data, mimetype = self._get_media(media.get("ref") or "", max_bytes)
        return data, media.get("mimetype") or mimetype
