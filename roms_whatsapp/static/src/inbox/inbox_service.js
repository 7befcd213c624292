import { reactive } from "@odoo/owl";

import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

export const INBOX_VIEWS = ["unassigned", "mine", "open", "resolved"];

/**
 * The inbox views of Discuss's WhatsApp section (Unassigned, Mine, All open,
 * Resolved): the view chosen, the counts of every view and its conversations,
 * loaded into the Discuss store whether the user is a member of them or not.
 */
export const romsInboxService = {
    dependencies: ["bus_service", "mail.store", "orm", "roms_whatsapp.presence"],

    start(env, { bus_service: bus, "mail.store": store, orm, "roms_whatsapp.presence": presence }) {
        const state = reactive({
            loaded: false,
            view: "open",
            counts: { unassigned: 0, mine: 0, open: 0, resolved: 0 },
        });
        let loading = null;

        async function load(view = state.view) {
            await presence.ready;
            if (!presence.state.isAgent) {
                return;
            }
            state.view = view;
            const data = await orm.silent.call("discuss.channel", "roms_wa_inbox", [view]);
            store.insert(data.store, { html: true });
            Object.assign(state, { view: data.view, counts: data.counts, loaded: true });
        }

        function reload() {
            // one load at a time; a burst of notifications is one reload
            loading ??= load().finally(() => (loading = null));
            return loading;
        }

        // assignments and new conversations change the views
        bus.subscribe("roms_whatsapp/waiting", () => state.loaded && reload());

        return {
            state,
            load,
            reload,
            /** Whether ``thread`` belongs to the view shown (the server's filters). */
            matches(thread, view = state.view) {
                const resolved = thread.roms_status === "resolved";
                switch (view) {
                    case "unassigned":
                        return !resolved && !thread.roms_agent_id;
                    case "mine":
                        return !resolved && thread.roms_agent_id === user.userId;
                    case "open":
                        return !resolved;
                    case "resolved":
                        return resolved;
                }
                return false;
            },
        };
    },
};

registry.category("services").add("roms_whatsapp.inbox", romsInboxService);
