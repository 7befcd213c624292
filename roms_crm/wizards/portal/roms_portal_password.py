from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import email_normalize


class RomsPortalPassword(models.TransientModel):
    """Give a reseller a portal login with a password the administrator chooses.

    The other way in, Odoo's portal wizard, emails an invitation to choose a password;
    this one creates the same portal user through the portal wizard's own methods,
    sets the password and sends nothing. Given again, it sets a new password.
    """

    _name = "roms.portal.password"
    _description = "Set a Customer's Portal Password"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one(related="partner_id.roms_portal_user_id")
    login = fields.Char(
        string="Login Email",
        compute="_compute_login",
        store=True,
        precompute=True,
        readonly=False,
        help="The customer logs in to the portal with this email address; it also "
        "becomes the customer's email.",
    )
    password = fields.Char(
        help="Tell the customer this password, e.g. over WhatsApp: no email is sent.",
    )

    @api.depends("partner_id")
    def _compute_login(self):
        for wizard in self:
            wizard.login = (
                wizard.partner_id.roms_portal_user_id.login or wizard.partner_id.email
            )

    def action_set_password(self):
        self.ensure_one()
        self.partner_id._roms_check_portal_grant()
        login = email_normalize(self.login)
        if not login:
            raise UserError(
                self.env._("The login must be an email address, e.g. budi@example.com.")
            )
        if not self.password:
            raise UserError(self.env._("Type the customer's new password."))
        user_sudo = self._grant_access(self._portal_wizard_user(login))
        user_sudo.write({"login": login, "password": self.password})
        # Keep the password no longer than needed.
        self.password = False
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(partner)s can now log in to the portal as %(login)s.",
                    partner=self.partner_id.display_name,
                    login=login,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _portal_wizard_user(self, login):
        """The customer's line in Odoo's portal wizard, with ``login`` as email."""
        portal_wizard = self.env["portal.wizard"].create(
            {"partner_ids": [Command.set(self.partner_id.ids)]}
        )
        wizard_user = portal_wizard.user_ids
        wizard_user.email = login
        return wizard_user

    def _grant_access(self, wizard_user):
        """Make sure the customer has an active portal user and return it (sudo).

        What ``portal.wizard.user.action_grant_access`` does, without its invitation
        email; a customer who already has portal access keeps their user.
        """
        if wizard_user.is_internal:
            raise UserError(
                self.env._(
                    "%(partner)s is an internal user: change their password in "
                    "Settings › Users.",
                    partner=wizard_user.partner_id.display_name,
                )
            )
        wizard_user._assert_user_email_uniqueness()
        wizard_user._update_partner_email()
        user_sudo = wizard_user.user_id.sudo()
        if not user_sudo:
            company = wizard_user.partner_id.company_id or self.env.company
            user_sudo = wizard_user.sudo().with_company(company.id)._create_user()
        if not user_sudo.active or not wizard_user.is_portal:
            user_sudo.write(
                {
                    "active": True,
                    "groups_id": [
                        Command.link(self.env.ref("base.group_portal").id),
                        Command.unlink(self.env.ref("base.group_public").id),
                    ],
                }
            )
        return user_sudo
