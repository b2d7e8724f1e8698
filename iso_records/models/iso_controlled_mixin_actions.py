from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import in_workflow, iso_param
from .iso_controlled_mixin import ADMINISTRATOR_GROUP, MANAGER_GROUP, USER_GROUP
from .iso_signature import INDEPENDENT_MEANINGS

# The fields every form and list of a controlled model carries, so that the web client shows only what the
# user may do (see static/src/views/iso_controlled_actions.js).
FORM_FIELDS = ("iso_deletable", "iso_signable_by_me", "iso_may_review")
LIST_FIELDS = ("iso_deletable",)


class IsoControlledMixin(models.AbstractModel):
    """Who may do what, shown before it is refused, and who is asked to act: the contract's rules for
    buttons, the Actions menu, New, and the activities that ask someone to sign or review."""

    _inherit = "iso.controlled.mixin"  # pylint: disable=consider-merging-classes-inherited

    iso_deletable = fields.Boolean(
        string="Deletable by Me", compute="_compute_iso_deletable", help="The current user may delete the record."
    )
    iso_signable_by_me = fields.Char(
        string="Signable by Me",
        compute="_compute_iso_signable_by_me",
        help="The operations the current user may sign now, as ',operation,' items (for the views).",
    )
    iso_mine = fields.Boolean(
        string="Mine",
        compute="_compute_iso_mine",
        search="_search_iso_mine",
        help="I own it, I wrote it, or it is about me.",
    )
    iso_about_me = fields.Boolean(
        string="About Me",
        compute="_compute_iso_mine",
        search="_search_iso_about_me",
        help="The employee it is about is me.",
    )

    # ------------------------------------------------------------------
    # Auditors read: no create, write or delete access at all, so no New, Edit or Delete is offered
    # ------------------------------------------------------------------
    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or operation == "read" or in_workflow(self.env) or not self._iso_is_auditor_only():
            return result
        message = self.env._("ISO auditors read evidence; they cannot create, change or delete it.")
        return self, lambda: AccessError(message)

    # ------------------------------------------------------------------
    # What the current user may do on each record
    # ------------------------------------------------------------------
    def _iso_may_delete(self):
        """Whether the current user may delete this record: the record rules, no hold, no lock."""
        self.ensure_one()
        return not self.on_hold and not self._iso_is_locked()

    def _iso_action_dependencies(self):
        return [name for name in (self._iso_author_field, "owner_id", "state", "active") if name in self._fields]

    @api.depends(lambda self: self._iso_action_dependencies())
    @api.depends_context("uid")
    def _compute_iso_deletable(self):
        allowed = self.filtered("id")._filtered_access("unlink")
        for record in self:
            record.iso_deletable = record in allowed and record._iso_may_delete()

    def _iso_may_sign(self, operation, user=None, editors=None):
        """Whether ``user`` (the current user by default) may sign ``operation`` on this record: the
        operation's group, its own signer rule, and independence (an editor of the content cannot give it
        an independent meaning such as approved). ``editors``: the content editors, when already known."""
        self.ensure_one()
        user = user or self.env.user
        spec = self._iso_signable_operations().get(operation)
        if not spec or user.share or (spec.get("group") and not user.has_group(spec["group"])):
            return False
        if self.with_user(user)._iso_is_auditor_only():
            return False
        if spec.get("may_sign") and not getattr(self, spec["may_sign"])(user):
            return False
        needs_independence = set(spec["meanings"]) <= INDEPENDENT_MEANINGS
        if needs_independence and not iso_param(self.env, "allow_self_approval", False):
            # A record being created has for editors its author and whoever creates it.
            if editors is None:
                editors = self._iso_content_editors() if self.id else self[self._iso_author_field] | self.env.user
            return user not in editors
        return True

    @api.depends(lambda self: self._iso_action_dependencies())
    @api.depends_context("uid")
    def _compute_iso_signable_by_me(self):
        operations = self._iso_signable_operations()
        for record in self:
            allowed = [op for op in operations if record._iso_may_sign(op)]
            record.iso_signable_by_me = f",{','.join(allowed)}," if allowed else False

    # ------------------------------------------------------------------
    # "My records": I own it, I wrote it, or it is about me
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_iso_mine(self):
        mine = self.filtered_domain(self._iso_mine_domain())
        about_me = self.filtered_domain(self._iso_about_me_domain())
        for record in self:
            record.iso_mine = record in mine
            record.iso_about_me = record in about_me

    def _iso_about_me_domain(self):
        # The user's employees are read as superuser: an ISO user need not have HR rights.
        return [("employee_id", "in", self.env.user.sudo().with_context(active_test=False).employee_ids.ids)]

    def _iso_mine_domain(self):
        uid = self.env.uid
        return ["|", "|", ("owner_user_id", "=", uid), (self._iso_author_field, "=", uid), *self._iso_about_me_domain()]

    def _search_iso_mine(self, operator, value):
        domain = self._iso_mine_domain()
        return domain if self._iso_boolean_search(self.env._("Mine"), operator, value) else ["!", *domain]

    def _search_iso_about_me(self, operator, value):
        domain = self._iso_about_me_domain()
        return domain if self._iso_boolean_search(self.env._("About Me"), operator, value) else ["!", *domain]

    # ------------------------------------------------------------------
    # Who is asked to act
    # ------------------------------------------------------------------
    def _iso_may_act_users(self, users):
        """Those of ``users`` who can act on this record at all: active internal ISO users of its company
        who may read it (a confidential record is not sent to a manager of another department)."""
        self.ensure_one()
        return users.filtered(
            lambda user: (
                user.active
                and not user.share
                and user.has_group(USER_GROUP)
                and self.company_id in user.company_ids
                and not self.with_user(user)._iso_is_auditor_only()
                and self.with_user(user).has_access("read")
            )
        )

    def _iso_responsible_user(self):
        """Who gets the record's reminders (reviews, refreshers): the owner's user, else the manager of its
        department, else the ISO administrators; only people who can act on it."""
        self.ensure_one()
        candidates = (
            self.owner_user_id,
            self.department_id.manager_id.user_id,
            self.env.ref(ADMINISTRATOR_GROUP).sudo().users,
        )
        for users in candidates:
            able = self._iso_may_act_users(users.sudo())
            if able:
                return able.sorted("id")
        return self.env["res.users"]

    def _iso_preferred_signers(self, operation):
        """The people asked first to sign ``operation``, in order: the manager of the record's department,
        then the manager of its owner."""
        self.ensure_one()
        return self.department_id.manager_id.user_id | self.owner_id.parent_id.user_id

    def _iso_signer_to_ask(self, operation):
        """The one person asked to sign ``operation``. The first of the preferred signers who may sign it;
        else, of everyone who may (the members of the operation's group, ISO managers by default), the one
        with the fewest open requests of this kind, then the longest-standing user; nobody when no one
        other than the editors may sign."""
        self.ensure_one()
        editors = self._iso_content_editors()
        for user in self._iso_preferred_signers(operation).sudo():
            if self._iso_may_act_users(user) and self._iso_may_sign(operation, user, editors):
                return user
        group = self._iso_signable_operations()[operation].get("group") or MANAGER_GROUP
        candidates = self._iso_may_act_users(self.env.ref(group).sudo().users)
        candidates = candidates.filtered(lambda user: self._iso_may_sign(operation, user, editors))
        if not candidates:
            return candidates
        activity_type = self._iso_signature_activity(operation)
        load = dict(
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [("activity_type_id", "=", activity_type.id), ("user_id", "in", candidates.ids)],
                ["user_id"],
                ["__count"],
            )
        )
        return min(candidates, key=lambda user: (load.get(user, 0), user.id))

    def _iso_signature_activity(self, operation):
        """The activity type that asks for a signature of ``operation``."""
        return self.env.ref("iso_records.mail_activity_type_iso_approval")

    def _iso_request_signature(self, operation, summary):
        """Give each record exactly one open request to sign ``operation``, to the person chosen by
        _iso_signer_to_ask; earlier requests are replaced. Without anyone who may sign, the record's chatter
        says so, for an administrator to fix."""
        for record in self:
            activity_type = record._iso_signature_activity(operation)
            record.sudo().activity_ids.filtered_domain([("activity_type_id", "=", activity_type.id)]).unlink()
            signer = record._iso_signer_to_ask(operation)
            if signer:
                record.sudo().activity_schedule(activity_type_id=activity_type.id, user_id=signer.id, summary=summary)
            else:
                record.sudo().message_post(
                    body=self.env._(
                        "Nobody but its authors may sign %(operation)s on %(record)s: add an ISO manager who did not "
                        "write it, or allow self-approval in Settings.",
                        operation=record._iso_signable_operations()[operation]["label"],
                        record=record.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Views: the fields the web client needs to offer only what the user may do
    # ------------------------------------------------------------------
    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        names = {"form": FORM_FIELDS, "list": LIST_FIELDS}.get(view_type, ())
        present = {node.get("name") for node in arch.iter("field")} if names else set()
        for name in names:
            if name not in present and name in self._fields:
                attribute = "column_invisible" if view_type == "list" else "invisible"
                arch.append(etree.Element("field", {"name": name, attribute: "1"}))
        return arch, view
