import { Discuss } from "@mail/core/public_web/discuss";

import { useEffect } from "@odoo/owl";

import { patch } from "@web/core/utils/patch";

/** A WhatsApp conversation opens with its customer panel (the useful one) rather
 * than the members; other conversations keep Discuss's own choice. */
patch(Discuss.prototype, {
    setup() {
        super.setup(...arguments);
        useEffect(
            (thread) => {
                const actions = this.threadActions;
                const customer = actions.actions.find((a) => a.id === "roms-customer");
                const active = actions.activeAction;
                const discuss = this.store.discuss;
                const membersByDefault = discuss.isMemberPanelOpenByDefault;
                if (thread?.channel_type === "roms_whatsapp") {
                    if (customer && active !== customer) {
                        customer.open();
                        // the members stay the default panel of other conversations
                        discuss.isMemberPanelOpenByDefault = membersByDefault;
                    }
                } else if (active?.id === "roms-customer") {
                    active.close();
                    discuss.isMemberPanelOpenByDefault = membersByDefault;
                    if (membersByDefault) {
                        actions.actions.find((a) => a.id === "member-list")?.open();
                    }
                }
            },
            () => [this.thread]
        );
    },
});
