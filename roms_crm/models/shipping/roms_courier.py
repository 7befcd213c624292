from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import ValidationError

RESI_PLACEHOLDER = "{resi}"


class RomsCourier(models.Model):
    """A courier company the shop ships with (JNE, J&T, SiCepat…): its code at
    Biteship and the public page where a customer follows a tracking number (resi)."""

    _name = "roms.courier"
    _description = "Courier"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=False)
    code = fields.Char(
        required=True,
        help="The courier's code at Biteship (jne, jnt, sicepat…), also used by the "
        "order API.",
    )
    tracking_url = fields.Char(
        string="Tracking Page",
        help="The public page of a tracking number; {resi} stands for the number, "
        "e.g. https://example.com/track?awb={resi}",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Another courier has this code."),
    ]

    @api.constrains("code")
    def _check_code(self):
        for courier in self:
            code = courier.code or ""
            if code != code.strip().lower() or not code.replace("_", "").isalnum():
                raise ValidationError(
                    self.env._(
                        "The code of %(courier)s must be Biteship's code of the "
                        "courier: lower-case letters and digits (jne, jnt, sicepat…).",
                        courier=courier.name,
                    )
                )

    @api.constrains("tracking_url")
    def _check_tracking_url(self):
        for courier in self.filtered("tracking_url"):
            url = courier.tracking_url.strip()
            if not url.startswith(("https://", "http://")) or (
                RESI_PLACEHOLDER not in url
            ):
                raise ValidationError(
                    self.env._(
                        "The tracking page of %(courier)s must be a web address "
                        "(https://…) with {resi} where the tracking number goes.",
                        courier=courier.name,
                    )
                )

    def _tracking_link(self, resi):
        """The public tracking page of ``resi`` at this courier, or False."""
        self.ensure_one()
        resi = (resi or "").strip()
        if not resi or not self.tracking_url:
            return False
        return self.tracking_url.strip().replace(RESI_PLACEHOLDER, quote(resi, safe=""))

    @api.model
    def _by_code(self, code):
        """The courier of a Biteship code (case-insensitive), or an empty record."""
        if not isinstance(code, str) or not code.strip():
            return self.browse()
        return self.search([("code", "=", code.strip().lower())], limit=1)
