import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import {
    defineModels,
    fields,
    models,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

describe.current.tags("headless", "roms_format");

class MonthRow extends models.Model {
    _name = "roms.month.row";
    month = fields.Date({ string: "Month" });
    _records = [
        { id: 1, month: "2026-12-01" },
        { id: 2, month: false },
    ];
}

// the web client's services (mail's among them) read their own models
defineMailModels();
defineModels([MonthRow]);
// roms_whatsapp's presence service asks for the user's availability
beforeEach(() =>
    onRpc("res.users", "roms_get_online", () => ({
        isAgent: false,
        online: false,
        waiting: 0,
        notify: "new_chat",
    }))
);

test("a report's month reads as a month, not as its first day", async () => {
    await mountView({
        type: "list",
        resModel: "roms.month.row",
        arch: `<list><field name="month" widget="roms_month"/></list>`,
    });
    expect(".o_data_row:eq(0) .o_data_cell").toHaveText("December 2026");
    expect(".o_data_row:eq(1) .o_data_cell").toHaveText("");
});
