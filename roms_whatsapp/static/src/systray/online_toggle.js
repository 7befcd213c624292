import { Component, onWillStart, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/** Online/Offline availability of a CS agent for WhatsApp chats (top bar). */
export class RomsOnlineToggle extends Component {
    static template = "roms_whatsapp.OnlineToggle";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ isAgent: false, online: false, busy: false });
        onWillStart(async () => {
            const status = await this.orm.silent.call("res.users", "roms_get_online", []);
            Object.assign(this.state, status);
        });
    }

    get label() {
        return this.state.online ? _t("Online") : _t("Offline");
    }

    get title() {
        return this.state.online
            ? _t("You receive new WhatsApp chats. Click to go offline.")
            : _t("You receive no new WhatsApp chats. Click to go online.");
    }

    async toggle() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            this.state.online = await this.orm.call("res.users", "roms_set_online", [
                !this.state.online,
            ]);
        } finally {
            this.state.busy = false;
        }
    }
}

registry
    .category("systray")
    .add("roms_whatsapp.online_toggle", { Component: RomsOnlineToggle }, { sequence: 30 });
