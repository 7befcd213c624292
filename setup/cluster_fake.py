"""The WhatsApp provider of ./setup/cluster: roms_whatsapp's fake WAHA
(roms_whatsapp/tests/fake_providers.py) served on loopback as a process of its own,
which counts the messages it accepts per recipient and text.

    .venv/bin/python setup/cluster_fake.py --api-key KEY --webhook-secret SECRET

Prints one JSON line ``{"url": …}`` once it listens, then serves until killed.
Besides WAHA's API it answers:

    GET  /_cluster/counts     {"chatId\\ttext": count} of every message accepted
    POST /_cluster/delay      {"seconds": s}: answer every send after s seconds
                              (a provider slow enough to kill Odoo mid-send)
"""

import argparse
import importlib.util
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAKES = ROOT / "roms_whatsapp" / "tests" / "fake_providers.py"
FAKE_SERVER = ROOT / "roms_crm" / "tests" / "fake_server.py"


def load_by_path(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_fakes():
    # by path: the fakes need only requests, not Odoo (their shared loopback
    # server first, under the name they import it by)
    load_by_path("odoo.addons.roms_crm.tests.fake_server", FAKE_SERVER)
    return load_by_path("roms_fake_providers", FAKES)


def counting_waha(fakes):
    class CountingWaha(fakes.FakeWaha):
        def __init__(self, *args, **kwargs):
            self.counts = Counter()
            self.delay = 0.0
            self.count_lock = threading.Lock()
            super().__init__(*args, **kwargs)

        def handle(self, record):
            if record.path == "/_cluster/counts":
                with self.count_lock:
                    counts = {"\t".join(key): n for key, n in self.counts.items()}
                # the recorded requests are not needed: keep the memory flat
                self.requests.clear()
                return 200, counts, None
            if record.path == "/_cluster/delay":
                self.delay = float(record.json.get("seconds") or 0)
                return 200, {"delay": self.delay}, None
            return super().handle(record)

        def _send(self, record, endpoint):
            status, payload, headers = super()._send(record, endpoint)
            if status < 300:
                body = record.json
                # counted when accepted, before the (slow) answer: a sender killed
                # while waiting has reached the customer
                with self.count_lock:
                    self.counts[(body["chatId"], body.get("text") or "")] += 1
                if self.delay:
                    time.sleep(self.delay)
            return status, payload, headers

    return CountingWaha


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--webhook-secret", required=True)
    args = parser.parse_args()
    fake = counting_waha(load_fakes())(
        api_key=args.api_key, webhook_secret=args.webhook_secret
    )
    fake.connect("default")
    print(json.dumps({"url": fake.url}), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
