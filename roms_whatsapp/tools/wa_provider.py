"""The small interface every WhatsApp provider client implements.

Provider clients are plain classes (no ORM): they are built from a dict of account
settings (``config``), speak HTTP with ``requests`` and return plain values. The
account model (``roms.whatsapp.account``) builds them with ``_client()``.

Normalised webhook events (``WhatsAppEvent``):

- ``kind="message"``: an inbound customer message (``provider_message_id``, ``number``
  in E.164, ``profile_name``, ``body``, ``timestamp``, optional ``media`` = dict with
  ``ref`` (provider media id or URL), ``mimetype``, ``filename``);
- ``kind="status"``: a receipt of one of our messages (``provider_message_id``,
  ``status`` in sent/delivered/read/failed, ``error_code``, ``error_message``,
  ``timestamp``);
- ``kind="session"``: the connection of the account changed (``state`` connected or
  disconnected, ``reason``);
- ``kind="template"``: Meta reviewed one of the business account's message
  templates (``provider_message_id`` = Meta's template id, ``template`` = dict with
  ``event`` (APPROVED, REJECTED, PAUSED…), ``name``, ``language``, ``category``,
  ``reason``, ``business_account``; ``timestamp`` = when Meta sent it).

Webhook bodies come from strangers until proven otherwise: ``parse_webhook`` refuses
a body that is not a webhook at all (malformed or deeply nested JSON: ``ValueError``,
the webhook answers 400), judges every event of a batch on its own (a malformed event
is logged and skipped, never fails its siblings) and bounds what it keeps
(``WhatsAppEvent.bounded``): ids are short strings, texts have no control
characters and a maximum length, provider timestamps are clamped to now ± 1 day.

Credentials go only to the configured base URL: ``_request`` takes paths, never
full URLs, and follows no redirect (``roms_crm``'s ``PinnedHttpClient``). Media are
fetched by ``_get_media`` from the hosts ``_media_policy`` allows, re-checked at
every redirect.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import socket
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import urljoin, urlsplit

from odoo.tools import SQL

from odoo.addons.roms_crm.tools.bounds import (
    CHAT_LENGTH,
    IDENTIFIER_LENGTH,
    NAME_LENGTH,
    NOTE_LENGTH,
    PHONE_LENGTH,
    BoundsError,
    clamp_timestamp,
    clean_text,
    without_bidi_controls,
)
from odoo.addons.roms_crm.tools.http_client import HttpClientError, PinnedHttpClient

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15
#: the largest API answer read (a page of 100 message templates is ~0.5 MB;
#: media files are read by ``_get_media`` with their own limit)
MAX_API_RESPONSE_BYTES = 4 * 1024 * 1024
#: the transport failures of ``PinnedHttpClient``: (message, code) by its code
TRANSPORT_ERRORS = {
    # full URLs never get the credentials: media go through _get_media
    "bad_url": ("Only paths of the provider's API are requested.", "bad_url"),
    "redirect": ("The provider redirected the request elsewhere.", "redirect"),
    "too_large": ("The provider's answer is too large.", "too_large"),
    "timeout": ("The provider did not answer in time.", "timeout"),
    "connection": ("The provider cannot be reached ({cause}).", "connection"),
}
#: JSON nesting no provider documents anywhere near (Meta's is 7 levels deep)
MAX_JSON_DEPTH = 32
MAX_REDIRECTS = 3
URL_LENGTH = 2048
CODE_LENGTH = 64
# Meta allows 256 characters in a reply button id
PAYLOAD_LENGTH = 256
#: the values kept of a template status update, and their lengths
TEMPLATE_KEYS = {
    "business_account": CODE_LENGTH,
    "event": CODE_LENGTH,
    "name": 512,
    "language": CODE_LENGTH,
    "category": CODE_LENGTH,
    "reason": NOTE_LENGTH,
}
#: Python strings from JSON may hold lone surrogates ("\ud800"), which neither
#: UTF-8 nor PostgreSQL accept
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class WhatsAppProviderError(Exception):
    """A provider refused or could not take a request.

    ``code`` is the provider's error code (or an HTTP status / our own short code),
    ``temporary`` tells the queue to retry later (timeouts, 5xx, rate limits)."""

    def __init__(self, message, code=None, temporary=False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.temporary = temporary

    def __str__(self):
        return f"[{self.code}] {self.message}" if self.code else self.message


class WebhookBodyError(ValueError):
    """A webhook body that is no webhook of the provider (answered with 400)."""


@dataclass
class WhatsAppEvent:
    kind: str
    provider_message_id: str = ""
    number: str = ""
    profile_name: str = ""
    body: str = ""
    timestamp: datetime.datetime | None = None
    media: dict = field(default_factory=dict)
    status: str = ""
    error_code: str = ""
    error_message: str = ""
    state: str = ""
    reason: str = ""
    #: the id of the reply button the customer tapped (Cloud API interactive and
    #: template quick replies); empty for typed messages
    reply_id: str = ""
    #: a template status update (``kind="template"``)
    template: dict = field(default_factory=dict)
    #: the provider's id of the number the event was sent to, when the
    #: document names it (Meta's ``metadata.phone_number_id``: every number of
    #: an app posts to the app's one callback URL)
    receiver_id: str = ""

    def to_json(self):
        values = asdict(self)
        if isinstance(self.timestamp, datetime.datetime):
            values["timestamp"] = self.timestamp.strftime("%Y-%m-%d %H:%M:%S")
        return values

    def bounded(self, now):
        """This event with every value checked and bounded (``now``: a naive UTC
        datetime). The parsers keep the provider's raw values; this is the one
        place that judges them.

        :raises BoundsError: an id that is not a short string, a number or a text
            of the wrong type.
        """
        required_id = self.kind in ("message", "status", "template")
        values = {
            "provider_message_id": provider_id(self.provider_message_id, required_id)
            or "",
            # a name of the wrong type costs the name, not the message; it
            # becomes the customer's and the conversation's name: no
            # bidirectional controls (the message's text keeps them)
            "profile_name": bounded_text(
                without_bidi_controls(self.profile_name), NAME_LENGTH
            )
            or ""
            if isinstance(self.profile_name, str)
            else "",
            "body": bounded_text(self.body, CHAT_LENGTH, multiline=True) or "",
            "status": bounded_text(self.status, CODE_LENGTH) or "",
            "error_code": bounded_text(self.error_code, CODE_LENGTH) or "",
            "error_message": bounded_text(self.error_message, NOTE_LENGTH) or "",
            "state": bounded_text(self.state, CODE_LENGTH) or "",
            "reason": bounded_text(self.reason, CODE_LENGTH) or "",
            # a reply id of the wrong type or size costs the id, not the message
            "reply_id": self.reply_id
            if isinstance(self.reply_id, str)
            and len(self.reply_id) <= IDENTIFIER_LENGTH
            and self.reply_id.isprintable()
            else "",
            "timestamp": clamp_timestamp(self.timestamp, now) if required_id else None,
            "receiver_id": provider_id(self.receiver_id, required=False) or "",
        }
        number = self.number or ""
        if not isinstance(number, str) or len(number) > PHONE_LENGTH:
            raise BoundsError("The sender's number is not a phone number.", "number")
        values["number"] = number
        if self.kind == "message" and not number:
            raise BoundsError("The message has no sender.", "number")
        media = self.media if isinstance(self.media, dict) else {}
        ref = media.get("ref")
        if ref:
            if not isinstance(ref, str) or len(ref) > URL_LENGTH:
                raise BoundsError("The media reference is not a URL or an id.", "media")
            values["media"] = {
                "ref": clean_text(ref, URL_LENGTH) or "",
                "mimetype": bounded_text(media.get("mimetype"), NAME_LENGTH) or "",
                "filename": bounded_text(
                    without_bidi_controls(media.get("filename")), NAME_LENGTH
                )
                or "",
            }
        else:
            values["media"] = {}
        template = self.template if isinstance(self.template, dict) else {}
        values["template"] = {
            key: bounded_text(template.get(key), limit) or ""
            if isinstance(template.get(key), str)
            else ""
            for key, limit in TEMPLATE_KEYS.items()
        }
        if self.kind == "template" and not values["template"]["event"]:
            raise BoundsError("The template update has no event.", "event")
        return replace(self, **values)


def bounded_text(value, limit, multiline=False):
    """``value`` as clean text (``clean_text``) cut at ``limit`` characters:
    providers' texts are kept (shortened) rather than refused, a customer's
    message is not lost for being long. Other types than text are refused."""
    if value is None or value is False:
        return False
    if not isinstance(value, str):
        raise BoundsError("A text field holds something else than text.")
    value = _SURROGATES.sub("\ufffd", value[: limit * 2])
    try:
        return clean_text(value, limit, multiline=multiline)
    except BoundsError as error:
        if error.code != "too_long":
            raise
    # NFC normalisation may lengthen a text: cut the cleaned text
    return clean_text(value[:limit], limit * 4, multiline=multiline)[:limit].strip()


def provider_id(value, required=True):
    """A provider's message id: a string (or an integer, as some gateways send
    them) of at most ``IDENTIFIER_LENGTH`` characters, without control characters."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or len(value) > IDENTIFIER_LENGTH:
        raise BoundsError("The message id is not a short string.", "id")
    return clean_text(
        _SURROGATES.sub("\ufffd", value), IDENTIFIER_LENGTH, required=required
    )


def e164(digits):
    """``6281234`` or ``6281234@c.us`` → ``+6281234`` (providers send bare digits).
    Separators are dropped; digits of other scripts (``٦٢٨``, full width) are
    read as the ASCII digits they are.

    :raises BoundsError: not text nor a number, or characters that look like
        digits and are none (``²``): dropping them would name someone else."""
    if isinstance(digits, int) and not isinstance(digits, bool):
        digits = str(digits)
    if digits and not isinstance(digits, str):
        raise BoundsError("The number is not text.", "number")
    digits = (digits or "").split("@")[0].strip()
    if any(c.isdigit() and not c.isdecimal() for c in digits):
        raise BoundsError("The number holds signs that are no digits.", "number")
    digits = "".join(str(unicodedata.decimal(c)) for c in digits if c.isdecimal())
    return f"+{digits}" if digits else ""


def as_dict(value):
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value):
    """``value`` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def load_json(raw_body, max_depth=MAX_JSON_DEPTH):
    """The JSON document of a webhook body.

    :raises ValueError: not UTF-8, not JSON (NaN and Infinity included), numbers
        of thousands of digits, or nested deeper than ``max_depth``."""
    if isinstance(raw_body, bytes):
        # webhooks are UTF-8 JSON (RFC 8259): Python's decoder would take bytes
        # in UTF-16 or UTF-32 as well, guessing the encoding from their zeros
        raw_body = raw_body.decode("utf-8")
    try:
        document = json.loads(raw_body, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise ValueError("The JSON document is nested too deeply.") from error
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise ValueError("The JSON document is nested too deeply.")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return document


def utc_now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)


def origin(url):
    """``(scheme, host, port)`` of a URL, the port made explicit; None for what
    is not an http(s) URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return (
        parts.scheme,
        parts.hostname.lower(),
        port or (443 if parts.scheme == "https" else 80),
    )


def is_public_host(host):
    """True when every address ``host`` resolves to is a public one (not
    loopback, private, link-local, reserved…)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    if not infos:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            return False
    return True


def hmac_ok(secret, raw_body, signature, algorithm=hashlib.sha256, prefix=""):
    """Constant-time check of an HMAC signature of the raw body."""
    if not secret or not signature:
        return False
    expected = prefix + hmac.new(secret.encode(), raw_body, algorithm).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def secret_equals(expected, given):
    """Constant-time comparison of a shared secret."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def read_limited(response, max_bytes):
    """The body of a streamed response, refused beyond ``max_bytes``."""
    chunks, size = [], 0
    for chunk in response.iter_content(65536):
        size += len(chunk)
        if size > max_bytes:
            response.close()
            raise WhatsAppProviderError(
                f"The file is larger than {max_bytes} bytes.", code="too_large"
            )
        chunks.append(chunk)
    return b"".join(chunks)


#: the kinds of interactive message (``roms.message.roms_wa_interactive``):
#: ``{"type": "button"|"list"|"cta_url", "header": str|None, "footer": str|None,
#: "button": str|None (the label that opens a list), "options": [{"id": str,
#: "title": str, "description": str|None}, …], "url": str|None,
#: "url_label": str|None, "numbered_hint": str|None}``
INTERACTIVE_TYPES = ("button", "list", "cta_url")


def interactive_options(interactive):
    """The options of an interactive message that the customer may choose, as
    ``[(id, title, description)]`` (malformed ones left out)."""
    if not isinstance(interactive, dict) or interactive.get("type") == "cta_url":
        return []
    options = []
    for option in as_list(interactive.get("options")):
        option = as_dict(option)
        if isinstance(option.get("id"), str) and isinstance(option.get("title"), str):
            description = option.get("description")
            options.append(
                (
                    option["id"],
                    option["title"],
                    description if isinstance(description, str) else "",
                )
            )
    return options


def interactive_options_sql(column):
    """SQL condition: the jsonb ``column`` (an ``SQL`` expression) holds an
    interactive message with options the customer may choose, exactly when
    :func:`interactive_options` of it is not empty (its twin for queries: a link
    button alone asks nothing)."""
    return SQL(
        """(jsonb_typeof(%(i)s) = 'object'
            AND (%(i)s ->> 'type') IS DISTINCT FROM 'cta_url'
            AND EXISTS (
                SELECT 1 FROM jsonb_array_elements(
                    CASE WHEN jsonb_typeof(%(i)s -> 'options') = 'array'
                         THEN %(i)s -> 'options' ELSE '[]'::jsonb END) o
                 WHERE jsonb_typeof(o -> 'id') = 'string'
                   AND jsonb_typeof(o -> 'title') = 'string'))""",
        i=column,
    )


def numbered_text(body, interactive):
    """An interactive message as one text, for the gateways without buttons:
    header, body, options numbered "1. Cek pesanan", the closing line the caller
    rendered in the customer's language (``numbered_hint``, e.g. "Balas 1–4"),
    a link button as "label: url", footer."""
    interactive = as_dict(interactive)
    parts = [interactive.get("header") or "", body or ""]
    options = interactive_options(interactive)
    if options:
        parts.append(
            "\n".join(
                f"{index}. {title}" + (f" ({description})" if description else "")
                for index, (_id, title, description) in enumerate(options, 1)
            )
        )
        parts.append(interactive.get("numbered_hint") or "")
    if interactive.get("type") == "cta_url" and interactive.get("url"):
        label = interactive.get("url_label") or ""
        parts.append(f"{label}: {interactive['url']}" if label else interactive["url"])
    parts.append(interactive.get("footer") or "")
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


class WhatsAppProvider:
    """Base class: the transport and the error mapping shared by the providers."""

    provider = None
    #: provider error codes that mean "try again later"
    TEMPORARY_CODES = frozenset()

    def __init__(self, config, timeout=DEFAULT_TIMEOUT):
        self.config = config
        self.timeout = timeout

    # -- interface ------------------------------------------------------------

    def send_text(self, to, body):
        """Send ``body`` to the E.164 number ``to``; return the provider id."""
        raise NotImplementedError

    def send_media(self, to, media_type, data, filename, mimetype, caption=""):
        """Send an image or a document (``media_type`` ``image``/``document``)."""
        raise NotImplementedError

    def send_buttons(self, to, body, buttons):
        """Send ``body`` with reply buttons ``buttons`` ((payload, title), …)."""
        raise WhatsAppProviderError(
            "Reply buttons are only sent by the WhatsApp Cloud API.",
            code="buttons_unsupported",
        )

    def send_interactive(self, to, body, interactive):
        """Send an interactive message (``interactive``: see ``INTERACTIVE_TYPES``
        and :func:`numbered_text`); return the provider id. QR gateways have no
        buttons nor lists: they send one text with the options numbered, which
        the customer answers with the number (mapped back to the option's id by
        ``roms.whatsapp.inbound``)."""
        return self.send_text(to, numbered_text(body, interactive))

    def send_template(
        self,
        to,
        name,
        language,
        parameters=(),
        button_payloads=(),
        header_image_id=None,
    ):
        raise WhatsAppProviderError(
            "Template messages are only sent by the WhatsApp Cloud API.",
            code="template_unsupported",
        )

    def create_template(self, business_account_id, template):
        """Submit a message template for review; return Meta's answer
        (``id``, ``status``, ``category``)."""
        raise WhatsAppProviderError(
            "Message templates are only managed on the WhatsApp Cloud API.",
            code="template_unsupported",
        )

    def list_templates(self, business_account_id):
        """Every message template of the business account (list of dicts)."""
        raise WhatsAppProviderError(
            "Message templates are only managed on the WhatsApp Cloud API.",
            code="template_unsupported",
        )

    def status(self):
        """Return ``(state, reason)``: ``connected``/``disconnected`` and why."""
        raise NotImplementedError

    def verify_webhook(self, headers, raw_body, query):
        """True when the webhook request is signed by the provider."""
        raise NotImplementedError

    def parse_webhook(self, headers, raw_body, form=None, now=None):
        """Return the list of bounded ``WhatsAppEvent`` of a verified webhook
        body (``form``: the parsed fields of a form-encoded body). A malformed
        event is logged and skipped.

        :raises ValueError: the body is not a webhook of this provider at all."""
        payload = self._load_payload(headers, raw_body, form)
        now = now or utc_now()
        events = []
        for item in self._webhook_items(payload, raw_body):
            try:
                event = self._parse_item(item)
                if event is not None:
                    events.append(event.bounded(now))
            except (ValueError, TypeError, AttributeError, LookupError) as error:
                _logger.warning(
                    "%s webhook: an event was skipped (%s: %s)",
                    self.provider,
                    type(error).__name__,
                    str(error)[:200],
                )
        return events

    def _load_payload(self, headers, raw_body, form):
        """The webhook document (JSON by default)."""
        if form is not None:
            raise ValueError("This provider sends JSON webhooks.")
        return load_json(raw_body)

    def _webhook_items(self, payload, raw_body):
        """The items of a webhook document, each parsed alone by ``_parse_item``."""
        raise NotImplementedError

    def _parse_item(self, item):
        """A ``WhatsAppEvent`` (raw values, bounded afterwards) or None."""
        raise NotImplementedError

    def download_media(self, media, max_bytes):
        """Return ``(bytes, mimetype)`` of an inbound media (``event.media``),
        refusing files larger than ``max_bytes``."""
        raise NotImplementedError

    # -- transport ------------------------------------------------------------

    def _headers(self):
        return {}

    def _transport(self):
        """The HTTP client of the configured base URL, with the credentials."""
        return PinnedHttpClient(
            self.config["base_url"],
            credentials=self._headers(),
            timeout=self.timeout,
            max_response_bytes=MAX_API_RESPONSE_BYTES,
        )

    def _request(self, method, path, **kwargs):
        """Send a request to ``path`` of the configured base URL, with the
        credentials; return the response. Full URLs are refused (media go
        through ``_get_media``) and redirects are not followed (they would carry
        the credentials elsewhere). Transport problems and error statuses become
        ``WhatsAppProviderError`` (via ``_raise_for_response``)."""
        headers = kwargs.pop("headers", {})
        try:
            response = self._transport().request(method, path, headers, **kwargs)
        except HttpClientError as error:
            raise self._transport_error(error) from error
        if response.status_code >= 400:
            self._raise_for_response(response)
        return response

    def _http(self, method, url, headers, **kwargs):
        """One HTTP exchange with ``url``, ``headers`` only, redirects not
        followed; transport errors mapped."""
        try:
            return PinnedHttpClient(
                self.config.get("base_url"), timeout=self.timeout
            ).send(method, url, headers, **kwargs)
        except HttpClientError as error:
            raise self._transport_error(error) from error

    @staticmethod
    def _transport_error(error):
        message, code = TRANSPORT_ERRORS[error.code]
        return WhatsAppProviderError(
            message.format(cause=error.cause), code=code, temporary=error.temporary
        )

    def _base_origin(self):
        return origin(self.config.get("base_url") or "")

    def _media_policy(self, url):
        """``(allowed, with_credentials)`` for fetching a media at ``url``: by
        default only from the configured base URL (with the credentials)."""
        target = origin(url)
        if target and target == self._base_origin():
            return True, True
        return False, False

    def _get_media(self, url, max_bytes):
        """GET a media at ``url`` where ``_media_policy`` allows it (checked again
        at every redirect, handled here), refusing more than ``max_bytes``; return
        ``(bytes, content type)``."""
        for _hop in range(MAX_REDIRECTS + 1):
            allowed, with_credentials = self._media_policy(url)
            if not allowed:
                raise WhatsAppProviderError(
                    "The media is not on a host of the provider: not fetched.",
                    code="forbidden_host",
                )
            headers = self._headers() if with_credentials else {}
            response = self._http("GET", url, headers, stream=True)
            if response.is_redirect:
                location = response.headers.get("Location") or ""
                response.close()
                url = urljoin(url, location)
                continue
            if response.status_code >= 400:
                self._raise_for_response(response)
            try:
                length = int(response.headers.get("Content-Length") or 0)
            except ValueError:
                length = 0
            if length > max_bytes:
                response.close()
                raise WhatsAppProviderError(
                    f"The file is larger than {max_bytes} bytes.", code="too_large"
                )
            mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
            return read_limited(response, max_bytes), mimetype
        raise WhatsAppProviderError(
            "The media is redirected too many times.", code="forbidden_host"
        )

    def _raise_for_response(self, response):
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        message = ""
        if isinstance(payload, dict):
            message = payload.get("message") or payload.get("reason") or ""
            if isinstance(message, list):
                message = "; ".join(str(m) for m in message)
        message = str(message or response.reason or "error")[:500]
        raise WhatsAppProviderError(
            message, code=str(status), temporary=status >= 500 or status == 429
        )

    def _json(self, response):
        try:
            return response.json()
        except ValueError as error:
            raise WhatsAppProviderError(
                "The provider answered with something else than JSON.",
                code="bad_response",
                temporary=True,
            ) from error


def dumps(value):
    return json.dumps(value, separators=(",", ":"))
