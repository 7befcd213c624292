"""Narrow ROMS's OpenAPI document to a shop's test data for ./setup/fuzz-api.

Reads the served document on stdin, writes it to stdout with the values a schema cannot
know made explicit: the fuzz integration's source, the SKUs given as the first argument
(products sold by the piece, so quantities are whole numbers), real Indonesian mobile
numbers of existing customers, order dates inside the shop's window. Every bound
of the document stays; what schemathesis then generates as valid must be accepted.
"""

import json
import sys

SOURCE = "roms-fuzz"  # the fuzz integration's (other sources get 403)
DATES = ["2026-01-15T10:00:00Z", "2025-06-01T08:30:00+07:00", None, ""]


def main():
    skus = [sku for sku in sys.argv[1].split(",") if sku]
    # the numbers of customers fuzz-api made: orders for them need no name
    phones = [phone for phone in sys.argv[2].split(",") if phone]
    doc = json.load(sys.stdin)
    schemas = doc["components"]["schemas"]
    create = schemas["OrderCreate"]["properties"]
    create["source"] = {"enum": [SOURCE, None, ""]}
    create["date_order"] = {"enum": DATES}
    line = create["lines"]["items"]["properties"]
    line["sku"] = {"enum": skus}
    line["quantity"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": line["quantity"]["maximum"],
    }
    shipping = create["shipping"]["properties"]
    shipping["courier"] = {"enum": ["jne", "sicepat", "JNT"]}
    customer = schemas["Customer"]
    customer["properties"]["phone"] = {"enum": phones}
    customer["properties"].pop("email", None)
    customer["properties"]["state"] = {"enum": ["Jawa Barat", "JB", None, ""]}
    customer["required"] = sorted({*customer.get("required", []), "phone"})
    json.dump(doc, sys.stdout)


if __name__ == "__main__":
    main()
