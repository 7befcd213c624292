"""One small HTTP client pinned to the host of an outside API.

Plain Python, no ORM. The clients of outside services (Biteship in
``biteship.py``, the WhatsApp gateways in ``roms_whatsapp/tools``) send their
requests through ``PinnedHttpClient``, built from the API's base URL and the
headers that carry its credentials. ``request`` sends to a *path* of that base
URL, with the credentials, and:

- takes paths, never full URLs: anything but a path (``/…``) is refused
  (``bad_url``) before anything is sent;
- follows no redirect: a 3xx answer is refused (``redirect``), the next request
  would carry the credentials to wherever it points;
- reads at most ``max_response_bytes`` of the answer (``too_large``);
- gives up after ``timeout`` seconds (``timeout``); any other transport failure
  is ``connection``.

Each failure is an ``HttpClientError`` carrying one of these codes, ``temporary``
for timeouts and connection failures; every service's client turns it into its
own error, with its own message. An HTTP error status is an answer, not a
failure: the response is returned and the service's client reads it.

``send`` is the bare exchange with a full URL (a media file a gateway links to):
it adds no credentials and follows no redirect, the caller decides what a host
is sent.
"""

import requests

DEFAULT_TIMEOUT = 20
#: the largest answer read by default (JSON answers of the APIs are kilobytes)
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
_CHUNK_BYTES = 65536


class HttpClientError(Exception):
    """A request that was refused or failed before an answer was read.

    ``code``: ``bad_url``, ``redirect``, ``too_large``, ``timeout`` or
    ``connection``; ``temporary``: worth retrying later (timeouts, connection
    failures); ``cause``: the name of the transport exception, if any."""

    def __init__(self, code, temporary=False, cause=""):
        super().__init__(f"{code} ({cause})" if cause else code)
        self.code = code
        self.temporary = temporary
        self.cause = cause


class PinnedHttpClient:
    """Requests to the paths of one base URL, its credentials sent nowhere else.

    :param base_url: the API's base URL (a path prefix is kept)
    :param credentials: headers sent with every ``request`` (and only there)
    :param timeout: seconds, for connecting and for each read
    :param max_response_bytes: the largest answer ``request`` reads
    """

    def __init__(
        self,
        base_url,
        credentials=None,
        timeout=DEFAULT_TIMEOUT,
        max_response_bytes=MAX_RESPONSE_BYTES,
    ):
        self.base_url = (base_url or "").rstrip("/")
        self.credentials = dict(credentials or {})
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes

    def url(self, path):
        """The full URL of ``path`` (``/v1/…``) under the base URL: what follows
        the base URL's host after a ``/`` cannot name another host.

        :raises HttpClientError: ``bad_url``, not a path."""
        if not isinstance(path, str) or not path.startswith("/"):
            raise HttpClientError("bad_url")
        return self.base_url + path

    def request(self, method, path, headers=None, **kwargs):
        """Send ``method`` to ``path`` of the base URL with the credentials (and
        ``headers``; ``kwargs`` go to ``requests``: ``json``, ``data``,
        ``files``, ``params``); return the response, its body read (at most
        ``max_response_bytes``), whatever its status.

        :raises HttpClientError: see the module's docstring."""
        url = self.url(path)
        response = self.send(
            method, url, {**self.credentials, **(headers or {})}, stream=True, **kwargs
        )
        if response.is_redirect:
            response.close()
            raise HttpClientError("redirect")
        body = self._read(response)
        # the body as requests would have kept it: .content, .text, .json() read it
        response._content = body
        return response

    def send(self, method, url, headers, **kwargs):
        """One HTTP exchange with ``url`` as given: ``headers`` only, no
        redirect followed, the client's timeout; transport failures raised as
        ``HttpClientError`` (``timeout``, ``connection``)."""
        try:
            return requests.request(
                method,
                url,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as error:
            raise self._transport_error(error) from error

    def _read(self, response):
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK_BYTES):
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise HttpClientError("too_large")
                chunks.append(chunk)
        except requests.RequestException as error:
            raise self._transport_error(error) from error
        finally:
            response.close()
        return b"".join(chunks)

    @staticmethod
    def _transport_error(error):
        code = "timeout" if isinstance(error, requests.Timeout) else "connection"
        return HttpClientError(code, temporary=True, cause=type(error).__name__)
