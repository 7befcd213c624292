import { DiscussAppCategory } from "@mail/core/public_web/discuss_app_category_model";
import { compareDatetime } from "@mail/utils/common/misc";

import { patch } from "@web/core/utils/patch";

/** WhatsApp conversations: the most recent first. */
patch(DiscussAppCategory.prototype, {
    sortThreads(t1, t2) {
        if (this.eq(this.app?.romsWhatsappCategory)) {
            return compareDatetime(t2.lastInterestDt, t1.lastInterestDt) || t2.id - t1.id;
        }
        return super.sortThreads(t1, t2);
    },
    /** The inbox shows the CS team's conversations, members of them or not. */
    get isVisible() {
        if (this.eq(this.app?.romsWhatsappCategory)) {
            return this.threads.length > 0;
        }
        return super.isVisible;
    },
});
