import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

const PIXEL =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVQIW2P4v5ThPwAG7wKklwQ/bwAAAABJRU5ErkJggg==";

registry.category("web_tour.tours").add("roms_whatsapp_livechat", {
    steps: () => [
        {
            content: "The agent is offline: the top bar counts the waiting chat",
            trigger:
                ".o-roms-OnlineToggle button[data-roms-online='0'] .o-roms-OnlineToggle-waiting:contains('1')",
        },
        {
            content: "Discuss says so in a banner, with one click to go online",
            trigger: ".o-roms-OfflineBanner-text:contains('You are offline — 1 chat waiting')",
        },
        {
            content: "Go online from the banner",
            trigger: ".o-roms-OfflineBanner-goOnline",
            run: "click",
        },
        {
            content: "The agent is online and the banner is gone",
            trigger: ".o-roms-OnlineToggle button[data-roms-online='1']",
        },
        {
            trigger: "body:not(:has(.o-roms-OfflineBanner))",
        },
        {
            content: "The WhatsApp section counts its inbox views",
            trigger:
                ".o-roms-InboxViews-view[data-roms-view='open'] .o-roms-InboxViews-count:contains('1')",
        },
        {
            content: "Show the agent's own conversations",
            trigger: ".o-roms-InboxViews-view[data-roms-view='mine']",
            run: "click",
        },
        {
            trigger:
                ".o-roms-InboxViews-view[data-roms-view='mine'][aria-pressed='true'] .o-roms-InboxViews-count:contains('1')",
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
            content: "The customer panel is open by default (not the members)",
            trigger: ".o-mail-Discuss-header button[name='roms-customer'].active, .o-roms-CustomerPanel",
        },
        {
            content: "The customer panel shows the customer",
            trigger: ".o-roms-CustomerPanel-phone:contains('+6281277776543')",
        },
        {
            content: "…and its agent online by ROMS's toggle",
            trigger: ".o-roms-CustomerPanel-agentPresence[data-roms-online='1']",
        },
        {
            content: "Label the conversation",
            trigger: ".o-roms-CustomerPanel-labels button[data-roms-label='Komplain']",
            run: "click",
        },
        {
            trigger: ".o-roms-CustomerPanel-labels button[data-roms-label='Komplain'][aria-pressed='true']",
        },
        {
            content: "Write an internal note",
            trigger: ".o-roms-CustomerPanel-note",
            run: "edit Minta foto paket",
        },
        {
            trigger: ".o-roms-CustomerPanel-saveNote",
            run: "click",
        },
        {
            trigger: ".o-roms-CustomerPanel:not(:has(.o-roms-CustomerPanel-saveNote))",
        },
        {
            content: "Resolve it",
            trigger: ".o-roms-CustomerPanel-resolve",
            run: "click",
        },
        {
            trigger: ".o-roms-CustomerPanel-status[data-roms-status='resolved']",
        },
        {
            content: "Reopen it",
            trigger: ".o-roms-CustomerPanel-reopen",
            run: "click",
        },
        {
            trigger: ".o-roms-CustomerPanel-status[data-roms-status='open']",
        },
        {
            content: "Open the members: ROMS's presence, not Discuss's",
            trigger: ".o-mail-Discuss-header button[name='member-list']",
            run: "click",
        },
        {
            content: "The agent is listed online for WhatsApp, the customer apart",
            trigger:
                ".o-discuss-ChannelMemberList h6[data-roms-section='online'] + div .o-roms-MemberPresence[data-roms-online='1']",
        },
        {
            trigger: ".o-discuss-ChannelMemberList h6[data-roms-section='customer']",
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
            content: "Open the quick-reply picker of the composer",
            trigger: ".o-roms-QuickRepliesButton",
            run: "click",
        },
        {
            content: "Pick the quick reply: it is inserted in the composer",
            trigger: ".o-roms-QuickReplies-item[data-roms-reply='Ready']",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input:value(Stok ready kak {customer_name}, silakan diorder)",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            // (a message right after another of its author is squashed: no header,
            // no ticks; the test checks its delivery state)
            content: "The second quick reply is posted, its variable filled in",
            trigger: ".o-mail-Message:contains('Stok ready kak Budi123'):eq(1)",
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
        {
            content: "Back to the customer panel",
            trigger: ".o-mail-Discuss-header button[name='roms-customer']",
            run: "click",
        },
        {
            content: "Send the last order's status from the panel",
            trigger: ".o-roms-CustomerPanel-sendStatus:enabled",
            run: "click",
        },
        {
            content: "The status is posted as a reply, with the order's tracking number",
            trigger: ".o-mail-Message:contains('JNE777')",
        },
        {
            content: "Create a quotation for the customer from the panel",
            trigger: ".o-roms-CustomerPanel-newQuotation",
            run: "click",
        },
        {
            content: "The order form opens with the customer filled in",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input:value(Budi123)",
        },
        {
            content: "Leave it unsaved",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "Back in Discuss",
            trigger: ".o-mail-Discuss",
        },
    ],
});
