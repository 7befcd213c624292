#!/usr/bin/env python3
"""Generate the demo shop of ``roms_crm``: Toko Kopi Nusantara, Bandung.

The demo shop sells coffee, palm sugar, snacks and merchandise to customers,
resellers, dropshippers, agents and distributors all over Indonesia. This
script writes it as three Odoo data files, loaded with demo data only:

* ``roms_crm/demo/product_demo.xml`` -- the shop's company (in Rupiah), the
  product categories, the catalogue and its stock;
* ``roms_crm/demo/res_partner_demo.xml`` -- the customers;
* ``roms_crm/demo/sale_order_demo.xml`` -- six months of orders, in every
  fulfilment stage.

The output is deterministic (fixed random seed, no clock): dates are written
as offsets from the day the database is created, so a fresh demo database
always has orders from "yesterday". When the addon ships Indonesia's cities
and regencies (``roms_crm/data/res.city.csv``), customers get their
``city_id`` too. Each file says in its first comment that it comes from
here: edit the lists below, not the files, and regenerate from the
repository's top folder with::

    python3 setup/gen_demo.py    # any Python >= 3.10

then rebuild the demo database (``./setup/run --reset``). Only the standard
library is used.

The orders are taken to their stages by Odoo's and ROMS's public methods,
called from the data file (``<function>``): confirmed, delivered through
their pickings, cancelled, then backdated. No model carries code for the
demo.
"""

import csv
import random
import re
import textwrap
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

SEED = 11
ADDON_DIR = Path(__file__).resolve().parent.parent / "roms_crm"
DEMO_DIR = ADDON_DIR / "demo"
REGIONS_CSV = ADDON_DIR / "data" / "res.city.csv"
# the pictures of setup/gen_demo_images.py, as a data file names them
IMAGE_DIR = "roms_crm/static/img/demo"
LINE_LENGTH = 100
# the shop's language: the demo records are created in it (see XmlWriter)
DEMO_LANG = "id_ID"
HISTORY_DAYS = 180  # orders go back six months
INVENTORY_DAYS = HISTORY_DAYS + 10  # the opening stock predates the first order

# The shop itself: base.main_company becomes this.
COMPANY = {
    "name": "Toko Kopi Nusantara",
    "street": "Jl. Ir. H. Juanda No. 118",
    "city": "Bandung",
    "zip": "40132",
    "state": "base.state_id_jb",
    "phone": "+6281299001000",
    "email": "halo@tokokopinusantara.id",
    "website": "https://tokokopinusantara.id",
}

# ---------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------

CATEGORIES = [
    # xml id, name
    ("product_category_kopi_demo", "Kopi"),
    ("product_category_gula_aren_demo", "Gula Aren"),
    ("product_category_camilan_demo", "Camilan"),
    ("product_category_merchandise_demo", "Merchandise"),
]


@dataclass
class Product:
    key: str  # xml id without the product_ prefix and _demo suffix
    sku: str
    name: str
    category: str
    price: int  # Rupiah, tax included (the shop is not VAT-registered)
    cost: int
    weight: float  # kg
    threshold: int  # low-stock alert below this free quantity
    free: int  # free quantity left after the demo orders
    popularity: int  # relative weight when customers pick products
    cross_sell: str
    pairs_with: str  # the product the cross-sell sentence recommends
    description: str = ""

    @property
    def xmlid(self):
        return f"product_{self.key}_demo"


# free < threshold marks the products that open the demo below their alert level.
# fmt: off
PRODUCTS = [
    Product(
        "kopi_arabika_gayo_250g", "KOP-ARB-250", "Kopi Arabika Gayo 250g", "kopi",
        85000, 52000, 0.25, 20, 64, 10,
        "Kak, sekalian Gula Aren Cair-nya biar kopi susunya makin nikmat!",
        "gula_aren_cair_500ml",
        "Biji kopi arabika dari dataran tinggi Gayo, Aceh. Sangrai medium, "
        "aroma rempah dan cokelat.",
    ),
    Product(
        "kopi_arabika_gayo_1kg", "KOP-ARB-1K", "Kopi Arabika Gayo 1kg", "kopi",
        310000, 190000, 1.0, 8, 21, 4,
        "Stok kopi aman, Kak! Mau sekalian Gilingan Kopi Manual biar selalu "
        "giling segar?",
        "gilingan_kopi_manual",
        "Kemasan hemat 1kg untuk kedai dan pecinta kopi harian.",
    ),
    Product(
        "kopi_arabika_toraja_250g", "KOP-TRJ-250", "Kopi Arabika Toraja 250g", "kopi",
        95000, 58000, 0.25, 12, 37, 6,
        "Kak, cobain juga V60 Dripper Keramik biar aroma Toraja-nya keluar maksimal!",
        "v60_dripper_keramik",
        "Arabika Toraja Sapan, body tebal dengan sentuhan buah.",
    ),
    Product(
        "kopi_arabika_kintamani_250g", "KOP-KTM-250", "Kopi Arabika Kintamani 250g",
        "kopi", 90000, 55000, 0.25, 12, 7, 5,
        "Kak, sekalian Biskuit Kopi Aren-nya, cocok banget buat teman ngopi sore!",
        "biskuit_kopi_aren",
        "Arabika Kintamani, Bali: segar dengan rasa jeruk.",
    ),
    Product(
        "kopi_robusta_lampung_250g", "KOP-RBS-250", "Kopi Robusta Lampung 250g", "kopi",
        55000, 31000, 0.25, 20, 88, 9,
        "Kak, Robusta paling mantap diseduh tubruk pakai Gula Semut Aren, sekalian ya!",
        "gula_semut_aren_500g",
        "Robusta Lampung bubuk, pahit mantap untuk kopi tubruk.",
    ),
    Product(
        "kopi_robusta_lampung_1kg", "KOP-RBS-1K", "Kopi Robusta Lampung 1kg", "kopi",
        195000, 118000, 1.0, 10, 26, 4,
        "Kak, sekalian Gula Aren Cair 1 Liter-nya biar hemat untuk stok sebulan!",
        "gula_aren_cair_1l",
        "Kemasan hemat 1kg, favorit warung kopi dan reseller.",
    ),
    Product(
        "kopi_luwak_liar_100g", "KOP-LWK-100", "Kopi Luwak Liar 100g", "kopi",
        250000, 160000, 0.1, 5, 3, 2,
        "Kak, kopi spesial layak dibawa pakai Tumbler Kopi Nusantara, sekalian ya!",
        "tumbler_kopi_nusantara",
        "Kopi luwak liar (bukan kandang) dari Jawa Barat, stok terbatas.",
    ),
    Product(
        "kopi_susu_gula_aren_sachet", "KOP-SCH-10",
        "Kopi Susu Gula Aren Sachet (isi 10)", "kopi", 45000, 24000, 0.3, 25, 120, 9,
        "Kak, ngopi makin seru ditemani Keripik Singkong Balado, sekalian ya!",
        "keripik_singkong_balado",
        "Kopi susu kekinian instan, tinggal seduh air panas.",
    ),
    Product(
        "drip_bag_kopi_nusantara", "KOP-DRP-10", "Drip Bag Kopi Nusantara (isi 10)",
        "kopi", 65000, 36000, 0.15, 20, 75, 7,
        "Kak, sekalian Mug Enamel Kopi Nusantara-nya biar makin estetik!",
        "mug_enamel_kopi_nusantara",
        "Sepuluh drip bag campuran Gayo, Toraja dan Kintamani.",
    ),
    Product(
        "gula_aren_cair_500ml", "GAR-CAR-500", "Gula Aren Cair 500ml", "gula_aren",
        38000, 19000, 0.6, 25, 140, 10,
        "Kak, Gula Aren paling cocok sama Kopi Robusta Lampung, sekalian ya!",
        "kopi_robusta_lampung_250g",
        "Gula aren cair murni dari Garut, tanpa pengawet.",
    ),
    Product(
        "gula_aren_cair_1l", "GAR-CAR-1L", "Gula Aren Cair 1 Liter", "gula_aren",
        68000, 35000, 1.1, 15, 8, 6,
        "Kak, sekalian Kopi Arabika Gayo 1kg-nya untuk stok kopi susu di rumah!",
        "kopi_arabika_gayo_1kg",
        "Ukuran kedai: gula aren cair murni 1 liter.",
    ),
    Product(
        "gula_semut_aren_500g", "GAR-SMT-500", "Gula Semut Aren 500g", "gula_aren",
        35000, 18000, 0.5, 20, 95, 7,
        "Kak, Gula Semut enak banget buat Kopi Arabika Kintamani, mau sekalian?",
        "kopi_arabika_kintamani_250g",
        "Gula aren kristal (gula semut) organik dari Banten.",
    ),
    Product(
        "gula_semut_aren_1kg", "GAR-SMT-1K", "Gula Semut Aren 1kg", "gula_aren",
        65000, 33000, 1.0, 15, 42, 4,
        "Kak, sekalian Kopi Robusta Lampung 1kg biar pas buat usaha kopi kakak!",
        "kopi_robusta_lampung_1kg",
        "Kemasan hemat gula semut aren organik.",
    ),
    Product(
        "gula_aren_cetak_500g", "GAR-CTK-500", "Gula Aren Cetak 500g", "gula_aren",
        30000, 15000, 0.5, 15, 36, 4,
        "Kak, sekalian Gula Aren Cair 500ml-nya buat kopi susu kekinian di rumah!",
        "gula_aren_cair_500ml",
        "Gula aren batok tradisional, cocok untuk kolak dan bubur.",
    ),
    Product(
        "keripik_singkong_balado", "CML-KSB-200", "Keripik Singkong Balado 200g",
        "camilan", 22000, 11000, 0.2, 30, 110, 8,
        "Kak, pedasnya makin pas ditemani Kopi Susu Gula Aren Sachet, sekalian ya!",
        "kopi_susu_gula_aren_sachet",
        "Keripik singkong khas Padang dengan bumbu balado pedas manis.",
    ),
    Product(
        "keripik_pisang_manis", "CML-KPS-250", "Keripik Pisang Manis 250g", "camilan",
        25000, 12500, 0.25, 20, 58, 5,
        "Kak, sekalian Drip Bag Kopi Nusantara-nya, cocok buat ngemil sambil ngopi!",
        "drip_bag_kopi_nusantara",
        "Keripik pisang kepok khas Lampung, manis legit.",
    ),
    Product(
        "rempeyek_kacang", "CML-RPK-200", "Rempeyek Kacang 200g", "camilan",
        20000, 10000, 0.2, 20, 12, 4,
        "Kak, sekalian Keripik Singkong Balado-nya biar camilannya makin lengkap!",
        "keripik_singkong_balado",
        "Rempeyek kacang tanah renyah buatan rumahan Yogyakarta.",
    ),
    Product(
        "kacang_mete_panggang", "CML-KMT-250", "Kacang Mete Panggang 250g", "camilan",
        75000, 48000, 0.25, 10, 26, 4,
        "Kak, mete panggang paling mantap ditemani Kopi Arabika Toraja, mau sekalian?",
        "kopi_arabika_toraja_250g",
        "Mete Sulawesi panggang tanpa minyak.",
    ),
    Product(
        "biskuit_kopi_aren", "CML-BKA-200", "Biskuit Kopi Aren 200g", "camilan",
        32000, 16000, 0.2, 15, 47, 6,
        "Kak, sekalian Kopi Arabika Gayo 250g-nya biar ngopi sorenya makin sempurna!",
        "kopi_arabika_gayo_250g",
        "Biskuit renyah dengan kopi robusta dan gula aren.",
    ),
    Product(
        "enting_enting_gepuk", "CML-ENG-200", "Enting-Enting Gepuk 200g", "camilan",
        28000, 14000, 0.2, 10, 31, 3,
        "Kak, enting-enting makin legit kalau ditemani Kopi Robusta Lampung, "
        "sekalian ya!",
        "kopi_robusta_lampung_250g",
        "Oleh-oleh khas Salatiga dari kacang dan gula.",
    ),
    Product(
        "tumbler_kopi_nusantara", "MRC-TMB-500", "Tumbler Kopi Nusantara 500ml",
        "merchandise", 120000, 65000, 0.35, 8, 23, 3,
        "Kak, tumbler-nya makin berguna kalau diisi Kopi Susu Gula Aren, sekalian "
        "sachet-nya?",
        "kopi_susu_gula_aren_sachet",
        "Tumbler stainless dua lapis, panas 12 jam, dingin 24 jam.",
    ),
    Product(
        "mug_enamel_kopi_nusantara", "MRC-MUG-350", "Mug Enamel Kopi Nusantara",
        "merchandise", 75000, 38000, 0.3, 8, 30, 3,
        "Kak, sekalian Drip Bag Kopi Nusantara-nya biar mug baru langsung terpakai!",
        "drip_bag_kopi_nusantara",
        "Mug enamel 350ml bergaya retro dengan logo toko.",
    ),
    Product(
        "tote_bag_kanvas", "MRC-TOT-01", "Tote Bag Kanvas Kopi Nusantara",
        "merchandise", 85000, 42000, 0.2, 5, 2, 2,
        "Kak, tote bag-nya muat banyak camilan, sekalian Keripik Pisang Manis-nya ya!",
        "keripik_pisang_manis",
        "Tas kanvas tebal bersablon peta kopi Nusantara.",
    ),
    Product(
        "v60_dripper_keramik", "MRC-V60-02", "V60 Dripper Keramik 02", "merchandise",
        145000, 90000, 0.4, 5, 14, 2,
        "Kak, V60 paling pas untuk Kopi Arabika Gayo 250g, mau sekalian biji kopinya?",
        "kopi_arabika_gayo_250g",
        "Dripper keramik ukuran 02 untuk 1-4 cangkir.",
    ),
    Product(
        "gilingan_kopi_manual", "MRC-GRD-01", "Gilingan Kopi Manual", "merchandise",
        325000, 210000, 0.7, 3, 1, 1,
        "Kak, grinder baru wajib dicoba dengan Kopi Arabika Toraja 250g, sekalian ya!",
        "kopi_arabika_toraja_250g",
        "Hand grinder burr keramik, gilingan dapat diatur.",
    ),
]
PRODUCTS_BY_KEY = {product.key: product for product in PRODUCTS}
# Products a trade partner stocks: the ones that sell on.
TRADE_PRODUCTS = [
    "kopi_arabika_gayo_250g", "kopi_robusta_lampung_250g", "kopi_robusta_lampung_1kg",
    "kopi_susu_gula_aren_sachet", "drip_bag_kopi_nusantara", "gula_aren_cair_500ml",
    "gula_semut_aren_500g", "gula_semut_aren_1kg", "gula_aren_cetak_500g",
    "keripik_singkong_balado", "keripik_pisang_manis", "biskuit_kopi_aren",
]
# fmt: on

# ---------------------------------------------------------------------------
# People and places
# ---------------------------------------------------------------------------


class City(NamedTuple):
    name: str
    code: str  # Kemendagri area code of the city or regency, without the dot
    state: str  # xml id of the province
    tz: str
    transit: int  # days a parcel from Bandung travels
    weight: int  # share of the shop's customers living there
    streets: list  # [(street, zip)]


# fmt: off
CITIES = [
    City("Jakarta Selatan", "3174", "base.state_id_jk", "Asia/Jakarta", 1, 6, [
        ("Jl. Kemang Raya", "12730"), ("Jl. Tebet Barat Dalam", "12810"),
        ("Jl. Fatmawati", "12430"), ("Jl. Gandaria Tengah", "12130"),
    ]),
    City("Jakarta Barat", "3173", "base.state_id_jk", "Asia/Jakarta", 1, 4, [
        ("Jl. Kebon Jeruk Raya", "11530"), ("Jl. Tanjung Duren Raya", "11470"),
    ]),
    City("Jakarta Timur", "3175", "base.state_id_jk", "Asia/Jakarta", 1, 4, [
        ("Jl. Rawamangun Muka", "13220"), ("Jl. Pahlawan Revolusi", "13430"),
    ]),
    City("Bandung", "3273", "base.state_id_jb", "Asia/Jakarta", 1, 8, [
        ("Jl. Dago", "40135"), ("Jl. Buah Batu", "40264"),
        ("Jl. Setiabudi", "40154"), ("Jl. Riau", "40115"),
    ]),
    City("Bogor", "3271", "base.state_id_jb", "Asia/Jakarta", 1, 3, [
        ("Jl. Pajajaran", "16143"), ("Jl. Suryakencana", "16123"),
    ]),
    City("Bekasi", "3275", "base.state_id_jb", "Asia/Jakarta", 1, 4, [
        ("Jl. Ahmad Yani", "17141"), ("Jl. Kemakmuran", "17113"),
    ]),
    City("Depok", "3276", "base.state_id_jb", "Asia/Jakarta", 1, 3, [
        ("Jl. Margonda Raya", "16424"), ("Jl. Juanda", "16418"),
    ]),
    City("Tangerang Selatan", "3674", "base.state_id_bt", "Asia/Jakarta", 1, 4, [
        ("Jl. Pahlawan Seribu", "15322"), ("Jl. Ciputat Raya", "15411"),
    ]),
    City("Semarang", "3374", "base.state_id_jt", "Asia/Jakarta", 2, 3, [
        ("Jl. Pandanaran", "50241"), ("Jl. Pemuda", "50132"),
    ]),
    City("Surakarta", "3372", "base.state_id_jt", "Asia/Jakarta", 2, 2, [
        ("Jl. Slamet Riyadi", "57141"), ("Jl. Adi Sucipto", "57145"),
    ]),
    City("Yogyakarta", "3471", "base.state_id_yo", "Asia/Jakarta", 2, 3, [
        ("Jl. Kaliurang", "55281"), ("Jl. Prawirotaman", "55153"),
        ("Jl. Gejayan", "55281"),
    ]),
    City("Surabaya", "3578", "base.state_id_ji", "Asia/Jakarta", 2, 5, [
        ("Jl. Raya Darmo", "60265"), ("Jl. Manyar Kertoarjo", "60116"),
        ("Jl. Tunjungan", "60275"),
    ]),
    City("Malang", "3573", "base.state_id_ji", "Asia/Jakarta", 2, 2, [
        ("Jl. Ijen", "65119"), ("Jl. Soekarno Hatta", "65141"),
    ]),
    City("Denpasar", "5171", "base.state_id_ba", "Asia/Makassar", 3, 2, [
        ("Jl. Teuku Umar", "80113"), ("Jl. Gatot Subroto Barat", "80116"),
    ]),
    City("Medan", "1271", "base.state_id_su", "Asia/Jakarta", 3, 3, [
        ("Jl. Gatot Subroto", "20122"), ("Jl. Sisingamangaraja", "20217"),
    ]),
    City("Padang", "1371", "base.state_id_sb", "Asia/Jakarta", 3, 1, [
        ("Jl. Khatib Sulaiman", "25135"), ("Jl. Veteran", "25118"),
    ]),
    City("Palembang", "1671", "base.state_id_ss", "Asia/Jakarta", 3, 2, [
        ("Jl. Jenderal Sudirman", "30129"),
    ]),
    City("Makassar", "7371", "base.state_id_sn", "Asia/Makassar", 4, 2, [
        ("Jl. A. P. Pettarani", "90222"), ("Jl. Somba Opu", "90111"),
    ]),
    City("Balikpapan", "6471", "base.state_id_ki", "Asia/Makassar", 4, 1, [
        ("Jl. Jenderal Sudirman", "76114"), ("Jl. MT Haryono", "76125"),
    ]),
    City("Manado", "7171", "base.state_id_sa", "Asia/Makassar", 4, 1, [
        ("Jl. Sam Ratulangi", "95115"),
    ]),
]
# fmt: on
CITIES_BY_NAME = {city.name: city for city in CITIES}

# fmt: off
# Given names and family names by origin, with the cities where people of that
# origin are most likely to live. Some family names are only given to men or to
# women (all Balinese ones carry the gender).
ORIGINS = {
    "javanese": {
        "male": ["Budi", "Agus", "Joko", "Bambang", "Eko", "Wahyu", "Adi", "Hendro",
                 "Rudi"],
        "female": ["Sri", "Endang", "Retno", "Ayu", "Wulan", "Sekar", "Indah", "Tri"],
        "family": ["Santoso", "Prasetyo", "Susanto", "Nugroho", "Purnomo", "Hartono"],
        "family_male": ["Wibowo", "Kurniawan", "Setiawan", "Saputro"],
        "family_female": ["Rahayu", "Wijayanti", "Handayani", "Puspitasari", "Susanti"],
        "cities": ["Semarang", "Surakarta", "Yogyakarta", "Surabaya", "Malang"],
        "weight": 20,
    },
    "sundanese": {
        "male": ["Asep", "Dadang", "Ujang", "Cecep", "Yayan", "Dede", "Ridwan"],
        "female": ["Euis", "Neng", "Rina", "Teti", "Nining", "Yuyun", "Dewi"],
        "family": ["Sutisna", "Hidayat", "Permana", "Kusnadi", "Suryana", "Somantri",
                   "Rukmana"],
        "cities": ["Bandung", "Bogor", "Bekasi", "Depok"],
        "weight": 14,
    },
    "betawi": {
        "male": ["Ahmad", "Fauzan", "Ilham", "Rizky", "Hafiz"],
        "female": ["Aisyah", "Fatimah", "Annisa", "Putri", "Nabila"],
        "family": ["Maulana", "Ramadhan", "Fadillah", "Syahputra", "Hakim", "Rahman"],
        "cities": ["Jakarta Selatan", "Jakarta Timur", "Jakarta Barat", "Depok",
                   "Tangerang Selatan"],
        "weight": 10,
    },
    "batak": {
        "male": ["Togar", "Hotman", "Bonar", "Parlindungan", "Samuel", "Daniel"],
        "female": ["Rosmawati", "Tiurma", "Sondang", "Friska", "Maria"],
        "family": ["Siregar", "Simanjuntak", "Nainggolan", "Sitompul", "Hutapea",
                   "Lubis", "Nasution", "Pardede", "Sinaga", "Panjaitan"],
        "cities": ["Medan", "Jakarta Timur"],
        "weight": 8,
    },
    "minang": {
        "male": ["Fadli", "Hendra", "Irfan", "Yusril", "Zulkifli"],
        "female": ["Rahmi", "Yuni", "Fitri", "Nurul", "Silvia"],
        "family": ["Chaniago", "Piliang", "Tanjung", "Koto", "Sikumbang"],
        "cities": ["Padang", "Jakarta Barat"],
        "weight": 6,
    },
    "bugis": {
        "male": ["Andi", "Syamsul", "Arif", "Fajar", "Haerul"],
        "female": ["Nurhayati", "Hasnah", "Sitti", "Kartini", "Rosmiati"],
        "family": ["Hamzah", "Syamsuddin", "Rasyid", "Baso", "Mappiasse", "Latif"],
        "cities": ["Makassar", "Balikpapan"],
        "weight": 6,
    },
    "chinese": {
        "male": ["Hendra", "Kevin", "Steven", "William", "Felix", "Yohanes"],
        "female": ["Melisa", "Jessica", "Stefani", "Cindy", "Vivian", "Olivia"],
        "family": ["Wijaya", "Halim", "Gunawan", "Tanjaya", "Hartanto", "Kusuma",
                   "Sutanto", "Limanto", "Tjahjadi", "Setiadi"],
        "cities": ["Jakarta Barat", "Surabaya", "Medan", "Semarang", "Palembang"],
        "weight": 10,
    },
    "balinese": {
        "male": ["I Made", "I Wayan", "I Ketut", "I Nyoman", "I Putu"],
        "female": ["Ni Made", "Ni Putu", "Ni Luh", "Ni Kadek", "Ni Komang"],
        "family_male": ["Suardana", "Wirawan", "Mahendra", "Artawan", "Sudiarta"],
        "family_female": ["Suastini", "Ariani", "Wulandari", "Pratiwi", "Sukmawati"],
        "cities": ["Denpasar"],
        "weight": 4,
    },
    "minahasa": {
        "male": ["Jefri", "Ronald", "Stevan", "Frans"],
        "female": ["Grace", "Meiske", "Novita", "Jeane"],
        "family": ["Wenas", "Lumentut", "Rumengan", "Sumual", "Pangemanan"],
        "cities": ["Manado", "Makassar"],
        "weight": 3,
    },
}

# Mobile number prefixes (after +62) of Telkomsel, Indosat, XL, Tri and Smartfren.
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "856", "857",
                   "858", "817", "818", "819", "859", "877", "878", "896", "897",
                   "881", "882"]
RESERVED_MOBILES = {"+6281299001000", "+6281299001001"}  # the shop and its CS user
# Names the generator must not produce: the CS user, and public figures.
RESERVED_NAMES = {
    "Siti Rahmawati", "Joko Widodo", "Dewi Lestari", "Rudi Hartono", "Andi Hamzah",
}

COURIERS = [
    # name, tracking number prefix, digits, weight
    ("JNE", "BDO", 10, 4),
    ("J&T", "JP", 10, 4),
    ("SiCepat", "00", 10, 3),
    ("AnterAja", "10", 12, 1),
]

CATEGORY_KEYS = {"lead", "customer", "reseller", "dropshipper", "agent", "distributor"}
STAGE_KEYS = ["pending", "processed", "shipped", "delivered", "cancelled"]

# Who buys how much. Trade partners get a wholesale price (share of the list price).
PROFILES = {
    # profile: (category, partners, orders (min, max), quantity per line (min, max,
    #           step), share of the list price paid)
    "loyal": ("customer", 11, (4, 7), (1, 3, 1), 1.0),
    "regular": ("customer", 14, (2, 3), (1, 2, 1), 1.0),
    "inactive": ("customer", 8, (1, 3), (1, 2, 1), 1.0),
    "once": ("customer", 7, (1, 1), (1, 2, 1), 1.0),
    "new": ("customer", 7, (1, 1), (1, 3, 1), 1.0),
    "reseller": ("reseller", 4, (3, 6), (6, 24, 6), 0.85),
    "dropshipper": ("dropshipper", 3, (4, 7), (1, 3, 1), 0.9),
    "agent": ("agent", 3, (3, 5), (12, 36, 12), 0.8),
    "distributor": ("distributor", 2, (2, 4), (24, 60, 12), 0.75),
    "lead": ("lead", 6, (0, 0), (1, 1, 1), 1.0),
}
# fmt: on


@dataclass
class Partner:
    xmlid: str
    name: str
    gender: str
    profile: str
    city: City
    street: str
    zip: str
    mobile: str
    email: str = ""
    instagram: str = ""
    tiktok: str = ""
    facebook: str = ""
    join_days: int = 0
    favourites: list = field(default_factory=list)

    @property
    def category(self):
        return PROFILES[self.profile][0]


@dataclass
class Order:
    partner: Partner
    days: int  # days before the demo database is created
    minute: int  # minute of the day, Jakarta time
    lines: list  # [(product key, quantity)]
    source: str
    stage: str = "delivered"
    external_id: str = ""
    tracking: str = ""
    transit: int = 1
    xmlid: str = ""


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


def slug(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def weighted(rng, choices):
    """Pick from [(item, weight)]."""
    items, weights = zip(*choices, strict=True)
    return rng.choices(items, weights=weights)[0]


def make_partners(rng):
    partners, names, mobiles = [], set(RESERVED_NAMES), set(RESERVED_MOBILES)
    origins = [(origin, data["weight"]) for origin, data in ORIGINS.items()]
    for profile, spec in PROFILES.items():
        for __ in range(spec[1]):
            while True:
                origin = weighted(rng, origins)
                data = ORIGINS[origin]
                gender = rng.choice(["male", "female"])
                family = data.get("family", []) + data.get(f"family_{gender}", [])
                name = f"{rng.choice(data[gender])} {rng.choice(family)}"
                if name not in names:
                    names.add(name)
                    break
            if rng.random() < 0.55:
                city = CITIES_BY_NAME[rng.choice(data["cities"])]
            else:
                city = weighted(rng, [(city, city.weight) for city in CITIES])
            street, zip_code = rng.choice(city.streets)
            while True:
                mobile = (
                    f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7, 10**8)}"
                )
                if mobile not in mobiles:
                    mobiles.add(mobile)
                    break
            handle = slug(name).replace("_", rng.choice(["", ".", "_"]))
            partner = Partner(
                xmlid=f"res_partner_{slug(name)}_demo",
                name=name,
                gender=gender,
                profile=profile,
                city=city,
                street=f"{street} No. {rng.randint(1, 250)}",
                zip=zip_code,
                mobile=mobile,
            )
            if rng.random() < 0.6:
                partner.email = f"{slug(name).replace('_', '.')}@example.com"
            if rng.random() < 0.55:
                partner.instagram = (
                    f"@{handle}{rng.choice(['', '', '.id', str(rng.randint(7, 99))])}"
                )
            if rng.random() < 0.3:
                partner.tiktok = (
                    f"@{handle}{rng.choice(['', 'official', str(rng.randint(7, 99))])}"
                )
            if rng.random() < 0.2:
                partner.facebook = f"facebook.com/{slug(name).replace('_', '.')}"
            partners.append(partner)
    return partners


def pick_favourites(rng, partner):
    pool = TRADE_PRODUCTS if partner.category != "customer" else list(PRODUCTS_BY_KEY)
    weights = [PRODUCTS_BY_KEY[key].popularity for key in pool]
    favourites = []
    while len(favourites) < 2:
        key = rng.choices(pool, weights=weights)[0]
        if key not in favourites:
            favourites.append(key)
    return favourites


def order_lines(rng, partner, big=False):
    """What a partner puts in one order: mostly their favourites, often the
    product the favourite's cross-sell sentence recommends, sometimes a treat."""
    __, __, __, (qty_min, qty_max, step), __ = PROFILES[partner.profile]
    keys = [rng.choice(partner.favourites)]
    if rng.random() < 0.45:
        keys.append(PRODUCTS_BY_KEY[keys[0]].pairs_with)
    extra = rng.randint(0, 2 if partner.category != "customer" else 1)
    pool = TRADE_PRODUCTS if partner.category != "customer" else list(PRODUCTS_BY_KEY)
    if big:  # big spenders treat themselves to the premium products
        pool = [
            "kopi_luwak_liar_100g",
            "gilingan_kopi_manual",
            "kopi_arabika_gayo_1kg",
            "v60_dripper_keramik",
            "tumbler_kopi_nusantara",
        ]
        extra += 1
    for __ in range(extra):
        keys.append(
            rng.choices(pool, weights=[PRODUCTS_BY_KEY[k].popularity for k in pool])[0]
        )
    lines = {}
    for key in keys[:4]:
        if key not in lines:
            lines[key] = rng.randrange(qty_min, qty_max + 1, step)
    return list(lines.items())


def order_days(rng, partner):
    """Days ago of each order of a partner, oldest first."""
    __, __, (count_min, count_max), __, __ = PROFILES[partner.profile]
    count = rng.randint(count_min, count_max)
    if partner.profile == "new":
        return [rng.randint(0, 25)]
    if partner.profile == "lead":
        return []
    if partner.profile == "inactive":
        newest, oldest = 65, HISTORY_DAYS
    elif partner.profile == "once":
        newest, oldest = 20, HISTORY_DAYS
    else:
        newest, oldest = 0, HISTORY_DAYS
    # Repeat buyers come back at a steady rhythm, with some jitter.
    start = rng.randint(max(newest, oldest - 40), oldest)
    if count == 1:
        return [rng.randint(newest, oldest)]
    interval = (start - newest) / (
        count - 0.5 if partner.profile != "regular" else count
    )
    days = []
    for index in range(count):
        day = round(start - index * interval + rng.uniform(-4, 4))
        days.append(min(max(day, newest), HISTORY_DAYS))
    return sorted(set(days), reverse=True)


def stage_for(rng, days):
    """The fulfilment stage of an order of that age. Parcels leave the day
    after the order; quotations left for days are abandoned carts."""
    if days > 7:
        return weighted(rng, [("delivered", 95), ("cancelled", 5)])
    if days >= 5:
        return weighted(rng, [("delivered", 45), ("shipped", 45), ("cancelled", 10)])
    if days >= 2:
        return weighted(
            rng,
            [("shipped", 55), ("processed", 15), ("pending", 20), ("cancelled", 10)],
        )
    if days == 1:
        return weighted(rng, [("processed", 55), ("pending", 25), ("shipped", 20)])
    return weighted(rng, [("processed", 50), ("pending", 50)])


def source_for(rng, partner):
    if partner.category in ("reseller", "agent", "distributor"):
        return weighted(rng, [("portal", 5), ("whatsapp", 4), ("backend", 1)])
    if partner.category == "dropshipper":
        return weighted(rng, [("portal", 4), ("whatsapp", 6)])
    return weighted(
        rng,
        [
            ("whatsapp", 55),
            ("woocommerce", 18),
            ("shopify", 12),
            ("backend", 10),
            ("portal", 5),
        ],
    )


def tracking_number(rng):
    name, prefix, digits, __ = weighted(rng, [(c, c[3]) for c in COURIERS])
    return f"{name} {prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"


def make_orders(rng, partners):
    orders = []
    big_spenders = {p.xmlid for p in partners if p.profile == "loyal"}
    big_spenders = set(sorted(big_spenders)[:6])
    for partner in partners:
        partner.favourites = pick_favourites(rng, partner)
        days = order_days(rng, partner)
        for day in days:
            big = partner.xmlid in big_spenders and rng.random() < 0.4
            orders.append(
                Order(
                    partner=partner,
                    days=day,
                    minute=rng.randint(8 * 60, 21 * 60),
                    lines=order_lines(rng, partner, big=big),
                    source=source_for(rng, partner),
                )
            )
        # When did they join? Before their first order, within the last year.
        if days:
            partner.join_days = min(days[0] + rng.randint(0, 180), 365)
        elif partner.profile == "lead":
            partner.join_days = rng.randint(0, 45)
        if partner.profile == "new":
            partner.join_days = min(days[0] + rng.randint(0, 4), 29)
    # Leads who filled a cart and never paid: abandoned carts.
    for partner in [p for p in partners if p.profile == "lead"][:2]:
        partner.join_days = rng.randint(3, 10)
        orders.append(
            Order(
                partner=partner,
                days=rng.randint(2, partner.join_days),
                minute=rng.randint(8 * 60, 23 * 60),
                lines=order_lines(rng, partner),
                source=rng.choice(["woocommerce", "shopify"]),
                stage="pending",
            )
        )
    # This week's orders, so that every stage shows up in a fresh database.
    active = [
        p
        for p in partners
        if p.profile in ("loyal", "regular", "dropshipper", "reseller", "agent")
    ]
    for partner in rng.sample(active, 34):
        orders.append(
            Order(
                partner=partner,
                days=rng.choice([0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7]),
                minute=rng.randint(8 * 60, 21 * 60),
                lines=order_lines(rng, partner),
                source=source_for(rng, partner),
            )
        )

    orders.sort(key=lambda o: (-o.days, o.minute, o.partner.xmlid))
    web_ids = {"woocommerce": 10412, "shopify": 5610023345000}
    for number, order in enumerate(orders, start=1):
        order.xmlid = f"sale_order_{number:04d}_demo"
        if order.stage != "pending":
            order.stage = stage_for(rng, order.days)
        if order.source in web_ids:
            web_ids[order.source] += rng.randint(3, 40)
            order.external_id = str(web_ids[order.source])
        if order.stage in ("shipped", "delivered"):
            order.tracking = tracking_number(rng)
            order.transit = min(
                order.partner.city.transit + rng.randint(0, 1), max(order.days - 2, 1)
            )
    return orders


# ---------------------------------------------------------------------------
# XML output
# ---------------------------------------------------------------------------


class XmlWriter:
    """Odoo data files in the project's style: 4-space indents, attributes on
    their own lines when the tag gets long.

    The files are ``noupdate``: updating the addon must neither reset the demo
    records nor replay the function calls (confirming orders twice fails).

    Their records are created, and their functions called, in Indonesian (the
    root's ``lang`` context; ``demo/res_lang_demo.xml`` installs the language
    before them): the lines the chatter logs on the way ("Pesanan penjualan
    dibuat", a delivery's "telah dibuat dari") are then written in the shop's
    language, and the customers get it as theirs. Odoo's loader otherwise runs
    without a language, and the chatter would read in English.
    """

    def __init__(self):
        self.lines = [
            '<?xml version="1.0" encoding="utf-8" ?>',
            f'<odoo noupdate="1" context="{{\'lang\': \'{DEMO_LANG}\'}}">',
        ]
        self.comment(
            "Generated by setup/gen_demo.py: edit that script and run it again "
            "rather than this file."
        )

    def blank(self):
        if self.lines[-1] != "":
            self.lines.append("")

    def comment(self, text, indent=1):
        pad = "    " * indent
        lines = textwrap.wrap(text, LINE_LENGTH - len(pad) - 9)
        lines = [lines[0]] + [f"     {line}" for line in lines[1:]]
        self.lines.append(f"{pad}<!-- {lines[0]}")
        self.lines.extend(f"{pad}{line}" for line in lines[1:])
        self.lines[-1] += " -->"

    def tag(self, name, attrs, text=None, indent=1):
        pad = "    " * indent
        parts = [f"{key}={quoteattr(str(value))}" for key, value in attrs]
        closing = f">{escape(str(text))}</{name}>" if text is not None else " />"
        line = f"{pad}<{name} {' '.join(parts)}{closing}"
        if len(line) <= LINE_LENGTH:
            self.lines.append(line)
            return
        self.lines.append(f"{pad}<{name}")
        self.lines.extend(f"{pad}    {part}" for part in parts)
        self.lines.append(
            f"{pad}{closing.lstrip()}" if text is None else f"{pad}{closing}"
        )

    def open(self, name, attrs, indent=1):
        parts = "".join(f" {key}={quoteattr(str(value))}" for key, value in attrs)
        self.lines.append(f"{'    ' * indent}<{name}{parts}>")

    def close(self, name, indent=1):
        self.lines.append(f"{'    ' * indent}</{name}>")

    def field(self, name, value=None, ref=None, eval_=None, indent=2):
        if ref:
            self.tag("field", [("name", name), ("ref", ref)], indent=indent)
        elif eval_ is not None:
            self.tag("field", [("name", name), ("eval", eval_)], indent=indent)
        else:
            self.tag("field", [("name", name)], text=value, indent=indent)

    def multiline_eval(self, name, items, indent=2):
        """A field whose eval is a list, one item a line."""
        self.eval_tag(
            "field", [("name", name)], ["[", *(f"{item}," for item in items), "]"], indent
        )

    def eval_tag(self, name, attrs, eval_lines, indent=1):
        """An empty tag, its attributes one a line, the last an ``eval`` written
        over ``eval_lines`` (the first and last unindented)."""
        pad = "    " * indent
        quotes = {'"': "&quot;"}
        body = [escape(line, quotes) for line in eval_lines]
        self.lines.append(f"{pad}<{name}")
        self.lines.extend(f"{pad}    {key}={quoteattr(str(value))}" for key, value in attrs)
        self.lines.append(f'{pad}    eval="{body[0]}')
        self.lines.extend(f"{pad}        {line}" for line in body[1:-1])
        self.lines.append(f'{pad}    {body[-1]}"')
        self.lines.append(f"{pad}/>")

    def write(self, path):
        self.lines.append("</odoo>")
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def days_ago_date(days):
    return f"(DateTime.today() - relativedelta(days={days})).strftime('%Y-%m-%d')"


def days_ago_datetime(days, minute):
    """The moment ``days`` ago at ``minute`` of the day in Jakarta (UTC+7), in UTC."""
    utc = minute - 7 * 60
    if days == 0:  # earlier today: count back from now, never into the future
        minutes_ago = max(15, (22 * 60 - minute) // 2)
        return (
            f"(DateTime.now() - relativedelta(minutes={minutes_ago}))"
            ".strftime('%Y-%m-%d %H:%M:%S')"
        )
    return (
        f"(DateTime.today() - relativedelta(days={days})).strftime("
        f"'%Y-%m-%d {utc // 60:02d}:{utc % 60:02d}:00')"
    )


def write_products(orders):
    xml = XmlWriter()
    xml.comment("The demo shop: Toko Kopi Nusantara in Bandung sells in Rupiah.")
    xml.comment(
        "account's demo data has already posted journal entries for this company, so "
        "res.company.write() refuses to change its currency. A demo database has no "
        "books to keep: write the column directly (the sample entries then read as "
        "Rupiah) and drop the cached value."
    )
    xml.tag(
        "function",
        [
            ("model", "res.company"),
            ("name", "_write"),
            ("eval", "[[ref('base.main_company')], {'currency_id': ref('base.IDR')}]"),
        ],
    )
    xml.tag(
        "function",
        [
            ("model", "res.company"),
            ("name", "invalidate_recordset"),
            ("eval", "[[ref('base.main_company')], ['currency_id']]"),
        ],
    )
    xml.comment(
        "Only now: activating a second currency enables pricelists and creates each "
        "company's default pricelist, in the company's currency."
    )
    xml.comment(
        "Rupiah is paid whole: the shop rounds IDR to Rp 1 (Odoo's default keeps two "
        "decimals). Odoo refuses this once IDR has journal entries; the demo has none."
    )
    xml.open("record", [("id", "base.IDR"), ("model", "res.currency")])
    xml.field("active", eval_="True")
    xml.field("rounding", eval_="1.0")
    xml.close("record")
    xml.open("record", [("id", "base.main_company"), ("model", "res.company")])
    xml.field("name", COMPANY["name"])
    xml.field("street", COMPANY["street"])
    xml.field("city", COMPANY["city"])
    xml.field("zip", COMPANY["zip"])
    xml.field("state_id", ref=COMPANY["state"])
    xml.field("country_id", ref="base.id")
    xml.field("phone", COMPANY["phone"])
    xml.field("email", COMPANY["email"])
    xml.field("website", COMPANY["website"])
    # drawn by setup/gen_demo_images.py, as the products' pictures
    xml.tag(
        "field",
        [("name", "logo"), ("type", "base64"), ("file", f"{IMAGE_DIR}/company_logo.png")],
        indent=2,
    )
    xml.close("record")

    xml.blank()
    xml.comment("Product categories")
    for xmlid, name in CATEGORIES:
        xml.open("record", [("id", xmlid), ("model", "product.category")])
        xml.field("name", name)
        xml.field("parent_id", ref="product.product_category_all")
        xml.close("record")

    xml.blank()
    xml.comment(
        "The catalogue. Prices include everything: the shop does not charge VAT."
    )
    for product in PRODUCTS:
        xml.open("record", [("id", product.xmlid), ("model", "product.product")])
        xml.field("name", product.name)
        xml.field("default_code", product.sku)
        xml.field("categ_id", ref=f"product_category_{product.category}_demo")
        xml.field("type", "consu")
        xml.field("is_storable", eval_="True")
        xml.field("list_price", eval_=str(product.price))
        xml.field("standard_price", eval_=str(product.cost))
        xml.field("weight", eval_=str(product.weight))
        xml.field("taxes_id", eval_="[Command.clear()]")
        xml.field("description_sale", product.description)
        xml.field("roms_cross_sell_text", product.cross_sell)
        xml.field("roms_low_stock_threshold", eval_=str(product.threshold))
        xml.tag(
            "field",
            [
                ("name", "image_1920"),
                ("type", "base64"),
                ("file", f"{IMAGE_DIR}/{product.key}.png"),
            ],
            indent=2,
        )
        xml.close("record")

    # Opening stock: what the demo orders take, plus what is left.
    taken = Counter()
    for order in orders:
        if order.stage in ("processed", "shipped", "delivered"):
            for key, qty in order.lines:
                taken[key] += qty
    xml.blank()
    xml.comment(
        "Opening stock: what the demo orders deliver or reserve, plus the free "
        "quantity left. A few products end up below their low-stock threshold."
    )
    for product in PRODUCTS:
        xml.open(
            "record",
            [("id", f"stock_quant_{product.key}_demo"), ("model", "stock.quant")],
        )
        xml.field("product_id", ref=product.xmlid)
        xml.field("location_id", ref="stock.stock_location_stock")
        xml.field("inventory_quantity", eval_=str(taken[product.key] + product.free))
        xml.close("record")
    categories = ", ".join(f"ref('{xmlid}')" for xmlid, __ in CATEGORIES)
    xml.open("function", [("model", "stock.quant"), ("name", "action_apply_inventory")])
    xml.tag(
        "function",
        [
            ("model", "stock.quant"),
            ("name", "search"),
            ("eval", f"[[('product_categ_id', 'in', [{categories}])]]"),
        ],
        indent=2,
    )
    xml.close("function")
    xml.comment("The stock was counted before the first order.")
    inventory = (
        f"('is_inventory', '=', True), ('product_id.categ_id', 'in', [{categories}])"
    )
    for model in ("stock.move", "stock.move.line"):
        xml.open("function", [("model", model), ("name", "write")])
        xml.tag(
            "function",
            [
                ("model", model),
                ("name", "search"),
                ("eval", f"[[{inventory}]]"),
            ],
            indent=2,
        )
        xml.tag(
            "value",
            [("eval", f"{{'date': {days_ago_date(INVENTORY_DAYS)}}}")],
            indent=2,
        )
        xml.close("function")
    xml.write(DEMO_DIR / "product_demo.xml")


def load_regions():
    """{area code: name} of the cities and regencies roms_crm ships as res.city
    records (data/res.city.csv, xml ids ``city_id_<code>``), if it does."""
    if not REGIONS_CSV.exists():
        return {}
    with REGIONS_CSV.open(encoding="utf-8") as regions:
        return {
            row["id"].removeprefix("city_id_"): row["name"]
            for row in csv.DictReader(regions)
        }


def write_partners(partners):
    # Contacts that exist before ROMS is installed get no category (see
    # roms_crm/hooks.py), so only the shop's customers below are customers.
    xml = XmlWriter()
    xml.comment(
        "Customers of the demo shop, all over Indonesia. Mobile numbers and e-mail "
        "addresses are made up."
    )
    regions = load_regions()
    for partner in sorted(partners, key=lambda p: -p.join_days):
        city = partner.city
        xml.open("record", [("id", partner.xmlid), ("model", "res.partner")])
        xml.field("name", partner.name)
        xml.field("roms_category", partner.category)
        xml.field("roms_gender", partner.gender)
        xml.field("roms_join_date", eval_=days_ago_date(partner.join_days))
        xml.field("mobile", partner.mobile)
        if partner.email:
            xml.field("email", partner.email)
        xml.field("street", partner.street)
        if city.code in regions:  # as picking the city in the form does
            xml.field("city_id", ref=f"city_id_{city.code}")
            xml.field("city", regions[city.code])
        else:
            xml.field("city", city.name)
        xml.field("zip", partner.zip)
        xml.field("state_id", ref=city.state)
        xml.field("country_id", ref="base.id")
        xml.field("tz", city.tz)
        for name in ("instagram", "tiktok", "facebook"):
            if getattr(partner, name):
                xml.field(f"roms_{name}", getattr(partner, name))
        xml.close("record")
    xml.write(DEMO_DIR / "res_partner_demo.xml")


def days_ago_moment(days, minute, later=0):
    """``later`` days after the moment ``days`` ago at ``minute`` of the day in
    Jakarta (UTC+7), as a UTC datetime (not text, unlike ``days_ago_datetime``),
    and never after now."""
    utc = minute - 7 * 60
    moment = (
        f"DateTime.today().replace(hour={utc // 60}, minute={utc % 60}, second=0, "
        "microsecond=0)"
    )
    if days - later > 0:
        return f"{moment} - timedelta(days={days - later})"
    return f"min(DateTime.now(), {moment} + timedelta(days={later - days}))"


def fulfil(xml, order):
    """Take the quotation of ``order`` to its stage as the shop would, through
    public methods: confirm it; ship it (its pickings validated, the parcel
    leaving the day after the order); mark it cancelled, shipped or delivered
    (``transit`` days after shipping). Confirming dates the order today and
    validating dates the pickings today: both are put back in the past."""
    ref = f"ref('{order.xmlid}')"
    xml.tag(
        "function",
        [("model", "sale.order"), ("name", "action_confirm"), ("eval", f"[[{ref}]]")],
    )
    values = {
        "date_order": days_ago_datetime(order.days, order.minute),
        "roms_stage": repr(order.stage),
    }
    if order.stage == "cancelled":
        xml.tag(
            "function",
            [
                ("model", "sale.order"),
                ("name", "action_cancel"),
                ("eval", f"[[{ref}]]"),
                ("context", "{'disable_cancel_warning': True}"),
            ],
        )
    if order.stage in ("shipped", "delivered"):
        shipped = days_ago_moment(order.days, order.minute, later=1)
        pickings = f"('sale_id', '=', {ref})"
        moves = f"('picking_id.sale_id', '=', {ref})"
        steps = [
            ("stock.move", "write", moves, "{'picked': True}", None),
            ("stock.picking", "button_validate", pickings, None, "{'skip_sms': True}"),
            ("stock.picking", "write", pickings, f"{{'date_done': {shipped}}}", None),
            ("stock.move", "write", moves, f"{{'date': {shipped}}}", None),
            (
                "stock.move.line",
                "write",
                f"('move_id.picking_id.sale_id', '=', {ref})",
                f"{{'date': {shipped}}}",
                None,
            ),
        ]
        for model, method, domain, value, context in steps:
            attrs = [("model", model), ("name", method)]
            if context:
                attrs.append(("context", context))
            xml.open("function", attrs)
            xml.tag(
                "function",
                [("model", model), ("name", "search"), ("eval", f"[[{domain}]]")],
                indent=2,
            )
            if value:
                xml.tag("value", [("eval", value)], indent=2)
            xml.close("function")
        values["roms_tracking_number"] = repr(order.tracking)
    if order.stage == "delivered":
        values["roms_delivered_date"] = days_ago_moment(
            order.days, order.minute, later=1 + order.transit
        )
    xml.eval_tag(
        "function",
        [("model", "sale.order"), ("name", "write")],
        [f"[[{ref}], {{", *(f"'{key}': {value}," for key, value in values.items()), "}]"],
    )


def write_orders(orders):
    xml = XmlWriter()
    xml.comment(
        "Six months of orders. Each quotation is then taken to its fulfilment stage "
        "by the shop's own actions, and its date put back to the date_order set here."
    )
    for order in orders:
        partner = order.partner
        price_share = PROFILES[partner.profile][4]
        salesperson = (
            "res_users_cs1_demo"
            if order.source in ("whatsapp", "portal")
            else "base.user_admin"
        )
        xml.blank()
        xml.open("record", [("id", order.xmlid), ("model", "sale.order")])
        xml.field("partner_id", ref=partner.xmlid)
        xml.field("user_id", ref=salesperson)
        xml.field("date_order", eval_=days_ago_datetime(order.days, order.minute))
        xml.field("roms_source", order.source)
        if order.external_id:
            xml.field("roms_external_id", order.external_id)
        lines = []
        for key, qty in order.lines:
            product = PRODUCTS_BY_KEY[key]
            values = f"'product_id': ref('{product.xmlid}'), 'product_uom_qty': {qty}"
            if price_share < 1:  # wholesale price, rounded to Rp 500
                price = round(product.price * price_share / 500) * 500
                values += f", 'price_unit': {price}"
            lines.append(f"Command.create({{{values}}})")
        xml.multiline_eval("order_line", lines)
        xml.close("record")
        if order.stage != "pending":
            fulfil(xml, order)
    xml.blank()
    xml.comment(
        "The orders were backdated after their confirmation: compute every "
        "customer's statistics and segments from the final dates."
    )
    xml.tag("function", [("model", "res.partner"), ("name", "_roms_update_all_stats")])
    xml.write(DEMO_DIR / "sale_order_demo.xml")


def summary(partners, orders):
    spent = defaultdict(int)
    for order in orders:
        if order.stage in ("delivered", "shipped", "processed"):
            price_share = PROFILES[order.partner.profile][4]
            for key, qty in order.lines:
                spent[order.partner.xmlid] += (
                    qty * PRODUCTS_BY_KEY[key].price * price_share
                )
    customers = [p for p in partners if p.category == "customer"]
    print(
        f"{len(PRODUCTS)} products, {len(partners)} partners in "
        f"{len({p.city.name for p in partners})} cities, {len(orders)} orders"
    )
    print("categories:", dict(Counter(p.category for p in partners)))
    print("stages:", dict(Counter(o.stage for o in orders)))
    print("sources:", dict(Counter(o.source for o in orders)))
    print(
        "customers over Rp 1,000,000:",
        sum(1 for p in customers if spent[p.xmlid] > 1_000_000),
    )
    print("joined in the last 30 days:", sum(1 for p in partners if p.join_days <= 30))


def check(partners, orders):
    """What the demo shop promises: fail loudly when an edit breaks it."""
    stages = Counter(order.stage for order in orders)
    first_order = {}
    for order in orders:
        first_order.setdefault(order.partner.xmlid, order.days)
    problems = [
        message
        for message, ok in [
            ("at least 20 products", len(PRODUCTS) >= 20),
            ("at least 60 customers", len(partners) >= 60),
            ("every category", {p.category for p in partners} == CATEGORY_KEYS),
            ("at least 10 cities", len({p.city.name for p in partners}) >= 10),
            ("5+ orders in every stage", min(stages[s] for s in STAGE_KEYS) >= 5),
            ("unique mobiles", len({p.mobile for p in partners}) == len(partners)),
            ("unique xml ids", len({p.xmlid for p in partners}) == len(partners)),
            (
                "customers join before their first order",
                all(p.join_days >= first_order.get(p.xmlid, 0) for p in partners),
            ),
            (
                "delivered before today",
                all(o.days > 1 + o.transit for o in orders if o.stage == "delivered"),
            ),
        ]
        if not ok
    ]
    if problems:
        raise SystemExit(f"demo data check failed: {', '.join(problems)}")


def main():
    rng = random.Random(SEED)
    partners = make_partners(rng)
    orders = make_orders(rng, partners)
    check(partners, orders)
    write_products(orders)
    write_partners(partners)
    write_orders(orders)
    summary(partners, orders)


if __name__ == "__main__":
    main()
