"""Order REST API: ``/api/v1/orders`` and its OpenAPI description.

Authentication is an Odoo API key (``res.users.apikeys``) sent as
``Authorization: Bearer <key>``; the business logic lives in the ``roms.api``
model. Each request is one transaction: on any error it is rolled back before
the JSON error is returned, so nothing is written.

The rate limit is counted in the memory of the serving process (a sliding window
of one minute per API key): with several workers, each worker counts on its own,
so the effective limit is the configured one times the number of workers.
"""

import hashlib
import logging
import threading
import time
from collections import defaultdict, deque

import psycopg2
import werkzeug.exceptions

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ...models.order_api.roms_api import RomsApiError
from ...tools import bounds, webhook
from .openapi import openapi_document

_logger = logging.getLogger(__name__)

_RATE_LOCK = threading.Lock()
_RATE_WINDOWS = defaultdict(deque)  # (db, key digest) -> request times
RATE_WINDOW_SECONDS = 60.0
FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

ROUTE = {
    "type": "http",
    "auth": "none",
    "csrf": False,
    "save_session": False,
}


def _read_limit(_controller):
    """What Werkzeug may read of a request body. A JSON body without a
    Content-Length (chunked): one byte beyond the API's limit, so that it is
    refused once it has gone over the limit, not after it was read to its end
    (Odoo would read 128 MB). Otherwise Odoo's own: a larger Content-Length and
    a form are refused with the API's JSON error before their body is read
    (Werkzeug would answer them with its HTML page)."""
    httprequest = request.httprequest
    if httprequest.content_length is not None or httprequest.mimetype in FORM_MIMETYPES:
        return httprequest.max_content_length
    return request.env["roms.api"].sudo()._api_max_body_bytes() + 1


ROUTE_WITH_BODY = dict(ROUTE, max_content_length=_read_limit)

# Every other path under the API's prefix (roms_api_unknown), and the methods a
# path of the API may take (the Allow header of its 405)
API_PREFIX = "/api/v1"
UNKNOWN_ROUTES = (API_PREFIX, API_PREFIX + "/<path:rest>")
ALLOW_CANDIDATES = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _rate_limit_reset():
    """Forget every counted request (tests)."""
    with _RATE_LOCK:
        _RATE_WINDOWS.clear()


def _rate_limit_hit(bucket, limit):
    """Count a request in ``bucket``; True when it goes over ``limit`` a minute."""
    if limit <= 0:
        return False
    now = time.monotonic()
    with _RATE_LOCK:
        window = _RATE_WINDOWS[bucket]
        while window and window[0] <= now - RATE_WINDOW_SECONDS:
            window.popleft()
        if len(window) >= limit:
            return True
        window.append(now)
        return False


CURL_EXAMPLE = """curl -X POST {base}/api/v1/orders \\
  -H "Authorization: Bearer $ROMS_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{{"external_id": "WC-1001", "source": "woocommerce",
       "customer": {{"name": "Budi Santoso", "phone": "0812-3456-7890",
                    "city": "Bandung", "state": "Jawa Barat"}},
       "lines": [{{"sku": "KOPI-250", "quantity": 2}}],
       "status": "processed", "payment_status": "paid"}}'

curl {base}/api/v1/orders/WC-1001?source=woocommerce \\
  -H "Authorization: Bearer $ROMS_API_KEY"

curl -X PATCH {base}/api/v1/orders/WC-1001?source=woocommerce \\
  -H "Authorization: Bearer $ROMS_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{{"status": "shipped", "tracking_number": "JNE123456", "notify": true}}'
"""

PYTHON_EXAMPLE = """import requests

BASE = "{base}"
HEADERS = {{"Authorization": "Bearer " + API_KEY}}

response = requests.post(f"{{BASE}}/api/v1/orders", headers=HEADERS, timeout=30, json={{
    "external_id": "WC-1001",
    "source": "woocommerce",
    "customer": {{"name": "Budi Santoso", "phone": "0812-3456-7890"}},
    "lines": [{{"sku": "KOPI-250", "quantity": 2, "price_unit": 85000}}],
}})
if response.status_code in (200, 201):   # 200: already known, nothing changed
    order = response.json()
    print(order["name"], order["status"], order["amount_total"])
else:
    error = response.json()["error"]
    print(response.status_code, error["code"], error["field"], error["message"])

requests.patch(f"{{BASE}}/api/v1/orders/WC-1001", params={{"source": "woocommerce"}},
               headers=HEADERS, timeout=30, json={{"status": "delivered"}})
"""

XMLRPC_EXAMPLE = """import xmlrpc.client

URL, DB, LOGIN = "{base}", "{db}", "integration-user-login"
common = xmlrpc.client.ServerProxy(f"{{URL}}/xmlrpc/2/common")
uid = common.authenticate(DB, LOGIN, API_KEY, {{}})
models = xmlrpc.client.ServerProxy(f"{{URL}}/xmlrpc/2/object")
orders = models.execute_kw(
    DB, uid, API_KEY, "sale.order", "search_read",
    [[["roms_source", "=", "woocommerce"]]],
    {{"fields": ["name", "roms_external_id", "roms_stage"], "limit": 10}},
)
"""


class RomsOrderApi(http.Controller):
    @http.route("/roms/api/docs", type="http", auth="user", methods=["GET"])
    def roms_api_docs(self, **kwargs):
        if not request.env.user.has_group("roms_crm.group_roms_admin"):
            raise werkzeug.exceptions.Forbidden()
        base = request.env["ir.config_parameter"].sudo().get_param("web.base.url")
        values = {"base": base, "db": request.db}
        return request.render(
            "roms_crm.roms_api_docs",
            {
                "base_url": base,
                "curl_example": CURL_EXAMPLE.format(**values),
                "python_example": PYTHON_EXAMPLE.format(**values),
                "xmlrpc_example": XMLRPC_EXAMPLE.format(**values),
            },
        )

    @http.route("/api/v1/openapi.json", methods=["GET"], **ROUTE)
    def roms_api_openapi(self, **kwargs):
        bounds_model = request.env["roms.bounds"].sudo()
        lower, _upper = bounds_model._date_window()
        return request.make_json_response(
            openapi_document(
                max_quantity=bounds_model._max_quantity(),
                max_price=bounds_model._max_price(),
                date_min=lower.date().isoformat(),
                date_days=bounds_model._param("roms_crm.limit_date_future_days"),
            )
        )

    @http.route("/api/v1/orders", methods=["POST"], readonly=False, **ROUTE_WITH_BODY)
    def roms_api_order_create(self, **kwargs):
        return self._roms_api_call(lambda api, body: api._api_create(body))

    @http.route("/api/v1/orders/<string:external_id>", methods=["GET"], **ROUTE)
    def roms_api_order_get(self, external_id, source=None, **kwargs):
        return self._roms_api_call(
            lambda api, body: (
                200,
                api._api_get(*self._roms_api_path_ids(external_id, source)),
            ),
            with_body=False,
        )

    @http.route(
        "/api/v1/orders/<string:external_id>",
        methods=["PATCH"],
        readonly=False,
        **ROUTE_WITH_BODY,
    )
    def roms_api_order_update(self, external_id, source=None, **kwargs):
        return self._roms_api_call(
            lambda api, body: (
                200,
                api._api_update(*self._roms_api_path_ids(external_id, source), body),
            )
        )

    @http.route(list(UNKNOWN_ROUTES), readonly=True, **ROUTE)
    def roms_api_unknown(self, rest=None, **kwargs):
        """Any other path or method under /api/v1: the API's JSON 404, or its 405
        with an Allow header when the path is the API's, where Odoo answers its
        HTML pages, which an integrator's client cannot read. Before the key is
        checked: the API's paths and methods are public (its OpenAPI document).
        Werkzeug prefers the API's own routes (static parts first) and comes to
        this one only for what they do not take; outside the prefix, Odoo's
        routes, its 404 page and its fallbacks are as they were."""
        allowed = self._roms_api_allowed_methods()
        if not allowed:
            error = RomsApiError(
                404,
                "not_found",
                "No such path in the order API: see /api/v1/openapi.json.",
            )
        else:
            error = RomsApiError(
                405,
                "method_not_allowed",
                "This path of the order API does not take this method: see the "
                "Allow header and /api/v1/openapi.json.",
            )
            error.allow = allowed
        return self._roms_api_error(error)

    @staticmethod
    def _roms_api_allowed_methods():
        """The methods the API's routes take on this request's path, in
        ``ALLOW_CANDIDATES``' order (HEAD with GET, as Werkzeug serves it)."""
        httprequest = request.httprequest
        adapter = (
            request.env["ir.http"].routing_map().bind_to_environ(httprequest.environ)
        )
        allowed = []
        for method in ALLOW_CANDIDATES:
            try:
                rule, _args = adapter.match(
                    httprequest.path, method=method, return_rule=True
                )
            except werkzeug.exceptions.HTTPException:
                continue  # e.g. a redirection to the path with a slash
            if rule.rule not in UNKNOWN_ROUTES:
                allowed.append(method)
        return allowed

    # ------------------------------------------------------------------

    def _roms_api_call(self, handler, with_body=True):
        if not request.db or request.env is None:
            return request.make_json_response(
                RomsApiError(
                    503, "no_database", "No database selected on this server."
                ).to_dict(),
                status=503,
            )
        if request.httprequest.method == "OPTIONS":
            # Odoo routes OPTIONS to every route that names its methods: it
            # asks what the path takes, it does not call it
            return request.make_response(
                "",
                status=204,
                headers=[("Allow", ", ".join(self._roms_api_allowed_methods()))],
            )
        try:
            api = self._roms_api_env()
            body = self._roms_api_body(api) if with_body else None
            status, data = handler(api, body)
            return request.make_json_response(data, status=status)
        except RomsApiError as error:
            return self._roms_api_error(error)
        except AccessError as error:
            return self._roms_api_error(
                RomsApiError(403, "forbidden", str(error.args[0]))
            )
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo retries the whole request on a fresh transaction
        except (UserError, psycopg2.DataError) as error:
            # a value the checks let through and Odoo or PostgreSQL refused: the
            # client's input, not a server fault
            _logger.info("ROMS order API: refused input: %s", error)
            message = (
                error.args[0]
                if isinstance(error, UserError)
                else "A value of the request is out of range or invalid."
            )
            return self._roms_api_error(RomsApiError(422, "invalid", str(message)))
        except RecursionError:
            return self._roms_api_error(
                RomsApiError(400, "bad_request", "The request is nested too deeply.")
            )
        except Exception:
            _logger.exception("ROMS order API: unexpected error")
            return self._roms_api_error(
                RomsApiError(500, "internal_error", "Unexpected server error.")
            )

    @staticmethod
    def _roms_api_path_ids(external_id, source):
        """The external_id of the URL and its ?source=, cleaned as the POST body's
        (control characters out, at most 128 characters): an id no order can have
        is a 404, never a database error."""
        try:
            external_id = bounds.clean_text(
                external_id, bounds.IDENTIFIER_LENGTH, "external_id"
            )
            source = bounds.clean_text(
                source if isinstance(source, str) else None,
                bounds.IDENTIFIER_LENGTH,
                "source",
            )
        except bounds.BoundsError as error:
            raise RomsApiError(
                404, "not_found", "No order with this external_id.", error.field
            ) from error
        if not external_id:
            raise RomsApiError(
                404, "not_found", "No order with this external_id.", "external_id"
            )
        return external_id, source or None

    def _roms_api_error(self, error):
        request.env.cr.rollback()
        request.env.invalidate_all()
        if error.after_rollback:
            try:
                error.after_rollback()
            except Exception:
                _logger.exception("ROMS order API: could not record a refused call")
        headers = []
        if error.status == 429:
            if error.retry_after is None:
                error.retry_after = int(RATE_WINDOW_SECONDS)
            headers.append(("Retry-After", str(error.retry_after)))
        if error.status == 401:
            headers.append(("WWW-Authenticate", 'Bearer realm="roms"'))
        if error.allow:
            headers.append(("Allow", ", ".join(error.allow)))
        return request.make_json_response(
            error.to_dict(), status=error.status, headers=headers
        )

    def _roms_api_env(self):
        """Authenticate the request, switch to the key's user, apply the rate
        limit; return the ``roms.api`` model in that user's environment."""
        authorization = request.httprequest.headers.get("Authorization")
        # Odoo puts X-Forwarded-For here when it runs with --proxy-mode
        address = request.httprequest.remote_addr or ""
        uid, integration_id = (
            request.env["roms.api"].sudo()._api_authenticate(authorization, address)
        )
        request.update_env(user=uid, su=False)
        request.update_context(roms_api_integration_id=integration_id)
        api = request.env["roms.api"]
        key = authorization.split(None, 1)[1].strip()
        bucket = (request.db, hashlib.sha256(key.encode()).hexdigest())
        if _rate_limit_hit(bucket, api._api_rate_per_minute()):
            raise RomsApiError(
                429, "rate_limited", "Too many requests for this API key: slow down."
            )
        return api

    def _roms_api_body(self, api):
        limit = api._api_max_body_bytes()
        httprequest = request.httprequest
        too_large = RomsApiError(
            413,
            "payload_too_large",
            f"The request body is larger than {limit} bytes.",
        )
        if httprequest.content_length and httprequest.content_length > limit:
            raise too_large
        if httprequest.mimetype in FORM_MIMETYPES:
            # the form parser has consumed the body already
            raise RomsApiError(
                400,
                "unsupported_media_type",
                "Send the body as JSON with 'Content-Type: application/json'.",
            )
        try:
            data = webhook.read_body(httprequest, limit)
        except werkzeug.exceptions.RequestEntityTooLarge as error:
            raise too_large from error
        if data is None:
            raise too_large
        try:
            return bounds.parse_json(data or b"null")
        except bounds.BoundsError as error:
            raise RomsApiError(400, "malformed_json", str(error)) from error
