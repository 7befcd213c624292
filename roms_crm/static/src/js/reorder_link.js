import publicWidget from "@web/legacy/js/public/public_widget";

/** The quantity steppers of the personal reorder page: − and + change the
 * quantity by one, never below 0; the server checks every quantity again. */
publicWidget.registry.RomsReorderLink = publicWidget.Widget.extend({
    selector: ".o_roms_reorder",
    events: {
        "click .o_roms_step": "_onStep",
    },

    _onStep(ev) {
        const button = ev.currentTarget;
        const input = button.closest(".o_roms_stepper").querySelector("input.o_roms_qty");
        const current = parseFloat((input.value || "0").replace(",", ".")) || 0;
        const next = Math.max(0, Math.floor(current) + parseInt(button.dataset.step, 10));
        input.value = String(next);
    },
});
