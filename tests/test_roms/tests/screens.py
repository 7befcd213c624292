"""Open ROMS screens as the web client does, without a browser.

``open_window_action`` loads an action's views (a broken view raises), then reads
its records with every field those views show, as the list and the form do, and
groups them by day on every date field, as the filters and graphs do: a stored
value that Python or the web client cannot read back fails here.
"""

from datetime import date, datetime

from lxml import etree

from odoo.tools.safe_eval import safe_eval

MAX_RECORDS = 80


def _eval(env, text, record_ids=()):
    context = {
        "uid": env.uid,
        "user": env.user,
        "active_id": record_ids[0] if record_ids else False,
        "active_ids": list(record_ids),
        "allowed_company_ids": env.companies.ids,
        "context_today": date.today,
        "datetime": datetime,
    }
    return safe_eval(text or "{}", context) if text else None


def _shown_fields(views):
    """Names of the fields the list, form and kanban views show of their own model
    (not those of embedded sub-views, nor the search view's)."""
    names = set()
    for view_type, view in views.items():
        if view_type == "search":
            continue
        for node in etree.fromstring(view["arch"]).iter("field"):
            if not any(parent.tag == "field" for parent in node.iterancestors()):
                names.add(node.get("name"))
    return names


def _spec(model, fields_info, names):
    """A ``web_read`` specification of these fields: relations as display names."""
    spec = {}
    for name, info in fields_info.items():
        if name not in model._fields or name not in names:
            continue
        if info.get("type") in ("many2one", "one2many", "many2many", "reference"):
            spec[name] = (
                {} if info["type"] == "reference" else {"fields": {"display_name": {}}}
            )
        else:
            spec[name] = {}
    return spec


def open_window_action(env, action, domain=None, record_ids=()):
    """Show ``action`` (an ``ir.actions.act_window``) to the user of ``env``.

    :return: the ids read.
    """
    context = dict(env.context, **(_eval(env, action.context, record_ids) or {}))
    model = env[action.res_model].with_context(**context)
    modes = [mode.strip() for mode in (action.view_mode or "list,form").split(",")]
    chosen = {view.view_mode: view.view_id.id for view in action.view_ids}
    views = [[chosen.get(mode, False), mode] for mode in modes]
    if action.view_id and views:
        views[0][0] = action.view_id.id
    if "search" not in modes:
        views.append([action.search_view_id.id or False, "search"])
    result = model.get_views(
        views, {"load_filters": True, "toolbar": True, "action_id": action.id}
    )
    fields_info = result["models"][model._name]["fields"]
    spec = _spec(model, fields_info, _shown_fields(result["views"]))
    action_domain = _eval(env, action.domain, record_ids) or []
    full_domain = action_domain + list(domain or [])
    if model._transient:
        return []
    found = model.web_search_read(full_domain, spec, limit=MAX_RECORDS)
    ids = [row["id"] for row in found["records"]]
    if ids:
        model.browse(ids[:3]).web_read(spec)
    for name, info in fields_info.items():
        field = model._fields.get(name)
        if field and field.store and info.get("type") in ("date", "datetime"):
            model.web_read_group(full_domain, [], [f"{name}:day"], limit=MAX_RECORDS)
    return ids
