import { Component, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

import { INBOX_VIEWS } from "./inbox_service";

/** The view switcher of Discuss's WhatsApp section, with each view's count, and
 * the ROMS list filtered the same (account, label and agent filters there). */
export class RomsInboxViews extends Component {
    static props = {};
    static template = "roms_whatsapp.InboxViews";

    setup() {
        super.setup();
        this.inbox = useState(useService("roms_whatsapp.inbox"));
        this.orm = useService("orm");
        this.action = useService("action");
    }

    get views() {
        const labels = {
            unassigned: _t("Unassigned"),
            mine: _t("Mine"),
            open: _t("All open"),
            resolved: _t("Resolved"),
        };
        return INBOX_VIEWS.map((id) => ({
            id,
            label: labels[id],
            count: this.inbox.state.counts[id] ?? 0,
        }));
    }

    select(view) {
        this.inbox.load(view);
    }

    async openList() {
        const action = await this.orm.call("discuss.channel", "roms_wa_inbox_action", [
            this.inbox.state.view,
        ]);
        this.action.doAction(action);
    }
}
