"""Every list of the ROMS menu shows its column titles whole, in Indonesian, and
fits a 1440 px screen.

Odoo gives numeric and date columns a fixed width (71 px for a count, 80 px for a
date, 105 px for an amount: web's ``column_width_hook.js``), wide enough for the
English titles; Indonesian titles are longer ("Tanggal Kedaluwarsa" for "Expiration
Date") and lose their end to an ellipsis unless the list gives the column a width.
Widths that add up past the screen hide the last columns behind a scroll bar.
"""

import json

from odoo.tests import HttpCase, tagged

from odoo.addons.roms_crm.tests.common import visible_menus

CHECK_LISTS = """
(async () => {
    const env = odoo.__WOWL_DEBUG__.root.env;
    const actions = %s;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const cut = [];
    const wide = [];
    const missing = [];
    for (const action of actions) {
        const before = document.querySelector(".o_list_view");
        await env.services.action.doAction(action, {
            clearBreadcrumbs: true,
            viewType: "list",
        });
        let list = null;
        for (let attempt = 0; attempt < 200 && !list; attempt++) {
            const shown = document.querySelector(".o_list_view");
            if (shown && shown !== before && shown.querySelector("thead th")) {
                list = shown;
            } else {
                await wait(50);
            }
        }
        if (!list) {
            missing.push(action);
            continue;
        }
        await wait(100);
        const renderer = list.querySelector(".o_list_renderer");
        if (renderer.scrollWidth > renderer.clientWidth + 1) {
            wide.push(`${action} (${renderer.scrollWidth} px)`);
        }
        for (const th of list.querySelectorAll("thead th[data-name]")) {
            const title = th.querySelector(".text-truncate");
            if (title && title.scrollWidth > title.clientWidth + 1) {
                cut.push(`${action}: ${th.dataset.name} "${title.innerText}"`);
            }
        }
    }
    if (missing.length) {
        console.error(`No list shown for ${missing.join(", ")}`);
    } else if (cut.length || wide.length) {
        console.error(
            `Column titles cut at 1440 px: ${cut.join("; ")}. ` +
                `Lists wider than the screen: ${wide.join("; ")}`
        );
    } else {
        console.log("test successful");
    }
})();
"""


@tagged("post_install", "-at_install")
class TestListHeaders(HttpCase):
    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        Module = cls.env["ir.module.module"]
        Module._load_module_terms(
            Module.search([("state", "=", "installed")]).mapped("name"), ["id_ID"]
        )
        cls.env.ref("base.user_admin").lang = "id_ID"

    def _roms_list_actions(self):
        """XML ids of the window actions of the ROMS menu that show a list."""
        admin_env = self.env(user=self.env.ref("base.user_admin"))
        actions = set()
        for xmlid in visible_menus(admin_env):
            menu = self.env.ref(xmlid)
            action = menu.action
            if (
                menu.complete_name.startswith("ROMS/")
                and action
                and action._name == "ir.actions.act_window"
                and "list" in action.view_mode.split(",")
            ):
                actions.add(action.get_external_id()[action.id])
        return sorted(actions - {""})

    def test_column_titles_whole_in_indonesian(self):
        actions = self._roms_list_actions()
        # the ROMS menu's lists: customers, orders, messages, WhatsApp, loyalty,
        # reports, configuration
        self.assertGreater(len(actions), 20)
        self.browser_js(
            "/odoo",
            CHECK_LISTS % json.dumps(actions),
            ready="odoo.isReady === true",
            login="admin",
            timeout=600,
        )
