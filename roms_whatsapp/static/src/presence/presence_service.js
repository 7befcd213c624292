import { reactive } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

/**
 * ROMS presence of the current user for WhatsApp chats: whether they are a CS
 * agent, online (ROMS's toggle, the one "online" of the live chat), how many chats
 * wait for an agent, and how they want to be notified. Shared by the top-bar
 * toggle, the offline banner and the chat notifications.
 */
export const romsPresenceService = {
    dependencies: ["bus_service", "mail.store", "notification", "orm"],

    start(env, { bus_service: bus, "mail.store": store, notification, orm }) {
        const state = reactive({
            loaded: false,
            isAgent: false,
            online: false,
            waiting: 0,
            notify: "new_chat",
            busy: false,
        });

        const ready = orm.silent
            .call("res.users", "roms_get_online", [])
            .then((status) => Object.assign(state, status, { loaded: true }));

        bus.subscribe("roms_whatsapp/waiting", ({ count }) => {
            state.waiting = count;
        });
        // sent to the agent a conversation is given to, once per conversation
        bus.subscribe("roms_whatsapp/assigned", async ({ id, name }) => {
            await ready;
            if (state.notify !== "new_chat") {
                return;
            }
            const close = notification.add(name, {
                title: _t("New WhatsApp chat for you"),
                type: "info",
                buttons: [
                    {
                        name: _t("Open chat"),
                        primary: true,
                        onClick: async () => {
                            close();
                            const thread = await store.Thread.getOrFetch({
                                model: "discuss.channel",
                                id,
                            });
                            thread?.open();
                        },
                    },
                ],
            });
        });
        // to the admins: a chat went back to Unassigned, nobody answered it
        bus.subscribe("roms_whatsapp/unanswered", ({ name, minutes }) => {
            notification.add(
                _t("%(name)s: no reply within %(minutes)s minutes, it waits unassigned.", {
                    name,
                    minutes,
                }),
                { type: "warning" }
            );
        });
        bus.start();

        return {
            state,
            ready,
            /** Whether a new message of ``thread`` may notify the current user. */
            mayNotify(thread) {
                return (
                    thread.roms_agent_id === user.userId &&
                    state.notify === "every_message"
                );
            },
            async setOnline(online) {
                if (state.busy) {
                    return;
                }
                state.busy = true;
                try {
                    state.online = await orm.call("res.users", "roms_set_online", [online]);
                    if (state.online) {
                        // the chats that waited for an agent may now be ours
                        await store.fetchData({ channels_as_member: true });
                    }
                } finally {
                    state.busy = false;
                }
            },
        };
    },
};

registry.category("services").add("roms_whatsapp.presence", romsPresenceService);
