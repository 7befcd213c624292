"""OpenAPI 3.1 description of the order API, served at /api/v1/openapi.json.

Every bound the API enforces is in the schema, taken from the same constants
(``tools/bounds.py``) and, for the limits the shop sets, from its settings
(:func:`openapi_document` is called per request with ``roms.bounds``' values), so a
client generated from it is refused nothing for its syntax. What a schema cannot say
(a SKU the shop sells, a real phone number, a date inside the window, a new customer's
name, a whole number of Units) is a 422 naming the field.
"""

import copy

from ...models.order_api.roms_api import (
    API_CUSTOMER_CATEGORIES,
    API_STATUSES_CREATE,
    API_STATUSES_PATCH,
    MAX_LINES,
)
from ...models.order_api.sale_order import PAYMENT_METHODS, PAYMENT_STATUSES
from ...tools import bounds

_ERROR_CODES = {
    "400": "Malformed JSON, a body that is not a JSON object, or a form "
    "Content-Type instead of application/json (codes `malformed_json`, "
    "`bad_request`, `unsupported_media_type`).",
    "401": "Missing, invalid, expired or revoked API key (code `unauthorized`).",
    "403": "The key's user is not in the ROMS API group (code `forbidden`).",
    "404": "No order with this external_id (code `not_found`).",
    "409": "Ambiguous external_id (give ?source=), a forbidden stage change, the "
    "shop refusing to confirm the order (e.g. stock), or a concurrent create still "
    "in progress (codes `ambiguous`, `invalid_transition`, `rejected`, `conflict`).",
    "413": "Body larger than the `roms_crm.api_max_body_bytes` system parameter "
    "(default 1 MB; code `payload_too_large`).",
    "422": "A field is missing or invalid; `field` names it, e.g. `lines[2].sku`, "
    "`customer.phone` (codes `required`, `invalid`, `too_long`, `out_of_range`, "
    "`unknown_sku`, `unknown_courier`, `no_shipping_method`, `unknown_field`).",
    "429": "More requests a minute for this key than the "
    "`roms_crm.api_rate_per_minute` system parameter (default 120; code "
    "`rate_limited`; see Retry-After).",
}


def _error_response(description):
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }


def _errors(*codes):
    return {code: _error_response(_ERROR_CODES[code]) for code in codes}


_ORDER_RESPONSE = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}
}

# at least one visible character (control characters are stripped)
_VISIBLE = "[^\\s\\u0000-\\u001f\\u007f-\\u009f]"


def _text(limit, nullable=True, **extra):
    """An optional text of at most ``limit`` characters; null or "" is absent."""
    return {
        "type": ["string", "null"] if nullable else "string",
        "maxLength": limit,
        **extra,
    }


def _identifier(**extra):
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": bounds.IDENTIFIER_LENGTH,
        "pattern": _VISIBLE,
        **extra,
    }


def _choice(values, **extra):
    """One of ``values``; null or "" is absent (the default)."""
    return {"type": ["string", "null"], "enum": [*values, "", None], **extra}


_EXTERNAL_ID = {
    "name": "external_id",
    "in": "path",
    "required": True,
    "schema": _identifier(),
    "description": "The order's id in the shop it came from.",
}
_SOURCE = {
    "name": "source",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "maxLength": bounds.IDENTIFIER_LENGTH},
    "description": "The source the order was created with; needed only when "
    "several sources use the same external_id.",
}

_DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "ROMS Order API",
        "version": "1.0.0",
        "description": "Push orders from web shops into ROMS (Odoo 18) and follow "
        "their fulfilment stage. Every request is one transaction: on any error "
        "nothing is written. Authenticate with an Odoo API key of a user in the "
        "ROMS API group: `Authorization: Bearer <key>`. The same key works as the "
        "password over Odoo's XML-RPC/JSON-RPC. A path under /api/v1 that "
        "this document does not list answers 404 `not_found`, and a method its "
        "path does not take 405 `method_not_allowed` with an `Allow` header, "
        "both with the Error body (`components.responses`).",
    },
    "servers": [{"url": "/"}],
    "security": [{"bearerAuth": []}],
    "paths": {
        "/api/v1/orders": {
            "post": {
                "operationId": "createOrder",
                "summary": "Create an order (idempotent on external_id + source)",
                "description": "Creates the order and returns 201. When an order "
                "with the same external_id and source exists (also when two "
                "identical requests race), returns it with 200 and changes "
                "nothing. The customer is matched by normalised phone, then by "
                "email, else created; lines are matched by SKU. A status other "
                "than `pending` confirms the order, which fires the new-order "
                "event (thank-you message, loyalty points).",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/OrderCreate"}
                        }
                    },
                },
                "responses": {
                    "201": {"description": "Created.", **_ORDER_RESPONSE},
                    "200": {
                        "description": "Already known: the existing order.",
                        **_ORDER_RESPONSE,
                    },
                    **_errors("400", "401", "403", "409", "413", "422", "429"),
                },
            }
        },
        "/api/v1/orders/{external_id}": {
            "parameters": [_EXTERNAL_ID, _SOURCE],
            "get": {
                "operationId": "getOrder",
                "summary": "Read an order",
                "responses": {
                    "200": {"description": "The order.", **_ORDER_RESPONSE},
                    **_errors("401", "403", "404", "409", "429"),
                },
            },
            "patch": {
                "operationId": "updateOrder",
                "summary": "Change an order's fulfilment stage and tracking number",
                "description": "Moving to `delivered` sets the delivery date "
                "that repeat-order reminders count from. The change is recorded in "
                "the order's history with the comment; with `notify` the customer "
                "is told.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/OrderUpdate"}
                        }
                    },
                },
                "responses": {
                    "200": {"description": "The updated order.", **_ORDER_RESPONSE},
                    **_errors("400", "401", "403", "404", "409", "413", "422", "429"),
                },
            },
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI document."}},
            }
        },
    },
    "components": {
        "responses": {
            "NotFound": _error_response(
                "A path under /api/v1 that the API does not have (code "
                "`not_found`; no key needed)."
            ),
            "MethodNotAllowed": dict(
                _error_response(
                    "A method the path does not take, e.g. DELETE /api/v1/orders "
                    "(code `method_not_allowed`; no key needed)."
                ),
                headers={
                    "Allow": {
                        "description": "The methods the path takes, e.g. `POST`.",
                        "schema": {"type": "string"},
                    }
                },
            ),
        },
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "An Odoo API key (Preferences › Account Security, or "
                "ROMS › Integrations).",
            }
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message", "field"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "field": {
                                "type": ["string", "null"],
                                "description": "The offending field, e.g. "
                                "`lines[2].sku`, or null.",
                            },
                        },
                    }
                },
            },
            # Customer, OrderCreate, OrderUpdate: built by openapi_document()
            "Order": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "external_id": {"type": ["string", "null"]},
                    "source": {"type": ["string", "null"]},
                    "status": {
                        "type": "string",
                        "enum": [
                            "pending",
                            "processed",
                            "shipped",
                            "delivered",
                            "cancelled",
                        ],
                    },
                    "state": {
                        "type": "string",
                        "description": "Odoo's own state: draft, sent, sale, cancel.",
                    },
                    "payment_status": {"type": ["string", "null"]},
                    "payment_method": {"type": ["string", "null"]},
                    "date_order": {"type": ["string", "null"], "format": "date-time"},
                    "delivered_date": {
                        "type": ["string", "null"],
                        "format": "date-time",
                    },
                    "tracking_number": {"type": ["string", "null"]},
                    "shipping": {
                        "type": ["object", "null"],
                        "description": "The courier the order ships with.",
                        "properties": {
                            "courier": {"type": "string"},
                            "service": {"type": ["string", "null"]},
                            "cost": {"type": "number"},
                            "tracking_link": {"type": ["string", "null"]},
                        },
                    },
                    "currency": {"type": "string"},
                    "amount_untaxed": {"type": "number"},
                    "amount_tax": {"type": "number"},
                    "amount_total": {"type": "number"},
                    "note": {"type": ["string", "null"]},
                    "customer": {
                        "type": "object",
                        "description": "The matched or created customer: id and "
                        "name only.",
                        "required": ["id", "name"],
                        "additionalProperties": False,
                        "properties": {
                            "id": {"type": "integer"},
                            "name": {"type": "string"},
                        },
                    },
                    "lines": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "sku": {"type": ["string", "null"]},
                                "product": {"type": "string"},
                                "quantity": {"type": "number"},
                                "price_unit": {"type": "number"},
                                "subtotal": {"type": "number"},
                            },
                        },
                    },
                    "history": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string"},
                                "date": {"type": "string", "format": "date-time"},
                                "comment": {"type": ["string", "null"]},
                                "tracking_number": {"type": ["string", "null"]},
                            },
                        },
                    },
                },
            },
        },
    },
}


def _customer_schema():
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "Matched by phone (normalised to E.164, read as Indonesian "
        "without a country code), then by email (normalised, exact); created when "
        "unknown (name then required). A phone or an email is required. Control "
        "characters are removed from every text.",
        "properties": {
            "name": _text(
                bounds.NAME_LENGTH,
                description="The customer's name in the shop's lists: the "
                "bidirectional embeddings, overrides and isolates (U+202A-U+202E, "
                "U+2066-U+2069) are removed too, so that it never reads reversed.",
            ),
            "phone": _text(bounds.PHONE_LENGTH, examples=["0812-3456-7890"]),
            "email": _text(bounds.EMAIL_LENGTH, format="email"),
            "street": _text(bounds.STREET_LENGTH),
            "city": _text(bounds.NAME_LENGTH),
            "state": _text(
                bounds.NAME_LENGTH,
                description="Indonesian province, by name or code.",
            ),
            "zip": _text(bounds.ZIP_LENGTH),
            "category": _choice(
                API_CUSTOMER_CATEGORIES,
                default="customer",
                description="Only for a new customer; an existing customer's "
                "category is never changed. Resellers, dropshippers, agents and "
                "distributors are granted by the shop, not by an integration.",
            ),
        },
    }


def _order_create_schema(max_quantity, max_price, date_min, date_days):
    return {
        "type": "object",
        "required": ["external_id", "customer", "lines"],
        "additionalProperties": False,
        "properties": {
            "external_id": {
                "oneOf": [_identifier(), {"type": "integer"}],
            },
            "source": {
                "type": ["string", "integer", "null"],
                "maxLength": bounds.IDENTIFIER_LENGTH,
                "description": "The integration's name for where orders come "
                "from; blank or null is the integration's first source.",
            },
            "date_order": {
                "type": ["string", "null"],
                "format": "date-time",
                "maxLength": 64,
                "description": f"ISO 8601; without an offset it is UTC. From "
                f"{date_min} to {date_days} days after today (the shop's settings).",
            },
            "customer": {"$ref": "#/components/schemas/Customer"},
            "lines": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_LINES,
                "items": {
                    "type": "object",
                    "required": ["sku"],
                    "additionalProperties": False,
                    "properties": {
                        "sku": _identifier(),
                        "quantity": {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "maximum": max_quantity,
                            "default": 1,
                            "description": "In the product's unit of measure, "
                            "valid for its rounding: whole numbers for Units.",
                        },
                        "price_unit": {
                            "type": ["number", "null"],
                            "minimum": 0,
                            "maximum": max_price,
                            "description": "Defaults to the product's price for "
                            "the customer.",
                        },
                    },
                },
            },
            "status": _choice(
                API_STATUSES_CREATE,
                default="processed",
                description="`pending` leaves a quotation; the others confirm the "
                "order and move it to that stage.",
            ),
            "payment_status": _choice([key for key, _label in PAYMENT_STATUSES]),
            "payment_method": _choice([key for key, _label in PAYMENT_METHODS]),
            "note": _text(bounds.NOTE_LENGTH),
            "shipping": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "required": ["courier", "cost"],
                "description": "The courier and the shipping cost the customer "
                "paid: the order gets a delivery line of the shop's Biteship "
                "shipping method (422 `no_shipping_method` without one).",
                "properties": {
                    "courier": _identifier(
                        maxLength=32,
                        description="A courier code of the shop's couriers (jne, "
                        "jnt, sicepat, anteraja, pos…); 422 `unknown_courier` "
                        "otherwise.",
                    ),
                    "service": _text(32, description="The courier's service code."),
                    "cost": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": max_price,
                    },
                },
            },
        },
    }


def _order_update_schema():
    return {
        "type": "object",
        "description": "Give a status, a tracking_number, or both.",
        "anyOf": [
            {"required": ["status"], "properties": {"status": {"type": "string"}}},
            {
                "required": ["tracking_number"],
                "properties": {
                    "tracking_number": {"type": "string", "pattern": _VISIBLE}
                },
            },
        ],
        "properties": {
            "status": {
                "type": ["string", "null"],
                "enum": [*API_STATUSES_PATCH, None],
            },
            "tracking_number": _text(bounds.TRACKING_LENGTH),
            "comment": _text(bounds.NOTE_LENGTH),
            "notify": {"type": "boolean", "default": False},
        },
        "additionalProperties": False,
    }


def openapi_document(
    max_quantity=100000.0,
    max_price=10_000_000_000.0,
    date_min="2000-01-01",
    date_days=365,
):
    """The OpenAPI document with the shop's limits (the defaults are the settings'
    defaults)."""
    document = copy.deepcopy(_DOCUMENT)
    schemas = document["components"]["schemas"]
    schemas["Customer"] = _customer_schema()
    schemas["OrderCreate"] = _order_create_schema(
        _number(max_quantity), _number(max_price), date_min, date_days
    )
    schemas["OrderUpdate"] = _order_update_schema()
    return document


def _number(value):
    return int(value) if float(value).is_integer() else value


OPENAPI = openapi_document()
