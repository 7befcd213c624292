"""OpenAPI 3.1 description of the order API, served at /api/v1/openapi.json."""

_ERROR_CODES = {
    "400": "Malformed JSON, a body that is not a JSON object, or a form "
    "Content-Type instead of application/json (codes `malformed_json`, "
    "`bad_request`, `unsupported_media_type`).",
    "401": "Missing, invalid, expired or revoked API key (code `unauthorized`).",
    "403": "The key's user is not in the ROMS API group (code `forbidden`).",
    "404": "No order with this external_id (code `not_found`).",
    "409": "Ambiguous external_id (give ?source=), a forbidden stage change, or a "
    "concurrent create still in progress (codes `ambiguous`, "
    "`invalid_transition`, `conflict`).",
    "413": "Body larger than the `roms_crm.api_max_body_bytes` system parameter "
    "(default 1 MB; code `payload_too_large`).",
    "422": "A field is missing or invalid; `field` names it, e.g. `lines[2].sku`, "
    "`customer.phone` (codes `required`, `invalid`, `unknown_sku`).",
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

_EXTERNAL_ID = {
    "name": "external_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 128},
    "description": "The order's id in the shop it came from.",
}
_SOURCE = {
    "name": "source",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "The source the order was created with; needed only when "
    "several sources use the same external_id.",
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "ROMS Order API",
        "version": "1.0.0",
        "description": "Push orders from web shops into ROMS (Odoo 18) and follow "
        "their fulfilment stage. Every request is one transaction: on any error "
        "nothing is written. Authenticate with an Odoo API key of a user in the "
        "ROMS API group: `Authorization: Bearer <key>`. The same key works as the "
        "password over Odoo's XML-RPC/JSON-RPC.",
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
            "Customer": {
                "type": "object",
                "description": "Matched by phone (normalised to E.164, read as "
                "Indonesian without a country code), then email; created when "
                "unknown (name then required). A phone or an email is required.",
                "properties": {
                    "name": {"type": "string"},
                    "phone": {"type": "string", "examples": ["0812-3456-7890"]},
                    "email": {"type": "string", "format": "email"},
                    "street": {"type": "string"},
                    "city": {"type": "string"},
                    "state": {
                        "type": "string",
                        "description": "Indonesian province, by name or code.",
                    },
                    "zip": {"type": "string"},
                    "category": {
                        "type": "string",
                        "enum": [
                            "lead",
                            "customer",
                            "reseller",
                            "dropshipper",
                            "agent",
                            "distributor",
                        ],
                        "default": "customer",
                    },
                },
            },
            "OrderCreate": {
                "type": "object",
                "required": ["external_id", "customer", "lines"],
                "properties": {
                    "external_id": {"type": "string", "maxLength": 128},
                    "source": {"type": "string", "maxLength": 128, "default": "api"},
                    "date_order": {
                        "type": "string",
                        "format": "date-time",
                        "description": "ISO 8601; without an offset it is UTC.",
                    },
                    "customer": {"$ref": "#/components/schemas/Customer"},
                    "lines": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 500,
                        "items": {
                            "type": "object",
                            "required": ["sku"],
                            "properties": {
                                "sku": {"type": "string"},
                                "quantity": {
                                    "type": "number",
                                    "exclusiveMinimum": 0,
                                    "default": 1,
                                },
                                "price_unit": {
                                    "type": "number",
                                    "minimum": 0,
                                    "description": "Defaults to the product's "
                                    "price for the customer.",
                                },
                            },
                        },
                    },
                    "status": {
                        "type": "string",
                        "enum": ["pending", "processed", "shipped", "delivered"],
                        "default": "processed",
                        "description": "`pending` leaves a quotation; the others "
                        "confirm the order and move it to that stage.",
                    },
                    "payment_status": {
                        "type": "string",
                        "enum": ["unpaid", "partial", "paid", "refunded"],
                    },
                    "payment_method": {
                        "type": "string",
                        "enum": ["cod", "bank_transfer", "ewallet", "marketplace"],
                    },
                    "note": {"type": "string"},
                },
            },
            "OrderUpdate": {
                "type": "object",
                "description": "Give a status, a tracking_number, or both.",
                "properties": {
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
                    "tracking_number": {"type": "string"},
                    "comment": {"type": "string"},
                    "notify": {"type": "boolean", "default": False},
                },
            },
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
                    "currency": {"type": "string"},
                    "amount_untaxed": {"type": "number"},
                    "amount_tax": {"type": "number"},
                    "amount_total": {"type": "number"},
                    "note": {"type": ["string", "null"]},
                    "customer": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "name": {"type": "string"},
                            "phone": {"type": ["string", "null"]},
                            "email": {"type": ["string", "null"]},
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
