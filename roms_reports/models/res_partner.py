import re

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

# How the official names start; customers often leave them out ("Bandung") or
# abbreviate them ("Kab. Bandung").
CITY_PREFIXES = {
    "kota administrasi": "kota",
    "kota adm": "kota",
    "kota": "kota",
    "kabupaten administrasi": "kabupaten",
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    roms_city_id = fields.Many2one(
        "res.city",
        string="Normalised City",
        compute="_compute_roms_city_id",
        store=True,
        index="btree_not_null",
        help="The city or regency of the address: the chosen one, or the one the "
        'typed city name means ("Jaksel", "kota bandung", "Bdg"...).',
    )

    def _auto_init(self):
        # a new column is filled set-based by the post-init hook, not record by
        # record by the ORM
        if not column_exists(self.env.cr, "res_partner", "roms_city_id"):
            create_column(self.env.cr, "res_partner", "roms_city_id", "int4")
        return super()._auto_init()

    # ------------------------------------------------------------------
    # City normalisation
    # ------------------------------------------------------------------

    @api.model
    def _roms_city_key(self, text):
        """Lower case, letters and digits only, single spaces."""
        return " ".join(re.sub(r"[^\w]+", " ", (text or "").lower()).split())

    @api.model
    def _roms_city_split(self, key):
        """``(kind, bare name)``: kind is kota, kabupaten or None."""
        for prefix, kind in CITY_PREFIXES.items():
            if key.startswith(prefix + " "):
                return kind, key[len(prefix) + 1 :]
        return None, key

    @api.model
    def _roms_city_index(self):
        """Everything the matching needs, in two queries."""
        rows = self.env.execute_query(
            SQL(
                "SELECT id, name->>'en_US', state_id FROM res_city ORDER BY id",
            )
        )
        full, bare = {}, {}
        for city_id, name, state_id in rows:
            key = self._roms_city_key(name)
            full.setdefault(key, city_id)
            kind, bare_key = self._roms_city_split(key)
            bare.setdefault(bare_key, []).append((kind, city_id, state_id))
        self.env["roms.city.alias"].flush_model()
        aliases = dict(
            self.env.execute_query(SQL("SELECT key, city_id FROM roms_city_alias"))
        )
        return {"full": full, "bare": bare, "aliases": aliases}

    @api.model
    def _roms_match_city(self, text, state_id=False, index=None):
        """The id of the res.city that the free-typed ``text`` means, or False.

        Aliases first, then the official name, then the name without its
        "Kota"/"Kabupaten": several candidates are narrowed to the customer's
        province, then to the kind typed, and a bare name means the city (Kota)
        rather than the regency of the same name."""
        index = index or self._roms_city_index()
        key = self._roms_city_key(text)
        if not key:
            return False
        if key in index["aliases"]:
            return index["aliases"][key]
        if key in index["full"]:
            return index["full"][key]
        kind, bare_key = self._roms_city_split(key)
        if bare_key in index["aliases"] and not kind:
            return index["aliases"][bare_key]
        candidates = index["bare"].get(bare_key, [])
        if state_id and any(c[2] == state_id for c in candidates):
            candidates = [c for c in candidates if c[2] == state_id]
        if kind and any(c[0] == kind for c in candidates):
            candidates = [c for c in candidates if c[0] == kind]
        candidates = sorted(candidates, key=lambda c: (c[0] != "kota", c[1]))
        return candidates[0][1] if candidates else False

    @api.depends("city_id", "city", "state_id")
    def _compute_roms_city_id(self):
        index = None
        for partner in self:
            if partner.city_id:
                partner.roms_city_id = partner.city_id
                continue
            if not partner.city:
                partner.roms_city_id = False
                continue
            index = index or self._roms_city_index()
            partner.roms_city_id = self._roms_match_city(
                partner.city, partner.state_id.id, index
            )

    @api.model
    def _roms_backfill_cities(self):
        """Normalise the city of every partner in three queries, whatever their
        number: each distinct (typed city, province) is matched once."""
        self.flush_model(["city_id", "city", "state_id", "roms_city_id"])
        cr = self.env.cr
        cr.execute(
            SQL(
                """UPDATE res_partner SET roms_city_id = city_id
                    WHERE city_id IS NOT NULL
                      AND roms_city_id IS DISTINCT FROM city_id"""
            )
        )
        pairs = self.env.execute_query(
            SQL(
                """SELECT DISTINCT city, state_id FROM res_partner
                    WHERE city_id IS NULL AND city IS NOT NULL"""
            )
        )
        if pairs:
            index = self._roms_city_index()
            matched = [self._roms_match_city(c, s, index) or None for c, s in pairs]
            cr.execute(
                SQL(
                    """UPDATE res_partner p SET roms_city_id = v.city_id
                         FROM unnest(%s::varchar[], %s::int[], %s::int[])
                              AS v(city, state_id, city_id)
                        WHERE p.city_id IS NULL AND p.city = v.city
                          AND p.state_id IS NOT DISTINCT FROM v.state_id
                          AND p.roms_city_id IS DISTINCT FROM v.city_id""",
                    [c for c, _s in pairs],
                    [s for _c, s in pairs],
                    matched,
                )
            )
        cr.execute(
            SQL(
                """UPDATE res_partner SET roms_city_id = NULL
                    WHERE city_id IS NULL AND city IS NULL
                      AND roms_city_id IS NOT NULL"""
            )
        )
        self.invalidate_model(["roms_city_id"])
