"""The small interface every WhatsApp provider client implements.

Provider clients are plain classes (no ORM): they are built from a dict of account
settings (``config``), speak HTTP with ``requests`` and return plain values. The
account model (``roms.whatsapp.account``) builds them with ``_roms_client()``.

Normalised webhook events (``WhatsAppEvent``):

- ``kind="message"``: an inbound customer message (``provider_message_id``, ``number``
  in E.164, ``profile_name``, ``body``, ``timestamp``, optional ``media`` = dict with
  ``ref`` (provider media id or URL), ``mimetype``, ``filename``);
- ``kind="status"``: a receipt of one of our messages (``provider_message_id``,
  ``status`` in sent/delivered/read/failed, ``error_code``, ``error_message``,
  ``timestamp``);
- ``kind="session"``: the connection of the account changed (``state`` connected or
  disconnected, ``reason``).
"""

import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import asdict, dataclass, field

import requests

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15


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

    def to_json(self):
        values = asdict(self)
        if self.timestamp:
            values["timestamp"] = self.timestamp.strftime("%Y-%m-%d %H:%M:%S")
        return values


def from_unix(value):
    """A naive UTC datetime from a unix timestamp (str or int), or None."""
    try:
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC).replace(
            tzinfo=None
        )
    except (TypeError, ValueError, OverflowError):
        return None


def e164(digits):
    """``6281234`` or ``6281234@c.us`` → ``+6281234`` (providers send bare digits)."""
    digits = (digits or "").split("@")[0].strip()
    digits = "".join(c for c in digits if c.isdigit())
    return f"+{digits}" if digits else ""


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

    def send_template(self, to, name, language, parameters=()):
        raise WhatsAppProviderError(
            "Template messages are only sent by the WhatsApp Cloud API.",
            code="template_unsupported",
        )

    def status(self):
        """Return ``(state, reason)``: ``connected``/``disconnected`` and why."""
        raise NotImplementedError

    def verify_webhook(self, headers, raw_body, query):
        """True when the webhook request is signed by the provider."""
        raise NotImplementedError

    def parse_webhook(self, headers, raw_body):
        """Return the list of ``WhatsAppEvent`` of a verified webhook body."""
        raise NotImplementedError

    def download_media(self, media, max_bytes):
        """Return ``(bytes, mimetype)`` of an inbound media (``event.media``),
        refusing files larger than ``max_bytes``."""
        raise NotImplementedError

    # -- transport ------------------------------------------------------------

    def _headers(self):
        return {}

    def _url(self, path):
        return self.config["base_url"].rstrip("/") + path

    def _request(self, method, path, **kwargs):
        """Send a request; return the response. Transport problems and error
        statuses become ``WhatsAppProviderError`` (via ``_raise_for_response``)."""
        headers = {**self._headers(), **kwargs.pop("headers", {})}
        url = path if path.startswith("http") else self._url(path)
        try:
            response = requests.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.Timeout as error:
            raise WhatsAppProviderError(
                "The provider did not answer in time.", code="timeout", temporary=True
            ) from error
        except requests.RequestException as error:
            raise WhatsAppProviderError(
                f"The provider cannot be reached ({type(error).__name__}).",
                code="connection",
                temporary=True,
            ) from error
        if response.status_code >= 400:
            self._raise_for_response(response)
        return response

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
