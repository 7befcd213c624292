import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

const PIXEL =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVQIW2P4v5ThPwAG7wKklwQ/bwAAAABJRU5ErkJggg==";

registry.category("web_tour.tours").add("roms_whatsapp_livechat", {
    steps: () => [
        {
            content: "The agent is offline",
            trigger: ".o-roms-OnlineToggle button[data-roms-online='0']",
            run: "click",
        },
        {
            content: "The agent is online",
            trigger: ".o-roms-OnlineToggle button[data-roms-online='1']",
        },
        {
            content: "The waiting chat was assigned: open it from the WhatsApp category",
            trigger:
                ".o-roms-DiscussSidebarCategory-whatsapp ~ .o-mail-DiscussSidebarChannel:contains('Budi123'), .o-mail-DiscussSidebarChannel:contains('Budi123')",
            run: "click",
        },
        {
            content: "The customer's message is shown",
            trigger: ".o-mail-Message:contains('Halo kak, kopi gayo ready?')",
        },
        {
            content: "The customer panel shows the customer",
            trigger: ".o-roms-CustomerPanel-phone:contains('+6281277776543')",
        },
        {
            content: "Type the quick-reply shortcut",
            trigger: ".o-mail-Composer-input",
            run: "edit :ready",
        },
        {
            content: "Pick the quick reply",
            trigger: ".o-mail-Composer-suggestion:contains('ready')",
            run: "click",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is posted, with the customer's name filled in",
            trigger: ".o-mail-Message-body:contains('Stok ready kak Budi123')",
        },
        {
            content: "The reply went out: one tick",
            trigger: ".o-mail-Message:contains('Stok ready kak') .o-roms-Ticks[data-roms-state='sent']",
        },
        {
            content: "Attach an image",
            trigger: ".o-mail-Composer button[aria-label='Attach files']",
            async run() {
                await inputFiles(".o-mail-Composer-coreMain .o_input_file", [
                    new File([await (await fetch(PIXEL)).blob()], "foto-produk.png", {
                        type: "image/png",
                    }),
                ]);
            },
        },
        {
            trigger: ".o-mail-Composer .o-mail-AttachmentImage:not(.o-isUploading)",
        },
        {
            content: "Send the image",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The image is posted",
            trigger: ".o-mail-Message .o-mail-AttachmentImage[title='foto-produk.png']",
        },
    ],
});
