"""Meta WhatsApp Cloud API client (Graph API).

Docs: developers.facebook.com/docs/whatsapp/cloud-api — ``POST /{version}/
{phone-number-id}/messages``, media upload ``POST /{version}/{phone-number-id}/media``,
media download ``GET /{version}/{media-id}`` then the returned URL, webhooks signed
with ``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>``.
"""

import json

from .wa_provider import (
    WhatsAppEvent,
    WhatsAppProvider,
    WhatsAppProviderError,
    e164,
    from_unix,
    hmac_ok,
    read_limited,
    secret_equals,
)

# Throttling (130429 rate limit, 131056 pair rate limit, 4/80007 app/account rate
# limits) and Meta's own transient errors (1, 2, 131000, 131016, 133004).
TEMPORARY_CODES = {
    "1",
    "2",
    "4",
    "80007",
    "130429",
    "131000",
    "131016",
    "131056",
    "133004",
}
STATUS_MAP = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
}


class MetaCloudApi(WhatsAppProvider):
    provider = "meta"

    def _headers(self):
        return {"Authorization": f"Bearer {self.config['access_token']}"}

    def _path(self, suffix):
        return f"/{self.config['api_version']}/{suffix}"

    def _raise_for_response(self, response):
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        status = response.status_code
        if not error:
            return super()._raise_for_response(response)
        code = str(error.get("code") or status)
        details = (error.get("error_data") or {}).get("details")
        message = error.get("message") or error.get("error_user_msg") or "error"
        if details and details not in message:
            message = f"{message}: {details}"
        temporary = code in TEMPORARY_CODES or status >= 500 or status == 429
        raise WhatsAppProviderError(str(message)[:500], code=code, temporary=temporary)

    def _send(self, to, payload):
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            **payload,
        }
        response = self._request(
            "POST", self._path(f"{self.config['phone_number_id']}/messages"), json=body
        )
        messages = self._json(response).get("messages") or [{}]
        message_id = messages[0].get("id")
        if not message_id:
            raise WhatsAppProviderError(
                "The Cloud API answered without a message id.", code="bad_response"
            )
        return message_id

    def send_text(self, to, body):
        return self._send(
            to, {"type": "text", "text": {"preview_url": False, "body": body}}
        )

    def upload_media(self, data, filename, mimetype):
        response = self._request(
            "POST",
            self._path(f"{self.config['phone_number_id']}/media"),
            data={"messaging_product": "whatsapp", "type": mimetype},
            files={"file": (filename, data, mimetype)},
        )
        media_id = self._json(response).get("id")
        if not media_id:
            raise WhatsAppProviderError(
                "The Cloud API answered the upload without a media id.",
                code="bad_response",
            )
        return media_id

    def send_media(self, to, media_type, data, filename, mimetype, caption=""):
        media = {"id": self.upload_media(data, filename, mimetype)}
        if caption:
            media["caption"] = caption
        if media_type == "document":
            media["filename"] = filename
        return self._send(to, {"type": media_type, media_type: media})

    def send_template(self, to, name, language, parameters=()):
        template = {"name": name, "language": {"code": language}}
        if parameters:
            template["components"] = [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": str(p)} for p in parameters
                    ],
                }
            ]
        return self._send(to, {"type": "template", "template": template})

    def status(self):
        """The phone number's registration as seen by the Graph API."""
        try:
            response = self._request(
                "GET",
                self._path(self.config["phone_number_id"]),
                params={
                    "fields": "id,display_phone_number,verified_name,quality_rating"
                },
            )
        except WhatsAppProviderError as error:
            if error.code == "190":
                return "disconnected", "token_expired"
            if error.temporary:
                return "disconnected", "unreachable"
            return "disconnected", "failed"
        if self._json(response).get("id"):
            return "connected", ""
        return "disconnected", "failed"

    def verify_handshake(self, query):
        """The ``challenge`` to answer to Meta's subscription check, or None."""
        token = self.config.get("verify_token")
        if (
            query.get("hub.mode") == "subscribe"
            and token
            and secret_equals(token, query.get("hub.verify_token") or "")
        ):
            return query.get("hub.challenge") or ""
        return None

    def verify_webhook(self, headers, raw_body, query):
        return hmac_ok(
            self.config.get("app_secret"),
            raw_body,
            headers.get("X-Hub-Signature-256") or "",
            prefix="sha256=",
        )

    def parse_webhook(self, headers, raw_body):
        payload = json.loads(raw_body)
        events = []
        for entry in payload.get("entry") or []:
            for change in entry.get("changes") or []:
                value = change.get("value") or {}
                names = {
                    c.get("wa_id"): (c.get("profile") or {}).get("name") or ""
                    for c in value.get("contacts") or []
                }
                for message in value.get("messages") or []:
                    events.append(self._parse_message(message, names))
                for status in value.get("statuses") or []:
                    events.append(self._parse_status(status))
        return [e for e in events if e]

    def _parse_message(self, message, names):
        kind = message.get("type")
        event = WhatsAppEvent(
            kind="message",
            provider_message_id=message.get("id") or "",
            number=e164(message.get("from")),
            profile_name=names.get(message.get("from"), ""),
            timestamp=from_unix(message.get("timestamp")),
        )
        if kind == "text":
            event.body = (message.get("text") or {}).get("body") or ""
        elif kind == "button":
            event.body = (message.get("button") or {}).get("text") or ""
        elif kind == "interactive":
            reply = message.get("interactive") or {}
            reply = reply.get("button_reply") or reply.get("list_reply") or {}
            event.body = reply.get("title") or ""
        elif kind in ("image", "document", "audio", "video", "sticker"):
            media = message.get(kind) or {}
            event.body = media.get("caption") or ""
            event.media = {
                "ref": media.get("id") or "",
                "mimetype": media.get("mime_type") or "",
                "filename": media.get("filename") or "",
            }
        else:
            event.body = f"[{kind}]"
        if not event.provider_message_id or not event.number:
            return None
        return event

    def _parse_status(self, status):
        state = STATUS_MAP.get(status.get("status"))
        if not state or not status.get("id"):
            return None
        event = WhatsAppEvent(
            kind="status",
            provider_message_id=status["id"],
            status=state,
            timestamp=from_unix(status.get("timestamp")),
        )
        errors = status.get("errors") or []
        if errors:
            error = errors[0]
            event.error_code = str(error.get("code") or "")
            details = (error.get("error_data") or {}).get("details")
            event.error_message = error.get("title") or error.get("message") or ""
            if details and details not in event.error_message:
                event.error_message = f"{event.error_message}: {details}"
        return event

    def download_media(self, media, max_bytes):
        response = self._request("GET", self._path(media["ref"]))
        info = self._json(response)
        size = int(info.get("file_size") or 0)
        if size > max_bytes:
            raise WhatsAppProviderError(
                f"The file is too large ({size} bytes).", code="too_large"
            )
        content = self._request("GET", info["url"], stream=True)
        return read_limited(content, max_bytes), info.get("mime_type") or media.get(
            "mimetype"
        )
