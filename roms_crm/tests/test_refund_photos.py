"""Photos of the damaged goods sent with a portal refund request: pictures only,
read by their content, bounded in number, bytes and pixels; refused as a message on
the order page with nothing written, and seen by the shop on the request."""

import io
import struct
import zlib

from PIL import Image

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import bounds
from .test_refund_request import RefundCommon


def picture(fmt="PNG", size=(64, 48), color="#a0522d"):
    data = io.BytesIO()
    Image.new("RGB", size, color).save(data, fmt)
    return data.getvalue()


def png_header(width, height):
    """A PNG that only claims its size: a decompression bomb's first bytes."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


@tagged("post_install", "-at_install")
class TestRefundPhotos(RefundCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_refund_data()
        cls.portal_user = new_test_user(
            cls.env, "roms_refund_photos", groups="base.group_portal"
        )
        cls.partner = cls.portal_user.partner_id
        cls.partner.roms_category = "customer"
        cls.delivered = cls._order(cls.partner, stage="delivered")
        cls.other = cls._order(cls.customer, stage="delivered")
        cls.Refund = cls.env["roms.refund.request"].sudo()
        cls.Attachment = cls.env["ir.attachment"].sudo()

    def setUp(self):
        super().setUp()
        self.authenticate("roms_refund_photos", "roms_refund_photos")

    def _send(self, files, order=None):
        order = order or self.delivered
        line = order.order_line
        return self.url_open(
            f"/my/orders/{order.id}/refund",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "reason": "Botol pecah saat diterima",
                f"qty_{line.id}": "1",
            },
            files=[("photos", file) for file in files],
        )

    def _counts(self):
        return (
            self.Refund.search_count([]),
            self.Attachment.search_count([("res_model", "=", "roms.refund.request")]),
        )

    def assertRefused(self, files, code, order=None):
        before = self._counts()
        response = self._send(files, order)
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"refund_error={code}", response.url)
        self.assertEqual(self._counts(), before)
        return response

    def test_photos_reach_the_request(self):
        response = self._send(
            [
                ("kardus penyok.JPG", picture("JPEG"), "image/jpeg"),
                ("../fotos/botol.png", picture("PNG"), "image/png"),
                ("", b"", "application/octet-stream"),  # an empty file input
            ]
        )
        self.assertIn("refund_sent=1", response.url)
        refund = self.Refund.search([("order_id", "=", self.delivered.id)])
        self.assertEqual(len(refund), 1)
        photos = refund.message_ids.attachment_ids
        self.assertEqual(
            sorted(photos.mapped("name")), ["botol.png", "kardus penyok.jpg"]
        )
        self.assertEqual(sorted(photos.mapped("mimetype")), ["image/jpeg", "image/png"])
        self.assertEqual(set(photos.mapped("res_model")), {"roms.refund.request"})
        self.assertEqual(
            refund.message_ids.filtered("attachment_ids").author_id, self.partner
        )
        # the shop's people read them on the request
        cs = new_test_user(self.env, "roms_cs_photos", groups="roms_crm.group_roms_cs")
        photos.with_user(cs).check_access("read")
        self.assertTrue(photos.with_user(cs).read(["datas"])[0]["datas"])
        # the customer is told
        self.assertIn("Your refund request was sent", response.text)

    def test_photo_names_lose_their_bidirectional_controls(self):
        """A photo's file name is shown on the request: a right-to-left override
        would show it reversed ("kardus<U+202E>gnp.fdp" reads "karduspdf.png"),
        so it loses the embeddings, overrides and isolates."""
        response = self._send(
            [("kardus\u202egpj.\u2066png\u2069", picture("PNG"), "image/png")]
        )
        self.assertIn("refund_sent=1", response.url)
        refund = self.Refund.search([("order_id", "=", self.delivered.id)])
        self.assertEqual(
            refund.message_ids.attachment_ids.mapped("name"), ["kardusgpj.png"]
        )

    def test_a_page_or_program_named_like_a_photo_is_refused(self):
        disguised = [
            ("foto.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
            (
                "foto.png",
                b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                "image/png",
            ),
            (
                "foto.jpg",
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj",
                "image/jpeg",
            ),
            ("foto.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg"),
            ("foto.gif", picture("GIF"), "image/gif"),  # a picture, not a photo format
            ("foto.jpg", picture("JPEG")[:40], "image/jpeg"),  # cut short
            ("foto\x00.jpg", b"\x00" * 1024, "image/jpeg"),
        ]
        for file in disguised:
            with self.subTest(name=file[0], head=file[1][:12]):
                self.assertRefused([file], "photo_type")

    def test_a_huge_file_is_refused(self):
        huge = picture("PNG") + b"\x00" * bounds.PHOTO_BYTES
        response = self.assertRefused([("besar.png", huge, "image/png")], "photo_size")
        self.assertIn("too big", response.text)

    def test_a_body_beyond_every_photo_is_refused_before_it_is_read(self):
        # more than five photos of the largest size: the server refuses the
        # request from its announced length, without reading it
        before = self._counts()
        size = bounds.PHOTO_COUNT * bounds.PHOTO_BYTES + bounds.FORM_BYTES
        huge = picture("PNG") + b"\x00" * size
        response = self._send([("besar.png", huge, "image/png")])
        # back on the order's page, told why (not Werkzeug's English 413 page)
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/my/orders/{self.delivered.id}?access_token=", response.url)
        self.assertIn("refund_error=photo_size", response.url)
        self.assertIn("A photo is too big", response.text)
        self.assertEqual(self._counts(), before)

    def test_the_browser_refuses_photos_over_the_limits(self):
        before = self._counts()
        self.start_tour(
            f"/my/orders/{self.delivered.id}",
            "roms_file_limits",
            login="roms_refund_photos",
        )
        self.assertEqual(self._counts(), before)

    def test_the_form_tells_the_browser_its_limits(self):
        page = self.url_open(self.delivered.get_portal_url()).text
        self.assertIn(f'data-roms-max-bytes="{bounds.PHOTO_BYTES}"', page)
        self.assertIn(f'data-roms-max-files="{bounds.PHOTO_COUNT}"', page)

    def test_a_picture_of_too_many_pixels_is_refused(self):
        for width, height in ((10000, 5000), (100000, 100000)):
            with self.subTest(width=width, height=height):
                self.assertRefused(
                    [("bom.png", png_header(width, height), "image/png")],
                    "photo_size",
                )

    def test_too_many_photos_are_refused(self):
        files = [
            (f"foto{i}.png", picture("PNG"), "image/png")
            for i in range(bounds.PHOTO_COUNT + 1)
        ]
        self.assertRefused(files, "photo_count")

    def test_photos_on_another_customers_order_write_nothing(self):
        before = self._counts()
        response = self._send(
            [("foto.png", picture("PNG"), "image/png")], order=self.other
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("refund_sent", response.url)
        self.assertEqual(self._counts(), before)
        self.assertNotIn(self.other.name, response.text)
