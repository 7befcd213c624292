"""The shared validators of tools/bounds.py and their settings (roms.bounds)."""

import math
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, TransactionCase, tagged

from ..tools import bounds

NOW = datetime(2026, 12, 6, 12, 0, 0)


@tagged("post_install", "-at_install")
class TestBoundsFunctions(BaseCase):
    def test_text_strips_control_characters_and_bounds_length(self):
        self.assertEqual(
            bounds.clean_text("Bu\x00di\x1b  Santoso ", 20), "Bu di Santoso"
        )
        self.assertEqual(
            bounds.clean_text("baris 1\nbaris\x00 2", 50, multiline=True),
            "baris 1\nbaris 2",
        )
        self.assertFalse(bounds.clean_text("  \x00 ", 20))
        self.assertEqual(bounds.clean_text("a\ud800b", 20), "a\ufffdb")
        with self.assertRaises(bounds.BoundsError) as caught:
            bounds.clean_text("", 20, "name", required=True)
        self.assertEqual(caught.exception.code, "required")
        with self.assertRaises(bounds.BoundsError) as caught:
            bounds.clean_text("x" * 21, 20, "name")
        self.assertEqual(
            (caught.exception.code, caught.exception.field), ("too_long", "name")
        )
        with self.assertRaises(bounds.BoundsError):
            bounds.clean_text(["a"], 20)

    def test_names_lose_bidirectional_controls(self):
        # "Budi <RLO>4321-DRO" displays as "Budi ORD-1234"
        self.assertEqual(
            bounds.without_bidi_controls("Budi \u202e4321-DRO\u202c"), "Budi 4321-DRO"
        )
        self.assertEqual(
            bounds.without_bidi_controls(
                "\u202a\u202b\u202dA\u2066B\u2067C\u2068D\u2069"
            ),
            "ABCD",
        )
        # the marks only give neutral characters a direction: kept
        self.assertEqual(bounds.without_bidi_controls("R\u200e\u200f"), "R\u200e\u200f")
        self.assertIsNone(bounds.without_bidi_controls(None))
        # clean_text's option for names; a free text keeps them
        self.assertEqual(
            bounds.clean_text(" Budi \u202e4321-DRO\u202c ", 20, name=True),
            "Budi 4321-DRO",
        )
        self.assertEqual(
            bounds.clean_text("Budi \u202e4321-DRO", 20), "Budi \u202e4321-DRO"
        )
        self.assertFalse(bounds.clean_text(" \u2066\u202e ", 20, name=True))
        with self.assertRaises(bounds.BoundsError) as caught:
            bounds.clean_text("\u202e", 20, "name", required=True, name=True)
        self.assertEqual(caught.exception.code, "required")

    def test_numbers_are_finite(self):
        for bad in (math.nan, math.inf, -math.inf, True, "1", None, [1], 10**400):
            with self.subTest(bad=bad), self.assertRaises(bounds.BoundsError):
                bounds.finite_number(bad, "quantity")
        self.assertEqual(bounds.finite_number("2,5", parse=True), 2.5)
        for bad in ("nan", "inf", "1e400", "", "2.5.1", "0x10"):
            with self.subTest(bad=bad), self.assertRaises(bounds.BoundsError):
                bounds.finite_number(bad, parse=True)

    def test_quantity_bounds_and_units(self):
        self.assertEqual(bounds.check_quantity(3, 100000, rounding=1.0), 3)
        self.assertEqual(bounds.check_quantity(0.25, 100000, rounding=0.01), 0.25)
        for bad in (0, -1, 1e30, 100001, 1e-7, math.nan):
            with self.subTest(bad=bad), self.assertRaises(bounds.BoundsError):
                bounds.check_quantity(bad, 100000, rounding=0.01)
        with self.assertRaises(bounds.BoundsError):
            bounds.check_quantity(2.5, 100000, rounding=1.0)
        with self.assertRaises(bounds.BoundsError):
            bounds.check_quantity(2.5, 100000, rounding=0.01, whole_ratio=1)

    def test_amounts(self):
        self.assertEqual(bounds.check_amount(0, 1e10), 0)
        for bad in (-0.01, 1e20, math.inf):
            with self.subTest(bad=bad), self.assertRaises(bounds.BoundsError):
                bounds.check_amount(bad, 1e10)

    def test_typed_amounts(self):
        """Amounts as people type them, grouped by their language; what is not
        grouped that way is left for finite_number to read or refuse."""
        cases = [
            ("Rp 1.149.000", ".", ",", "1149000"),
            ("1.149.000,50", ".", ",", "1149000.50"),
            ("150.000", ".", ",", "150000"),
            ("IDR 150.000", ".", ",", "150000"),
            ("2,5", ".", ",", "2.5"),
            (" 1149000 ", ".", ",", "1149000"),
            ("1,149,000.50", ",", ".", "1149000.50"),
            ("150.5", ",", ".", "150.5"),
            ("1.149.00", ".", ",", "1.149.00"),
            ("1,149,000", ".", ",", "1,149,000"),
            # a language without a decimal point set reads a point as one
            ("150.5", ",", "", "150.5"),
        ]
        for typed, thousands, decimal, expected in cases:
            with self.subTest(typed=typed):
                self.assertEqual(
                    bounds.typed_amount(typed, thousands, decimal), expected
                )
        self.assertEqual(bounds.typed_amount(150000, ".", ","), 150000)

    def test_dates(self):
        lower, upper = datetime(2000, 1, 1), NOW + timedelta(days=365)
        self.assertEqual(
            bounds.parse_datetime("2026-12-06T10:00:00+07:00"), datetime(2026, 12, 6, 3)
        )
        self.assertEqual(bounds.parse_datetime("2026-12-06"), datetime(2026, 12, 6))
        with self.assertRaises(bounds.BoundsError) as caught:
            bounds.parse_datetime("0001-01-01T00:00:00+05:00")
        self.assertEqual(caught.exception.code, "out_of_range")
        for bad in ("9999-12-31T23:59:59", "1999-12-31T23:59:59"):
            with self.subTest(bad=bad), self.assertRaises(bounds.BoundsError):
                bounds.check_datetime(bounds.parse_datetime(bad), lower, upper)
        for bad in (None, 5, "yesterday", "2026-13-01", "x" * 100):
            with self.subTest(bad=bad), self.assertRaises(bounds.BoundsError):
                bounds.parse_datetime(bad)

    def test_provider_timestamps_are_clamped(self):
        day = timedelta(days=1)
        self.assertEqual(bounds.clamp_timestamp(253402300799, NOW), NOW + day)
        self.assertEqual(bounds.clamp_timestamp(-1e30, NOW), NOW - day)
        self.assertEqual(bounds.clamp_timestamp("nan", NOW), NOW)
        self.assertEqual(bounds.clamp_timestamp({"a": 1}, NOW), NOW)
        an_hour_ago = (NOW - timedelta(hours=1)).replace(tzinfo=timezone.utc)
        self.assertEqual(
            bounds.clamp_timestamp(str(int(an_hour_ago.timestamp())), NOW),
            NOW - timedelta(hours=1),
        )

    @settings(max_examples=300, deadline=None)
    @given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans()))
    def test_any_input_is_bounded_or_refused(self, value):
        """Whatever arrives, the result is readable and inside the bounds, or a
        BoundsError says why; never another exception."""
        lower, upper = datetime(2000, 1, 1), NOW + timedelta(days=365)
        for check in (
            lambda v: bounds.clean_text(v, 128),
            lambda v: bounds.check_quantity(v, 100000, rounding=1.0),
            lambda v: bounds.check_amount(v, 1e10, parse=True),
            lambda v: bounds.check_datetime(bounds.parse_datetime(v), lower, upper),
        ):
            try:
                result = check(value)
            except bounds.BoundsError:
                continue
            if isinstance(result, float):
                self.assertTrue(math.isfinite(result) and 0 <= result <= 1e10)
            elif isinstance(result, datetime):
                self.assertTrue(lower <= result <= upper)
            elif result:
                self.assertLessEqual(len(result), 128)
                self.assertNotIn("\x00", result)
        moment = bounds.clamp_timestamp(value, NOW)
        self.assertTrue(NOW - timedelta(days=1) <= moment <= NOW + timedelta(days=1))


@tagged("post_install", "-at_install")
class TestBoundsSettings(TransactionCase):
    def test_limits_come_from_the_settings(self):
        Bounds = self.env["roms.bounds"]
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(Bounds._max_quantity(), 100000)
        params.set_param("roms_crm.limit_max_quantity", "50")
        with self.assertRaises(bounds.BoundsError):
            Bounds._check_quantity(51)
        params.set_param("roms_crm.limit_max_quantity", "garbage")
        self.assertEqual(Bounds._max_quantity(), 100000)
        params.set_param("roms_crm.limit_date_min", "2020-01-01")
        with self.assertRaises(bounds.BoundsError):
            Bounds._check_datetime("2019-12-31T00:00:00")
        self.assertEqual(
            Bounds._check_datetime("2020-01-02T00:00:00Z"), datetime(2020, 1, 2)
        )
        uom_unit = self.env.ref("uom.product_uom_unit")
        with self.assertRaises(bounds.BoundsError):
            Bounds._check_quantity(1.5, uom_unit)
        self.assertEqual(
            Bounds._check_quantity(1.5, self.env.ref("uom.product_uom_dozen")), 1.5
        )
        with self.assertRaises(bounds.BoundsError):
            Bounds._check_quantity(1.01, self.env.ref("uom.product_uom_dozen"))
        self.assertEqual(
            Bounds._check_quantity(0.25, self.env.ref("uom.product_uom_kgm")), 0.25
        )
        with self.assertRaises(bounds.BoundsError):
            Bounds._check_price(-1)

    def test_settings_form_saves_limits(self):
        settings_form = self.env["res.config.settings"].create(
            {"roms_limit_max_price": 5000, "roms_limit_date_min": "2010-01-01"}
        )
        settings_form.execute()
        self.assertEqual(self.env["roms.bounds"]._max_price(), 5000)
