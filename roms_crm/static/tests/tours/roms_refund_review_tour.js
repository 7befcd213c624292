import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("roms_portal_refund_review", {
    steps: () => [
        {
            content: "The delivered order shows its stage history",
            trigger: "#roms_fulfilment .list-group-item:contains('Delivered')",
        },
        {
            content: "The history starts with the order being processed",
            trigger: "#roms_fulfilment .list-group-item:contains('Processed')",
        },
        {
            content: "Open the refund form",
            trigger: "button[data-bs-target='#roms_refund_form']",
            run: "click",
        },
        {
            content: "Refund one bag",
            trigger: "#roms_refund_form.show input[name^='qty_']",
            run: "edit 1",
        },
        {
            content: "Say why",
            trigger: "#roms_refund_reason",
            run: "edit Kemasan penyok saat tiba",
        },
        {
            content: "Send the refund request",
            trigger: "#roms_refund_form button[type='submit']",
            run: "click",
        },
        {
            content: "The refund request was sent",
            trigger: "#roms_refund .alert-success",
        },
        {
            content: "Give five stars",
            trigger: "label[for='roms_review_rating_5']",
            run: "click",
        },
        {
            content: "Write the review",
            trigger: "#roms_review_text",
            run: "edit Kopinya harum, pengiriman cepat.",
        },
        {
            content: "Send the review",
            trigger: "#roms_review_form button[type='submit']",
            run: "click",
        },
        {
            content: "The review waits for moderation",
            trigger: "#roms_reviews .alert-success",
        },
    ],
});

registry.category("web_tour.tours").add("roms_review_publish", {
    steps: () => [
        {
            content: "Open the review waiting for moderation",
            trigger: ".o_data_row:contains('Kopi Ulasan Tour') .o_data_cell[name='product_tmpl_id']",
            run: "click",
        },
        {
            content: "Publish it",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_publish']",
            run: "click",
        },
        {
            content: "The review is published",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Published')",
        },
    ],
});
