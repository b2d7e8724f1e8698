from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression as Domain

from ..tools import in_workflow, workflow
from .iso_controlled_mixin import schedule_once

ACTION_STATES = [
    ("open", "Open"),
    ("late", "Late"),
    ("done", "Done"),
]
# Set by the activity sync, the "done" step and the escalation alone, never written by a user.
ACTION_WORKFLOW_FIELDS = ("activity_id", "date_done", "escalated_deadline")
# What the owner's activity shows of the line; a change to one of them updates it.
ACTIVITY_FIELDS = ("user_id", "date_deadline", "summary")


class IsoActionLineMixin(models.AbstractModel):
    """An action of a controlled record (a decision of a management review, an action of a CAPA): a line
    with an owner and a deadline. While its record acts on its lines (the record's hook
    ``_iso_action_lines_active``), each open line has one activity of the record for its owner and
    deadline, kept in step with the line; the activity marked done marks the line done and the line marked
    done marks its activity done. A model declares ``_iso_action_activity_type`` (the xmlid of the
    activity type) and may say what the activity reads (``_iso_action_summary``). A model that declares
    ``_iso_action_escalation_type`` too has its late open lines escalated by the daily cron: one activity
    on the record for the manager of the record's owner (``_iso_action_escalation_users``), once per line
    and deadline."""

    _name = "iso.action.line.mixin"
    _description = "ISO Action Line"
    _inherit = ["iso.controlled.line.mixin"]

    # The xmlid of the mail.activity.type of the lines' activities.
    _iso_action_activity_type = None
    # Opt-in: the xmlid of the mail.activity.type that escalates a late line to the owner's manager.
    _iso_action_escalation_type = None
    # The fields only the workflow sets (a model adds its own, e.g. what its kind of action started).
    _iso_action_workflow_fields = ACTION_WORKFLOW_FIELDS

    user_id = fields.Many2one("res.users", string="Owner", index=True, domain=[("share", "=", False)])
    date_deadline = fields.Date(string="Deadline", index=True)
    activity_id = fields.Many2one(
        "mail.activity", readonly=True, copy=False, ondelete="set null", index="btree_not_null"
    )
    date_done = fields.Date(string="Done on", readonly=True, copy=False)
    escalated_deadline = fields.Date(
        readonly=True, copy=False, help="The deadline for which the late line was escalated to the owner's manager."
    )
    action_state = fields.Selection(
        ACTION_STATES, string="Status", compute="_compute_action_state", search="_search_action_state"
    )

    @api.depends("date_done", "date_deadline")
    @api.depends_context("uid", "tz")
    def _compute_action_state(self):
        today = fields.Date.context_today(self)
        for line in self:
            if line.date_done:
                line.action_state = "done"
            elif line.date_deadline and line.date_deadline < today:
                line.action_state = "late"
            else:
                line.action_state = "open"

    def _search_action_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Status: only 'is' and 'is not' searches are supported."))
        wanted = {value} if isinstance(value, str) else set(value or ())
        if operator in ("!=", "not in"):
            wanted = {state for state, _label in ACTION_STATES} - wanted
        today = fields.Date.context_today(self)
        branches = {
            "done": [("date_done", "!=", False)],
            "late": [("date_done", "=", False), ("date_deadline", "<", today)],
            "open": [("date_done", "=", False), "|", ("date_deadline", "=", False), ("date_deadline", ">=", today)],
        }
        return Domain.OR([branches[state] for state in sorted(wanted) if state in branches])

    def _iso_action_summary(self):
        """What the owner's activity reads."""
        self.ensure_one()
        return self.display_name

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _iso_refuse_action_workflow_fields(self, vals_list):
        given = {name for vals in vals_list for name in self._iso_action_workflow_fields if vals.get(name)}
        if given:
            raise UserError(
                self.env._(
                    "%(fields)s: set by the activity of the %(model)s (marked done by its owner), never written "
                    "directly.",
                    fields=", ".join(sorted(self._fields[name].string for name in given)),
                    model=self._description,
                )
            )

    def _iso_check_action_assigned(self, action):
        """Every open line has an owner and a deadline, or a clear error naming the line and the field."""
        for line in self.sudo():
            missing = [line._fields[name].string for name in ("user_id", "date_deadline") if not line[name]]
            if missing and not line.date_done:
                raise UserError(
                    self.env._(
                        "%(action)s: %(line)s of %(record)s has no %(fields)s; each action needs an owner and a "
                        "deadline.",
                        action=action,
                        line=line.display_name,
                        record=line[self._iso_parent_field].display_name,
                        fields=self.env._(" and ").join(missing),
                    )
                )

    def _iso_check_action_ready(self, action):
        """What a record's step checks before it starts acting on its lines (holding a review): each open line
        has an owner and a deadline, and its owner can act on the record."""
        self._iso_check_action_assigned(action)
        self.filtered(lambda line: not line.date_done)._iso_check_action_owners()

    def _iso_may_act(self):
        """Whether this line can have its activity: an owner who can act on its record, and a deadline."""
        self.ensure_one()
        line = self.sudo()
        return bool(
            line.user_id and line.date_deadline and line[self._iso_parent_field]._iso_may_act_users(line.user_id)
        )

    def _iso_check_action_owners(self):
        """The owner of a line can act on its record: an active internal ISO user of its company who may
        read it."""
        for line in self.sudo().filtered("user_id"):
            parent = line[self._iso_parent_field]
            if not parent._iso_may_act_users(line.user_id):
                raise UserError(
                    self.env._(
                        "Owner: %(user)s cannot act on %(record)s (an owner is an active ISO user of its company "
                        "who may read it); choose another owner for %(line)s.",
                        user=line.user_id.name,
                        record=parent.display_name,
                        line=line.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # One activity per open line while its record acts on them
    # ------------------------------------------------------------------
    def _iso_sync_action_activities(self):
        """Give each open line of an acting record its activity (on the record, for the line's owner and
        deadline), update those whose line changed, and remove those of lines no longer acted on."""
        lines = self.sudo().exists()
        if not lines:
            return
        activity_type = self.env.ref(self._iso_action_activity_type)
        parent_model_id = self.env["ir.model"]._get_id(self._iso_parent_model()._name)
        acting = lines.filtered(
            lambda line: not line.date_done and line[self._iso_parent_field]._iso_action_lines_active()
        )
        if in_workflow(self.env):
            # The record's own step checked its lines (_iso_check_action_ready); what cannot be acted on waits.
            acting = acting.filtered(lambda line: line._iso_may_act())
        else:
            acting._iso_check_action_assigned(self._description)
        stale = (lines - acting).filtered("activity_id")
        new_lines, new_values = [], []
        for line in acting:
            values = {
                "user_id": line.user_id.id,
                "date_deadline": line.date_deadline,
                "summary": line._iso_action_summary(),
            }
            activity = line.activity_id
            if not activity:
                new_lines.append(line)
                new_values.append(
                    {
                        **values,
                        "res_model_id": parent_model_id,
                        "res_id": line[self._iso_parent_field].id,
                        "activity_type_id": activity_type.id,
                        "automated": True,
                    }
                )
                continue
            changed = {
                name: value
                for name, value in values.items()
                if (activity[name].id if name == "user_id" else activity[name]) != value
            }
            if changed:
                if "user_id" in changed:
                    line._iso_check_action_owners()
                activity.write(changed)
        # Checked when the line is acted on: a draft may name someone the record is not yet shared with.
        self.browse([line.id for line in new_lines])._iso_check_action_owners()
        activities = self.env["mail.activity"].sudo().create(new_values)
        for line, activity in zip(new_lines, activities, strict=True):
            workflow(line).write({"activity_id": activity.id})
        if stale:
            stale_activities = stale.activity_id
            workflow(stale).write({"activity_id": False})
            stale_activities.unlink()

    def _iso_action_activity_done(self):
        """The line's activity was marked done: so is the line (by whoever did it, on their day)."""
        open_lines = self.sudo().filtered(lambda line: not line.date_done)
        if open_lines:
            workflow(open_lines).write({"date_done": fields.Date.context_today(self)})

    def action_mark_done(self):
        """Mark the actions done, by their owner or whoever may change their record; their activities are
        marked done with them."""
        action = self.env._("Mark done")
        for line in self:
            parent = line._iso_parents()
            parent._iso_check_may_act(action)
            if line.user_id != self.env.user and not parent.has_access("write"):
                raise AccessError(
                    self.env._(
                        "%(action)s: %(line)s is %(owner)s's action; only they or whoever may change %(record)s "
                        "mark it done.",
                        action=action,
                        line=line.display_name,
                        owner=line.user_id.name or self.env._("nobody"),
                        record=parent.display_name,
                    )
                )
            if line.date_done:
                raise UserError(
                    self.env._(
                        "%(action)s: %(line)s was already done on %(date)s.",
                        action=action,
                        line=line.display_name,
                        date=line.date_done,
                    )
                )
            if not parent.sudo()._iso_action_lines_active():
                raise UserError(
                    self.env._(
                        "%(action)s: %(record)s is %(state)s; its actions are not tracked yet.",
                        action=action,
                        record=parent.display_name,
                        state=parent.sudo()._iso_locked_state_label(),
                    )
                )
        with_activity = self.sudo().filtered("activity_id")
        # Marking the activity done marks its line done (mail.activity._action_done).
        with_activity.activity_id._action_done()
        (self - with_activity)._iso_action_activity_done()
        return True

    # ------------------------------------------------------------------
    # Escalation of late lines (opt-in: _iso_action_escalation_type)
    # ------------------------------------------------------------------
    @api.model
    def _cron_escalate_late_actions(self, companies=None):
        """Daily: every late open line of an acting record, of each model that opts in, escalated once per
        deadline. Of ``companies`` only when given. Returns {model: lines handled}."""
        handled = {}
        for name in self.env["iso.controlled.mixin"]._iso_controlled_model_names("iso.action.line.mixin"):
            lines_model = self.env[name].sudo()
            if lines_model._iso_action_escalation_type:
                handled[name] = lines_model._iso_escalate_late_lines(companies)
        return handled

    @api.model
    def _iso_escalate_late_lines(self, companies=None):
        """One activity on the record of each late open line (deadline passed, not done, the record acting
        on its lines) for the people ``_iso_action_escalation_users`` names, dated the line's deadline; a
        line whose deadline moves is escalated again when the new one passes. A line nobody can be told
        of is not marked escalated: it is when someone can be."""
        parent = self._iso_parent_field
        domain = [("date_done", "=", False), ("date_deadline", "<", fields.Date.context_today(self))]
        if companies is not None:
            domain.append((f"{parent}.company_id", "in", companies.ids))
        lines = self.sudo().search(domain)
        lines = lines.filtered(
            lambda line: line.escalated_deadline != line.date_deadline and line[parent]._iso_action_lines_active()
        )
        users = {line.id: line._iso_action_escalation_users() for line in lines}
        return schedule_once(
            lines.filtered(lambda line: users[line.id]),
            self._iso_action_escalation_type,
            "date_deadline",
            "escalated_deadline",
            lambda line: line._iso_action_escalation_summary(),
            users=lambda line: users[line.id],
            target=lambda line: line[parent],
        )

    def _iso_action_escalation_users(self):
        """Who is told that this line is late: the manager of its record's owner, else the manager of the
        record's department; never the line's own owner (their activity is late already), only people who
        can act on the record."""
        self.ensure_one()
        line = self.sudo()
        record = line[self._iso_parent_field]
        for users in (record.owner_id.parent_id.user_id, record.department_id.manager_id.user_id):
            able = record._iso_may_act_users(users - line.user_id - record.owner_user_id)
            if able:
                return able
        return self.env["res.users"]

    def _iso_action_escalation_summary(self):
        self.ensure_one()
        line = self.sudo()
        return self.env._(
            "Overdue since %(date)s: %(line)s (owner %(owner)s)",
            date=line.date_deadline,
            line=line._iso_action_summary(),
            owner=line.user_id.name,
        )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow(self.env):
            self._iso_refuse_action_workflow_fields(vals_list)
        lines = super().create(vals_list)
        lines._iso_sync_action_activities()
        return lines

    def write(self, vals):
        if not in_workflow(self.env):
            self._iso_refuse_action_workflow_fields([vals])
        result = super().write(vals)
        if set(vals) - set(self._iso_action_workflow_fields):
            self._iso_sync_action_activities()
        return result

    def unlink(self):
        activities = self.sudo().activity_id
        result = super().unlink()
        # The decision is gone, and its activity with it.
        activities.exists().unlink()
        return result
