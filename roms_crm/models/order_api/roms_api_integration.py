"""Integrations of the order API: who may read and change which orders, from where.

Each API key belongs to one integration (a web shop, a marketplace connector). An
integration owns one or more order *sources* (``sale.order.roms_source``): its keys
read and change only the orders of those sources, and a source belongs to one
integration at most. An integration may also be restricted to a list of client
addresses (IPs or CIDR ranges); calls from elsewhere are refused and logged so that
the admin can allow a new address in one click.
"""

import ipaddress
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

SOURCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


def split_list(value):
    """The items of a comma, space or newline separated list, in order, once."""
    items = []
    for item in re.split(r"[\s,;]+", value or ""):
        if item and item not in items:
            items.append(item)
    return items


def parse_networks(value):
    """The networks of an address list (raise ValueError on a bad item)."""
    return [ipaddress.ip_network(item, strict=False) for item in split_list(value)]


def address_allowed(address, networks):
    """Whether ``address`` is in one of ``networks`` (an empty list allows all)."""
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


class RomsApiIntegration(models.Model):
    _name = "roms.api.integration"
    _description = "Order API Integration"
    _order = "name, id"

    name = fields.Char(
        required=True, help="The web shop or connector, e.g. WooCommerce."
    )
    active = fields.Boolean(default=True)
    source_names = fields.Char(
        string="Order Sources",
        required=True,
        default="api",
        help="The order sources this integration owns, separated by commas, e.g. "
        "'woocommerce, shopify'. Its keys read and change only orders of these "
        "sources; an order created without a source gets the first one.",
    )
    allowed_addresses = fields.Text(
        string="Allowed Client Addresses",
        help="IP addresses or ranges (CIDR, IPv4 or IPv6) the integration may call "
        "from, one per line, e.g. 203.0.113.7 or 2001:db8::/32. Empty: any address.",
    )
    apikey_ids = fields.One2many(
        "res.users.apikeys", "roms_integration_id", string="API Keys", readonly=True
    )
    refused_address_ids = fields.One2many(
        "roms.api.refused.address",
        "integration_id",
        string="Refused Addresses",
        readonly=True,
    )

    @api.constrains("source_names")
    def _check_source_names(self):
        owner = {}
        others = self.with_context(active_test=False).search(
            [("id", "not in", self.ids)]
        )
        for integration in others | self:
            for source in integration._sources():
                if integration in self and not SOURCE_PATTERN.fullmatch(source):
                    raise ValidationError(
                        self.env._(
                            "%(name)r is not a valid order source: use letters, "
                            "digits, '.', '_' or '-' (at most 64).",
                            name=source,
                        )
                    )
                other = owner.setdefault(source.lower(), integration)
                if other != integration:
                    raise ValidationError(
                        self.env._(
                            "The order source %(name)s already belongs to the "
                            "integration %(other)s.",
                            name=source,
                            other=other.name,
                        )
                    )
        for integration in self:
            if not integration._sources():
                raise ValidationError(self.env._("Give at least one order source."))

    @api.constrains("allowed_addresses")
    def _check_allowed_addresses(self):
        for integration in self:
            for item in split_list(integration.allowed_addresses):
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError as error:
                    raise ValidationError(
                        self.env._(
                            "%(item)r is not an IP address or CIDR range.", item=item
                        )
                    ) from error

    @api.model
    def _adopt_keys(self):
        """Give every API key of an API user that has no integration one (upgrade
        to 18.0.1.1.0): one integration per user, owning the sources of the API
        orders that user created, or 'api' (then 'api-<user id>') when none is
        free. Keys of one user keep seeing the same orders as before."""
        Keys = self.env["res.users.apikeys"].sudo()
        groups = self.env.ref("roms_crm.group_roms_api") | self.env.ref(
            "roms_crm.group_roms_admin"
        )
        keys = Keys.search(
            [
                ("roms_integration_id", "=", False),
                ("user_id.groups_id", "in", groups.ids),
            ]
        )
        owned = {
            source.lower()
            for integration in self.with_context(active_test=False).search([])
            for source in integration._sources()
        }
        integrations = self.browse()
        for user, user_keys in keys.grouped("user_id").items():
            used = self.env.execute_query(
                SQL(
                    """SELECT roms_source FROM sale_order
                        WHERE create_uid = %s AND roms_external_id IS NOT NULL
                          AND roms_source IS NOT NULL
                        GROUP BY roms_source ORDER BY MIN(id)""",
                    user.id,
                )
            )
            sources = [
                source
                for (source,) in used
                if SOURCE_PATTERN.fullmatch(source) and source.lower() not in owned
            ]
            if not sources:
                sources = ["api" if "api" not in owned else f"api-{user.id}"]
            owned.update(source.lower() for source in sources)
            integration = self.create(
                {"name": user.name, "source_names": ", ".join(sources)}
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE res_users_apikeys SET roms_integration_id = %s "
                    "WHERE id IN %s",
                    integration.id,
                    tuple(user_keys.ids),
                )
            )
            integrations |= integration
        Keys.invalidate_model(["roms_integration_id"])
        return integrations

    def _sources(self):
        self.ensure_one()
        return split_list(self.source_names)

    def _default_source(self):
        return self._sources()[0]

    def _address_allowed(self, address):
        self.ensure_one()
        return address_allowed(address, parse_networks(self.allowed_addresses))

    def _log_refused(self, address):
        """Count a call refused from ``address`` (one row per address, upserted so
        that concurrent workers add up)."""
        self.ensure_one()
        self.env.execute_query(
            SQL(
                """INSERT INTO roms_api_refused_address
                       (integration_id, address, count, first_date, last_date)
                   VALUES (%(integration)s, %(address)s, 1,
                           now() at time zone 'utc', now() at time zone 'utc')
                   ON CONFLICT (integration_id, address) DO UPDATE
                   SET count = roms_api_refused_address.count + 1,
                       last_date = EXCLUDED.last_date""",
                integration=self.id,
                address=(address or "?")[:64],
            )
        )

    def _allow_address(self, address):
        """Add ``address`` to the allowed list (no-op when already allowed)."""
        self.ensure_one()
        if self._address_allowed(address) and self.allowed_addresses:
            return
        ipaddress.ip_address(address)  # only real addresses are added
        self.allowed_addresses = "\n".join(
            [*split_list(self.allowed_addresses), address]
        )


class RomsApiRefusedAddress(models.Model):
    """A client address refused by an integration's address list: when, how often.
    The admin allows it from the integration's form in one click."""

    _name = "roms.api.refused.address"
    _description = "Refused Integration Address"
    _order = "last_date desc, id desc"
    _log_access = False

    integration_id = fields.Many2one(
        "roms.api.integration", required=True, ondelete="cascade", index=True
    )
    address = fields.Char(required=True, readonly=True)
    count = fields.Integer(string="Calls Refused", readonly=True, default=1)
    first_date = fields.Datetime(string="First Refused", readonly=True)
    last_date = fields.Datetime(string="Last Refused", readonly=True)

    _sql_constraints = [
        (
            "integration_address_uniq",
            "unique(integration_id, address)",
            "One line per refused address of an integration.",
        ),
    ]

    def action_allow(self):
        """Add the address to its integration's allowed addresses and forget it."""
        for line in self:
            line.integration_id._allow_address(line.address)
        self.unlink()
        return True


class RomsApiAuthFailure(models.Model):
    """Invalid API keys per client address in the current one-minute window, in
    the database so that every worker counts together (``roms.api``'s
    ``_roms_api_auth_failure``)."""

    _name = "roms.api.auth.failure"
    _description = "Invalid API Key Attempts"
    _log_access = False

    address = fields.Char(required=True, index=True)
    window_start = fields.Datetime(required=True)
    count = fields.Integer(required=True, default=0)

    _sql_constraints = [
        ("address_uniq", "unique(address)", "One counter per client address."),
    ]

    @api.autovacuum
    def _gc_old_windows(self):
        self.env.execute_query(
            SQL(
                "DELETE FROM roms_api_auth_failure "
                "WHERE window_start < now() at time zone 'utc' - interval '1 day'"
            )
        )
