import mimetypes
from urllib.parse import quote

from odoo import models

from ..tools.replica import replicated


class RomsDownloadMixin(models.AbstractModel):
    """A record whose binary field holds a file for the user to download.

    The one way ROMS hands a file to the browser: an ``act_url`` action to
    Odoo's ``/web/content`` route for the field, which checks that the user may
    read the record and the field before it sends the file. A model that serves
    its files from a route of its own (``_download_url``) answers there
    with ``_download_response``, through the same checks and Odoo's same
    file stream."""

    _name = "roms.download.mixin"
    _description = "Downloadable File"

    def _download_url(self, field_name, file_name):
        """Where the browser gets the file of ``field_name``: the file name is
        the last part of the path, so it cannot hold a slash."""
        self.ensure_one()
        return (
            f"/web/content/{self._name}/{self.id}/{field_name}/"
            f"{quote(file_name.replace('/', '_'))}?download=true"
        )

    def _download_action(self, field_name, file_name):
        """The action that downloads the file of ``field_name`` as ``file_name``."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self._download_url(field_name, file_name),
            "target": "download",
        }

    def _download_response(self, field_name, file_name):
        """The HTTP response that sends the file of ``field_name`` as an
        attachment named ``file_name``: what ``/web/content`` answers, after
        the same access checks (the record, then the field)."""
        self.ensure_one()
        self.check_access("read")
        stream = self.env["ir.binary"]._get_stream_from(
            self,
            field_name,
            filename=file_name,
            mimetype=mimetypes.guess_type(file_name)[0],
        )
        return stream.get_response(as_attachment=True)


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _find_record(
        self,
        xmlid=None,
        res_model="ir.attachment",
        res_id=None,
        access_token=None,
        field=None,
    ):
        """``/web/content`` is a read-only request, on the read replica when there
        is one. A ROMS file is downloaded right after the request that made it on
        the primary: when the replica has not replayed it yet, the download moves
        to the primary (tools/replica.py) instead of answering 404."""
        if (
            not xmlid
            and res_id is not None
            and res_model in self.env
            and isinstance(self.env[res_model], self.pool["roms.download.mixin"])
        ):
            replicated(self.env[res_model].browse(res_id))
        return super()._find_record(
            xmlid=xmlid,
            res_model=res_model,
            res_id=res_id,
            access_token=access_token,
            field=field,
        )
