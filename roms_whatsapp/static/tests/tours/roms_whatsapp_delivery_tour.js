import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("roms_whatsapp_delivery", {
    steps: () => [
        {
            content: "Open the chat of the refused number",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Rina')",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Halo, pesanan saya?')",
        },
        {
            content: "The Cloud API's 24-hour window shows its time left",
            trigger: ".o-roms-WindowLeft:contains('24-hour window')",
        },
        {
            content: "Reply",
            trigger: ".o-mail-Composer-input",
            run: "edit Sudah dikirim kak",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The provider refused it: failed, with its reason",
            trigger:
                ".o-mail-Message:contains('Sudah dikirim kak') .o-roms-DeliveryNotice[data-roms-state='failed']:contains('131026')",
        },
        {
            content: "Retry",
            trigger: ".o-mail-Message:contains('Sudah dikirim kak') .o-roms-Retry",
            run: "click",
        },
        {
            content: "Sent this time: one tick, no failure shown",
            trigger:
                ".o-mail-Message:contains('Sudah dikirim kak') .o-roms-Ticks[data-roms-state='sent']",
        },
        {
            trigger: ".o-mail-Message:contains('Sudah dikirim kak'):not(:has(.o-roms-DeliveryNotice))",
        },
        {
            content: "Open the chat on the disconnected account",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Joko')",
            run: "click",
        },
        {
            content: "The composer warns before anything is typed",
            trigger: ".o-roms-ComposerWarning:contains('Meta down'):contains('disconnected')",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Besok dikirim ya",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "Failed at once, with the reason: not a clock",
            trigger:
                ".o-mail-Message:contains('Besok dikirim ya') .o-roms-DeliveryNotice[data-roms-state='failed']:contains('disconnected')",
        },
    ],
});
