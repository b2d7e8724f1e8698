"""Small helpers shared by every model of ISO Records: the workflow sentinel, settings readers,
per-batch commits of scheduled actions and argument checks of public methods."""

import threading

from odoo.exceptions import UserError

# Proof that a write comes from this addon's own workflow code. It is a Python object, so an RPC
# client cannot put it in a context, unlike a string flag.
WORKFLOW = object()
WORKFLOW_KEY = "iso_records_workflow"
# Context key marking the creation of controlled records: their lines are logged with them, once created.
# The value holds a Python object, so no RPC client can set it.
CREATING = object()
CREATING_KEY = "iso_records_creating"
# Context key carrying the reason recorded with the next trail events.
TRAIL_REASON_KEY = "iso_trail_reason"


def workflow(records, reason=None):
    """``records`` as the workflow sees them: allowed to set the fields only the workflow sets and to
    create or remove evidence. The one way into the workflow context."""
    context = {WORKFLOW_KEY: WORKFLOW}
    if reason:
        context[TRAIL_REASON_KEY] = reason
    return records.with_context(**context)


def in_workflow(env):
    return env.context.get(WORKFLOW_KEY) is WORKFLOW


def commit_batch(cr):
    """Commit the batch a scheduled action just finished: a crash keeps the work done and a re-run
    skips it. Not under test, where everything runs in one transaction that is rolled back."""
    if not getattr(threading.current_thread(), "testing", False):
        cr.commit()  # pylint: disable=invalid-commit


def iso_param(env, key, default):
    """The ISO Records setting ``key`` (an ``iso_records.`` system parameter), ``default`` when unset."""
    return env["ir.config_parameter"].sudo().get_param(f"iso_records.{key}", default)


def iso_int_param(env, key, default):
    """A whole-number setting, never negative; ``default`` when unset or not a number."""
    try:
        return max(int(iso_param(env, key, default)), 0)
    except ValueError:
        return default


def text_argument(env, value, label):
    """A free-text argument of a public method, as given over RPC: text or nothing, never another type."""
    if value in (None, False):
        return ""
    if not isinstance(value, str):
        raise UserError(env._("%(field)s: expected text, got %(value)r.", field=label, value=value))
    return value


def one_record(records, action):
    """The single record a public action works on; a clear error when called on none or several."""
    if len(records) != 1:
        raise UserError(
            records.env._(
                "%(action)s works on one %(model)s at a time (%(count)s given).",
                action=action,
                model=records._description,
                count=len(records),
            )
        )
    return records


def linked_ids(commands):
    """The ids an x2many value links: plain ids, SET and LINK commands."""
    ids = set()
    for command in commands:
        if isinstance(command, int):
            ids.add(command)
        elif isinstance(command, (list, tuple)) and command and command[0] == 6:
            ids.update(command[2] or ())
        elif isinstance(command, (list, tuple)) and command and command[0] == 4:
            ids.add(command[1])
    return ids


def counted_list_action(model, name, domain, action_xmlid=None):
    """The list of exactly ``domain`` of ``model``, which a tile, a cell or a check counted: the model's ISO
    list (or the action ``action_xmlid``) without its default search filters, which would hide part of it."""
    if action_xmlid:
        action = model.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
    elif hasattr(model, "_iso_list_action"):
        action = model._iso_list_action()
    else:
        action = {"type": "ir.actions.act_window", "res_model": model._name, "view_mode": "list,form"}
    list_context = model._iso_linked_list_context() if hasattr(model, "_iso_linked_list_context") else {}
    action.pop("res_id", None)
    # The web client titles the breadcrumb with display_name, which _for_xml_id fills with the action's name.
    action.update(
        name=name,
        display_name=name,
        res_model=model._name,
        domain=domain,
        context={key: value for key, value in list_context.items() if not key.startswith("search_default_")},
        target="current",
    )
    return action
