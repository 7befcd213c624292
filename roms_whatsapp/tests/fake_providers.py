"""Real HTTP servers on 127.0.0.1 that stand in for the WhatsApp providers.

They speak the documented APIs (Meta WhatsApp Cloud API, WAHA, Fonnte), record every
request they receive, can be told to fail (``fail_next``), and send webhooks back to
Odoo signed the way the real provider signs them. Used by the tests and usable for
demos::

    with FakeMetaCloud() as meta:
        account.meta_base_url = meta.url
        ...
        meta.send_webhook(odoo_url, meta.message_payload("+628123", "Halo"))
"""

import base64
import hashlib
import hmac
import json
import struct
import time
import uuid
import zlib

import requests

from odoo.addons.roms_crm.tests.fake_server import FakeServer


def png_bytes(width=2, height=2):
    """A small valid PNG image (grey pixels)."""

    def chunk(kind, data):
        body = kind + data
        return (
            struct.pack(">I", len(data))
            + body
            + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages"
    b"/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# ---------------------------------------------------------------------------
# Meta WhatsApp Cloud API
# ---------------------------------------------------------------------------


class FakeMetaCloud(FakeServer):
    """Graph API: messages, media upload/download, phone number; webhooks signed
    with ``X-Hub-Signature-256``."""

    def __init__(
        self,
        token="meta-token",
        app_secret="meta-app-secret",
        phone_number_id="1234567890",
        version="v21.0",
    ):
        self.token = token
        self.app_secret = app_secret
        self.phone_number_id = phone_number_id
        self.version = version
        self.media = {}  # media id → (bytes, mimetype, filename)
        self.business_account_id = "102290129340398"
        self.app_id = "987654321"
        #: message templates of the business account, as Meta lists them
        self.templates = []
        self.uploads = {}  # upload session id → uploaded bytes (or None)
        super().__init__()

    def account_values(self, name, **values):
        """The values of a default ``roms.whatsapp.account`` of the Cloud API that
        talks to this fake."""
        return {
            "name": name,
            "provider": "meta",
            "is_default": True,
            "meta_phone_number_id": self.phone_number_id,
            "meta_business_account_id": self.business_account_id,
            "meta_app_id": self.app_id,
            "meta_access_token": self.token,
            "meta_app_secret": self.app_secret,
            "meta_verify_token": "verify-me",
            "meta_base_url": self.url,
            **values,
        }

    @staticmethod
    def error(message, code, status=400, error_type="OAuthException", subcode=None):
        error = {
            "message": message,
            "type": error_type,
            "code": code,
            "fbtrace_id": uuid.uuid4().hex[:20],
        }
        if subcode:
            error["error_subcode"] = subcode
        return status, {"error": error}, None

    def rate_limited(self):
        """The scripted answer of Meta's throttling (HTTP 429, code 130429)."""
        return 429, {
            "error": {
                "message": "(#130429) Rate limit hit",
                "type": "OAuthException",
                "code": 130429,
                "error_data": {
                    "messaging_product": "whatsapp",
                    "details": "Cloud API message throughput has been reached.",
                },
                "fbtrace_id": "AbCdEf",
            }
        }

    def invalid_number(self):
        return 400, {
            "error": {
                "message": "(#131026) Message undeliverable",
                "type": "OAuthException",
                "code": 131026,
                "error_data": {
                    "messaging_product": "whatsapp",
                    "details": "The recipient is not a WhatsApp user.",
                },
                "fbtrace_id": "AbCdEf",
            }
        }

    def _authorised(self, record):
        """Bearer token, or ``OAuth`` for the resumable upload."""
        return record.headers.get("Authorization") in (
            f"Bearer {self.token}",
            f"OAuth {self.token}",
        )

    def handle(self, record):
        if record.path.startswith("/download/"):
            if record.headers.get("Authorization") != f"Bearer {self.token}":
                return 401, b"", None
            media_id = record.path.rsplit("/", 1)[1]
            if media_id not in self.media:
                return 404, b"", None
            data, mimetype, _name = self.media[media_id]
            return 200, data, {"Content-Type": mimetype}
        parts = record.path.strip("/").split("/")
        if not parts or parts[0] != self.version:
            return self.error("Unknown path components", 2500, status=400)
        if not self._authorised(record):
            return self.error(
                "Error validating access token: Session has expired.",
                190,
                401,
                subcode=463,
            )
        answer = self._templates_api(record, parts)
        if answer:
            return answer
        if len(parts) == 3 and parts[1] == self.phone_number_id:
            if parts[2] == "messages" and record.method == "POST":
                return self._messages(record)
            if parts[2] == "media" and record.method == "POST":
                form = record.form()
                filename, data, mimetype = form["file"]
                media_id = str(uuid.uuid4().int)[:16]
                self.media[media_id] = (data, mimetype, filename)
                return 200, {"id": media_id}, None
        if len(parts) == 2 and record.method == "GET":
            if parts[1] == self.phone_number_id:
                return (
                    200,
                    {
                        "id": self.phone_number_id,
                        "display_phone_number": "+62 811-0000-0000",
                        "verified_name": "Toko Kopi Nusantara",
                        "quality_rating": "GREEN",
                    },
                    None,
                )
            if parts[1] in self.media:
                data, mimetype, _name = self.media[parts[1]]
                return (
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "url": f"{self.url}/download/{parts[1]}",
                        "mime_type": mimetype,
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "file_size": len(data),
                        "id": parts[1],
                    },
                    None,
                )
        return self.error(
            "Unsupported request - method type", 100, status=400, subcode=33
        )

    def _messages(self, record):
        try:
            payload = record.json
        except ValueError:
            return self.error("Invalid JSON", 100)
        if payload.get("messaging_product") != "whatsapp":
            return self.error("(#100) Invalid parameter", 100)
        to = str(payload.get("to") or "")
        if not to.isdigit():
            return self.error("(#100) Invalid parameter", 100)
        kind = payload.get("type")
        if (
            kind not in ("text", "image", "document", "template", "interactive")
            or kind not in payload
        ):
            return self.error("(#100) Invalid parameter", 100)
        problem = (
            self._interactive_problem(payload["interactive"])
            if kind == "interactive"
            else self._template_problem(payload["template"])
            if kind == "template"
            else None
        )
        if problem:
            return self.error(
                f"(#131009) Parameter value is not valid: {problem}", 131009
            )
        return (
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [
                    {"id": "wamid." + base64.b64encode(uuid.uuid4().bytes).decode()}
                ],
            },
            None,
        )

    # -- message templates (WhatsApp Business Management API) -------------------

    def _templates_api(self, record, parts):
        """Message templates of the business account and the resumable upload
        of their sample media; None for other paths."""
        if parts[1:] == [self.business_account_id, "message_templates"]:
            if record.method == "POST":
                return self._create_template(record)
            if record.method == "GET":
                return self._list_templates(record)
        if parts[1:] == [self.app_id, "uploads"] and record.method == "POST":
            session = f"upload:{uuid.uuid4().hex}"
            self.uploads[session] = None
            return 200, {"id": f"{session}?sig=ARZ{uuid.uuid4().hex[:8]}"}, None
        if len(parts) == 2 and parts[1] in self.uploads and record.method == "POST":
            if record.headers.get("file_offset") != "0" or not record.body:
                return self.error("Invalid upload", 100)
            self.uploads[parts[1]] = record.body
            handle = base64.b64encode(parts[1].encode()).decode()
            return 200, {"h": f"4::{handle}"}, None
        return None

    def _create_template(self, record):
        """``POST /{waba-id}/message_templates``: checked as Meta documents it
        (name, language, category, a BODY of at most 1024 characters whose
        variables have examples, buttons), answered ``{id, status, category}``;
        the template waits for review (PENDING)."""
        try:
            template = record.json
        except ValueError:
            return self.error("Invalid JSON", 100)
        problem = self._new_template_problem(template)
        if problem:
            return self.error(f"Invalid parameter: {problem}", 100, subcode=2388043)
        if any(
            t["name"] == template["name"] and t["language"] == template["language"]
            for t in self.templates
        ):
            return self.error("Message template already exists", 100, subcode=2388024)
        meta_id = str(uuid.uuid4().int)[:15]
        self.templates.append(
            {
                "id": meta_id,
                "name": template["name"],
                "language": template["language"],
                "status": "PENDING",
                "category": template["category"],
                "components": template["components"],
            }
        )
        return (
            200,
            {"id": meta_id, "status": "PENDING", "category": template["category"]},
            None,
        )

    def _new_template_problem(self, template):
        if not isinstance(template, dict):
            return "body"
        name = template.get("name")
        if (
            not isinstance(name, str)
            or not name
            or not all(c.islower() or c.isdigit() or c == "_" for c in name)
        ):
            return "name"
        if template.get("category") not in ("MARKETING", "UTILITY", "AUTHENTICATION"):
            return "category"
        if not isinstance(template.get("language"), str):
            return "language"
        components = template.get("components")
        if not isinstance(components, list):
            return "components"
        return self._components_problem(components)

    @staticmethod
    def _components_problem(components):
        bodies = [c for c in components if c.get("type") == "BODY"]
        if len(bodies) != 1:
            return "BODY"
        text = bodies[0].get("text") or ""
        if not 0 < len(text) <= 1024:
            return "BODY.text"
        count = text.count("{{")
        example = (bodies[0].get("example") or {}).get("body_text") or [[]]
        if count and (
            len(example) != 1
            or len(example[0]) != count
            or not all(isinstance(v, str) and v for v in example[0])
        ):
            return "BODY.example.body_text"
        for component in components:
            if component.get("type") == "HEADER" and component.get("format") == "IMAGE":
                handles = (component.get("example") or {}).get("header_handle")
                if not handles or not str(handles[0]).startswith("4::"):
                    return "HEADER.example.header_handle"
            buttons = component.get("buttons") or []
            if any(
                b.get("type") not in ("QUICK_REPLY", "URL", "PHONE_NUMBER")
                or not 0 < len(b.get("text") or "") <= 25
                for b in buttons
            ):
                return "BUTTONS"
        return None

    def _list_templates(self, record):
        """``GET /{waba-id}/message_templates``: pages of ``limit`` with cursors."""
        try:
            limit = min(int(record.query.get("limit") or 25), 100)
            start = int(base64.b64decode(record.query.get("after") or "MA==") or 0)
        except ValueError:
            return self.error("Invalid cursor", 100)
        page = self.templates[start : start + limit]
        answer = {"data": page}
        cursors = {
            "before": base64.b64encode(str(start).encode()).decode(),
            "after": base64.b64encode(str(start + len(page)).encode()).decode(),
        }
        answer["paging"] = {"cursors": cursors}
        if start + limit < len(self.templates):
            answer["paging"]["next"] = (
                f"https://graph.facebook.com/{self.version}/"
                f"{self.business_account_id}/message_templates?after="
                f"{cursors['after']}"
            )
        return 200, answer, None

    def set_template_status(self, meta_id, status, reason=None):
        """Meta's review of a template: its status in the list (and the
        webhook to send, :meth:`template_status_payload`)."""
        for template in self.templates:
            if template["id"] == meta_id:
                template["status"] = status
                if reason:
                    template["rejected_reason"] = reason
                return template
        raise KeyError(meta_id)

    def template_status_payload(
        self, meta_id, event, reason="NONE", name="", language="id", time_=None
    ):
        """A ``message_template_status_update`` webhook as Meta sends it."""
        template = next((t for t in self.templates if t["id"] == meta_id), {})
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.business_account_id,
                    "time": int(time.time()) if time_ is None else time_,
                    "changes": [
                        {
                            "value": {
                                "event": event,
                                "message_template_id": int(meta_id),
                                "message_template_name": template.get("name", name),
                                "message_template_language": template.get(
                                    "language", language
                                ),
                                "reason": reason,
                            },
                            "field": "message_template_status_update",
                        }
                    ],
                }
            ],
        }

    @staticmethod
    def _interactive_problem(interactive):
        """What the Cloud API refuses in an interactive message: a body of 1 to
        1024 characters, a text header and a footer of at most 60; ``button``: 1
        to 3 buttons of type reply, each with a unique id of at most 256
        characters and a title of 1 to 20; ``list``: an opening label of 1 to
        20 characters, sections holding 1 to 10 rows in all, each row with a
        unique id of at most 200 characters, a title of 1 to 24 and a
        description of at most 72; ``cta_url``: a display text of 1 to 20
        characters and an http(s) URL."""
        if not isinstance(interactive, dict) or interactive.get("type") not in (
            "button",
            "list",
            "cta_url",
        ):
            return "interactive.type"
        text = (interactive.get("body") or {}).get("text")
        if not isinstance(text, str) or not 0 < len(text) <= 1024:
            return "body.text"
        header = interactive.get("header")
        if header is not None and (
            header.get("type") != "text"
            or not isinstance(header.get("text"), str)
            or not 0 < len(header["text"]) <= 60
        ):
            return "header"
        footer = interactive.get("footer")
        if footer is not None and (
            not isinstance(footer.get("text"), str) or not 0 < len(footer["text"]) <= 60
        ):
            return "footer"
        action = interactive.get("action") or {}
        if interactive["type"] == "list":
            return FakeMetaCloud._list_problem(action)
        if interactive["type"] == "cta_url":
            parameters = action.get("parameters") or {}
            label = parameters.get("display_text")
            url = parameters.get("url")
            if action.get("name") != "cta_url":
                return "action.name"
            if not isinstance(label, str) or not 0 < len(label) <= 20:
                return "action.parameters.display_text"
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                return "action.parameters.url"
            return None
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 0 < len(buttons) <= 3:
            return "action.buttons"
        ids = []
        for button in buttons:
            if not isinstance(button, dict) or button.get("type") != "reply":
                return "button.type"
            reply = button.get("reply") or {}
            if not isinstance(reply.get("id"), str) or not 0 < len(reply["id"]) <= 256:
                return "button.reply.id"
            title = reply.get("title")
            if not isinstance(title, str) or not 0 < len(title) <= 20:
                return "button.reply.title"
            ids.append(reply["id"])
        if len(set(ids)) != len(ids):
            return "button ids must be unique"
        return None

    @staticmethod
    def _list_problem(action):
        label = action.get("button")
        if not isinstance(label, str) or not 0 < len(label) <= 20:
            return "action.button"
        sections = action.get("sections")
        if not isinstance(sections, list) or not 0 < len(sections) <= 10:
            return "action.sections"
        ids = []
        for section in sections:
            title = section.get("title")
            if (len(sections) > 1 or title is not None) and (
                not isinstance(title, str) or not 0 < len(title) <= 24
            ):
                return "section.title"
            for row in section.get("rows") or []:
                if not isinstance(row.get("id"), str) or not 0 < len(row["id"]) <= 200:
                    return "row.id"
                title = row.get("title")
                if not isinstance(title, str) or not 0 < len(title) <= 24:
                    return "row.title"
                description = row.get("description")
                if description is not None and (
                    not isinstance(description, str) or len(description) > 72
                ):
                    return "row.description"
                ids.append(row["id"])
        if not 0 < len(ids) <= 10:
            return "rows"
        if len(set(ids)) != len(ids):
            return "row ids must be unique"
        return None

    @staticmethod
    def _template_problem(template):
        """Quick-reply button components: sub_type quick_reply, an index, one
        payload parameter."""
        for component in template.get("components") or []:
            if component.get("type") != "button":
                continue
            if (
                component.get("sub_type") != "quick_reply"
                or not str(component.get("index", "")).isdigit()
            ):
                return "button component"
            parameters = component.get("parameters") or []
            if len(parameters) != 1 or parameters[0].get("type") != "payload":
                return "button parameters"
        return None

    # -- webhooks ---------------------------------------------------------------

    def reply_payload(
        self, number, button_id, title, template=False, message_id=None, timestamp=None
    ):
        """The customer taps a reply button: of an interactive message
        (``button_reply``) or, with ``template``, a template's quick-reply button
        (type ``button``)."""
        wa_id = number.lstrip("+")
        message = {
            "from": wa_id,
            "id": message_id or f"wamid.in.{uuid.uuid4().hex}",
            "timestamp": str(int(time.time()) if timestamp is None else timestamp),
            "context": {"from": "6281100000000", "id": "wamid.out"},
        }
        if template:
            message.update(type="button", button={"payload": button_id, "text": title})
        else:
            message.update(
                type="interactive",
                interactive={
                    "type": "button_reply",
                    "button_reply": {"id": button_id, "title": title},
                },
            )
        return self._envelope(
            {
                "contacts": [{"profile": {"name": wa_id}, "wa_id": wa_id}],
                "messages": [message],
            }
        )

    def list_reply_payload(self, number, row_id, title, description=""):
        """The customer picks a row of an interactive list (``list_reply``)."""
        wa_id = number.lstrip("+")
        reply = {"id": row_id, "title": title}
        if description:
            reply["description"] = description
        message = {
            "from": wa_id,
            "id": f"wamid.in.{uuid.uuid4().hex}",
            "timestamp": str(int(time.time())),
            "context": {"from": "6281100000000", "id": "wamid.out"},
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": reply},
        }
        return self._envelope(
            {
                "contacts": [{"profile": {"name": wa_id}, "wa_id": wa_id}],
                "messages": [message],
            }
        )

    def add_media(self, data, mimetype, filename=""):
        media_id = str(uuid.uuid4().int)[:16]
        self.media[media_id] = (data, mimetype, filename)
        return media_id

    def _envelope(self, value):
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "6281100000000",
                                    "phone_number_id": self.phone_number_id,
                                },
                                **value,
                            },
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    def message_payload(
        self, number, body="", name="", message_id=None, timestamp=None, media=None
    ):
        """An inbound message from ``number`` (E.164). ``media``: dict with
        ``type`` (image/document), ``id``, ``mime_type`` (, ``filename``)."""
        wa_id = number.lstrip("+")
        message = {
            "from": wa_id,
            "id": message_id or f"wamid.in.{uuid.uuid4().hex}",
            "timestamp": str(int(time.time()) if timestamp is None else timestamp),
        }
        if media:
            kind = media["type"]
            message["type"] = kind
            message[kind] = {k: v for k, v in media.items() if k != "type"} | (
                {"caption": body} if body else {}
            )
        else:
            message.update(type="text", text={"body": body})
        return self._envelope(
            {
                "contacts": [{"profile": {"name": name or wa_id}, "wa_id": wa_id}],
                "messages": [message],
            }
        )

    def button_reply_payload(self, number, button_id, title, context_id=None):
        """The customer taps a reply button of an interactive message."""
        wa_id = number.lstrip("+")
        message = {
            "from": wa_id,
            "id": f"wamid.in.{uuid.uuid4().hex}",
            "timestamp": str(int(time.time())),
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": button_id, "title": title},
            },
        }
        if context_id:
            message["context"] = {"from": "6281100000000", "id": context_id}
        return self._envelope(
            {
                "contacts": [{"profile": {"name": wa_id}, "wa_id": wa_id}],
                "messages": [message],
            }
        )

    def status_payload(self, message_id, status, number="6281200000000", error=None):
        """A receipt (sent, delivered, read, failed) of one of our messages;
        ``error`` = (code, title) for failed."""
        entry = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": number.lstrip("+"),
        }
        if error:
            entry["errors"] = [
                {
                    "code": error[0],
                    "title": error[1],
                    "message": error[1],
                    "error_data": {"details": error[1]},
                }
            ]
        return self._envelope({"statuses": [entry]})

    def sign(self, body, secret=None):
        digest = hmac.new(
            (secret or self.app_secret).encode(), body, hashlib.sha256
        ).hexdigest()
        return f"sha256={digest}"

    def send_webhook(self, url, payload, signature=True, secret=None):
        """POST ``payload`` to Odoo like Meta does (``signature``: True to sign,
        False for none, or the header value to send)."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "facebookexternalua",
        }
        if signature is True:
            headers["X-Hub-Signature-256"] = self.sign(body, secret)
        elif signature:
            headers["X-Hub-Signature-256"] = signature
        return self.post(url, body, headers)


# ---------------------------------------------------------------------------
# WAHA
# ---------------------------------------------------------------------------


class FakeWaha(FakeServer):
    """WAHA: sessions, QR code, sendText/sendImage/sendFile; webhooks signed with
    ``X-Webhook-Hmac`` (HMAC-SHA512 of the body)."""

    def __init__(self, api_key="waha-key", webhook_secret=None):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.sessions = {}  # name → {"status": …, "config": …}
        self.files = {}  # path → (bytes, mimetype)
        super().__init__()

    def add_file(self, data, mimetype, session="default"):
        """A received media as WAHA keeps it: ``/api/files/{session}/{name}``;
        returns its URL."""
        extension = mimetype.rsplit("/", 1)[-1]
        path = f"/api/files/{session}/{uuid.uuid4().hex[:20].upper()}.{extension}"
        self.files[path] = (data, mimetype)
        return self.url + path

    def handle(self, record):
        if self.api_key and record.headers.get("X-Api-Key") != self.api_key:
            return 401, {"message": "Unauthorized", "statusCode": 401}, None
        if record.method == "GET" and record.path in self.files:
            data, mimetype = self.files[record.path]
            return 200, data, {"Content-Type": mimetype}
        parts = record.path.strip("/").split("/")
        if parts[:1] != ["api"]:
            return 404, {"message": "Not Found"}, None
        if record.method == "POST" and parts[1:] in (
            ["sendText"],
            ["sendImage"],
            ["sendFile"],
        ):
            return self._send(record, parts[1])
        if parts[1:2] == ["sessions"]:
            return self._sessions(record, parts[2:])
        if len(parts) == 4 and parts[2:] == ["auth", "qr"]:
            session = self.sessions.get(parts[1])
            if not session or session["status"] != "SCAN_QR_CODE":
                return 422, {"message": "Session status is not as expected"}, None
            return (
                200,
                {
                    "mimetype": "image/png",
                    "data": base64.b64encode(png_bytes()).decode(),
                },
                None,
            )
        return 404, {"message": "Not Found"}, None

    def _sessions(self, record, rest):
        if not rest and record.method == "POST":
            name = record.json.get("name") or "default"
            if name in self.sessions:
                return 422, {"message": "Session already exists"}, None
            self.sessions[name] = {
                "status": "SCAN_QR_CODE" if record.json.get("start") else "STOPPED",
                "config": record.json.get("config") or {},
            }
            return 201, {"name": name, **self.sessions[name]}, None
        name = rest[0]
        session = self.sessions.get(name)
        if session is None:
            return 404, {"message": "Session not found"}, None
        if len(rest) == 1 and record.method == "GET":
            return (
                200,
                {
                    "name": name,
                    "status": session["status"],
                    "engine": {"engine": "WEBJS"},
                },
                None,
            )
        if len(rest) == 1 and record.method == "PUT":
            session["config"] = record.json.get("config") or {}
            return 200, {"name": name, **session}, None
        if rest[1:] == ["start"]:
            if session["status"] in ("WORKING", "SCAN_QR_CODE", "STARTING"):
                return 422, {"message": "Session already started"}, None
            session["status"] = "SCAN_QR_CODE"
            return 201, {"name": name, "status": session["status"]}, None
        if rest[1:] == ["logout"]:
            session["status"] = "STOPPED"
            return 201, {"name": name, "status": "STOPPED"}, None
        return 404, {"message": "Not Found"}, None

    def _send(self, record, endpoint):
        payload = record.json
        session = self.sessions.get(payload.get("session") or "default")
        if not session or session["status"] != "WORKING":
            return 422, {"message": "Session status is not as expected"}, None
        chat_id = payload.get("chatId") or ""
        if not chat_id.endswith("@c.us") or not chat_id[:-5].isdigit():
            return 400, {"message": ["chatId must be a valid WhatsApp id"]}, None
        if endpoint != "sendText" and not (payload.get("file") or {}).get("data"):
            return 400, {"message": ["file must be provided"]}, None
        key = uuid.uuid4().hex[:20].upper()
        return (
            201,
            {
                "id": {
                    "fromMe": True,
                    "remote": chat_id,
                    "id": key,
                    "_serialized": f"true_{chat_id}_{key}",
                },
                "body": payload.get("text") or payload.get("caption") or "",
                "timestamp": int(time.time()),
            },
            None,
        )

    def connect(self, session="default", status="WORKING"):
        self.sessions.setdefault(session, {"status": status, "config": {}})
        self.sessions[session]["status"] = status

    # -- webhooks ---------------------------------------------------------------

    def event(self, event, payload, session="default"):
        return {
            "id": f"evt_{uuid.uuid4().hex}",
            "timestamp": int(time.time() * 1000),
            "event": event,
            "session": session,
            "engine": "WEBJS",
            "payload": payload,
        }

    def message_event(
        self,
        number,
        body,
        name="",
        message_id=None,
        session="default",
        media_url=None,
        mimetype="image/png",
        timestamp=None,
    ):
        """An inbound message; ``media_url`` (e.g. from ``add_file``) makes it a
        media message."""
        chat_id = number.lstrip("+") + "@c.us"
        payload = {
            "id": message_id or f"false_{chat_id}_{uuid.uuid4().hex[:20].upper()}",
            "timestamp": int(time.time()) if timestamp is None else timestamp,
            "from": chat_id,
            "fromMe": False,
            "body": body,
            "hasMedia": bool(media_url),
            "_data": {"notifyName": name},
        }
        if media_url:
            payload["media"] = {"url": media_url, "mimetype": mimetype}
        return self.event("message", payload, session)

    def ack_event(self, message_id, ack, session="default", timestamp=None):
        names = {-1: "ERROR", 1: "SERVER", 2: "DEVICE", 3: "READ", 4: "PLAYED"}
        payload = {"id": message_id, "ack": ack, "ackName": names.get(ack, "PENDING")}
        if timestamp is not None:
            payload["timestamp"] = timestamp
        return self.event("message.ack", payload, session)

    def status_event(self, status, session="default"):
        self.connect(session, status)
        return self.event(
            "session.status", {"name": session, "status": status}, session
        )

    def sign(self, body, secret=None):
        key = secret or self.webhook_secret
        return hmac.new(key.encode(), body, hashlib.sha512).hexdigest()

    def send_webhook(self, url, payload, secret=None, signature=True):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        key = secret or self.webhook_secret
        if signature is True and key:
            headers["X-Webhook-Hmac"] = hmac.new(
                key.encode(), body, hashlib.sha512
            ).hexdigest()
            headers["X-Webhook-Hmac-Algorithm"] = "sha512"
        elif signature and signature is not True:
            headers["X-Webhook-Hmac"] = signature
            headers["X-Webhook-Hmac-Algorithm"] = "sha512"
        return self.post(url, body, headers)


# ---------------------------------------------------------------------------
# Fonnte
# ---------------------------------------------------------------------------


class FakeFonnte(FakeServer):
    """Fonnte: ``POST /send`` and ``POST /device`` with the device token in
    ``Authorization``; errors are HTTP 200 with ``status: false``."""

    def __init__(self, token="fonnte-token", connected=True):
        self.token = token
        self.connected = connected
        self.files = {}  # path → (bytes, mimetype)
        super().__init__()

    def add_file(self, data, mimetype):
        """A media kept on the API host; returns its URL."""
        path = f"/files/{uuid.uuid4().hex}.{mimetype.rsplit('/', 1)[-1]}"
        self.files[path] = (data, mimetype)
        return self.url + path

    def handle(self, record):
        if record.method == "GET" and record.path in self.files:
            data, mimetype = self.files[record.path]
            return 200, data, {"Content-Type": mimetype}
        if record.headers.get("Authorization") != self.token:
            return 200, {"status": False, "reason": "invalid token"}, None
        if record.path == "/device" and record.method == "POST":
            return (
                200,
                {
                    "status": True,
                    "device": "6281100000000",
                    "device_status": "connect" if self.connected else "disconnect",
                    "name": "Toko",
                    "quota": "1000",
                },
                None,
            )
        if record.path == "/send" and record.method == "POST":
            form = record.form()
            target = form.get("target") or ""
            if not str(target).isdigit():
                return 200, {"status": False, "reason": "target invalid"}, None
            return (
                200,
                {
                    "status": True,
                    "detail": "success! message in queue",
                    "id": [str(uuid.uuid4().int)[:8]],
                    "process": "pending",
                    "target": [target],
                },
                None,
            )
        return 404, {"status": False, "reason": "not found"}, None

    def message_payload(self, number, body, name="", url="", timestamp=None):
        return {
            "device": "6281100000000",
            "sender": number.lstrip("+"),
            "message": body,
            "text": "",
            "member": "",
            "name": name,
            "location": "",
            "url": url,
            "filename": "",
            "extension": "",
            "inboxid": str(uuid.uuid4().int)[:10],
            "timestamp": int(time.time()) if timestamp is None else timestamp,
        }

    def status_payload(self, message_id, state):
        """A message status webhook (sent, delivered, read, failed)."""
        return {
            "device": "6281100000000",
            "id": message_id,
            "stateid": uuid.uuid4().hex[:12],
            "status": state,
            "state": state,
        }

    def send_webhook(self, url, payload, encoding="json"):
        """POST ``payload`` to Odoo as JSON (``encoding="json"``), as an urlencoded
        form (``"form"``) or as multipart/form-data (``"multipart"``)."""
        if encoding == "form":
            return requests.post(url, data=payload, timeout=30)
        if encoding == "multipart":
            fields = {key: (None, str(value)) for key, value in payload.items()}
            return requests.post(url, files=fields, timeout=30)
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.post(url, body, {"Content-Type": "application/json"})


def start_fakes(test_class, waha_secret):
    """The fakes of the three providers (Meta Cloud API, WAHA with the webhook secret
    ``waha_secret``, Fonnte), running for the test class ``test_class``."""
    fakes = FakeMetaCloud(), FakeWaha(webhook_secret=waha_secret), FakeFonnte()
    for fake in fakes:
        test_class.addClassCleanup(fake.stop)
    return fakes


# ---------------------------------------------------------------------------
# Someone else's server
# ---------------------------------------------------------------------------


class FakeAttacker(FakeServer):
    """A server that is none of the providers: it records who calls it (and
    with which headers) and answers every GET with a PNG image."""

    def handle(self, record):
        return 200, png_bytes(), {"Content-Type": "image/png"}
