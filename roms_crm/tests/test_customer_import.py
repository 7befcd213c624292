import base64
import datetime
import io
import re
from unittest.mock import patch

import openpyxl
import xlsxwriter
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.roms_crm.models.customer_import.roms_customer_import import (
    CUSTOMER_COLUMNS,
)

HEADERS = (
    "Name *",
    "Mobile/WhatsApp *",
    "Email",
    "Category",
    "Gender",
    "Street",
    "Province",
    "City/Regency",
    "District",
    "Postal Code",
    "Join Date",
    "Instagram",
    "TikTok",
    "Facebook",
    "Notes",
)
KEYS = tuple(column[0] for column in CUSTOMER_COLUMNS)


def make_xlsx(rows, headers=HEADERS, keys=KEYS):
    """An .xlsx with ``headers`` and one row per dict of ``rows`` (column key:
    value); dates are written as real Excel dates."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet("Customers")
    sheet.write_row(0, 0, headers)
    for row, values in enumerate(rows, start=1):
        for col, key in enumerate(keys):
            value = values.get(key)
            if isinstance(value, datetime.date):
                sheet.write_datetime(row, col, value, date_format)
            elif value is not None:
                sheet.write(row, col, value)
    workbook.close()
    return output.getvalue()


@tagged("post_install", "-at_install")
class TestCustomerImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # importing customers is an administrator's action
        cls.admin_user = new_test_user(
            cls.env, "roms_import_admin", groups="roms_crm.group_roms_admin"
        )
        cls.cs_user = new_test_user(
            cls.env, "roms_import_cs", groups="roms_crm.group_roms_cs"
        )
        cls.Import = cls.env["roms.customer.import"].with_user(cls.admin_user)
        cls.jawa_barat = cls.env.ref("base.state_id_jb")
        cls.jawa_timur = cls.env.ref("base.state_id_ji")
        cls.jakarta = cls.env.ref("base.state_id_jk")
        cls.kota_bandung = cls.env.ref("roms_crm.city_id_3273")
        cls.kota_surabaya = cls.env.ref("roms_crm.city_id_3578")
        cls.jakarta_barat = cls.env.ref("roms_crm.city_id_3173")
        cls.kabupaten_bogor = cls.env.ref("roms_crm.city_id_3201")
        cls.coblong = cls.env.ref("roms_crm.district_id_327302")
        cls.gubeng = cls.env.ref("roms_crm.district_id_357808")
        cls.budi = cls.env["res.partner"].create(
            {
                "name": "Budi Santoso",
                "mobile": "+6281234567890",
                "email": "budi@example.com",
                "roms_category": "customer",
                "roms_join_date": "2020-01-15",
                "country_id": cls.env.ref("base.id").id,
                "state_id": cls.jawa_barat.id,
                "city_id": cls.kota_bandung.id,
                "city": "Kota Bandung",
                "roms_district_id": cls.coblong.id,
            }
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _import(self, rows, skip=False, content=None, validate_only=False):
        record = self.Import.create(
            {
                "file": base64.b64encode(content or make_xlsx(rows)),
                "file_name": "customers.xlsx",
                "skip_invalid": skip,
            }
        )
        if validate_only:
            record.action_validate()
        else:
            record.action_import()
        return record

    def _download(self, action, user=None):
        """The content of the file an act_url action downloads."""
        self.assertEqual(action["type"], "ir.actions.act_url")
        match = re.match(
            r"^/web/content/roms\.customer\.export/(\d+)/file/", action["url"]
        )
        self.assertTrue(match, action["url"])
        record = (
            self.env["roms.customer.export"]
            .with_user(user or self.admin_user)
            .browse(int(match.group(1)))
        )
        return base64.b64decode(record.file)

    def _errors(self, record):
        return {(error.row, error.column) for error in record.error_ids}

    def _partners(self, *numbers):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("roms_whatsapp_number", "in", list(numbers))])
        )

    def _mixed_rows(self):
        return [
            {  # 2: good
                "name": "Ani Lestari",
                "mobile": "0812-1111-2222",
                "email": "ani@example.com",
                "category": "Reseller",
                "gender": "Female",
                "province": "Jawa Barat",
                "city": "Kota Bandung",
                "district": "Coblong",
                "zip": "40132",
                "join_date": datetime.date(2022, 3, 4),
                "instagram": "@ani",
            },
            {"name": "Bad Phone", "mobile": "12345"},  # 3
            {"name": "Bad Email", "mobile": "081311112222", "email": "ani(at)x"},  # 4
            {"name": "Bad Category", "mobile": "081311113333", "category": "VIP"},  # 5
            {"mobile": "081311114444"},  # 6: no name
            {"name": "Bad Province", "mobile": "081311115555", "province": "Atlantis"},
            {"name": "Bad Date", "mobile": "081311116666", "join_date": "31/02/2023"},
            {"name": "Bad Zip", "mobile": "081311117777", "zip": 4013},  # 9
            {"name": "Dedi Kurniawan", "mobile": 81322223333},  # 10: good, numeric
        ]

    # ------------------------------------------------------------------
    # template
    # ------------------------------------------------------------------

    def test_template_has_validations_and_reference_sheets(self):
        record = self.Import.create({})
        content = self._download(record.action_download_template())
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(
            workbook.sheetnames,
            ["Customers", "Instructions", "Provinces", "Cities", "Districts"],
        )
        sheet = workbook["Customers"]
        self.assertEqual([cell.value for cell in sheet[1]], list(HEADERS))
        validations = {
            str(validation.sqref).split(":")[0]: validation
            for validation in sheet.data_validations.dataValidation
        }
        self.assertEqual(
            validations["D2"].formula1,
            '"Lead,Customer,Reseller,Dropshipper,Agent,Distributor"',
        )
        self.assertEqual(validations["D2"].type, "list")
        self.assertEqual(validations["E2"].formula1, '"Male,Female"')
        self.assertEqual(validations["G2"].formula1, "'Provinces'!$A$2:$A$39")
        self.assertEqual(validations["H2"].formula1, "'Cities'!$A$2:$A$515")
        self.assertEqual(workbook["Provinces"].max_row, 39)
        self.assertEqual(workbook["Cities"].max_row, 515)
        self.assertGreater(workbook["Districts"].max_row, 7000)
        cities = {
            row[0]: row[1] for row in workbook["Cities"].iter_rows(values_only=True)
        }
        self.assertEqual(cities["Kota Bandung"], "Jawa Barat")
        districts = {
            row[:2] for row in workbook["Districts"].iter_rows(values_only=True)
        }
        self.assertIn(("Coblong", "Kota Bandung"), districts)

        # The template, filled in, imports as it is.
        sheet.append(
            ["Sari Dewi", "0857-1234-5678", None, "Dropshipper", "Female"]
            + [None, "Jawa Timur", "Kota Surabaya", "Gubeng", "60281", "2021-06-01"]
        )
        output = io.BytesIO()
        workbook.save(output)
        result = self._import(None, content=output.getvalue())
        self.assertEqual(result.state, "done", result.error_ids.mapped("message"))
        sari = self._partners("+6285712345678")
        self.assertEqual(sari.name, "Sari Dewi")
        self.assertEqual(sari.roms_category, "dropshipper")
        self.assertEqual(sari.roms_district_id, self.gubeng)
        self.assertEqual(sari.roms_join_date, datetime.date(2021, 6, 1))

    # ------------------------------------------------------------------
    # validation
    # ------------------------------------------------------------------

    def test_errors_listed_and_nothing_written(self):
        record = self._import(self._mixed_rows())
        self.assertEqual(record.state, "validated")
        self.assertEqual(
            self._errors(record),
            {(3, "B"), (4, "C"), (5, "D"), (6, "A"), (7, "G"), (8, "K"), (9, "J")},
        )
        by_row = {error.row: error for error in record.error_ids}
        self.assertEqual(by_row[3].header, "Mobile/WhatsApp")
        self.assertEqual(by_row[3].value, "12345")
        self.assertIn("not valid", by_row[3].message)
        self.assertIn("Reseller", by_row[5].message)
        self.assertEqual(by_row[9].value, "4013")
        self.assertEqual(record.row_count, 9)
        self.assertEqual(record.error_row_count, 7)
        self.assertEqual(record.created_count, 0)
        self.assertFalse(
            self._partners("+6281211112222", "+6281322223333"), "nothing is written"
        )

        # The error report lists every error and the rows to fix.
        report = openpyxl.load_workbook(
            io.BytesIO(self._download(record.action_download_error_report()))
        )
        errors = list(report["Errors"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(errors), 7)
        self.assertEqual(errors[0][:3], (3, "B", "Mobile/WhatsApp"))
        to_fix = list(report["Customers"].iter_rows(values_only=True))
        self.assertEqual(to_fix[0][-1], "Errors")
        self.assertEqual(
            [row[0] for row in to_fix[1:]],
            [
                "Bad Phone",
                "Bad Email",
                "Bad Category",
                None,
                "Bad Province",
                "Bad Date",
                "Bad Zip",
            ],
        )
        # Corrected, the report itself can be uploaded again (its Errors column is
        # ignored).
        sheet = report["Customers"]
        sheet.delete_rows(2, sheet.max_row)
        sheet.append(["Ani Lestari", "081211112222"] + [None] * 13 + ["old error"])
        output = io.BytesIO()
        report.save(output)
        again = self._import(None, content=output.getvalue())
        self.assertEqual(again.state, "done", again.error_ids.mapped("message"))
        self.assertEqual(again.created_count, 1)

    def test_skip_invalid_rows(self):
        record = self._import(self._mixed_rows(), skip=True)
        self.assertEqual(record.state, "done")
        self.assertEqual(record.created_count, 2)
        self.assertEqual(record.updated_count, 0)
        self.assertEqual(record.skipped_count, 7)
        self.assertEqual(len(record.error_ids), 7, "the skipped rows stay listed")
        self.assertEqual(record.user_id, self.admin_user)
        self.assertTrue(record.date)
        ani = self._partners("+6281211112222")
        self.assertEqual(record.partner_ids, ani | self._partners("+6281322223333"))
        self.assertRecordValues(
            ani,
            [
                {
                    "name": "Ani Lestari",
                    "mobile": "+6281211112222",
                    "email": "ani@example.com",
                    "roms_category": "reseller",
                    "roms_gender": "female",
                    "country_id": self.env.ref("base.id").id,
                    "state_id": self.jawa_barat.id,
                    "city_id": self.kota_bandung.id,
                    "city": "Kota Bandung",
                    "roms_district_id": self.coblong.id,
                    "zip": "40132",
                    "roms_join_date": datetime.date(2022, 3, 4),
                    "roms_instagram": "@ani",
                }
            ],
        )
        dedi = self._partners("+6281322223333")
        self.assertEqual(dedi.roms_category, "customer", "the default category")
        self.assertEqual(dedi.roms_join_date, self.env["res.partner"]._roms_today())
        # A finished import cannot run again.
        with self.assertRaises(UserError):
            record.action_import()

    def test_file_errors(self):
        record = self._import(None, content=b"name;mobile\nBudi;0812")
        self.assertEqual(record.state, "validated")
        self.assertIn("not an Excel workbook", record.error_ids.message)
        record = self._import(
            None, content=make_xlsx([{"name": "Budi"}], ["Name"], ["name"])
        )
        self.assertIn("Mobile/WhatsApp", record.error_ids.message)
        record = self._import(
            None,
            content=make_xlsx(
                [{"name": "Budi", "mobile": "0812"}],
                ["Name", "Mobile/WhatsApp", "Hobby"],
                ["name", "mobile", "hobby"],
            ),
        )
        self.assertEqual(self._errors(record), {(1, "C")})
        self.assertIn("Hobby", record.error_ids.message)
        record = self._import([])
        self.assertIn("no customer rows", record.error_ids.message)
        # Nothing can be skipped past an unreadable file.
        record = self._import(None, content=b"garbage", skip=True)
        self.assertEqual(record.state, "validated")

    def test_headers_any_case_or_field_key(self):
        content = make_xlsx(
            [{"name": "Rina", "mobile": "0812 7777 8888", "category": "AGENT"}],
            ["  name ", "MOBILE/whatsapp*", "category"],
            ["name", "mobile", "category"],
        )
        record = self._import(None, content=content)
        self.assertEqual(record.state, "done", record.error_ids.mapped("message"))
        self.assertEqual(self._partners("+6281277778888").roms_category, "agent")

    def test_update_existing_customer_by_normalised_phone(self):
        sri = self.env["res.partner"].create(
            {
                "name": "Sri Wahyuni",
                "mobile": "+6285611112222",
                "roms_category": "agent",
                "roms_join_date": "2019-05-05",
            }
        )
        record = self._import(
            [
                # Budi's number as people type it; empty cells keep his values.
                {
                    "name": "Budi Santoso Jr",
                    "mobile": "0812-3456-7890",
                    "category": "reseller",
                },
                # Sri as she is.
                {
                    "name": "Sri Wahyuni",
                    "mobile": "+62 856 1111 2222",
                    "category": "Agent",
                },
                {"name": "Wati", "mobile": "0856-3333-4444"},
            ]
        )
        self.assertEqual(record.state, "done", record.error_ids.mapped("message"))
        self.assertEqual(
            (record.created_count, record.updated_count, record.unchanged_count),
            (1, 1, 1),
        )
        self.assertEqual(len(self._partners("+6281234567890")), 1, "no duplicate")
        self.assertRecordValues(
            self.budi,
            [
                {
                    "name": "Budi Santoso Jr",
                    "roms_category": "reseller",
                    "email": "budi@example.com",
                    "city_id": self.kota_bandung.id,
                    "roms_district_id": self.coblong.id,
                    "roms_join_date": datetime.date(2020, 1, 15),
                }
            ],
        )
        self.assertEqual(sri.roms_join_date, datetime.date(2019, 5, 5))
        self.assertEqual(
            record.partner_ids, self.budi | sri | self._partners("+6285633334444")
        )

        # A province alone moves the customer and forgets a city elsewhere.
        self._import(
            [
                {
                    "name": "Budi Santoso Jr",
                    "mobile": "081234567890",
                    "province": "Jawa Timur",
                }
            ]
        )
        self.assertRecordValues(
            self.budi,
            [
                {
                    "state_id": self.jawa_timur.id,
                    "city_id": False,
                    "roms_district_id": False,
                }
            ],
        )

    def test_duplicates_inside_the_file(self):
        rows = [
            {"name": "Eko", "mobile": "0812 5555 6666"},
            {"name": "Fitri", "mobile": "0813 1234 0000"},
            {"name": "Eko Prasetyo", "mobile": "+6281255556666"},
        ]
        record = self._import(rows)
        self.assertEqual(self._errors(record), {(2, "B"), (4, "B")})
        self.assertIn("2, 4", record.error_ids[0].message)
        self.assertFalse(self._partners("+6281312340000"))
        record = self._import(rows, skip=True)
        self.assertEqual((record.created_count, record.skipped_count), (1, 2))
        self.assertFalse(self._partners("+6281255556666"))

    def test_join_date_imported(self):
        today = self.env["res.partner"]._roms_today()
        record = self._import(
            [
                {
                    "name": "A",
                    "mobile": "081200000001",
                    "join_date": datetime.date(2021, 3, 4),
                },
                {"name": "B", "mobile": "081200000002", "join_date": "2022-05-17"},
                {"name": "C", "mobile": "081200000003", "join_date": "17/05/2023"},
                {"name": "D", "mobile": "081200000004"},
            ]
        )
        self.assertEqual(record.state, "done", record.error_ids.mapped("message"))
        dates = {partner.name: partner.roms_join_date for partner in record.partner_ids}
        self.assertEqual(
            dates,
            {
                "A": datetime.date(2021, 3, 4),
                "B": datetime.date(2022, 5, 17),
                "C": datetime.date(2023, 5, 17),
                "D": today,
            },
        )
        future = today + datetime.timedelta(days=2)
        record = self._import(
            [{"name": "E", "mobile": "081200000005", "join_date": future}]
        )
        self.assertEqual(self._errors(record), {(2, "K")})

    def test_region_names_and_consistency(self):
        rows = [
            # 2-4 consistent, written loosely
            {
                "name": "R2",
                "mobile": "081200000102",
                "province": " jawa   BARAT ",
                "city": "kota bandung",
                "district": "COBLONG",
            },
            {"name": "R3", "mobile": "081200000103", "city": "Surabaya"},
            {
                "name": "R4",
                "mobile": "081200000104",
                "province": "DKI Jakarta",
                "city": "Jakarta Barat",
            },
            {"name": "R5", "mobile": "081200000105", "district": "Coblong"},
            {
                "name": "R6",
                "mobile": "081200000106",
                "province": "Jawa Barat",
                "district": "Sukamakmur",
            },
            # 7-12 errors
            {
                "name": "R7",
                "mobile": "081200000107",
                "province": "Jawa Timur",
                "city": "Kota Bandung",
            },
            {
                "name": "R8",
                "mobile": "081200000108",
                "city": "Kota Bandung",
                "district": "Gubeng",
            },
            {"name": "R9", "mobile": "081200000109", "city": "Bandung"},
            {"name": "R10", "mobile": "081200000110", "city": "Gotham"},
            {"name": "R11", "mobile": "081200000111", "district": "Sukamakmur"},
            {
                "name": "R12",
                "mobile": "081200000112",
                "province": "Jawa Timur",
                "district": "Coblong",
            },
        ]
        record = self._import(rows, skip=True)
        self.assertEqual(
            self._errors(record),
            {(7, "H"), (8, "I"), (9, "H"), (10, "H"), (11, "I"), (12, "I")},
        )
        messages = {error.row: error.message for error in record.error_ids}
        self.assertIn("not in the province Jawa Timur", messages[7])
        self.assertIn("not a district of Kota Bandung", messages[8])
        self.assertIn("Kabupaten Bandung, Kota Bandung", messages[9])
        self.assertIn("City/Regency", messages[11])
        self.assertEqual(record.created_count, 5)
        regions = {
            partner.name: (partner.state_id, partner.city_id, partner.roms_district_id)
            for partner in record.partner_ids
        }
        District = self.env["roms.district"]
        self.assertEqual(
            regions["R2"], (self.jawa_barat, self.kota_bandung, self.coblong)
        )
        self.assertEqual(regions["R3"], (self.jawa_timur, self.kota_surabaya, District))
        self.assertEqual(regions["R4"][:2], (self.jakarta, self.jakarta_barat))
        self.assertEqual(
            regions["R5"], (self.jawa_barat, self.kota_bandung, self.coblong)
        )
        self.assertEqual(regions["R6"][1], self.kabupaten_bogor)

    def test_failure_while_writing_writes_nothing(self):
        rows = [
            {"name": "Joko", "mobile": "081200000401"},
            {"name": "Budi Santoso Jr", "mobile": "081234567890"},
        ]
        with patch.object(
            self.registry["res.partner"],
            "_load_records_create",
            side_effect=UserError("Disk full"),
        ):
            record = self._import(rows)
        self.assertEqual(record.state, "failed")
        self.assertIn("Disk full", record.error_ids.message)
        self.assertFalse(self._partners("+6281200000401"))
        self.assertEqual(self.budi.name, "Budi Santoso")
        # It can be tried again.
        record.action_import()
        self.assertEqual(record.state, "done")
        self.assertEqual((record.created_count, record.updated_count), (1, 1))

    # ------------------------------------------------------------------
    # history, rights, export
    # ------------------------------------------------------------------

    def test_history_kept_and_protected(self):
        record = self._import([{"name": "Gita", "mobile": "081200000201"}])
        record2 = self._import([{"name": "Gita", "mobile": "081200000201"}])
        history = self.Import.search([("id", "in", (record | record2).ids)])
        self.assertEqual(
            history.mapped(lambda r: (r.state, r.created_count, r.unchanged_count)),
            [("done", 0, 1), ("done", 1, 0)],
        )
        with self.assertRaises(AccessError):
            record.with_user(self.cs_user).unlink()
        with self.assertRaises(UserError):
            record.write({"file": base64.b64encode(b"other")})
        record.unlink()
        self.assertFalse(record.exists())

    def test_export_selected_customers(self):
        partners = self.budi | self.env["res.partner"].create(
            [
                {
                    "name": "Hendra",
                    "mobile": "+6281200000301",
                    "roms_category": "distributor",
                    "roms_gender": "male",
                    "roms_join_date": "2023-02-01",
                    "comment": "<p>Likes coffee</p>",
                },
                {"name": "Intan", "mobile": "081200000302", "roms_category": "lead"},
            ]
        )
        action = (
            self.env.ref("roms_crm.res_partner_action_export_xlsx")
            .with_user(self.cs_user)
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .run()
        )
        content = self._download(action, self.cs_user)
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Customers"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), [h.rstrip(" *") for h in HEADERS])
        self.assertEqual(len(rows), 4)
        self.assertEqual(
            rows[1][:11],
            (
                "Budi Santoso",
                "+6281234567890",
                "budi@example.com",
                "Customer",
                None,
                None,
                "Jawa Barat",
                "Kota Bandung",
                "Coblong",
                None,
                datetime.datetime(2020, 1, 15),
            ),
        )
        self.assertEqual(rows[2][3:5], ("Distributor", "Male"))
        self.assertEqual(rows[2][14], "Likes coffee")
        self.assertEqual(rows[3][:2], ("Intan", "+6281200000302"))

        # The export imports again as it is: nothing changes.
        record = self._import(None, content=content)
        self.assertEqual(record.state, "done", record.error_ids.mapped("message"))
        self.assertEqual(
            (record.created_count, record.updated_count, record.unchanged_count),
            (0, 0, 3),
        )

    @freeze_time("2026-12-06 23:05:00")
    def test_join_dates_follow_the_shops_day(self):
        """At 23:05 UTC it is already 7 December in Jakarta: a new customer joins
        on the shop's day whoever creates it (a user without a time zone, or
        one in Brussels where it is 00:05), and an export of such customers
        imports again unchanged instead of "in the future"."""
        brussels = new_test_user(
            self.env,
            "roms_import_brussels",
            groups="roms_crm.group_roms_admin",
            tz="Europe/Brussels",
        )
        shop_day = datetime.date(2026, 12, 7)
        self.assertEqual(self.env["res.partner"]._roms_today(), shop_day)
        partners = self.env["res.partner"]
        for user, mobile in ((self.admin_user, "1"), (brussels, "2")):
            partners |= (
                self.env["res.partner"]
                .with_user(user)
                .create({"name": f"Joined {mobile}", "mobile": f"08120000040{mobile}"})
            )
        self.assertEqual(set(partners.mapped("roms_join_date")), {shop_day})
        action = (
            self.env.ref("roms_crm.res_partner_action_export_xlsx")
            .with_user(self.cs_user)
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .run()
        )
        record = self._import(None, content=self._download(action, self.cs_user))
        self.assertEqual(record.state, "done", record.error_ids.mapped("message"))
        self.assertEqual(record.unchanged_count, 2)
        # Typed by hand: the shop's today is accepted, its tomorrow is not.
        record = self._import(
            [
                {"name": "F", "mobile": "081200000406", "join_date": shop_day},
                {
                    "name": "G",
                    "mobile": "081200000407",
                    "join_date": shop_day + datetime.timedelta(days=1),
                },
            ]
        )
        self.assertEqual(self._errors(record), {(3, "K")})

    # ------------------------------------------------------------------
    # performance
    # ------------------------------------------------------------------

    def _count_queries(self, rows):
        record = self.Import.create(
            {"file": base64.b64encode(make_xlsx(rows)), "file_name": "bulk.xlsx"}
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        record.action_import()
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertEqual(record.state, "done", record.error_ids.mapped("message")[:5])
        return count

    def _bulk_rows(self, count, start, **values):
        return [
            dict(
                {
                    "name": f"Pelanggan {start + i}",
                    "mobile": f"0813{start + i:08d}",
                    "email": f"pelanggan{start + i}@example.com",
                    "category": "Customer",
                    "province": "Jawa Barat",
                    "city": "Kota Bandung",
                    "district": "Coblong",
                    "join_date": datetime.date(2022, 1, 1),
                },
                **values,
            )
            for i in range(count)
        ]

    def test_query_count_does_not_grow_with_rows(self):
        self._count_queries(self._bulk_rows(5, 0))  # warm the caches
        create_10 = self._count_queries(self._bulk_rows(10, 1000))
        create_100 = self._count_queries(self._bulk_rows(100, 2000))
        self.assertEqual(create_10, create_100, "creating customers")
        # The same change on every existing customer is one grouped write.
        self._count_queries(self._bulk_rows(5, 0, category="Reseller"))  # warm up
        update_10 = self._count_queries(self._bulk_rows(10, 1000, category="Reseller"))
        update_100 = self._count_queries(
            self._bulk_rows(100, 2000, category="Reseller")
        )
        self.assertEqual(update_10, update_100, "updating customers")
        unchanged_10 = self._count_queries(
            self._bulk_rows(10, 1000, category="Reseller")
        )
        unchanged_100 = self._count_queries(
            self._bulk_rows(100, 2000, category="Reseller")
        )
        self.assertEqual(unchanged_10, unchanged_100, "checking unchanged customers")
