"""What the endpoints that strangers post to share: a body size limit set by a
system parameter, applied before anything reads the body."""

from odoo.http import request

DEFAULT_MAX_BODY = 1024 * 1024
MIN_MAX_BODY = 1024


def max_body(param, default=DEFAULT_MAX_BODY):
    """The largest body accepted: the system parameter ``param`` (``default``
    without it), at least 1 KB."""
    limit = request.env["ir.config_parameter"]._roms_param(param, default)
    return max(limit, MIN_MAX_BODY)


def read_limit(param, default=DEFAULT_MAX_BODY):
    """A route's ``max_content_length``: what Werkzeug may read of a body. A
    larger Content-Length is refused at once; a body without one (chunked) is
    read one byte beyond the limit at most, which tells a body too large."""

    def limit(_controller):
        return max_body(param, default) + 1

    return limit


def read_body(httprequest, limit):
    """The raw body of ``httprequest``, or None when it is larger than
    ``limit`` bytes (announced or read)."""
    length = httprequest.content_length
    if length is not None and length > limit:
        return None
    raw_body = httprequest.get_data(cache=True)
    if len(raw_body) > limit or (
        length is None and getattr(httprequest.stream, "is_exhausted", False)
    ):
        return None
    return raw_body
