"""A small client of Biteship's public API (https://biteship.com/en/docs/api).

Plain Python, no ORM: built from the carrier's base URL and API key, it speaks JSON
over ``requests`` and returns plain dicts. The API key travels only to the configured
base URL: methods take paths, never full URLs, and redirects are not followed
(``http_client.PinnedHttpClient``).

Endpoints used:

- ``POST /v1/rates/couriers``: the prices of the couriers' services for a parcel;
- ``POST /v1/orders``: book a shipment (the courier picks it up);
- ``GET /v1/orders/{id}``, ``POST /v1/orders/{id}/cancel``;
- ``GET /v1/trackings/{id}``: the shipment's status history.

Booking is retried on timeouts and temporary errors with a growing pause, always
with the same ``reference_id`` and ``Idempotency-Key`` (the picking), so a retried
booking cannot book twice.
"""

import logging
import time

import requests

from .http_client import HttpClientError, PinnedHttpClient

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.biteship.com"
DEFAULT_TIMEOUT = 20
#: pauses (seconds) before the retries of a booking after a timeout / 5xx / 429
BOOKING_RETRY_PAUSES = (1, 3)
#: the largest answer read from Biteship (a rates answer of every courier is ~20 kB)
MAX_RESPONSE_BYTES = 2 * 1024 * 1024

#: Biteship's shipment statuses (``order.status``), in the order a shipment lives them
STATUS_RANK = {
    "confirmed": 1,
    "scheduled": 1,
    "allocated": 2,
    "picking_up": 3,
    "picked": 4,
    "dropping_off": 5,
    "on_hold": 5,
    "delivered": 6,
    "return_in_transit": 6,
    "returned": 7,
    "rejected": 7,
    "disposed": 7,
    "courier_not_found": 7,
    "cancelled": 7,
}
#: statuses after which the parcel is with the courier: the order is Shipped
SHIPPED_STATUSES = ("picked", "dropping_off", "on_hold")
DELIVERED_STATUSES = ("delivered",)
#: the courier gave up or sent the parcel back: a person must look at the order
EXCEPTION_STATUSES = (
    "return_in_transit",
    "returned",
    "rejected",
    "disposed",
    "courier_not_found",
    "cancelled",
)
FINAL_STATUSES = DELIVERED_STATUSES + EXCEPTION_STATUSES
#: the transport failures of ``PinnedHttpClient``: (message, code) by its code
TRANSPORT_ERRORS = {
    "bad_url": ("Only paths of the Biteship API are requested.", None),
    "redirect": ("Biteship redirected the request elsewhere.", "redirect"),
    "too_large": ("Biteship's answer is too large.", "too_large"),
    "timeout": ("Biteship did not answer in time.", "timeout"),
    "connection": ("Biteship cannot be reached ({cause}).", "connection"),
}


class BiteshipError(Exception):
    """Biteship refused or could not take a request. ``message`` is Biteship's own
    message where it gave one (shown to the user), ``temporary`` marks timeouts,
    5xx and rate limits."""

    def __init__(self, message, code=None, temporary=False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.temporary = temporary

    def __str__(self):
        return self.message


class BiteshipClient:
    def __init__(self, api_key, base_url=None, timeout=DEFAULT_TIMEOUT, sleep=None):
        self.api_key = api_key or ""
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self.sleep = sleep or time.sleep

    # -- transport -----------------------------------------------------------

    def _request(self, method, path, payload=None, headers=None):
        if not self.api_key:
            raise BiteshipError("The Biteship API key is not set.", code="no_key")
        client = PinnedHttpClient(
            self.base_url,
            # Biteship takes the key as is, without "Bearer"
            credentials={"Authorization": self.api_key},
            timeout=self.timeout,
            max_response_bytes=MAX_RESPONSE_BYTES,
        )
        try:
            response = client.request(
                method,
                path,
                headers={"Accept": "application/json", **(headers or {})},
                json=payload,
            )
        except HttpClientError as error:
            message, code = TRANSPORT_ERRORS[error.code]
            raise BiteshipError(
                message.format(cause=error.cause), code=code, temporary=error.temporary
            ) from error
        body = response.content
        try:
            data = requests.models.complexjson.loads(body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = {}
        status = response.status_code
        if status >= 400 or data.get("success") is False:
            message = data.get("error") or data.get("message")
            if not isinstance(message, str) or not message.strip():
                message = f"Biteship answered HTTP {status}."
            raise BiteshipError(
                message.strip()[:500],
                code=str(data.get("code") or status),
                temporary=status >= 500 or status == 429,
            )
        return data

    # -- API -----------------------------------------------------------------

    def rates(self, payload):
        """``POST /v1/rates/couriers``: the list of priced services."""
        data = self._request("POST", "/v1/rates/couriers", payload)
        pricing = data.get("pricing")
        return pricing if isinstance(pricing, list) else []

    def create_order(self, payload, idempotency_key):
        """``POST /v1/orders`` with retries on temporary failures, the same
        idempotency key on every try."""
        pauses = list(BOOKING_RETRY_PAUSES)
        while True:
            try:
                return self._request(
                    "POST",
                    "/v1/orders",
                    payload,
                    headers={"Idempotency-Key": idempotency_key},
                )
            except BiteshipError as error:
                if not error.temporary or not pauses:
                    raise
                _logger.info("Biteship booking retried after: %s", error)
                self.sleep(pauses.pop(0))

    def get_order(self, order_id):
        return self._request("GET", f"/v1/orders/{_path_id(order_id)}")

    def cancel_order(self, order_id, reason):
        return self._request(
            "POST",
            f"/v1/orders/{_path_id(order_id)}/cancel",
            {"cancellation_reason_code": "others", "cancellation_reason": reason},
        )

    def tracking(self, tracking_id):
        return self._request("GET", f"/v1/trackings/{_path_id(tracking_id)}")


def _path_id(value):
    """An id safe in a URL path (Biteship's ids are hex or alphanumeric)."""
    value = str(value or "")
    if not value or len(value) > 64 or not all(c.isalnum() or c in "-_" for c in value):
        raise BiteshipError("Not a Biteship id.", code="bad_id")
    return value
