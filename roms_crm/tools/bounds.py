"""Bounds on every value that enters ROMS from outside.

One function per kind of value, used alike by the order API, the customer import, the
portal forms and the WhatsApp webhooks, so that a value refused by one entry point is
refused by all of them and nothing is ever stored that Python cannot read back
(``datetime`` stops at year 9999, PostgreSQL's ``numeric`` accepts what ``float`` then
renders as ``2.5e+34``).

The functions are plain Python: they take the limits as arguments (the ``roms.bounds``
model reads them from the settings) and raise :class:`BoundsError`, whose ``message``
is lazily translated, whose ``field`` names the offending input and whose ``code`` is
the machine-readable reason the order API reports.
"""

import io
import json
import math
import re
import unicodedata
import warnings
from datetime import date, datetime, time, timedelta, timezone

from PIL import Image

from odoo.tools import float_is_zero, float_round
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__, default_lang="en_US")

# Text lengths (characters) per kind of text.
NAME_LENGTH = 128
IDENTIFIER_LENGTH = 128
TRACKING_LENGTH = 64
NOTE_LENGTH = 2000
CHAT_LENGTH = 4096
EMAIL_LENGTH = 254  # RFC 5321's path limit
PHONE_LENGTH = 32
STREET_LENGTH = 256
ZIP_LENGTH = 16
# Photos sent with a form (a refund request's pictures of the damaged goods): how
# many, how big each file, how many pixels, and the image formats taken (by their
# content, never by the name or the type the browser gives).
PHOTO_COUNT = 5
PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_PIXELS = 40_000_000
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# What a portal form's text fields may add to its files in a request body: every
# text within its bound, with room for the multipart envelope.
FORM_BYTES = 1024 * 1024
# Nesting depth of a JSON document from outside (objects and arrays).
JSON_DEPTH = 32

# C0 and C1 control characters and the other invisible troublemakers. Tab, line feed
# and carriage return stay in multi-line text. Lone surrogates (JSON's "\ud800" decodes
# to one, and PostgreSQL refuses it) become the replacement character.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# The bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) make a text display in another order than it is written: "Budi
# <U+202E>4321-DRO" reads "Budi ORD-1234". The marks U+200E/U+200F only give
# neutral characters a direction and stay.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


class BoundsError(ValueError):
    """A value out of bounds: ``message`` (lazily translated), ``field`` (the input's
    name, or None) and ``code`` (``invalid``, ``required``, ``too_long``,
    ``out_of_range``)."""

    def __init__(self, message, field=None, code="invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self):
        return str(self.message)


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


def clean_text(
    value,
    limit,
    field=None,
    *,
    multiline=False,
    required=False,
    label=None,
    name=False,
):
    """``value`` as text: NUL and other control characters removed, stripped, at
    most ``limit`` characters. ``False`` for an empty value unless ``required``.
    With ``name`` (a name that came from outside and that the shop reads in its
    lists: a customer's, a recipient's), without the bidirectional controls of
    :func:`without_bidi_controls` too; free texts (notes, reasons, reviews) keep
    them.

    :raises BoundsError: not a string, empty when required, or too long.
    """
    label = label or field or _lt("The text")
    if value is None or value is False:
        value = ""
    if not isinstance(value, str):
        raise BoundsError(_lt("%(field)s must be text.", field=label), field)
    too_long = BoundsError(
        _lt(
            "%(field)s is too long: at most %(limit)s characters.",
            field=label,
            limit=limit,
        ),
        field,
        "too_long",
    )
    # as sent: what the client counts (and the OpenAPI maxLength) is the raw text
    if len(value) > limit:
        raise too_long
    if name:
        value = without_bidi_controls(value)
    pattern = _CONTROL_MULTI_LINE if multiline else _CONTROL_SINGLE_LINE
    value = _SURROGATE.sub("\ufffd", pattern.sub("" if multiline else " ", value))
    # Unicode normalisation keeps look-alike compositions from counting twice.
    value = unicodedata.normalize("NFC", value).strip()
    if not multiline:
        value = re.sub(r" {2,}", " ", value)
    if not value:
        if required:
            raise BoundsError(
                _lt("%(field)s is required.", field=label), field, "required"
            )
        return False
    if len(value) > limit:  # NFC may lengthen a text
        raise too_long
    return value


def without_bidi_controls(value):
    """``value`` (a name that came from outside: a WhatsApp profile, a file
    name) without the bidirectional controls that would show it reversed
    ("RLO spoofing": a name reading as an order number or as another customer,
    "nota<U+202E>fdp.exe" as "notaexe.pdf"). A customer's message keeps them: its
    text is theirs, shown as theirs. Other values are returned as they are."""
    return _BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


def printable(value, limit):
    """``value`` (text from outside, e.g. an unknown field's name) fit to quote in
    an answer: control characters and lone surrogates (which no UTF-8 answer can
    carry) as U+FFFD, at most ``limit`` characters."""
    return _SURROGATE.sub("\ufffd", _CONTROL_SINGLE_LINE.sub("\ufffd", value[:limit]))


def storable_text(value):
    """``value`` (text) as PostgreSQL stores it, in a text or a jsonb column:
    without NUL and with lone surrogates replaced. Nothing else is changed: for
    texts kept as they came (a webhook's document), not for fields people use."""
    return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------


def finite_number(value, field=None, *, label=None, parse=False):
    """``value`` as a finite float. Booleans, NaN and infinities are refused; with
    ``parse`` a string is read as a number too ("2", "2.5", "2,5")."""
    label = label or field or _lt("The number")
    if parse and isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise BoundsError(_lt("%(field)s must be a number.", field=label), field)
        value = float(text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BoundsError(_lt("%(field)s must be a number.", field=label), field)
    try:
        value = float(value)
    except OverflowError as error:  # an int beyond float's range
        raise BoundsError(
            _lt("%(field)s is out of range.", field=label), field, "out_of_range"
        ) from error
    if not math.isfinite(value):
        raise BoundsError(_lt("%(field)s must be a finite number.", field=label), field)
    return value


_CURRENCY_PREFIX = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)


def typed_amount(value, thousands_sep, decimal_point):
    """An amount of money as a person types it in a language that groups
    thousands with ``thousands_sep`` and writes decimals after ``decimal_point``
    (in Indonesian "Rp 1.149.000", "150.000,50", "2,5"), as ``finite_number``
    reads it ("1149000", "150000.50", "2.5"). A currency prefix (Rp, IDR) is
    dropped; anything not written that way is returned as typed, for
    ``finite_number`` to read ("1149000") or refuse ("1.149.00"), never to
    misread "150.000" as 150."""
    if not isinstance(value, str):
        return value
    decimal_point = decimal_point or "."
    text = _CURRENCY_PREFIX.sub("", value.strip(), count=1).strip()
    sep, point = re.escape(thousands_sep or ""), re.escape(decimal_point)
    grouped = sep and re.fullmatch(
        rf"(\d{{1,3}}(?:{sep}\d{{3}})+)(?:{point}(\d+))?", text
    )
    if grouped:
        whole, cents = grouped.groups()
        return whole.replace(thousands_sep, "") + (f".{cents}" if cents else "")
    if re.fullmatch(rf"\d+{point}\d+", text):
        return text.replace(decimal_point, ".")
    return text


def check_quantity(
    value, maximum, field=None, *, rounding=None, whole_ratio=None, label=None
):
    """A quantity: finite, above zero, at most ``maximum``, and valid for the unit of
    measure's ``rounding`` (a quantity that rounds to zero is refused; for a unit
    whose rounding is 1 or more only whole multiples are accepted). With
    ``whole_ratio`` (reference units per unit, e.g. 12 for Dozens of Units) the
    quantity must come to a whole number of reference units: no half pieces.

    :return: the quantity, rounded to the unit's precision.
    """
    label = label or field or _lt("The quantity")
    quantity = finite_number(value, field, label=label, parse=isinstance(value, str))
    if quantity <= 0:
        raise BoundsError(
            _lt("%(field)s must be more than 0.", field=label), field, "out_of_range"
        )
    _at_most(quantity, maximum, field, label)
    if rounding:
        rounded = float_round(quantity, precision_rounding=rounding)
        if float_is_zero(rounded, precision_rounding=rounding):
            raise BoundsError(
                _lt(
                    "%(field)s is below the unit's smallest step (%(step)s).",
                    field=label,
                    step=_num(rounding),
                ),
                field,
                "out_of_range",
            )
        if rounding >= 1 and not math.isclose(rounded, quantity, abs_tol=1e-9):
            raise BoundsError(
                _lt(
                    "%(field)s must be a whole number of this unit.",
                    field=label,
                ),
                field,
            )
        quantity = rounded
    if whole_ratio:
        pieces = quantity * whole_ratio
        if not math.isclose(pieces, round(pieces), abs_tol=1e-6):
            raise BoundsError(
                _lt("%(field)s must be a whole number of pieces.", field=label),
                field,
            )
    return quantity


def check_amount(value, maximum, field=None, *, label=None, parse=False):
    """A price or an amount of money: finite, 0 ≤ value ≤ ``maximum``."""
    label = label or field or _lt("The amount")
    amount = finite_number(value, field, label=label, parse=parse)
    if amount < 0:
        raise BoundsError(
            _lt("%(field)s must be 0 or more.", field=label), field, "out_of_range"
        )
    _at_most(amount, maximum, field, label)
    return amount


def _at_most(number, maximum, field, label):
    if number > maximum:
        raise BoundsError(
            _lt("%(field)s must be at most %(max)s.", field=label, max=_num(maximum)),
            field,
            "out_of_range",
        )


def _num(value):
    """A limit as people write it: 100000 → '100,000', 0.01 → '0.01'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


# PostgreSQL's ``integer``: a larger id in a query is a database error (a 500).
MAX_RECORD_ID = 2**31 - 1
_RECORD_ID = re.compile(r"[0-9]{1,10}")


def record_id(value):
    """A record id from a form or an address: a positive integer within the
    database's range, or 0 for anything else ("", "abc", "²", "1e3", 10**30)."""
    text = str(value if value is not None else "").strip()
    if not _RECORD_ID.fullmatch(text):
        return 0
    number = int(text)
    return number if number <= MAX_RECORD_ID else 0


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def parse_datetime(value, field=None, *, label=None):
    """An ISO 8601 date-time (or date) string as a naive UTC ``datetime``, seconds
    precision. A value with an offset is converted to UTC; a naive one is UTC."""
    label = label or field or _lt("The date")
    if not isinstance(value, str) or len(value) > 64:
        raise BoundsError(
            _lt("%(field)s must be an ISO 8601 date and time.", field=label), field
        )
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise BoundsError(
            _lt("%(field)s must be an ISO 8601 date and time.", field=label), field
        ) from error
    if moment.tzinfo:
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError as error:  # 0001-01-01T00:00+05:00 is before year 1
            raise BoundsError(
                _lt("%(field)s is out of range.", field=label), field, "out_of_range"
            ) from error
    return moment.replace(microsecond=0)


def check_datetime(moment, lower, upper, field=None, *, label=None):
    """``moment`` (a naive UTC datetime) within [``lower``, ``upper``]."""
    label = label or field or _lt("The date")
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.min)
    if not lower <= moment <= upper:
        raise BoundsError(
            _lt(
                "%(field)s must be between %(lower)s and %(upper)s.",
                field=label,
                lower=lower.date().isoformat(),
                upper=upper.date().isoformat(),
            ),
            field,
            "out_of_range",
        )
    return moment


def clamp_timestamp(value, now, slack=timedelta(days=1)):
    """A provider's Unix timestamp (seconds, int/float/str) as a naive UTC datetime,
    clamped to ``now`` ± ``slack``; ``now`` for anything unreadable. Providers' clocks
    and replays are not trusted with the shop's dates."""
    try:
        seconds = float(value)
    except (TypeError, ValueError, OverflowError):
        return now
    if not math.isfinite(seconds):
        return now
    lower, upper = now - slack, now + slack
    lower_ts = lower.replace(tzinfo=timezone.utc).timestamp()
    upper_ts = upper.replace(tzinfo=timezone.utc).timestamp()
    if seconds <= lower_ts:
        return lower
    if seconds >= upper_ts:
        return upper
    return datetime.fromtimestamp(seconds, timezone.utc).replace(
        tzinfo=None, microsecond=0
    )


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def parse_json(data, max_depth=JSON_DEPTH, field=None):
    """``data`` (UTF-8 bytes or str) decoded as strict JSON: ``NaN``,
    ``Infinity`` and ``-Infinity`` (which Python's decoder accepts) are refused,
    bytes in another encoding than UTF-8 too, and so is a document
    nested deeper than ``max_depth`` objects/arrays (a deeply nested one would
    otherwise exhaust the recursion of the decoder or of the code reading it).

    :raises BoundsError: not JSON, or too deep (``code`` ``invalid``).
    """
    try:
        if isinstance(data, bytes):
            # UTF-8 only (RFC 8259): Python's decoder would take bytes in UTF-16
            # or UTF-32 as well, guessing the encoding from their zeros
            data = data.decode("utf-8")
        value = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise BoundsError(
            _lt("The JSON document is nested too deeply."), field
        ) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BoundsError(
            _lt("The body is not valid JSON: %(error)s", error=str(error)), field
        ) from error
    # iterative walk: a recursive one would fail on the very input it guards against
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            raise BoundsError(
                _lt(
                    "The JSON document is nested too deeply: at most %(max)s levels.",
                    max=max_depth,
                ),
                field,
            )
        stack.extend((child, depth + 1) for child in children)
    return value


# ---------------------------------------------------------------------------
# Uploaded photos
# ---------------------------------------------------------------------------


def photo(data, field=None, *, max_bytes=PHOTO_BYTES, max_pixels=PHOTO_PIXELS):
    """The mimetype of ``data`` (bytes of an uploaded file) when it is a JPEG, PNG
    or WebP picture within the limits. The format is read from the content: a page
    or a program named ``photo.jpg`` is refused.

    :raises BoundsError: ``too_long`` for a file over ``max_bytes`` or a picture
        over ``max_pixels``, ``invalid`` for anything that is not such a picture.
    """
    if len(data) > max_bytes:
        raise BoundsError(
            _lt(
                "A photo is too big: at most %(size)s MB each.",
                size=max_bytes // (1024 * 1024),
            ),
            field,
            "too_long",
        )
    not_a_photo = BoundsError(
        _lt("Only photos can be sent (JPEG, PNG or WebP pictures)."), field
    )
    too_many_pixels = BoundsError(
        _lt(
            "A photo is too big: at most %(pixels)s million pixels.",
            pixels=max_pixels // 1_000_000,
        ),
        field,
        "too_long",
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns of, then refuses, pictures that would take gigabytes
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                if kind not in PHOTO_FORMATS:
                    raise not_a_photo
                if width * height > max_pixels:
                    raise too_many_pixels
                # reads the file through: a picture cut short or forged fails here
                image.verify()
    except BoundsError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise not_a_photo from error
    return PHOTO_FORMATS[kind]
