"""./setup/cluster's WhatsApp provider (setup/cluster_fake.py) is roms_whatsapp's
fake WAHA run as a process of its own, loaded by path without Odoo: it must keep
starting when the fakes it is built from change (the cluster scenario itself is too
long for ./setup/test)."""

import json
import subprocess
import sys
from pathlib import Path

import requests

from odoo.tests import BaseCase, tagged

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "setup" / "cluster_fake.py"


@tagged("post_install", "-at_install")
class TestClusterFake(BaseCase):
    def test_serves_and_counts_each_recipient(self):
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--api-key", "k3y", "--webhook-secret", "s"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(process.wait, 30)
        self.addCleanup(process.kill)
        line = process.stdout.readline()
        self.assertTrue(
            line, process.stderr.read() if process.poll() is not None else ""
        )
        url = json.loads(line)["url"]
        headers = {"X-Api-Key": "k3y"}
        body = {"session": "default", "chatId": "6281234567001@c.us", "text": "Halo"}
        for _ in range(2):
            sent = requests.post(
                f"{url}/api/sendText", json=body, headers=headers, timeout=10
            )
            self.assertEqual(sent.status_code, 201, sent.text)
        refused = requests.post(f"{url}/api/sendText", json=body, timeout=10)
        self.assertEqual(refused.status_code, 401)
        counts = requests.get(f"{url}/_cluster/counts", headers=headers, timeout=10)
        self.assertEqual(counts.json(), {"6281234567001@c.us\tHalo": 2})
