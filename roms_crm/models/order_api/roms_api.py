"""Business logic of the order REST API (``/api/v1/orders``).

Kept out of the HTTP controller so that it can be tested and reused without a
request: every public method takes and returns plain Python data and raises
:class:`RomsApiError` for anything the client did wrong.
"""

import hashlib
import logging
import re
import threading

import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, email_normalize, plaintext2html

from ...tools import bounds
from ..fulfilment.sale_order import RomsStageError
from .sale_order import PAYMENT_METHODS, PAYMENT_STATUSES

_logger = logging.getLogger(__name__)

API_STATUSES_CREATE = ("pending", "processed", "shipped", "delivered")
API_STATUSES_PATCH = ("pending", "processed", "shipped", "delivered", "cancelled")
MAX_ID_LENGTH = bounds.IDENTIFIER_LENGTH
MAX_LINES = 500
# settings
INVALID_KEYS_PARAM = "roms_crm.api_invalid_key_per_minute"
INVALID_KEYS_PER_MINUTE = 20
MAX_BODY_PARAM = "roms_crm.api_max_body_bytes"
DEFAULT_MAX_BODY = 1024 * 1024
RATE_PARAM = "roms_crm.api_rate_per_minute"
DEFAULT_RATE_PER_MINUTE = 120
# An integration creates leads and customers; the other categories get portal
# prices and are granted by the shop only.
API_CUSTOMER_CATEGORIES = ("lead", "customer")
ORDER_KEYS = (
    "external_id",
    "source",
    "date_order",
    "customer",
    "lines",
    "status",
    "payment_status",
    "payment_method",
    "note",
    "shipping",
)
SHIPPING_KEYS = ("courier", "service", "cost")
#: a courier's service code (reg, yes, best…)
SERVICE_LENGTH = 32
CUSTOMER_TEXT_LIMITS = {
    "name": bounds.NAME_LENGTH,
    "phone": bounds.PHONE_LENGTH,
    "email": bounds.EMAIL_LENGTH,
    "street": bounds.STREET_LENGTH,
    "city": bounds.NAME_LENGTH,
    "state": bounds.NAME_LENGTH,
    "zip": bounds.ZIP_LENGTH,
}
CUSTOMER_KEYS = (*CUSTOMER_TEXT_LIMITS, "category")
LINE_KEYS = ("sku", "quantity", "price_unit")
PATCH_KEYS = ("status", "tracking_number", "comment", "notify")
# what the order API accepts as an address (after Odoo's normalisation)
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class RomsApiError(Exception):
    """An error reported to the API client as
    ``{"error": {"code": …, "message": …, "field": …}}`` with ``status``."""

    def __init__(self, status, code, message, field=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.after_rollback = None  # what the controller runs after the rollback
        self.retry_after = None  # seconds, with 429
        self.allow = None  # the methods the path takes, with 405

    def to_dict(self):
        error = {"code": self.code, "message": self.message, "field": self.field}
        if self.retry_after is not None:
            error["retry_after"] = self.retry_after
        return {"error": error}


def _invalid(field, message, code="invalid"):
    return RomsApiError(422, code, message, field)


class RomsApi(models.AbstractModel):
    _name = "roms.api"
    _description = "ROMS Order API"

    # ------------------------------------------------------------------
    # Authentication, authorisation, limits
    # ------------------------------------------------------------------

    @api.model
    def _api_authenticate(self, authorization, address=None):
        """Authenticate the Bearer API key in ``authorization`` (an
        ``Authorization`` header value) called from client ``address``.

        :return: (user id, ``roms.api.integration`` id) of the key
        :raise RomsApiError: 429 when this address sent too many invalid keys in
            the last minute, 401 for an invalid key (counted for its address),
            403 for a user outside the API group, a key of no integration or an
            address the integration does not allow (logged on the integration).
        """
        if address:
            self._api_check_failures(address)
        match = re.fullmatch(
            r"\s*Bearer\s+(\S+)\s*", authorization or "", re.IGNORECASE
        )
        if not match:
            raise self._api_failure(
                address,
                "Missing or malformed Authorization header: use 'Bearer <API key>'.",
            )
        uid, integration_id = self.env["res.users.apikeys"]._roms_check_key(
            match.group(1)
        )
        if not uid:
            raise self._api_failure(address, "Invalid, expired or revoked API key.")
        user = self.env["res.users"].sudo().browse(uid)
        if not self._api_user_allowed(user):
            raise RomsApiError(
                403, "forbidden", "This API key's user may not use the order API."
            )
        integration = (
            self.env["roms.api.integration"].sudo().browse(integration_id).exists()
        )
        if not integration.active:
            raise RomsApiError(
                403,
                "no_integration",
                "This API key belongs to no active integration: create keys from "
                "ROMS › Integrations.",
            )
        if address is not None and not integration._address_allowed(address):
            error = RomsApiError(
                403,
                "forbidden_address",
                f"This integration does not accept calls from {address}.",
            )
            error.after_rollback = lambda: self._api_in_new_cursor(
                "roms.api.integration", integration.id, "_log_refused", address
            )
            raise error
        return uid, integration.id

    @api.model
    def _api_in_new_cursor(self, model, res_id, method, *args):
        """Run ``method`` on a record in a transaction of its own, committed at
        once: what a refused request records must survive its rollback."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            getattr(env[model].browse(res_id), method)(*args)

    # Invalid keys: counted per client address in one-minute windows, in the
    # database so that all workers share the count.

    @api.model
    def _api_failures_per_minute(self):
        return max(
            self.env["ir.config_parameter"]._roms_param(
                INVALID_KEYS_PARAM, INVALID_KEYS_PER_MINUTE
            ),
            0,
        )

    @api.model
    def _api_check_failures(self, address):
        """Raise 429 while ``address`` is over the invalid-key limit (one
        indexed read; nothing is written for valid requests)."""
        limit = self._api_failures_per_minute()
        if not limit:
            return
        rows = self.env.execute_query(
            SQL(
                """SELECT count, CEIL(EXTRACT(EPOCH FROM window_start
                          + interval '60 seconds' - (now() at time zone 'utc')))
                     FROM roms_api_auth_failure WHERE address = %s""",
                address[:64],
            )
        )
        if rows and rows[0][0] >= limit and rows[0][1] > 0:
            error = RomsApiError(
                429,
                "rate_limited",
                "Too many invalid API keys from this address: wait and retry.",
            )
            error.retry_after = int(rows[0][1])
            raise error

    @api.model
    def _api_failure(self, address, message):
        """A 401 that counts against ``address`` once the request is rolled back."""
        error = RomsApiError(401, "unauthorized", message)
        if address:
            error.after_rollback = lambda: self._api_in_new_cursor(
                "roms.api", False, "_api_record_failure", address
            )
        return error

    @api.model
    def _api_record_failure(self, address):
        self.env.execute_query(
            SQL(
                """INSERT INTO roms_api_auth_failure AS f (address, window_start, count)
                   VALUES (%(address)s, now() at time zone 'utc', 1)
                   ON CONFLICT (address) DO UPDATE SET
                   count = CASE WHEN f.window_start
                                     <= EXCLUDED.window_start - interval '60 seconds'
                                THEN 1 ELSE f.count + 1 END,
                   window_start = CASE WHEN f.window_start
                                     <= EXCLUDED.window_start - interval '60 seconds'
                                THEN EXCLUDED.window_start ELSE f.window_start END""",
                address=address[:64],
            )
        )

    # Integrations: each key reads and changes only the orders of its sources

    @api.model
    def _api_integration(self):
        """The integration of the calling key (empty for internal callers, which
        are not restricted)."""
        return (
            self.env["roms.api.integration"]
            .sudo()
            .browse(self.env.context.get("roms_api_integration_id"))
        )

    @api.model
    def _api_source(self, source):
        """The source of a request: one of the integration's (403
        ``forbidden_source`` otherwise), its first one when none is given."""
        integration = self._api_integration()
        if not integration:
            return source
        sources = integration._sources()
        if not source:
            return sources[0]
        if source not in sources:
            raise RomsApiError(
                403,
                "forbidden_source",
                f"This API key's integration may not use the source {source!r}.",
                "source",
            )
        return source

    @api.model
    def _api_source_domain(self, source):
        """Orders of ``source`` (all of the integration's sources when none)."""
        integration = self._api_integration()
        if source:
            return [("roms_source", "=", self._api_source(source))]
        if integration:
            return [("roms_source", "in", integration._sources())]
        return []

    @api.model
    def _api_user_allowed(self, user):
        return user.has_group("roms_crm.group_roms_api") or user.has_group(
            "roms_crm.group_roms_admin"
        )

    @api.model
    def _api_max_body_bytes(self):
        return max(
            self.env["ir.config_parameter"]._roms_param(
                MAX_BODY_PARAM, DEFAULT_MAX_BODY
            ),
            0,
        )

    @api.model
    def _api_rate_per_minute(self):
        return max(
            self.env["ir.config_parameter"]._roms_param(
                RATE_PARAM, DEFAULT_RATE_PER_MINUTE
            ),
            0,
        )

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------

    @api.model
    def _api_find(self, external_id, source=None):
        """The order of ``external_id`` (and ``source`` when given), or 404/409."""
        domain = [
            ("roms_external_id", "=", external_id),
            *self._api_source_domain(source),
        ]
        orders = self.env["sale.order"].search(domain, limit=2)
        if not orders:
            raise RomsApiError(
                404, "not_found", "No order with this external_id.", "external_id"
            )
        if len(orders) > 1:
            raise RomsApiError(
                409,
                "ambiguous",
                "Several sources have an order with this external_id: give ?source=.",
                "source",
            )
        return orders

    @api.model
    def _api_get(self, external_id, source=None):
        return self._api_find(external_id, source)._roms_api_payload()

    @api.model
    def _api_create(self, payload):
        """Create the order described by ``payload`` (the decoded POST body).

        :return: (HTTP status, order payload): 201 when created, 200 when an
            order with this ``external_id`` and ``source`` already existed.
        """
        if not isinstance(payload, dict):
            raise RomsApiError(400, "bad_request", "The body must be a JSON object.")
        external_id = self._api_identifier(payload, "external_id", required=True)
        source = (
            self._api_source(self._api_identifier(payload, "source") or False) or "api"
        )
        # the whole body is checked first: a replay must be a valid request too
        values = self._api_order_values(payload)
        self._api_serialise_customer(values["customer"])
        Order = self.env["sale.order"]
        existing = Order.search(
            [("roms_external_id", "=", external_id), ("roms_source", "=", source)],
            limit=1,
        )
        if existing:
            return 200, existing._roms_api_payload()
        try:
            # the unique constraint on (external_id, source) decides between two
            # identical requests racing: the loser's savepoint is rolled back
            with self.env.cr.savepoint():
                order = self._api_create_order(external_id, source, values)
        except psycopg2.errors.UniqueViolation:
            self.env.invalidate_all()
            return 200, self._api_read_committed(external_id, source)
        return 201, order._roms_api_payload()

    @api.model
    def _api_read_committed(self, external_id, source):
        """The order another transaction committed while this one was creating
        it. Read from a fresh cursor: this transaction's snapshot predates it."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, self.env.context)
            order = env["sale.order"].search(
                [("roms_external_id", "=", external_id), ("roms_source", "=", source)],
                limit=1,
            )
            if not order:
                raise RomsApiError(
                    409,
                    "conflict",
                    "A concurrent request is creating this order: retry.",
                    "external_id",
                )
            return order._roms_api_payload()

    @api.model
    def _api_create_order(self, external_id, source, values):
        partner = self._api_customer(values["customer"])
        order_vals = {
            "partner_id": partner.id,
            "roms_external_id": external_id,
            "roms_source": source,
            "order_line": [
                fields.Command.create(line_vals) for line_vals in values["lines"]
            ],
        }
        if values["date_order"]:
            order_vals["date_order"] = values["date_order"]
        if values["payment_status"]:
            order_vals["roms_payment_status"] = values["payment_status"]
        if values["payment_method"]:
            order_vals["roms_payment_method"] = values["payment_method"]
        if values["note"]:
            order_vals["note"] = plaintext2html(values["note"])
        shipping = values["shipping"]
        if shipping:
            order_vals.update(
                roms_courier_id=shipping["courier"].id,
                roms_courier_service=shipping["service"] or False,
                roms_courier_service_name=shipping["service"] or False,
            )
        try:
            order = self.env["sale.order"].create(order_vals)
            if shipping:
                order._roms_api_shipping_line(shipping["carrier"], shipping["cost"])
        except AccessError:
            raise
        except UserError as error:
            raise _invalid(None, str(error.args[0])) from error
        if values["status"] != "pending":
            try:
                staged = order
                if values["date_order"]:
                    # the customer's statistics are refreshed once, by the date
                    # written below
                    staged = order._roms_defer_customer_stats()
                staged._roms_set_stage(values["status"])
            except AccessError:
                raise
            except UserError as error:
                # e.g. stock refusing the confirmation: the shop's state, not the
                # request's syntax
                raise RomsApiError(
                    409, "rejected", str(error.args[0]), "status"
                ) from error
            if values["date_order"]:
                # confirming dates the order now: keep the shop's date
                order.date_order = values["date_order"]
        return order

    @api.model
    def _api_update(self, external_id, source, payload):
        """Apply a PATCH body to an order: stage, tracking number, comment."""
        order = self._api_find(external_id, source)
        if not isinstance(payload, dict):
            raise RomsApiError(400, "bad_request", "The body must be a JSON object.")
        # what PATCH does not change is refused, not ignored: a typo
        # ("trackingNumber") must not pass for a change made
        self._api_known_keys(payload, PATCH_KEYS)
        status = payload.get("status")
        tracking = payload.get("tracking_number")
        comment = payload.get("comment")
        notify = payload.get("notify", False)
        if status is not None and status not in API_STATUSES_PATCH:
            raise _invalid(
                "status", "status must be one of: " + ", ".join(API_STATUSES_PATCH)
            )
        tracking = self._api_check(
            bounds.clean_text, tracking, bounds.TRACKING_LENGTH, "tracking_number"
        )
        comment = self._api_check(
            bounds.clean_text, comment, bounds.NOTE_LENGTH, "comment", multiline=True
        )
        if not isinstance(notify, bool):
            raise _invalid("notify", "notify must be true or false.")
        if status is None and not tracking:
            raise _invalid(
                "status", "Give a status and/or a tracking_number.", code="required"
            )
        try:
            # one step of the chain at a time (or cancel before delivered)
            order._roms_set_stage(
                status or order.roms_stage,
                comment=comment,
                tracking_number=tracking,
                notify=notify,
                skip=False,
            )
        except RomsStageError as error:
            field = "tracking_number" if error.code == "order_closed" else "status"
            raise RomsApiError(409, error.code, str(error.args[0]), field) from error
        except (UserError, ValidationError) as error:
            raise RomsApiError(
                409, "invalid_transition", str(error.args[0]), "status"
            ) from error
        return order._roms_api_payload()

    # ------------------------------------------------------------------
    # Validation of the POST body: every value through tools/bounds.py
    # ------------------------------------------------------------------

    @api.model
    def _api_check(self, check, *args, **kwargs):
        """Run a bounds check; its :class:`BoundsError` becomes a 422."""
        if check is bounds.clean_text and isinstance(args[0], bool):
            # JSON's true and false are no text (clean_text reads False as empty)
            args = ([args[0]], *args[1:])
        try:
            return check(*args, **kwargs)
        except bounds.BoundsError as error:
            raise _invalid(error.field, str(error), code=error.code) from error

    @api.model
    def _api_known_keys(self, data, allowed, where=None):
        """Refuse a key the API does not know (a typo must not pass silently)."""
        for key in data:
            if key not in allowed:
                name = bounds.printable(f"{where}.{key}" if where else str(key), 200)
                raise _invalid(
                    name,
                    self.env._(
                        "Unknown field %(field)s: the fields are %(fields)s.",
                        field=name,
                        fields=", ".join(allowed),
                    ),
                    code="unknown_field",
                )

    @api.model
    def _api_choice(self, value, name, choices, default=False):
        """``value`` one of ``choices`` (a string), or ``default`` when absent."""
        if value is None or value == "":
            return default
        if not isinstance(value, str) or value not in choices:
            raise _invalid(
                name,
                self.env._(
                    "%(field)s must be one of: %(choices)s.",
                    field=name,
                    choices=", ".join(choices),
                ),
            )
        return value

    @api.model
    def _api_identifier(self, payload, name, required=False):
        value = payload.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return self._api_check(
            bounds.clean_text,
            value,
            bounds.IDENTIFIER_LENGTH,
            name,
            required=required,
        )

    @api.model
    def _api_order_values(self, payload):
        """Check the whole body before anything is written."""
        self._api_known_keys(payload, ORDER_KEYS)
        note = self._api_check(
            bounds.clean_text,
            payload.get("note"),
            bounds.NOTE_LENGTH,
            "note",
            multiline=True,
        )
        return {
            "status": self._api_choice(
                payload.get("status"), "status", API_STATUSES_CREATE, "processed"
            ),
            "payment_status": self._api_choice(
                payload.get("payment_status"),
                "payment_status",
                [key for key, _label in PAYMENT_STATUSES],
            ),
            "payment_method": self._api_choice(
                payload.get("payment_method"),
                "payment_method",
                [key for key, _label in PAYMENT_METHODS],
            ),
            "note": note,
            "shipping": self._api_shipping(payload.get("shipping")),
            "date_order": self._api_date(payload.get("date_order")),
            "customer": self._api_customer_values(payload.get("customer")),
            "lines": self._api_lines(payload.get("lines")),
        }

    @api.model
    def _api_shipping(self, shipping):
        """``shipping``: the courier (a code of ROMS's couriers), its service and
        the cost the customer paid; the order gets a delivery line of the shop's
        Biteship shipping method."""
        if shipping is None:
            return False
        if not isinstance(shipping, dict):
            raise _invalid("shipping", self.env._("shipping must be an object."))
        self._api_known_keys(shipping, SHIPPING_KEYS, "shipping")
        code = self._api_check(
            bounds.clean_text,
            shipping.get("courier"),
            SERVICE_LENGTH,
            "shipping.courier",
            required=True,
        )
        courier = self.env["roms.courier"].sudo()._by_code(code)
        if not courier:
            raise _invalid(
                "shipping.courier",
                self.env._(
                    "Unknown courier %(courier)s: the couriers are %(couriers)s.",
                    courier=repr(code),
                    couriers=", ".join(
                        self.env["roms.courier"]
                        .sudo()
                        .search([("active", "=", True)], limit=50)
                        .mapped("code")
                    ),
                ),
                "unknown_courier",
            )
        service = self._api_check(
            bounds.clean_text,
            shipping.get("service"),
            SERVICE_LENGTH,
            "shipping.service",
        )
        cost = shipping.get("cost")
        if cost is None:
            raise _invalid(
                "shipping.cost",
                self.env._("shipping.cost is required."),
                code="required",
            )
        cost = self._api_check(
            self.env["roms.bounds"]._check_price, cost, "shipping.cost"
        )
        carrier = (
            self.env["delivery.carrier"]
            .sudo()
            .with_context(active_test=False)
            .search([("delivery_type", "=", "biteship")], order="active desc", limit=1)
        )
        if not carrier:
            raise _invalid(
                "shipping",
                self.env._(
                    "This shop has no Biteship shipping method to put the courier on."
                ),
                "no_shipping_method",
            )
        return {
            "courier": courier,
            "service": service,
            "cost": cost,
            "carrier": carrier,
        }

    @api.model
    def _api_date(self, value):
        """``date_order``: ISO 8601 inside the shop's date window (naive UTC)."""
        if value is None or value == "":
            return False
        return self._api_check(
            self.env["roms.bounds"]._check_datetime, value, "date_order"
        )

    @api.model
    def _api_customer_values(self, customer):
        if customer is None:
            raise _invalid(
                "customer", self.env._("customer is required."), code="required"
            )
        if not isinstance(customer, dict):
            raise _invalid("customer", self.env._("customer must be an object."))
        self._api_known_keys(customer, CUSTOMER_KEYS, "customer")
        check = self._api_check
        values = {
            key: check(
                bounds.clean_text,
                customer.get(key),
                limit,
                f"customer.{key}",
                name=key == "name",
            )
            for key, limit in CUSTOMER_TEXT_LIMITS.items()
        }
        Partner = self.env["res.partner"]
        if values["phone"]:
            try:
                values["phone"] = Partner._roms_normalize_phone(
                    values["phone"], strict=True
                )
            except ValidationError as error:
                raise _invalid("customer.phone", str(error.args[0])) from error
        if values["email"]:
            normalized = email_normalize(values["email"], strict=True)
            if not normalized or not EMAIL_RE.fullmatch(normalized):
                raise _invalid(
                    "customer.email",
                    self.env._("customer.email is not a valid address."),
                )
            values["email_normalized"] = normalized
        else:
            values["email_normalized"] = False
        if not (values["phone"] or values["email"]):
            raise _invalid(
                "customer.phone",
                self.env._("customer needs a phone or an email."),
                code="required",
            )
        # resellers, dropshippers, agents and distributors get portal prices: only
        # the shop grants that, never an integration
        values["category"] = self._api_choice(
            customer.get("category"),
            "customer.category",
            API_CUSTOMER_CATEGORIES,
            "customer",
        )
        values["state_id"] = False
        if values["state"]:
            # the official name or code only: integrations send what they store
            [region] = self.env["res.city"]._roms_resolve_regions(
                [{"province": values["state"]}], exact=True
            )
            if region["error"]:
                raise _invalid(
                    "customer.state", self.env._("Unknown Indonesian province.")
                )
            values["state_id"] = region["state_id"]
        return values

    @api.model
    def _api_lines(self, lines):
        if lines is None or lines == []:
            raise _invalid(
                "lines", self.env._("lines must be a non-empty list."), code="required"
            )
        if not isinstance(lines, list):
            raise _invalid("lines", self.env._("lines must be a non-empty list."))
        if len(lines) > MAX_LINES:
            raise _invalid(
                "lines",
                self.env._("At most %(max)s lines per order.", max=MAX_LINES),
                code="out_of_range",
            )
        check = self._api_check
        skus = []
        for index, line in enumerate(lines):
            where = f"lines[{index}]"
            if not isinstance(line, dict):
                raise _invalid(
                    where, self.env._("%(field)s must be an object.", field=where)
                )
            self._api_known_keys(line, LINE_KEYS, where)
            skus.append(
                check(
                    bounds.clean_text,
                    line.get("sku"),
                    bounds.IDENTIFIER_LENGTH,
                    f"{where}.sku",
                    required=True,
                )
            )
        products = self.env["product.product"].search(
            [("default_code", "in", list(set(skus))), ("sale_ok", "=", True)]
        )
        by_sku = {product.default_code: product for product in products}
        Bounds = self.env["roms.bounds"]
        result = []
        for index, (line, sku) in enumerate(zip(lines, skus, strict=True)):
            where = f"lines[{index}]"
            product = by_sku.get(sku)
            if not product:
                raise _invalid(
                    f"{where}.sku",
                    self.env._("Unknown SKU %(sku)s.", sku=repr(sku)),
                    "unknown_sku",
                )
            quantity = line.get("quantity", 1)
            if isinstance(quantity, str):  # "2" is not a JSON number
                quantity = None
            line_vals = {
                "product_id": product.id,
                "product_uom_qty": check(
                    Bounds._check_quantity,
                    quantity,
                    product.uom_id,
                    f"{where}.quantity",
                ),
            }
            price = line.get("price_unit")
            if price is not None:
                line_vals["price_unit"] = check(
                    Bounds._check_price, price, f"{where}.price_unit"
                )
            result.append(line_vals)
        return result

    @api.model
    def _api_serialise_customer(self, values):
        """Create the orders of one customer one at a time, each in a transaction
        that begins after the previous one committed.

        Every order refreshes its customer's statistics (one row): concurrent
        orders of one customer — a shop's import, several servers — met on that
        row, and in REPEATABLE READ the loser's whole request was replayed by
        Odoo, up to five times, then answered 500 (./setup/cluster: 1 of 20
        parallel orders of one number). Here the request waits for a session
        advisory lock on the customer's phone and email, then starts a new
        transaction (nothing was written yet: the key's checks only read), whose
        snapshot sees the previous order; the lock is released once this one is
        committed or rolled back. Not in tests: their transaction is the test's.
        """
        if getattr(threading.current_thread(), "testing", False):
            return
        keys = []
        if values["phone"]:
            keys.append("phone:" + values["phone"])
        if values["email_normalized"]:
            keys.append("email:" + values["email_normalized"])
        lock_ids = sorted({_lock_id(key) for key in keys})
        if not lock_ids:
            return
        cr = self.env.cr
        for lock_id in lock_ids:
            cr.execute(SQL("SELECT pg_advisory_lock(%s)", lock_id))
        cr.rollback()
        self.env.invalidate_all()

        def unlock():
            try:
                for lock_id in lock_ids:
                    cr.execute(SQL("SELECT pg_advisory_unlock(%s)", lock_id))
            except psycopg2.Error:
                # the connection is gone, and its locks with it
                _logger.warning("ROMS order API: could not release a customer lock")

        cr.postcommit.add(unlock)
        cr.postrollback.add(unlock)

    @api.model
    def _api_lock_identities(self, values):
        """Serialise the requests that may create the customer of this phone or
        email: a transaction-level advisory lock per normalised identity, taken in
        a fixed order (no deadlock between a phone+email and an email-only request).

        Odoo's transactions are REPEATABLE READ: a request that waited for the lock
        still reads the snapshot it took before, without the customer the other
        request has just committed. When a fresh read sees a customer with this
        identity that this snapshot misses, raise a serialisation failure: Odoo
        retries the whole request, which then finds the customer.
        """
        keys = []
        if values["phone"]:
            keys.append("phone:" + values["phone"])
        if values["email_normalized"]:
            keys.append("email:" + values["email_normalized"])
        if not keys:
            return
        cr = self.env.cr
        for lock_id in sorted({_lock_id(key) for key in keys}):
            cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", lock_id))
        self.env["res.partner"].flush_model(
            ["roms_whatsapp_number", "email_normalized"]
        )
        query = SQL(
            "SELECT id FROM res_partner"
            " WHERE roms_whatsapp_number = %s OR email_normalized = %s",
            values["phone"] or None,
            values["email_normalized"] or None,
        )
        cr.execute(query)
        seen = {row[0] for row in cr.fetchall()}
        with self.env.registry.cursor() as fresh_cr:
            fresh_cr.execute(query)
            committed = {row[0] for row in fresh_cr.fetchall()}
        if committed - seen:
            cr.execute(
                SQL(
                    "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = "
                    "'serialization_failure', MESSAGE = 'ROMS order API: a "
                    "concurrent request created this customer'; END $$"
                ),
                log_exceptions=False,
            )

    @api.model
    def _api_match_customer(self, values):
        Partner = self.env["res.partner"]
        partner = Partner
        if values["phone"]:
            partner = Partner.search(
                [("roms_whatsapp_number", "=", values["phone"])], order="id", limit=1
            )
        if not partner and values["email_normalized"]:
            partner = Partner.search(
                [("email_normalized", "=", values["email_normalized"])],
                order="id",
                limit=1,
            )
        return partner

    @api.model
    def _api_customer(self, values):
        """The customer of these values: matched by normalised phone, then by
        normalised email (equality), else created — under a lock on the identity."""
        partner = self._api_match_customer(values)
        if partner:
            return partner
        self._api_lock_identities(values)
        if not values["name"]:
            raise _invalid(
                "customer.name",
                self.env._("customer.name is required for a new customer."),
                code="required",
            )
        vals = {
            "name": values["name"],
            "mobile": values["phone"],
            "email": values["email_normalized"],
            "street": values["street"],
            "city": values["city"],
            "zip": values["zip"],
            "state_id": values["state_id"],
            "country_id": self.env.ref("base.id").id,
            "roms_category": values["category"],
        }
        return self.env["res.partner"].create(vals)


def _lock_id(key):
    """A stable signed 64-bit advisory lock id for ``key`` in the ROMS namespace."""
    digest = hashlib.blake2b(
        ("roms_crm.api.customer:" + key).encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


class RomsApiKeyWizard(models.TransientModel):
    _name = "roms.api.key.wizard"
    _description = "New API Key for an Integration"

    user_id = fields.Many2one(
        "res.users",
        string="Integration User",
        required=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("roms_crm.group_roms_api").ids),
            ("share", "=", False),
        ],
        help="The user the web shop acts as. Add users to the ROMS API group in "
        "Settings › Users.",
    )
    integration_id = fields.Many2one(
        "roms.api.integration",
        required=True,
        default=lambda self: self.env.context.get("default_integration_id"),
        help="The key reads and changes only this integration's orders.",
    )
    name = fields.Char(
        string="Description",
        required=True,
        help="What uses the key, e.g. the name of the web shop.",
    )
    expiration_date = fields.Datetime(
        string="Expires On", help="Leave empty for a key that never expires."
    )

    def action_generate(self):
        """Create the key and show it, once: only its hash is kept."""
        self.ensure_one()
        if not self.env.user.has_group("roms_crm.group_roms_admin"):
            raise AccessError(
                self.env._("Only ROMS administrators can create API keys.")
            )
        if not self.env["roms.api"]._api_user_allowed(self.user_id):
            raise UserError(
                self.env._(
                    "%(user)s is not in the ROMS API group.", user=self.user_id.name
                )
            )
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.user_id)
            .sudo()
            ._roms_generate(self.integration_id, self.name, self.expiration_date)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.show",
            "name": self.env._("API Key Ready"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key},
        }
