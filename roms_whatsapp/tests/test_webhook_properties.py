"""Property tests of the webhook (issue 15): bodies of each provider in their
documented shapes but with hostile values (far, negative, NaN timestamps; NUL,
unicode and oversized texts; wrong types; missing and unknown keys; batches mixing
good and bad events), correctly signed and POSTed to the real route.

Whatever the body, the answer is 200 or 4xx, never 500; everything stored reads
back (``read_group`` by day works, dates within now ± 1 day, texts without NUL and
at most 4,096 characters); the good events of a batch are stored exactly once,
replays included."""

import itertools
import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WhatsappCase

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LOGGERS = (
    "odoo.addons.roms_whatsapp.tools.wa_provider",
    "odoo.addons.roms_whatsapp.controllers.main",
    "odoo.addons.roms_whatsapp.models.roms_whatsapp_account",
)
SEQUENCE = itertools.count(1)

# -- values ---------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=8), children, max_size=3),
    ),
    max_leaves=8,
)
hostile_timestamps = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    st.sampled_from([253402300799, -62135596800, 0, "253402300799", "-1"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400", "", "kemarin"]),
    json_values,
)
hostile_texts = st.one_of(
    st.text(max_size=60),
    st.text(
        alphabet=st.sampled_from("a\x00\x07\x1b\u202e\u2028\ufeff😀é"), max_size=40
    ),
    st.integers(min_value=4000, max_value=9000).map(lambda n: "k" * n),
    st.just("\ud800 lone surrogate"),
)
bad_ids = st.one_of(
    st.dictionaries(st.text(max_size=5), json_scalars, min_size=1, max_size=2),
    st.lists(st.text(max_size=5), min_size=1, max_size=2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.integers(min_value=129, max_value=400).map(lambda n: "w" * n),
)
numbers = st.integers(min_value=10**9, max_value=10**13).map(lambda n: f"62{n}")
extra_keys = st.dictionaries(
    st.text(min_size=1, max_size=8).filter(
        lambda k: (
            k
            not in (
                "id",
                "from",
                "type",
                "text",
                "timestamp",
                "status",
                "body",
                "sender",
                "url",
                "hasMedia",
                "media",
                "fromMe",
                "state",
                "stateid",
                "inboxid",
                "message",
                "member",
                "key",
            )
        )
    ),
    json_values,
    max_size=2,
)


def encode(payload):
    """JSON as a provider would send it (NaN and Infinity become literals, which
    no provider sends: the webhook refuses such a body with 400)."""
    return json.dumps(payload).encode()


def strict_json(body):
    def refuse(name):
        raise ValueError(name)

    try:
        json.loads(body, parse_constant=refuse)
    except ValueError:
        return False
    return True


@tagged("post_install", "-at_install")
class TestWebhookProperties(WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create(
            {"name": "Sari", "mobile": "+6281234567701", "roms_category": "customer"}
        )
        Message = cls.env["roms.message"]
        cls.sent = {}
        for account in (cls.meta_account, cls.waha_account, cls.fonnte_account):
            cls.sent[account.id] = Message.create(
                [
                    {
                        "partner_id": partner.id,
                        "channel": "whatsapp",
                        "kind": "chat",
                        "body": "Halo",
                        "state": "sent",
                        "provider_message_id": f"out.{account.provider}.{index}",
                        "roms_wa_account_id": account.id,
                    }
                    for index in range(3)
                ]
            )

    # -- helpers ----------------------------------------------------------------

    def post(self, account, body, headers, query=""):
        self.env.flush_all()
        response = self.url_open(
            self.webhook_url(account, query), data=body, headers=headers, timeout=30
        )
        self.env.invalidate_all()
        self.assertNotEqual(response.status_code, 500, response.text[:500])
        self.assertLess(response.status_code, 500, response.text[:500])
        return response

    def assert_readable(self, account, good_ids):
        now = fields.Datetime.now()
        lower, upper = (
            now - timedelta(days=1, minutes=5),
            now + timedelta(days=1, minutes=5),
        )
        inbound = self.inbound(account)
        inbound.read(["provider_message_id", "payload", "state"])
        for row in inbound:
            payload = row.payload
            moment = fields.Datetime.to_datetime(payload["timestamp"])
            self.assertTrue(lower <= moment <= upper, moment)
            for key in ("body", "profile_name", "number"):
                self.assertIsInstance(payload[key], str)
                self.assertNotIn("\x00", payload[key])
            self.assertLessEqual(len(payload["body"]), 4096)
            self.assertLessEqual(len(payload["profile_name"]), 128)
            self.assertLessEqual(len(row.provider_message_id), 128)
        for message_id in good_ids:
            self.assertEqual(
                len(
                    inbound.filtered(lambda r, i=message_id: r.provider_message_id == i)
                ),
                1,
                message_id,
            )
        messages = self.sent[account.id]
        messages.read(["state", "sent_at", "delivered_at", "read_at", "error_message"])
        for message in messages:
            for moment in (message.sent_at, message.delivered_at, message.read_at):
                self.assertTrue(not moment or lower <= moment <= upper, moment)
        self.env["roms.message"].read_group(
            [("id", "in", messages.ids)],
            ["sent_at"],
            ["sent_at:day", "read_at:day"],
            lazy=False,
        )

    # -- Meta -------------------------------------------------------------------

    @st.composite
    def meta_batches(draw):
        good, messages, contacts, statuses = [], [], [], []
        for _index in range(draw(st.integers(min_value=0, max_value=4))):
            number = draw(numbers)
            name = draw(st.one_of(hostile_texts, json_values))
            contacts.append({"profile": {"name": name}, "wa_id": number})
            message = {
                "from": number,
                "timestamp": draw(hostile_timestamps),
                "type": "text",
                "text": {"body": draw(hostile_texts)},
                **draw(extra_keys),
            }
            if draw(st.booleans()):
                message["id"] = f"wamid.prop.{next(SEQUENCE)}"
                good.append(message["id"])
            else:
                message["id"] = draw(bad_ids)
            if draw(st.integers(0, 9)) == 0:
                del message["timestamp"]
            messages.append(message)
        if draw(st.booleans()):
            messages.insert(0, draw(json_values))
        for _index in range(draw(st.integers(min_value=0, max_value=3))):
            statuses.append(
                {
                    "id": draw(
                        st.one_of(
                            st.sampled_from([f"out.meta.{i}" for i in range(3)]),
                            bad_ids,
                        )
                    ),
                    "status": draw(
                        st.one_of(
                            st.sampled_from(["sent", "delivered", "read", "failed"]),
                            json_values,
                        )
                    ),
                    "timestamp": draw(hostile_timestamps),
                    "recipient_id": "6281234567701",
                    **draw(extra_keys),
                }
            )
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"phone_number_id": "1234567890"},
            "contacts": contacts,
            "messages": messages,
            "statuses": statuses,
        }
        for key in draw(st.sets(st.sampled_from(["contacts", "messages", "statuses"]))):
            if not value[key]:
                del value[key]
        payload = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
            **draw(extra_keys),
        }
        return payload, good

    @SETTINGS
    @given(meta_batches())
    def test_meta_hostile_batches(self, batch):
        payload, good = batch
        body = encode(payload)
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": self.meta.sign(body),
        }
        with mute_logger(*LOGGERS):
            first = self.post(self.meta_account, body, headers)
            replay = self.post(self.meta_account, body, headers)
        if strict_json(body):
            self.assertEqual((first.status_code, replay.status_code), (200, 200))
            self.assert_readable(self.meta_account, good)
        else:
            self.assertEqual(first.status_code, 400)
            self.assert_readable(self.meta_account, [])

    # -- WAHA -------------------------------------------------------------------

    @st.composite
    def waha_events(draw):
        events, good = [], []
        for _index in range(draw(st.integers(min_value=1, max_value=3))):
            kind = draw(st.sampled_from(["message", "message.ack", "session.status"]))
            data = {**draw(extra_keys)}
            if kind == "message":
                data.update(
                    {
                        "from": draw(numbers) + "@c.us",
                        "fromMe": False,
                        "body": draw(hostile_texts),
                        "hasMedia": False,
                        "timestamp": draw(hostile_timestamps),
                        "_data": {
                            "notifyName": draw(st.one_of(hostile_texts, json_values))
                        },
                    }
                )
                if draw(st.booleans()):
                    data["id"] = f"false_{data['from']}_{next(SEQUENCE)}"
                    good.append(data["id"])
                else:
                    data["id"] = draw(
                        st.one_of(bad_ids, st.just({"_serialized": {"x": 1}}))
                    )
            elif kind == "message.ack":
                data.update(
                    {
                        "id": draw(
                            st.one_of(
                                st.sampled_from([f"out.waha.{i}" for i in range(3)]),
                                bad_ids,
                            )
                        ),
                        "ack": draw(st.one_of(st.integers(-2, 5), json_values)),
                        "timestamp": draw(hostile_timestamps),
                    }
                )
            else:
                data["status"] = draw(
                    st.one_of(st.sampled_from(["WORKING", "FAILED"]), json_values)
                )
            if not draw(st.integers(0, 9)):
                # the payload is not an object: no message in there
                if good and data.get("id") == good[-1]:
                    good.pop()
                data = draw(json_values)
            event = {
                "id": f"evt_{next(SEQUENCE)}",
                "event": kind,
                "session": "default",
                "payload": data,
                **draw(extra_keys),
            }
            if (
                not strict_json(encode(event))
                and isinstance(data, dict)
                and data.get("id") in good
            ):
                # a NaN or Infinity literal: the webhook refuses the body (400),
                # so its message is not expected
                good.remove(data["id"])
            events.append(event)
        return events, good

    @SETTINGS
    @given(waha_events())
    def test_waha_hostile_events(self, batch):
        events, good = batch
        with mute_logger(*LOGGERS):
            for event in events:
                body = encode(event)
                headers = {
                    "Content-Type": "application/json",
                    "X-Webhook-Hmac": self.waha.sign(body),
                    "X-Webhook-Hmac-Algorithm": "sha512",
                }
                for _attempt in range(2):  # the gateway retries
                    response = self.post(self.waha_account, body, headers)
                    self.assertEqual(
                        response.status_code, 200 if strict_json(body) else 400
                    )
        self.assert_readable(self.waha_account, good)

    # -- Fonnte -----------------------------------------------------------------

    @st.composite
    def fonnte_payloads(draw):
        payloads, good = [], []
        for _index in range(draw(st.integers(min_value=1, max_value=3))):
            encoding = draw(st.sampled_from(["json", "form"]))
            kind = draw(st.sampled_from(["message", "status", "device"]))
            if kind == "message":
                data = {
                    "device": "6281100000000",
                    "sender": draw(numbers),
                    "message": draw(hostile_texts),
                    "name": draw(hostile_texts),
                    "member": "",
                    "url": "",
                    "timestamp": draw(hostile_timestamps),
                }
                if draw(st.booleans()):
                    data["inboxid"] = f"{next(SEQUENCE)}"
                    good.append(data["inboxid"])
                else:
                    data["inboxid"] = draw(bad_ids)
            elif kind == "status":
                data = {
                    "device": "6281100000000",
                    "id": draw(
                        st.one_of(
                            st.sampled_from([f"out.fonnte.{i}" for i in range(3)]),
                            bad_ids,
                        )
                    ),
                    "stateid": "1",
                    "state": draw(
                        st.one_of(
                            st.sampled_from(["sent", "read", "failed"]), json_values
                        )
                    ),
                    "timestamp": draw(hostile_timestamps),
                }
            else:
                data = {"device": "6281100000000", "status": draw(json_values)}
            data.update(draw(extra_keys))
            if encoding == "form":
                # a form carries text: what JSON would have typed arrives as text
                data = {
                    key: (value if isinstance(value, str) else json.dumps(value))
                    .encode("utf-8", "replace")
                    .decode()
                    for key, value in data.items()
                }
                if kind == "message" and data["inboxid"] not in good:
                    data["inboxid"] = data["inboxid"][:0]  # no id: the body's hash
            elif not strict_json(encode(data)) and data.get("inboxid") in good:
                # a NaN or Infinity literal: the webhook refuses the body (400),
                # so its message is not expected
                good.remove(data["inboxid"])
            payloads.append((encoding, data))
        return payloads, good

    @SETTINGS
    @given(fonnte_payloads())
    def test_fonnte_hostile_payloads(self, batch):
        payloads, good = batch
        with mute_logger(*LOGGERS):
            for encoding, data in payloads:
                if encoding == "form":
                    body, headers = None, None
                else:
                    body = encode(data)
                    headers = {"Content-Type": "application/json"}
                for _attempt in range(2):
                    self.env.flush_all()
                    if encoding == "form":
                        response = self.url_open(
                            self.webhook_url(
                                self.fonnte_account, "?token=fonnte-secret"
                            ),
                            data=data,
                            timeout=30,
                        )
                        self.env.invalidate_all()
                        self.assertLess(response.status_code, 500, response.text[:500])
                    else:
                        response = self.post(
                            self.fonnte_account, body, headers, "?token=fonnte-secret"
                        )
                    if encoding == "form" or strict_json(body):
                        self.assertEqual(response.status_code, 200)
        self.assert_readable(self.fonnte_account, good)
