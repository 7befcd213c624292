import { describe, expect, test } from "@odoo/hoot";
import { queryOne } from "@odoo/hoot-dom";
import { advanceTime, animationFrame, Deferred } from "@odoo/hoot-mock";
import { Component, useState, xml } from "@odoo/owl";
import { mountWithCleanup, onRpc, patchWithCleanup } from "@web/../tests/web_test_helpers";

import { assets } from "@web/core/assets";
import { useServiceProtectMethodHandling } from "@web/core/utils/hooks";
import { RomsDashboard } from "@roms_reports/dashboard/dashboard";
import { defineRomsWebClient } from "./roms_test_helpers";

describe.current.tags("headless", "roms_dashboard");

defineRomsWebClient();

/** The figures get_dashboard_data answers, with ``orders`` orders today. */
function figures(orders) {
    return {
        today: "2025-01-10",
        days: 30,
        currency: { symbol: "Rp", position: "before", digits: 0 },
        orders: {
            count: orders,
            count_change: null,
            sales: 0,
            sales_change: null,
            show_sales: false,
            action: false,
        },
        chats: { count: 0, count_change: null, action: false },
        first_response: { median: null, action: false },
        whatsapp: { configured: false, action: false },
        daily: [{ date: "2025-01-10", orders, sales: null }],
        customers: [{ new: 0, returning: 0 }],
        segments: [],
        waiting_chats: { count: 0, records: [], action: false },
        waiting_orders: [],
        reminders: null,
    };
}

function ordersTile() {
    return queryOne(".o_roms_dashboard .o_roms_tile_orders .fs-2").textContent.trim();
}

test("a later reload wins over an earlier, slower answer", async () => {
    // the first call (on opening) is answered at once, the next ones when told
    const answers = [new Deferred(), new Deferred(), new Deferred()];
    answers[0].resolve(figures(1));
    let calls = 0;
    onRpc("roms.dashboard", "get_dashboard_data", () => {
        expect.step("get_dashboard_data");
        return answers[calls++];
    });
    await mountWithCleanup(RomsDashboard);
    expect(ordersTile()).toBe("1");

    // the minute's refresh asks again; its answer is slow, and the next
    // minute's refresh asks once more
    await advanceTime(60000);
    await advanceTime(60000);
    expect.verifySteps(["get_dashboard_data", "get_dashboard_data", "get_dashboard_data"]);

    answers[2].resolve(figures(3));
    await animationFrame();
    expect(ordersTile()).toBe("3");
    expect(".o_roms_dashboard_refresh").toBeEnabled();

    // the earlier answer comes last: the newer figures stay
    answers[1].resolve(figures(2));
    await animationFrame();
    expect(ordersTile()).toBe("3");
    expect(".o_roms_dashboard_refresh").toBeEnabled();
});

test("leaving the dashboard before its chart library has come", async () => {
    // the web client's own answer to a destroyed component's calls, not the
    // test environment's silent one
    patchWithCleanup(useServiceProtectMethodHandling, {
        fn: useServiceProtectMethodHandling.original,
    });
    const chartLibrary = new Deferred();
    const loadBundle = assets.loadBundle;
    patchWithCleanup(assets, {
        loadBundle(bundle) {
            return bundle === "web.chartjs_lib" ? chartLibrary : loadBundle(bundle);
        },
    });
    onRpc("roms.dashboard", "get_dashboard_data", () => {
        expect.step("get_dashboard_data");
        return figures(1);
    });
    class Menu extends Component {
        static components = { RomsDashboard };
        static props = ["*"];
        static template = xml`<div><RomsDashboard t-if="state.dashboard"/></div>`;
        setup() {
            this.state = useState({ dashboard: false });
        }
    }
    const menu = await mountWithCleanup(Menu);
    menu.state.dashboard = true; // open the dashboard
    await animationFrame();
    menu.state.dashboard = false; // and leave it at once
    await animationFrame();
    chartLibrary.resolve();
    await animationFrame();
    // the figures were asked for on opening, alongside the library, and their
    // answer is dropped without an error (the test fails on any error)
    expect.verifySteps(["get_dashboard_data"]);
    expect(".o_roms_dashboard").toHaveCount(0);
});
