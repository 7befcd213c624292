import { Component, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/** Online/Offline availability of a CS agent for WhatsApp chats (top bar), with
 * the number of chats waiting for an agent while offline. */
export class RomsOnlineToggle extends Component {
    static template = "roms_whatsapp.OnlineToggle";
    static props = {};

    setup() {
        this.presence = useService("roms_whatsapp.presence");
        this.state = useState(this.presence.state);
    }

    get label() {
        return this.state.online ? _t("Online") : _t("Offline");
    }

    get title() {
        return this.state.online
            ? _t("You receive new WhatsApp chats. Click to go offline.")
            : _t("You receive no new WhatsApp chats. Click to go online.");
    }

    toggle() {
        return this.presence.setOnline(!this.state.online);
    }
}

registry
    .category("systray")
    .add("roms_whatsapp.online_toggle", { Component: RomsOnlineToggle }, { sequence: 30 });
