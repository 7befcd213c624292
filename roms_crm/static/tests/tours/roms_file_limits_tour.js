import { registry } from "@web/core/registry";

/** Put files of the given sizes in a file input, as a person choosing them. */
function choose(input, sizes, type = "image/jpeg") {
    const transfer = new DataTransfer();
    sizes.forEach((size, index) =>
        transfer.items.add(new File([new Uint8Array(size)], `foto${index}.jpg`, { type }))
    );
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

const MB = 1024 * 1024;

registry.category("web_tour.tours").add("roms_file_limits", {
    steps: () => [
        {
            content: "Open the refund form",
            trigger: "button[data-bs-target='#roms_refund_form']",
            run: "click",
        },
        {
            content: "Choose a photo of 6 MB: refused at once, with the form's message",
            trigger: "#roms_refund_form.show input[name=photos]",
            run() {
                choose(this.anchor, [6 * MB]);
                if (!this.anchor.validationMessage.includes("5 MB")) {
                    throw new Error(`unexpected message: ${this.anchor.validationMessage}`);
                }
            },
        },
        {
            content: "Six photos: refused, too many",
            trigger: "#roms_refund_form input[name=photos]:invalid",
            run() {
                choose(this.anchor, [1000, 1000, 1000, 1000, 1000, 1000]);
                if (!this.anchor.validationMessage.includes("5")) {
                    throw new Error(`unexpected message: ${this.anchor.validationMessage}`);
                }
            },
        },
        {
            content: "Two small photos: accepted",
            trigger: "#roms_refund_form input[name=photos]:invalid",
            run() {
                choose(this.anchor, [1000, 2 * MB]);
            },
        },
        {
            content: "The input is valid again",
            trigger: "#roms_refund_form input[name=photos]:valid",
        },
    ],
});
