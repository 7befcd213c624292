import { Record } from "@mail/core/common/record";
import { Thread } from "@mail/core/common/thread_model";

import { patch } from "@web/core/utils/patch";

patch(Thread.prototype, {
    setup() {
        super.setup(...arguments);
        this.appAsRomsWhatsapp = Record.one("DiscussApp", {
            compute() {
                return this.channel_type === "roms_whatsapp" ? this.store.discuss : null;
            },
        });
        /** @type {string} */
        this.roms_wa_number = undefined;
        /** @type {number} */
        this.roms_agent_id = undefined;
    },
    _computeDiscussAppCategory() {
        if (this.channel_type === "roms_whatsapp") {
            return this.appAsRomsWhatsapp?.romsWhatsappCategory;
        }
        return super._computeDiscussAppCategory();
    },
    get isRomsWhatsapp() {
        return this.channel_type === "roms_whatsapp";
    },
    get hasMemberList() {
        return this.isRomsWhatsapp || super.hasMemberList;
    },
    get canLeave() {
        return !this.isRomsWhatsapp && super.canLeave;
    },
    get allowCalls() {
        return !this.isRomsWhatsapp && super.allowCalls;
    },
});
