import {
    DiscussSidebarCategories,
    DiscussSidebarCategory,
} from "@mail/discuss/core/public_web/discuss_sidebar_categories";
import { cleanTerm } from "@mail/utils/common/format";

import { onWillStart, useState } from "@odoo/owl";

import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

import { RomsInboxViews } from "./inbox_views";

export const ROMS_CATEGORY_ID = "roms_whatsapp.category";

/** Discuss's WhatsApp section shows one inbox view at a time (Unassigned, Mine,
 * All open, Resolved), members of its conversations or not. */
DiscussSidebarCategories.components = { ...DiscussSidebarCategories.components, RomsInboxViews };
patch(DiscussSidebarCategories.prototype, {
    setup() {
        super.setup(...arguments);
        this.romsInbox = useState(useService("roms_whatsapp.inbox"));
        onWillStart(() => {
            this.romsInbox.load();
        });
    },
    filteredThreads(threads) {
        const chats = threads.filter((thread) => thread.isRomsWhatsapp);
        if (!chats.length) {
            return super.filteredThreads(threads);
        }
        const term = cleanTerm(this.state.quickSearchVal || "");
        return super
            .filteredThreads(threads.filter((thread) => !thread.isRomsWhatsapp))
            .concat(
                chats.filter(
                    (thread) =>
                        this.romsInbox.matches(thread) &&
                        (!term || cleanTerm(thread.displayName).includes(term))
                )
            );
    },
});

patch(DiscussSidebarCategory.prototype, {
    setup() {
        super.setup(...arguments);
        this.romsInbox = useState(useService("roms_whatsapp.inbox"));
    },
    get romsIsWhatsapp() {
        return this.props.category.id === ROMS_CATEGORY_ID;
    },
});
