import publicWidget from "@web/legacy/js/public/public_widget";

/** The portal's file inputs that carry their limits (``data-roms-max-bytes``,
 * ``data-roms-max-files``): a file over them is refused as soon as it is chosen,
 * with the form's own translated message (the hidden ``.o_roms_file_too_large``
 * and ``.o_roms_too_many_files`` next to the input), so that the browser does not
 * send megabytes the server refuses anyway. The server checks everything again. */
publicWidget.registry.RomsFileLimits = publicWidget.Widget.extend({
    selector: "form:has(input[type=file][data-roms-max-bytes])",
    events: {
        "change input[type=file][data-roms-max-bytes]": "_onChange",
    },

    _onChange(ev) {
        const input = ev.currentTarget;
        const maxBytes = parseInt(input.dataset.romsMaxBytes, 10);
        const maxFiles = parseInt(input.dataset.romsMaxFiles || "0", 10);
        const files = [...input.files];
        let message = "";
        if (maxFiles && files.length > maxFiles) {
            message = this._message(input, ".o_roms_too_many_files");
        } else if (files.some((file) => file.size > maxBytes)) {
            message = this._message(input, ".o_roms_file_too_large");
        }
        input.setCustomValidity(message);
        if (message) {
            input.reportValidity();
        }
    },

    _message(input, selector) {
        return input.parentElement.querySelector(selector)?.textContent.trim() || " ";
    },
});
