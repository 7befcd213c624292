import { beforeEach } from "@odoo/hoot";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { onRpc } from "@web/../tests/web_test_helpers";

/**
 * The web client of ROMS's unit tests: mail's models (its services read them)
 * and the answer of roms_whatsapp's presence service, which asks for the
 * user's availability when it is installed.
 */
export function defineRomsWebClient() {
    defineMailModels();
    beforeEach(() =>
        onRpc("res.users", "roms_get_online", () => ({
            isAgent: false,
            online: false,
            waiting: 0,
            notify: "new_chat",
        }))
    );
}
