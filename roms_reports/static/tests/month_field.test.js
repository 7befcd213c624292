import { describe, expect, test } from "@odoo/hoot";
import {
    defineModels,
    fields,
    models,
    mountView,
} from "@web/../tests/web_test_helpers";

import { defineRomsWebClient } from "./roms_test_helpers";

describe.current.tags("headless", "roms_format");

class MonthRow extends models.Model {
    _name = "roms.month.row";
    month = fields.Date({ string: "Month" });
    _records = [
        { id: 1, month: "2026-12-01" },
        { id: 2, month: false },
    ];
}

defineRomsWebClient();
defineModels([MonthRow]);

test("a report's month reads as a month, not as its first day", async () => {
    await mountView({
        type: "list",
        resModel: "roms.month.row",
        arch: `<list><field name="month" widget="roms_month"/></list>`,
    });
    expect(".o_data_row:eq(0) .o_data_cell").toHaveText("December 2026");
    expect(".o_data_row:eq(1) .o_data_cell").toHaveText("");
});
