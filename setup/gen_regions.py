#!/usr/bin/env python3
"""Generate the regions of Indonesia shipped by ``roms_crm``.

The provinces, cities/regencies and districts (kecamatan) come from the open data
set `idn-area-data <https://www.npmjs.com/package/idn-area-data>`_ (code by Fityan
under the MIT licence, data under the Open Database License 1.0), fetched at the
pinned version below with ``npm pack``. The script writes four files into
``roms_crm/data/``:

* ``res.country.state.csv`` -- only the provinces Odoo's ``base`` lacks (Odoo 18.0
  has 37 Indonesian states ``base.state_id_xx``; Papua Barat Daya is missing). The
  other provinces are matched to Odoo's states by normalised name, with the explicit
  aliases below ("Daerah Khusus Ibukota Jakarta" is Odoo's "Jakarta"). A province
  that matches nothing, or an Odoo state that no province matches, stops the
  script: extend ``PROVINCE_ALIASES`` or ``NEW_PROVINCES``, never guess;
* ``res.city.csv`` -- the 514 cities and regencies (``res.city`` of
  ``base_address_extended``), external ids ``city_id_<code>``;
* ``roms.district.csv`` -- the districts, external ids ``district_id_<code>``;
* ``REGIONS_LICENSE.txt`` -- where the data comes from and its licences.

Codes are the official area codes the data set carries (Kemendagri notation,
``32.73`` for Kota Bandung, ``32.73.01`` for one of its districts); external ids
use them without dots. Names are written in Indonesian title case ("Kabupaten
Pangkajene dan Kepulauan", "Na IX - X", "BTS. Ulu"). The output is sorted by code,
so regenerating the same version gives the same files.

Regenerate (needs ``npm`` on the PATH and the Odoo 18.0 source tree, found through
``ODOO_PATH``, default ``~/.local/share/roms/odoo-18.0`` like ``setup/lib.sh``)::

    python3 setup/gen_regions.py    # any Python >= 3.10, from the top folder

To move to a newer release of the data set, change ``VERSION`` and ``INTEGRITY``
(``npm view idn-area-data@<version> dist.integrity``), regenerate, then update the
module (``-u roms_crm``): records keep their external ids, so partners keep their
regions. Only the standard library is used.
"""

import base64
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path

PACKAGE = "idn-area-data"
VERSION = "4.0.1"
# ``npm view idn-area-data@4.0.1 dist.integrity``: the tarball must be this one.
INTEGRITY = (
    "sha512-PhNSIl5T7swVwwWxJOFMtCaeHAF9TUu0HLDf+36EIWZro9j7au83AFIJiBQGL+iRsBDA2OlpJ5fj"
    "iqxNYndzOQ=="
)
NPM_URL = f"https://www.npmjs.com/package/{PACKAGE}/v/{VERSION}"
TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
SOURCE_URL = "https://github.com/fityannugroho/idn-area-data"

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "roms_crm" / "data"
ODOO_PATH = Path(
    os.environ.get("ODOO_PATH")
    or Path(
        os.environ.get("ROMS_HOME")
        or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share")
        / "roms"
    )
    / "odoo-18.0"
)
BASE_STATES = ODOO_PATH / "odoo" / "addons" / "base" / "data" / "res.country.state.csv"
COUNTRY_XMLID = "base.id"

# Data-set province name -> Odoo state name, where the normalised names differ.
PROVINCE_ALIASES = {
    "Daerah Khusus Ibukota Jakarta": "Jakarta",
    "DKI Jakarta": "Jakarta",
    "Daerah Istimewa Yogyakarta": "Yogyakarta",
    "DI Yogyakarta": "Yogyakarta",
    "Kepulauan Bangka Belitung": "Bangka Belitung",
    "Sumatera Utara": "Sumatra Utara",
    "Sumatera Barat": "Sumatra Barat",
    "Sumatera Selatan": "Sumatra Selatan",
}
# Provinces Odoo's base does not have: data-set name -> (external id, ISO 3166-2 code).
NEW_PROVINCES = {
    "Papua Barat Daya": ("state_id_pd", "PD"),
}

# Words kept in capitals: abbreviations in district names ("BTS. Ulu" is Bulang
# Tengah Suku Ulu, "STL Ulu Terawas" Sumber Harta Tugumulyo Lakitan).
ACRONYMS = {"BTS", "STL"}
# Words written in lower case unless they start the name.
LOWER_WORDS = {"dan"}
ROMAN = re.compile(r"^(?=[IVX]+$)X{0,3}(IX|IV|V?I{0,3})$")
# Separators inside a word after which a new capital starts ("Pulau-Pulau",
# "Tiro/Truseb", "(Misool Utara)"); an apostrophe is not one ("Sa'dan").
WORD_PARTS = re.compile(r"([-/().,])")


def fail(message):
    sys.exit(f"gen_regions: {message}")


def normalise(name):
    """Lower-case ASCII name with single spaces, for matching province names."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(name.lower().split())


def nice_name(name):
    """Indonesian title case: "KOTA BANDUNG" and "Kota bandung" -> "Kota Bandung".

    Roman numerals ("Na IX - X") and known abbreviations stay in capitals, "dan" and
    the "x" of "2 x 11 Kayu Tanam" in lower case.
    """
    words = []
    for index, word in enumerate(name.split()):
        if word.lower() == "x" and index and words[-1].isdigit():
            words.append("x")
            continue
        parts = []
        for part in WORD_PARTS.split(word):
            upper = part.upper()
            if not part or WORD_PARTS.fullmatch(part) or part.isdigit():
                parts.append(part)
            elif upper in ACRONYMS or ROMAN.match(upper):
                parts.append(upper)
            elif index and part.lower() in LOWER_WORDS:
                parts.append(part.lower())
            else:
                parts.append(part[:1].upper() + part[1:].lower())
        words.append("".join(parts))
    return " ".join(words)


def check_integrity(path):
    algorithm, _sep, expected = INTEGRITY.partition("-")
    digest = hashlib.new(algorithm, path.read_bytes()).digest()
    if base64.b64encode(digest).decode() != expected:
        fail(f"{path.name} does not match the pinned integrity {INTEGRITY}")


def fetch_package(workdir):
    """Download the pinned package with npm; return {member name: text}."""
    try:
        result = subprocess.run(
            [
                "npm",
                "pack",
                f"{PACKAGE}@{VERSION}",
                "--json",
                "--pack-destination",
                workdir,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        fail("npm is not installed")
    except subprocess.CalledProcessError as error:
        fail(f"npm pack failed:\n{error.stderr}")
    tarball = Path(workdir) / json.loads(result.stdout)[0]["filename"]
    check_integrity(tarball)
    wanted = {
        "LICENSE",
        "package.json",
        "data/LICENSE.md",
        "data/provinces.csv",
        "data/regencies.csv",
        "data/districts.csv",
    }
    files = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            if name in wanted and member.isfile():
                files[name] = archive.extractfile(member).read().decode("utf-8")
    if missing := wanted - files.keys():
        fail(f"{tarball.name} lacks {sorted(missing)}")
    meta = json.loads(files["package.json"])
    if (meta["name"], meta["version"]) != (PACKAGE, VERSION):
        fail(f"npm gave {meta['name']}@{meta['version']}, not {PACKAGE}@{VERSION}")
    return files


def read_csv(text, columns):
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or set(columns) - rows[0].keys():
        fail(f"expected the columns {columns}, got {list(rows[0]) if rows else []}")
    return [{key: " ".join(row[key].split()) for key in columns} for row in rows]


def code_digits(code):
    if not re.fullmatch(r"\d+(\.\d+)*", code):
        fail(f"unexpected area code {code!r}")
    return code.replace(".", "")


def odoo_states():
    """Odoo's Indonesian states: {normalised name: (external id, name, code)}."""
    if not BASE_STATES.is_file():
        fail(f"{BASE_STATES} not found: set ODOO_PATH to the Odoo 18.0 source tree")
    with BASE_STATES.open(encoding="utf-8") as states_file:
        states = {
            normalise(row["name"]): (f"base.{row['id']}", row["name"], row["code"])
            for row in csv.DictReader(states_file)
            if row["country_id:id"] == COUNTRY_XMLID.removeprefix("base.")
        }
    if not states:
        fail(f"no Indonesian state in {BASE_STATES}")
    return states


def map_provinces(provinces):
    """Return ({province code: state external id}, [new state rows])."""
    base = odoo_states()
    aliases = {
        normalise(key): normalise(value) for key, value in PROVINCE_ALIASES.items()
    }
    new = {normalise(key): value for key, value in NEW_PROVINCES.items()}
    mapping, new_states, used, unmapped = {}, [], {}, []
    for province in provinces:
        key = normalise(province["name"])
        key = aliases.get(key, key)
        if key in base:
            xmlid = base[key][0]
            if xmlid in used:
                fail(f"{province['name']} and {used[xmlid]} both map to {xmlid}")
            used[xmlid] = province["name"]
            mapping[province["code"]] = xmlid
        elif key in new:
            xmlid, iso_code = new[key]
            new_states.append(
                {
                    "id": xmlid,
                    "country_id:id": COUNTRY_XMLID,
                    "name": nice_name(province["name"]),
                    "code": iso_code,
                }
            )
            mapping[province["code"]] = f"roms_crm.{xmlid}"
        else:
            unmapped.append(province["name"])
    if unmapped:
        fail(
            f"provinces matching no Odoo state: {unmapped}; add them to "
            "PROVINCE_ALIASES (Odoo has them under another name) or NEW_PROVINCES"
        )
    if left := sorted(
        name for key, (xmlid, name, _c) in base.items() if xmlid not in used
    ):
        fail(f"Odoo states matching no province of the data set: {left}")
    taken = {code for _x, _n, code in base.values()}
    if clash := [row["code"] for row in new_states if row["code"] in taken]:
        fail(f"state codes already used by Odoo: {clash}")
    return mapping, new_states


def build(files):
    provinces = read_csv(files["data/provinces.csv"], ["code", "name"])
    regencies = read_csv(files["data/regencies.csv"], ["code", "province_code", "name"])
    districts = read_csv(files["data/districts.csv"], ["code", "regency_code", "name"])
    for rows, label in (
        (provinces, "province"),
        (regencies, "regency"),
        (districts, "district"),
    ):
        codes = [row["code"] for row in rows]
        if len(set(codes)) != len(codes):
            fail(f"duplicate {label} codes in the data set")
    state_of, states = map_provinces(provinces)

    cities = []
    for row in sorted(regencies, key=lambda row: row["code"]):
        if row["province_code"] not in state_of:
            fail(f"regency {row['code']} is in unknown province {row['province_code']}")
        cities.append(
            {
                "id": f"city_id_{code_digits(row['code'])}",
                "name": nice_name(row["name"]),
                "roms_code": row["code"],
                "state_id:id": state_of[row["province_code"]],
                "country_id:id": COUNTRY_XMLID,
            }
        )
    city_xmlids = {row["roms_code"]: row["id"] for row in cities}
    kecamatan = []
    for row in sorted(districts, key=lambda row: row["code"]):
        if row["regency_code"] not in city_xmlids:
            fail(f"district {row['code']} is in unknown regency {row['regency_code']}")
        kecamatan.append(
            {
                "id": f"district_id_{code_digits(row['code'])}",
                "name": nice_name(row["name"]),
                "code": row["code"],
                "city_id:id": city_xmlids[row["regency_code"]],
            }
        )
    renamed = sum(
        nice_name(row["name"]) != row["name"]
        for row in provinces + regencies + districts
    )
    return states, cities, kecamatan, renamed


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def heading(title):
    return f"{title}\n{'-' * len(title)}"


def write_licence(path, files):
    data_licence = files["data/LICENSE.md"].strip()
    code_licence = files["LICENSE"].strip()
    data_heading = heading(
        f"Licence of the data (data/LICENSE.md of {PACKAGE} {VERSION})"
    )
    code_heading = heading(f"Licence of the package (LICENSE of {PACKAGE} {VERSION})")
    path.write_text(
        f"""\
Regions of Indonesia in roms_crm
================================

The files data/res.country.state.csv, data/res.city.csv and data/roms.district.csv
of the roms_crm addon are generated from the open data set

    {PACKAGE} {VERSION} by Fityan (fityannugroho)
    npm:     {NPM_URL}
    tarball: {TARBALL_URL}
             ({INTEGRITY})
    source:  {SOURCE_URL}

Contains information from idn-area-data ({SOURCE_URL}),
which is made available here under the Open Database License (ODbL)
(https://opendatacommons.org/licenses/odbl/1-0/).

The three CSV files are a Derivative Database of idn-area-data. Like the data set,
they are made available under the Open Database License 1.0 (full text below),
whatever the licence of the rest of the addon. Alterations: the provinces Odoo
already has are replaced by Odoo's own states (only the missing ones are kept),
names are normalised to Indonesian title case, and the codes are also used, without
their dots, in the records' external ids. The method is setup/gen_regions.py of the
ROMS repository, which regenerates the files from the package above.

The idn-area-data package itself (its code) is under the MIT licence, also below.


{data_heading}

{data_licence}


{code_heading}

{code_licence}
""",
        encoding="utf-8",
    )


def main():
    with tempfile.TemporaryDirectory(prefix="gen_regions_") as workdir:
        files = fetch_package(workdir)
    states, cities, districts, renamed = build(files)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(
        DATA_DIR / "res.country.state.csv",
        ["id", "country_id:id", "name", "code"],
        states,
    )
    write_csv(
        DATA_DIR / "res.city.csv",
        ["id", "name", "roms_code", "state_id:id", "country_id:id"],
        cities,
    )
    write_csv(
        DATA_DIR / "roms.district.csv", ["id", "name", "code", "city_id:id"], districts
    )
    write_licence(DATA_DIR / "REGIONS_LICENSE.txt", files)
    print(
        f"{PACKAGE} {VERSION}: {len(states)} new provinces "
        f"({', '.join(row['name'] for row in states) or 'none'}), {len(cities)} "
        f"cities/regencies, {len(districts)} districts, {renamed} names recased; "
        f"written to {DATA_DIR.relative_to(ROOT)}/"
    )


if __name__ == "__main__":
    main()
