"""A real HTTP server on 127.0.0.1 that stands in for an outside service in tests.

``FakeServer`` runs a ``ThreadingHTTPServer`` on a random loopback port in a daemon
thread, records every request (``Recorded``), can be told to fail or redirect
(``fail_next``, ``redirect_next``) and leaves the answers to its subclass's
``handle(record)``, which returns ``(status, payload, headers)``: a dict or list
payload is sent as JSON. The provider fakes derive from it: Biteship
(``fake_biteship.py``) and, in roms_whatsapp, Meta Cloud API, WAHA and Fonnte.

Plain Python (no Odoo import): ``setup/shipping_screenshots.py`` imports it as a
top-level module.
"""

import json
import sys
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import requests


class Recorded:
    """One request received by a fake server."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body or b"null")

    def form(self):
        """Fields of a multipart/form-data or urlencoded body: {name: str or
        (filename, bytes, content type)}."""
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("multipart/"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + self.body
            )
            fields = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True)
                fields[name] = (
                    (filename, payload, part.get_content_type())
                    if filename
                    else payload.decode()
                )
            return fields
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def __repr__(self):
        return f"<{self.method} {self.path}>"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up (its timeout): nothing went wrong here
        super().handle_error(request, client_address)


class FakeServer:
    """A ThreadingHTTPServer on a random loopback port, in a daemon thread."""

    def __init__(self):
        self.requests = []
        self._failures = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = Recorded(
                    self.command,
                    parsed.path,
                    {k: v[0] for k, v in parse_qs(parsed.query).items()},
                    dict(self.headers.items()),
                    body,
                )
                with fake._lock:
                    fake.requests.append(record)
                status, payload, headers = fake._scripted(record) or fake.handle(record)
                if isinstance(payload, (dict, list)):
                    data = json.dumps(payload).encode()
                    headers = {"Content-Type": "application/json", **(headers or {})}
                else:
                    data = payload or b""
                try:
                    self.send_response(status)
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except ConnectionError:
                    # the client gave up first (a scripted delay past its
                    # timeout): what it would have read is of no interest
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- scripting -------------------------------------------------------------

    def fail_next(
        self, status, payload, path_contains="", times=1, delay=0, headers=None
    ):
        """Answer the next ``times`` requests whose path contains
        ``path_contains`` with ``status``, ``payload`` and ``headers`` (after
        ``delay`` s)."""
        with self._lock:
            self._failures.append(
                [path_contains, times, status, payload, delay, headers]
            )

    def _scripted(self, record):
        with self._lock:
            for failure in self._failures:
                path_contains, times, status, payload, delay, headers = failure
                if path_contains in record.path and times > 0:
                    failure[1] -= 1
                    if failure[1] <= 0:
                        self._failures.remove(failure)
                    break
            else:
                return None
        if delay:
            time.sleep(delay)
        return status, payload, headers

    def redirect_next(self, location, path_contains="", status=302):
        """Redirect the next request whose path contains ``path_contains``."""
        self.fail_next(status, b"", path_contains, headers={"Location": location})

    def handle(self, record):
        raise NotImplementedError

    def sent(self, path_contains=""):
        """The POST requests received on a path containing ``path_contains``."""
        return [
            r for r in self.requests if r.method == "POST" and path_contains in r.path
        ]

    @staticmethod
    def post(url, body, headers, timeout=30):
        return requests.post(url, data=body, headers=headers, timeout=timeout)
