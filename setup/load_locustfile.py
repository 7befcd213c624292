"""Locust users of ./setup/load, one class per scenario. Runs in .venv-load/ (locust's
own virtualenv), never in Odoo's: it imports nothing of Odoo or ROMS.

Everything a user needs (database, API key, WhatsApp account and its app secret,
logins, customers, products) comes from the JSON file named by ROMS_LOAD_CONFIG,
written by ``load_runner.py prepare``. Every user sends its next request as soon
as the previous one is answered (no think time): the figures are the server's
capacity with that many clients, not a model of real visitors.
"""

import hashlib
import hmac
import itertools
import json
import os
import random
import time
import uuid
import xmlrpc.client

from locust import FastHttpUser, constant, task

with open(os.environ["ROMS_LOAD_CONFIG"], encoding="utf-8") as _file:
    CONFIG = json.load(_file)

RUN = uuid.uuid4().hex[:10]  # external ids and message ids unique across runs
_COUNTER = itertools.count(1)
JSON_HEADERS = {"Content-Type": "application/json"}


def next_id():
    return f"{RUN}-{next(_COUNTER)}"


def jsonrpc(params):
    return {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}


class RomsUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def check_jsonrpc(self, response):
        """A JSON-RPC answer is a failure when it carries an error, whatever its
        HTTP status."""
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
            return None
        try:
            answer = response.json()
        except ValueError:
            response.failure("no JSON answer")
            return None
        if "error" in answer:
            error = answer["error"].get("data", {}).get("message") or answer["error"]
            response.failure(f"JSON-RPC error: {str(error)[:200]}")
            return None
        response.success()
        return answer.get("result")

    def post_body(self, path, body, name, headers=None):
        with self.client.post(
            path,
            data=body,
            headers={"Content-Type": "application/json", **(headers or {})},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def login(self, login, password):
        """An Odoo web session (session cookie kept by the client)."""
        with self.client.post(
            "/web/session/authenticate",
            json=jsonrpc({"db": CONFIG["db"], "login": login, "password": password}),
            name="login",
            catch_response=True,
        ) as response:
            result = self.check_jsonrpc(response)
            if not result or not result.get("uid"):
                response.failure(f"login of {login} failed")


class FloorUser(RomsUser):
    """Odoo's trivial JSON route: the floor of any request to this server."""

    @task
    def version_info(self):
        with self.client.post(
            "/web/webclient/version_info",
            json=jsonrpc({}),
            name="floor: /web/webclient/version_info",
            catch_response=True,
        ) as response:
            self.check_jsonrpc(response)


def meta_message_body():
    """A Meta Cloud API webhook of a new text message from one of 100,000 numbers."""
    number = f"62819{random.randrange(10_000_000):08d}"
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"phone_number_id": CONFIG["phone_number_id"]},
            "contacts": [{"profile": {"name": "Budi"}, "wa_id": number}],
            "messages": [{
                "from": number,
                "id": f"wamid.load.{next_id()}",
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": "Halo kak, kopi gayo masih ada?"},
            }],
        }}]}],
    }
    return json.dumps(payload).encode()


class WebhookUser(RomsUser):
    """Signed inbound Meta Cloud API webhooks, each a new text message from one
    of 100,000 numbers: signature checked, de-duplicated, queued for the cron."""

    @task
    def inbound_message(self):
        body = meta_message_body()
        signature = hmac.new(CONFIG["app_secret"].encode(), body, hashlib.sha256)
        self.post_body(
            f"/roms/whatsapp/webhook/{CONFIG['account_id']}",
            body,
            "webhook: signed WhatsApp message",
            {"X-Hub-Signature-256": f"sha256={signature.hexdigest()}"},
        )


class ReferencePostUser(RomsUser):
    """The webhook's request, unsigned, to a writable route of tests/roms_load_floor
    that writes nothing: Odoo's read-write request cycle alone."""

    @task
    def post(self):
        self.post_body("/roms_load/post", meta_message_body(), "post: /roms_load/post")


class ReferenceWriteUser(RomsUser):
    """The webhook's request, unsigned, to a route that stores one small row and
    commits: the least a durable webhook costs in Odoo."""

    @task
    def write(self):
        self.post_body("/roms_load/write", meta_message_body(), "write: /roms_load/write")


def order_lines(index):
    """Three lines of the bench's products, the quantities varying with index."""
    products = CONFIG["products"]
    return [
        (product_id, sku, 1 + (index + n) % 3)
        for n, (product_id, sku) in enumerate(products[index % 3 :: 3])
    ]


class OrderApiUser(RomsUser):
    """POST /api/v1/orders: an existing customer matched by phone, three lines by
    SKU, created and confirmed (status processed)."""

    @task
    def post_order(self):
        index = random.randrange(len(CONFIG["customers"]))
        _partner_id, phone = CONFIG["customers"][index]
        body = {
            "external_id": f"LOAD-{next_id()}",
            "source": CONFIG["api_source"],
            "status": "processed",
            "customer": {"name": "Pelanggan Load", "phone": phone},
            "lines": [{"sku": sku, "quantity": qty} for _id, sku, qty in order_lines(index)],
        }
        with self.client.post(
            "/api/v1/orders",
            data=json.dumps(body),
            headers={**JSON_HEADERS, "Authorization": f"Bearer {CONFIG['api_key']}"},
            name="order API: POST /api/v1/orders",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")


class XmlRpcOrderUser(RomsUser):
    """The same order through Odoo's XML-RPC, the way an integration without
    ROMS's API does it: sale.order create, then action_confirm (two calls, timed
    together as one order; the partner and product ids are given for free)."""

    def _call(self, method, args, name):
        body = xmlrpc.client.dumps(
            (CONFIG["db"], CONFIG["api_uid"], CONFIG["api_key"], "sale.order", method, args),
            "execute_kw",
            allow_none=True,
        )
        with self.client.post(
            "/xmlrpc/2/object",
            data=body.encode(),
            headers={"Content-Type": "text/xml"},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                (result,), _method = xmlrpc.client.loads(response.content)
            except xmlrpc.client.Fault as fault:
                response.failure(f"fault: {fault.faultString[-200:]}")
                return None
            return result

    @task
    def create_confirm(self):
        index = random.randrange(len(CONFIG["customers"]))
        partner_id, _phone = CONFIG["customers"][index]
        started = time.perf_counter()
        order_id = self._call(
            "create",
            [{
                "partner_id": partner_id,
                "client_order_ref": f"LOAD-RPC-{next_id()}",
                "order_line": [
                    (0, 0, {"product_id": product_id, "product_uom_qty": qty})
                    for product_id, _sku, qty in order_lines(index)
                ],
            }],
            "xmlrpc: sale.order create",
        )
        exception = None
        if order_id is None:
            exception = RuntimeError("create failed")
        elif self._call("action_confirm", [[order_id]], "xmlrpc: action_confirm") is None:
            exception = RuntimeError("confirm failed")
        self.environment.events.request.fire(
            request_type="XMLRPC",
            name="xmlrpc: create + confirm (one order)",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=exception,
            context={},
        )


class PortalUser(RomsUser):
    """A reseller logged in on the portal, browsing the catalogue page by page."""

    def on_start(self):
        self.login(CONFIG["reseller_login"], CONFIG["reseller_password"])

    @task
    def catalogue(self):
        page = random.randrange(1, CONFIG["catalog_pages"] + 1)
        path = "/my/catalog" if page == 1 else f"/my/catalog/page/{page}"
        with self.client.get(
            path, name="portal: /my/catalog[/page/N]", catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 200 or "/web/login" in response.text[:2000]:
                response.failure(f"HTTP {response.status_code}")


class DashboardUser(RomsUser):
    """The owner's dashboard: its one data call, as the client makes it on opening
    and every refresh (30-day chart)."""

    def on_start(self):
        self.login(CONFIG["admin_login"], CONFIG["admin_password"])

    @task
    def dashboard_data(self):
        with self.client.post(
            "/web/dataset/call_kw/roms.dashboard/get_dashboard_data",
            json=jsonrpc({
                "model": "roms.dashboard",
                "method": "get_dashboard_data",
                "args": [],
                "kwargs": {"days": 30},
            }),
            name="dashboard: get_dashboard_data",
            catch_response=True,
        ) as response:
            self.check_jsonrpc(response)
