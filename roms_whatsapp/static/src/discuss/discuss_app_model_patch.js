import { DiscussApp } from "@mail/core/public_web/discuss_app_model";
import { Record } from "@mail/core/common/record";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/** A sidebar category for the WhatsApp conversations the user is a member of. */
patch(DiscussApp.prototype, {
    setup(env) {
        super.setup(env);
        this.romsWhatsappCategory = Record.one("DiscussAppCategory", {
            compute() {
                return {
                    extraClass: "o-roms-DiscussSidebarCategory-whatsapp",
                    icon: "fa fa-whatsapp",
                    hideWhenEmpty: true,
                    id: "roms_whatsapp.category",
                    name: _t("WhatsApp"),
                    sequence: 5,
                };
            },
        });
        this.romsWhatsappChats = Record.many("Thread", { inverse: "appAsRomsWhatsapp" });
    },
});
