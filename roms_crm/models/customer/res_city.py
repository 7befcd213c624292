from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

# How people write the names of provinces and cities/regencies, and what the
# official names say: the keys below make them compare equal.
PROVINCE_PREFIXES = (
    "provinsi ",
    "prov. ",
    "prov ",
    "daerah khusus ibukota ",
    "daerah khusus ",
    "daerah istimewa ",
    "dki ",
    "di ",
)
CITY_ABBREVIATIONS = (
    ("kab. ", "kabupaten "),
    ("kab ", "kabupaten "),
    ("kota adm. ", "kota administrasi "),
    ("kota adm ", "kota administrasi "),
)
CITY_PREFIXES = (
    "kabupaten administrasi ",
    "kota administrasi ",
    "kabupaten ",
    "kota ",
)


def region_key(text):
    """Compare names case- and space-insensitively."""
    return " ".join(str(text).split()).casefold()


def province_key(text):
    """A province's name without "Provinsi", "DKI"... as people leave it out."""
    key = region_key(text)
    for prefix in PROVINCE_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    key = key.replace("sumatera", "sumatra")
    if key == "kepulauan bangka belitung":
        key = "bangka belitung"
    return key


def city_key(text):
    """A city's or regency's name with "Kab." and "Kota Adm." written out."""
    key = region_key(text)
    for short, full in CITY_ABBREVIATIONS:
        if key.startswith(short):
            key = full + key[len(short) :]
            break
    return key


def city_short_key(text):
    """A city's or regency's name without its "Kota" or "Kabupaten"."""
    key = city_key(text)
    for prefix in CITY_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def exact_key(text):
    """The official name or code as it is, case aside."""
    return str(text).casefold()


class ResCity(models.Model):
    _inherit = "res.city"
    # City and regency names are official names, the same in every language: data,
    # not terms. Keep the 514 shipped cities out of the translation export (this
    # also leaves out the labels of this model's own fields).
    _translate = False

    roms_code = fields.Char(
        string="Area Code",
        index=True,
        help="Official area code of the city or regency (Kemendagri), e.g. 32.73.",
    )

    _sql_constraints = [
        (
            "roms_code_uniq",
            "unique(roms_code)",
            "A city with this area code already exists.",
        ),
    ]

    # ------------------------------------------------------------------
    # Indonesian regions named in text
    # ------------------------------------------------------------------

    @api.model
    def _roms_region_index(self, cities=True, districts=True):
        """The provinces, and if asked the cities/regencies and the districts of
        Indonesia: one query per level.

        ``{"country": the country, "states": {id: (name, code)}, "cities": {id:
        (name, state id)}, "districts": {id: (name, city id)}}``."""
        country = self.env.ref("base.id")
        states = self.env["res.country.state"].search_fetch(
            [("country_id", "=", country.id)], ["name", "code"]
        )
        index = {
            "country": country,
            "states": {state.id: (state.name, state.code) for state in states},
            "cities": {},
            "districts": {},
        }
        if cities:
            for city in self.search_fetch(
                [("country_id", "=", country.id)], ["name", "state_id"]
            ):
                index["cities"][city.id] = (city.name, city.state_id.id)
        if districts:
            self.env["roms.district"].flush_model(["name", "city_id", "country_id"])
            for district_id, name, city_id in self.env.execute_query(
                SQL(
                    "SELECT id, name, city_id FROM roms_district WHERE country_id = %s",
                    country.id,
                )
            ):
                index["districts"][district_id] = (name, city_id)
        return index

    @api.model
    def _roms_resolve_regions(self, addresses, exact=False):
        """The province, city/regency and district that each address names.

        ``addresses``: a list of dicts with the texts ``province``, ``city`` and
        ``district``, each optional. The regions are read once for all of them
        (one query per level needed), whatever their number.

        Names compare case- and space-insensitively, a province also without
        "Provinsi", "DKI"... and a city with "Kab."/"Kota Adm." written out or
        without its "Kota"/"Kabupaten" when that is unambiguous. With ``exact``,
        only the official names (and the province codes) match, case aside. A
        district fills in its city, a city its province; all levels given must
        agree.

        Returns one dict per address, in order: ``state_id``, ``city_id``,
        ``district_id`` (ids or False), ``city_name`` (the official name of the
        city, or False) and ``error``: False, or ``(level, code, params)`` with
        level ``province``/``city``/``district`` and code

        - ``unknown``: no region has this name;
        - ``elsewhere``: the city is not in the province (params ``city``: the
          names found, ``province``), or the district not in the city or
          province (params ``district``: the text, ``region``: the city or
          province);
        - ``ambiguous``: several regions match (params ``cities``: their
          cities' names).
        """
        index = self._roms_region_index(
            cities=any(a.get("city") or a.get("district") for a in addresses),
            districts=any(a.get("district") for a in addresses),
        )
        lookup = _RegionLookup(index, exact)
        return [lookup.resolve(address) for address in addresses]


class _RegionLookup:
    """The regions of an index by their names' keys (see
    ``res.city._roms_resolve_regions``)."""

    def __init__(self, index, exact):
        self.index = index
        self.state_names = {
            state_id: name for state_id, (name, _code) in index["states"].items()
        }
        self.cities = index["cities"]
        self.districts = index["districts"]
        if exact:
            self.province_key = self.city_key = self.district_key = exact_key
            self.city_short_key = None
            state_keys = (exact_key,)
            code_key = exact_key
        else:
            self.province_key = province_key
            self.city_key = city_key
            self.city_short_key = city_short_key
            self.district_key = region_key
            state_keys = (region_key, province_key)
            code_key = region_key
        self.state_keys = {}
        for state_id, (name, code) in index["states"].items():
            for key in [make(name) for make in state_keys] + [code_key(code)]:
                self.state_keys.setdefault(key, state_id)
        self.city_keys = defaultdict(list)
        self.city_short_keys = defaultdict(list)
        for city_id, (name, _state_id) in self.cities.items():
            self.city_keys[self.city_key(name)].append(city_id)
            if self.city_short_key:
                self.city_short_keys[self.city_short_key(name)].append(city_id)
        self.district_keys = defaultdict(list)
        for district_id, (name, _city_id) in self.districts.items():
            self.district_keys[self.district_key(name)].append(district_id)

    def resolve(self, address):
        result = {
            "state_id": False,
            "city_id": False,
            "district_id": False,
            "city_name": False,
            "error": False,
        }
        state_id = city_id = district_id = False
        cities = self.cities
        if address.get("province"):
            state_id = self.state_keys.get(self.province_key(address["province"]))
            if not state_id:
                return dict(result, error=("province", "unknown", {}))
        if address.get("city"):
            city_id, error = self._city(address["city"], state_id)
            if error:
                return dict(result, error=error)
            state_id = cities[city_id][1]
        if address.get("district"):
            district_id, error = self._district(address["district"], state_id, city_id)
            if error:
                return dict(result, error=error)
            city_id = self.districts[district_id][1]
            state_id = cities[city_id][1]
        if state_id:
            result.update(
                state_id=state_id,
                city_id=city_id,
                district_id=district_id,
                city_name=cities[city_id][0] if city_id else False,
            )
        return result

    def _city(self, text, state_id):
        """``(city id, False)`` or ``(False, error)``."""
        cities = self.cities
        candidates = self.city_keys.get(self.city_key(text))
        if not candidates and self.city_short_key:
            candidates = self.city_short_keys.get(self.city_short_key(text))
        candidates = candidates or []
        in_state = [c for c in candidates if not state_id or cities[c][1] == state_id]
        if len(in_state) == 1:
            return in_state[0], False
        if not candidates:
            return False, ("city", "unknown", {})
        if not in_state:
            return False, (
                "city",
                "elsewhere",
                {
                    "city": " / ".join(cities[c][0] for c in candidates),
                    "province": self.state_names[state_id],
                },
            )
        return False, (
            "city",
            "ambiguous",
            {"cities": ", ".join(sorted(cities[c][0] for c in in_state))},
        )

    def _district(self, text, state_id, city_id):
        """``(district id, False)`` or ``(False, error)``."""
        cities, districts = self.cities, self.districts
        candidates = self.district_keys.get(self.district_key(text), [])
        in_scope = [
            d
            for d in candidates
            if (not city_id or districts[d][1] == city_id)
            and (not state_id or cities[districts[d][1]][1] == state_id)
        ]
        if len(in_scope) == 1:
            return in_scope[0], False
        if not candidates:
            return False, ("district", "unknown", {})
        if not in_scope:
            return False, (
                "district",
                "elsewhere",
                {
                    "district": text,
                    "region": cities[city_id][0]
                    if city_id
                    else self.state_names[state_id],
                },
            )
        return False, (
            "district",
            "ambiguous",
            {"cities": ", ".join(sorted(cities[districts[d][1]][0] for d in in_scope))},
        )
