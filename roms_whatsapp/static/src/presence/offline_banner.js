import { discussSidebarItemsRegistry } from "@mail/core/public_web/discuss_sidebar";

import { Component, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

/** At the top of Discuss, for an offline agent: how many chats wait, and a
 * one-click "Go online". */
export class RomsOfflineBanner extends Component {
    static template = "roms_whatsapp.OfflineBanner";
    static props = {};

    setup() {
        this.presence = useService("roms_whatsapp.presence");
        this.state = useState(this.presence.state);
        this.store = useState(useService("mail.store"));
    }

    get text() {
        if (!this.state.waiting) {
            return _t("You are offline: no new WhatsApp chats come to you.");
        }
        return this.state.waiting === 1
            ? _t("You are offline — 1 chat waiting")
            : _t("You are offline — %(count)s chats waiting", { count: this.state.waiting });
    }

    goOnline() {
        return this.presence.setOnline(true);
    }
}

discussSidebarItemsRegistry.add("roms_offline_banner", RomsOfflineBanner, { sequence: 10 });
