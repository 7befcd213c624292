import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, constraint_definition

_logger = logging.getLogger(__name__)


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    roms_integration_id = fields.Many2one(
        "roms.api.integration",
        string="Integration",
        readonly=True,
        index=True,
        ondelete="set null",
        help="The integration whose orders this key reads and changes over the "
        "ROMS order API. A key without one is refused there.",
    )

    def init(self):  # pylint: disable=missing-return
        # Odoo creates this table by hand (_auto = False): add the column too
        super().init()
        cr = self.env.cr
        if not column_exists(cr, self._table, "roms_integration_id"):
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN roms_integration_id integer",
                    SQL.identifier(self._table),
                )
            )
        constraint = "res_users_apikeys_roms_integration_id_fkey"
        if not constraint_definition(cr, self._table, constraint):
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY "
                    "(roms_integration_id) REFERENCES roms_api_integration(id) "
                    "ON DELETE SET NULL",
                    SQL.identifier(self._table),
                    SQL.identifier(constraint),
                )
            )

    @api.model
    def _roms_generate(self, integration, name, expiration_date=None):
        """A new key of the current user for ``integration``; returns the key
        (shown once, only its hash is kept)."""
        from odoo.addons.base.models.res_users import INDEX_SIZE

        key = self._generate(None, name, expiration_date)
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET roms_integration_id = %s "
                "WHERE user_id = %s AND index = %s",
                SQL.identifier(self._table),
                integration.id,
                self.env.uid,
                key[:INDEX_SIZE],
            )
        )
        self.invalidate_model(["roms_integration_id"])
        return key

    @api.model
    def _roms_check_key(self, key):
        """(user id, integration id) of a valid API key of the RPC scope, or
        (False, False): Odoo's ``_check_credentials``, also returning the key's
        integration (one hash check, as Odoo's)."""
        from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

        self.env.cr.execute(
            SQL(
                """SELECT k.user_id, k.key, k.roms_integration_id
                     FROM %s k JOIN res_users u ON u.id = k.user_id
                    WHERE u.active AND k.index = %s
                      AND (k.scope IS NULL OR k.scope = 'rpc')
                      AND (k.expiration_date IS NULL
                           OR k.expiration_date >= now() at time zone 'utc')""",
                SQL.identifier(self._table),
                key[:INDEX_SIZE],
            )
        )
        for user_id, hashed, integration_id in self.env.cr.fetchall():
            if KEY_CRYPT_CONTEXT.verify(key, hashed):
                return user_id, integration_id or False
        return False, False

    def action_roms_revoke(self):
        """Revoke integration keys from ROMS › Integrations (ROMS admins only)."""
        if not self.env.user.has_group("roms_crm.group_roms_admin"):
            raise AccessError(
                self.env._("Only ROMS administrators can revoke API keys.")
            )
        api_group = self.env.ref("roms_crm.group_roms_api")
        if not self.env.is_system() and any(
            api_group not in key.sudo().user_id.groups_id for key in self
        ):
            raise AccessError(
                self.env._("ROMS administrators revoke only integration users' keys.")
            )
        _logger.info("ROMS API key(s) %s revoked by %s", self.ids, self.env.user.login)
        self.sudo().unlink()
        return True
