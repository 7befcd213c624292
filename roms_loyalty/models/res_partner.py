from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    roms_loyalty_points = fields.Float(
        string="Loyalty Points",
        compute="_compute_roms_loyalty_points",
        compute_sudo=True,
        help="The sum of the customer's cards of ROMS loyalty programs.",
    )
    roms_loyalty_history_ids = fields.One2many(
        "loyalty.history",
        "roms_partner_id",
        string="Points Ledger",
        readonly=True,
    )

    def _compute_roms_loyalty_points(self):
        groups = self.env["loyalty.card"]._read_group(
            [
                ("partner_id", "in", self.ids),
                ("program_id.roms_managed", "=", True),
            ],
            groupby=["partner_id"],
            aggregates=["points:sum"],
        )
        points = {partner.id: total for partner, total in groups}
        for partner in self:
            partner.roms_loyalty_points = points.get(partner.id, 0.0)

    def _roms_format_loyalty_points(self):
        """The customer's points in the user's language format (see
        ``loyalty.program._roms_format_points``)."""
        self.ensure_one()
        programs = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.id),
                    ("program_id.roms_managed", "=", True),
                ]
            )
            .program_id
        )
        return programs._roms_format_points(self.roms_loyalty_points)

    def _roms_points_summary(self):
        """The customer's points and the rewards they buy now (at most three,
        the dearest first) for the WhatsApp menu bot."""
        self.ensure_one()
        partner = self.sudo()
        points = partner.roms_loyalty_points
        if not points:
            return super()._roms_points_summary()
        lines = [
            self.env._(
                "You have %(points)s points.",
                points=partner._roms_format_loyalty_points(),
            )
        ]
        rewards = (
            self.env["loyalty.reward"]
            .sudo()
            .search(
                [
                    ("program_id.roms_managed", "=", True),
                    ("program_id.active", "=", True),
                    ("required_points", "<=", points),
                ],
                order="required_points desc, id",
                limit=3,
            )
        )
        if rewards:
            lines.append(self.env._("They buy:"))
            lines += [f"• {reward.description}" for reward in rewards]
        return "\n".join(lines)

    def action_roms_loyalty_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_loyalty.loyalty_history_action_roms"
        )
        action["domain"] = [("roms_partner_id", "=", self.id)]
        return action

    def _roms_panel_partner_values(self):
        values = super()._roms_panel_partner_values()
        values["points"] = self.roms_loyalty_points
        return values

    def action_roms_adjust_points(self):
        """Adjust Points, for an administrator: the customer's card of a ROMS
        program gets a ledger line with the reason."""
        self.ensure_one()
        return self.env["roms.loyalty.adjust"]._action_open(partner_id=self.id)
