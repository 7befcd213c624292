"""Meta WhatsApp Cloud API client (Graph API).

Docs: developers.facebook.com/docs/whatsapp/cloud-api — ``POST /{version}/
{phone-number-id}/messages``, media upload ``POST /{version}/{phone-number-id}/media``,
media download ``GET /{version}/{media-id}`` then the returned URL, webhooks signed
with ``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>``.
"""

import re

from .wa_provider import (
    INTERACTIVE_TYPES,
    WebhookBodyError,
    WhatsAppEvent,
    WhatsAppProvider,
    WhatsAppProviderError,
    as_dict,
    as_list,
    e164,
    hmac_ok,
    interactive_options,
    origin,
    secret_equals,
)

#: Meta's subscription challenge is a number: the handshake echoes nothing else
_CHALLENGE = re.compile(r"[0-9A-Za-z]{1,128}")

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
#: where the Graph API keeps the media it links to (``GET /{media-id}`` → ``url``);
#: the download needs the access token
MEDIA_ORIGINS = {("https", "lookaside.fbsbx.com", 443)}
MEDIA_ID = re.compile(r"[0-9A-Za-z_-]{1,128}")
TEMPLATE_FIELDS = "id,name,language,status,category,components,rejected_reason"
#: the webhook field of Meta's template reviews
TEMPLATE_FIELD = "message_template_status_update"


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

    def send_buttons(self, to, body, buttons):
        """An interactive message with up to three reply buttons: ``buttons`` is
        ((payload, title), …); a tap comes back as a ``button_reply`` with the
        payload as its id."""
        return self.send_interactive(
            to,
            body,
            {
                "type": "button",
                "options": [
                    {"id": payload, "title": title} for payload, title in buttons
                ],
            },
        )

    def send_interactive(self, to, body, interactive):
        """A Cloud API interactive message (``interactive``: see
        ``wa_provider.INTERACTIVE_TYPES``): ``button`` (at most 3 reply buttons,
        titles of 20 characters), ``list`` (one section of at most 10 rows,
        titles of 24, descriptions of 72, the opening label of 20) or
        ``cta_url`` (one link button). Meta caps the body at 1024 characters, the
        header at 60 and the footer at 60. A tap comes back as a
        ``button_reply`` or ``list_reply`` with the option's id."""
        interactive = as_dict(interactive)
        kind = interactive.get("type")
        if kind not in INTERACTIVE_TYPES:
            raise WhatsAppProviderError(
                "Unknown interactive message type.", code="bad_interactive"
            )
        options = interactive_options(interactive)
        if kind == "button":
            action = {
                "buttons": [
                    {"type": "reply", "reply": {"id": id_, "title": title[:20]}}
                    for id_, title, _description in options[:3]
                ]
            }
        elif kind == "list":
            rows = []
            for id_, title, description in options[:10]:
                row = {"id": id_, "title": title[:24]}
                if description:
                    row["description"] = description[:72]
                rows.append(row)
            label = (interactive.get("button") or "Menu")[:20]
            action = {
                "button": label,
                "sections": [{"title": label[:24], "rows": rows}],
            }
        else:
            action = {
                "name": "cta_url",
                "parameters": {
                    "display_text": (interactive.get("url_label") or "Link")[:20],
                    "url": interactive.get("url") or "",
                },
            }
        if kind != "cta_url" and not options:
            raise WhatsAppProviderError(
                "An interactive message needs at least one option.",
                code="bad_interactive",
            )
        message = {
            "type": kind,
            "body": {"text": (body or "-")[:1024]},
            "action": action,
        }
        if interactive.get("header"):
            message["header"] = {"type": "text", "text": interactive["header"][:60]}
        if interactive.get("footer"):
            message["footer"] = {"text": interactive["footer"][:60]}
        return self._send(to, {"type": "interactive", "interactive": message})

    def send_template(
        self,
        to,
        name,
        language,
        parameters=(),
        button_payloads=(),
        header_image_id=None,
    ):
        """An approved template; ``parameters`` fill its body's {{1}}, {{2}}…,
        ``button_payloads`` its quick-reply buttons (a list in order, or a
        dict {button index: payload}; the payload comes back with a tap),
        ``header_image_id`` (an uploaded media id) its image header."""
        template = {"name": name, "language": {"code": language}}
        components = []
        if header_image_id:
            components.append(
                {
                    "type": "header",
                    "parameters": [{"type": "image", "image": {"id": header_image_id}}],
                }
            )
        if parameters:
            components.append(
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": str(p)} for p in parameters
                    ],
                }
            )
        pairs = (
            button_payloads.items()
            if isinstance(button_payloads, dict)
            else enumerate(button_payloads)
        )
        components += [
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
            for index, payload in pairs
        ]
        if components:
            template["components"] = components
        return self._send(to, {"type": "template", "template": template})

    # Message templates (WhatsApp Business Management API)
    # ------------------------------------------------------------------

    def upload_template_media(self, data, filename, mimetype):
        """The handle of a sample file for a template's media header, through
        the Graph API's resumable upload (``POST /{app-id}/uploads`` opens a
        session, ``POST /{upload-session-id}`` sends the bytes and answers the
        handle ``h``)."""
        app_id = self.config.get("app_id")
        if not app_id:
            raise WhatsAppProviderError(
                "The account needs its Meta App ID to upload a header image.",
                code="no_app_id",
            )
        response = self._request(
            "POST",
            self._path(f"{app_id}/uploads"),
            params={
                "file_name": filename,
                "file_length": len(data),
                "file_type": mimetype,
            },
        )
        session = str(self._json(response).get("id") or "")
        path, _sep, query = session.partition("?")
        if not re.fullmatch(r"upload:[0-9A-Za-z_=:-]{1,512}", path):
            raise WhatsAppProviderError(
                "The Graph API answered without an upload session.",
                code="bad_response",
            )
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        response = self._request(
            "POST",
            self._path(path),
            params=params,
            data=data,
            headers={
                "Authorization": f"OAuth {self.config['access_token']}",
                "file_offset": "0",
            },
        )
        handle = self._json(response).get("h")
        if not handle:
            raise WhatsAppProviderError(
                "The Graph API answered the upload without a handle.",
                code="bad_response",
            )
        return handle

    def create_template(self, business_account_id, template):
        """``POST /{waba-id}/message_templates``: submit ``template`` (name,
        language, category, components) for review; return Meta's answer
        (``id``, ``status``, ``category``)."""
        response = self._request(
            "POST",
            self._path(f"{business_account_id}/message_templates"),
            json=template,
        )
        answer = as_dict(self._json(response))
        if not answer.get("id"):
            raise WhatsAppProviderError(
                "The Graph API answered without a template id.", code="bad_response"
            )
        return answer

    def list_templates(self, business_account_id, max_pages=50):
        """``GET /{waba-id}/message_templates``, every page (``paging.cursors.
        after``; the ``next`` URL is not followed: credentials only go to the
        configured host)."""
        templates, after = [], None
        for _page in range(max_pages):
            params = {"fields": TEMPLATE_FIELDS, "limit": 100}
            if after:
                params["after"] = after
            response = self._request(
                "GET",
                self._path(f"{business_account_id}/message_templates"),
                params=params,
            )
            answer = as_dict(self._json(response))
            templates += [t for t in as_list(answer.get("data")) if isinstance(t, dict)]
            paging = as_dict(answer.get("paging"))
            after = as_dict(paging.get("cursors")).get("after")
            if not paging.get("next") or not isinstance(after, str):
                break
        return templates

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
        """The ``challenge`` to answer to Meta's subscription check, or None: a
        wrong token, or a challenge that is not 1 to 128 ASCII letters or digits
        (Meta's is a number; anything else, a script or 10 kB, is not echoed
        whoever knows the token)."""
        token = self.config.get("verify_token")
        challenge = query.get("hub.challenge") or ""
        if (
            query.get("hub.mode") == "subscribe"
            and token
            and secret_equals(token, query.get("hub.verify_token") or "")
            and _CHALLENGE.fullmatch(challenge)
        ):
            return challenge
        return None

    def verify_webhook(self, headers, raw_body, query):
        return hmac_ok(
            self.config.get("app_secret"),
            raw_body,
            headers.get("X-Hub-Signature-256") or "",
            prefix="sha256=",
        )

    def _webhook_items(self, payload, raw_body):
        if not isinstance(payload, dict):
            raise WebhookBodyError("A Cloud API webhook is a JSON object.")
        items = []
        for entry in as_list(payload.get("entry")):
            for change in as_list(as_dict(entry).get("changes")):
                value = as_dict(as_dict(change).get("value"))
                if as_dict(change).get("field") == TEMPLATE_FIELD:
                    # the business account of the template: an app's business
                    # accounts share its callback URL
                    items.append(("template", value, as_dict(entry), ""))
                    continue
                names = {}
                for contact in as_list(value.get("contacts")):
                    contact = as_dict(contact)
                    if isinstance(contact.get("wa_id"), str):
                        names[contact["wa_id"]] = as_dict(contact.get("profile")).get(
                            "name"
                        )
                # the number the change was sent to (the app's numbers share
                # one callback URL): the webhook routes it to its account
                number_id = as_dict(value.get("metadata")).get("phone_number_id")
                items += [
                    ("message", m, names, number_id)
                    for m in as_list(value.get("messages"))
                ]
                items += [
                    ("status", s, None, number_id)
                    for s in as_list(value.get("statuses"))
                ]
        return items

    def _parse_item(self, item):
        kind, value, extra, number_id = item
        if not isinstance(value, dict):
            raise TypeError(f"a {kind} is not an object")
        if kind == "message":
            event = self._parse_message(value, extra)
        elif kind == "template":
            event = self._parse_template(value, extra)
        else:
            event = self._parse_status(value)
        if event is not None and number_id not in (None, ""):
            event.receiver_id = number_id
        return event

    def _parse_template(self, value, entry):
        """A ``message_template_status_update``: the template's Meta id, the
        event and its reason (``NONE`` when there is none), the business
        account it belongs to (the entry's id) and when Meta sent it."""
        template_id = value.get("message_template_id")
        if isinstance(template_id, int) and not isinstance(template_id, bool):
            template_id = str(template_id)
        business_account = entry.get("id")
        if isinstance(business_account, int) and not isinstance(business_account, bool):
            business_account = str(business_account)
        reason = value.get("reason")
        other = as_dict(value.get("other_info"))
        if (not reason or reason == "NONE") and other.get("description"):
            reason = other.get("description")
        return WhatsAppEvent(
            kind="template",
            provider_message_id=template_id or "",
            timestamp=entry.get("time"),
            template={
                "business_account": business_account,
                "event": value.get("event"),
                "name": value.get("message_template_name"),
                "language": value.get("message_template_language"),
                "category": value.get("message_template_category"),
                "reason": reason if reason != "NONE" else "",
            },
        )

    def _parse_message(self, message, names):
        kind = message.get("type")
        sender = message.get("from")
        event = WhatsAppEvent(
            kind="message",
            provider_message_id=message.get("id"),
            number=e164(sender),
            profile_name=names.get(sender) if isinstance(sender, str) else "",
            timestamp=message.get("timestamp"),
        )
        if kind == "text":
            event.body = as_dict(message.get("text")).get("body") or ""
        elif kind == "button":
            button = as_dict(message.get("button"))
            event.body = button.get("text") or ""
            event.reply_id = button.get("payload") or ""
        elif kind == "interactive":
            reply = as_dict(message.get("interactive"))
            reply = as_dict(reply.get("button_reply") or reply.get("list_reply"))
            event.body = reply.get("title") or ""
            event.reply_id = reply.get("id") or ""
        elif kind in ("image", "document", "audio", "video", "sticker"):
            media = as_dict(message.get(kind))
            event.body = media.get("caption") or ""
            event.media = {
                "ref": media.get("id") or "",
                "mimetype": media.get("mime_type") or "",
                "filename": media.get("filename") or "",
            }
        else:
            event.body = f"[{str(kind)[:32]}]"
        if not event.provider_message_id or not event.number:
            return None
        return event

    def _parse_status(self, status):
        state = status.get("status")
        state = STATUS_MAP.get(state) if isinstance(state, str) else None
        if not state or not status.get("id"):
            return None
        event = WhatsAppEvent(
            kind="status",
            provider_message_id=status["id"],
            status=state,
            timestamp=status.get("timestamp"),
        )
        errors = as_list(status.get("errors"))
        if errors:
            error = as_dict(errors[0])
            event.error_code = str(error.get("code") or "")[:64]
            details = as_dict(error.get("error_data")).get("details")
            message = error.get("title") or error.get("message") or ""
            event.error_message = message if isinstance(message, str) else ""
            if isinstance(details, str) and details not in event.error_message:
                event.error_message = f"{event.error_message}: {details}"
        return event

    def _media_policy(self, url):
        """The Graph API's own host and Meta's media host, over https, get the
        access token; nothing else is fetched."""
        target = origin(url)
        if target and (target == self._base_origin() or target in MEDIA_ORIGINS):
            return True, True
        return False, False

    def download_media(self, media, max_bytes):
        media_id = media.get("ref")
        if not isinstance(media_id, str) or not MEDIA_ID.fullmatch(media_id):
            raise WhatsAppProviderError(
                "The media id is not a Cloud API media id.", code="forbidden_host"
            )
        info = as_dict(self._json(self._request("GET", self._path(media_id))))
        try:
            size = int(info.get("file_size") or 0)
        except (TypeError, ValueError):
            size = 0
        if size > max_bytes:
            raise WhatsAppProviderError(
                f"The file is too large ({size} bytes).", code="too_large"
            )
        url = info.get("url")
        if not isinstance(url, str):
            raise WhatsAppProviderError(
                "The Cloud API gave no media URL.", code="bad_response"
            )
        data, _mimetype = self._get_media(url, max_bytes)
        return data, info.get("mime_type") or media.get("mimetype")
