import { threadActionsRegistry } from "@mail/core/common/thread_actions";

import { _t } from "@web/core/l10n/translation";

import { RomsCustomerPanel } from "./customer_panel";

threadActionsRegistry.add("roms-customer", {
    condition: (component) =>
        component.thread?.channel_type === "roms_whatsapp" &&
        (!component.props.chatWindow || component.props.chatWindow.isOpen),
    component: RomsCustomerPanel,
    icon: "fa fa-fw fa-address-card",
    iconLarge: "fa fa-fw fa-lg fa-address-card",
    name: _t("Customer"),
    nameActive: _t("Close Customer Panel"),
    sequence: 5,
    sequenceGroup: 7,
    toggle: true,
});
