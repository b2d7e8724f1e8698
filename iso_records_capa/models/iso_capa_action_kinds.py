from odoo import Command, fields, models
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import UserError

RETRAINING_ACTIVITY = "iso_records_capa.mail_activity_type_capa_retraining"


class IsoCapaAction(models.Model):
    """What an action of a given kind starts when its CAPA starts acting on it (enters the action stage, or
    the action is added to an acting CAPA), once: a retraining creates or refreshes its competence
    requirement for the people concerned (the competence matrix shows them) and asks them to train; a
    document change starts a new revision of its controlled document."""

    _inherit = "iso.capa.action"  # pylint: disable=consider-merging-classes-inherited

    def _iso_check_action_ready(self, action):
        result = super()._iso_check_action_ready(action)
        self.filtered(lambda line: not line.date_done)._iso_check_kind_ready(action)
        return result

    def _iso_check_kind_ready(self, action):
        """A retraining names the people concerned and a requirement (or the training type of a new one)
        that concerns them; a document change names a document in force."""
        for line in self.sudo():
            if line.kind == "retraining":
                line._iso_check_retraining_ready(action)
            elif line.kind == "document_change" and not line.revision_record_id:
                document = line.document_id
                if not document or document.kind != "document" or document.state != "effective":
                    raise UserError(
                        self.env._(
                            "%(action)s: %(field)s of %(line)s must be a controlled document in force, of which a "
                            "new revision is started (got %(document)s).",
                            action=action,
                            field=line._fields["document_id"].string,
                            line=line.display_name,
                            document=document.display_name or self.env._("nothing"),
                        )
                    )

    def _iso_check_retraining_ready(self, action):
        self.ensure_one()
        if not self.employee_ids:
            raise UserError(
                self.env._(
                    "%(action)s: %(field)s of retraining %(line)s is empty; name the people who train again.",
                    action=action,
                    field=self._fields["employee_ids"].string,
                    line=self.display_name,
                )
            )
        requirement = self.requirement_id
        if not requirement and not self.training_type_id:
            raise UserError(
                self.env._(
                    "%(action)s: retraining %(line)s needs a %(requirement)s to refresh or the %(type)s of a new one.",
                    action=action,
                    line=self.display_name,
                    requirement=self._fields["requirement_id"].string,
                    type=self._fields["training_type_id"].string,
                )
            )
        if requirement and not requirement.employee_ids:
            covered = (
                self.env["iso.competence.matrix"]
                .sudo()
                ._read_group(
                    [("requirement_id", "=", requirement.id), ("employee_id", "in", self.employee_ids.ids)],
                    ["employee_id"],
                )
            )
            outside = self.employee_ids - self.env["hr.employee"].browse(employee.id for (employee,) in covered)
            if outside and requirement.active:
                raise UserError(
                    self.env._(
                        "%(action)s: requirement %(requirement)s does not concern %(employees)s (its job position "
                        "and department); choose another requirement for %(line)s, or none to create one.",
                        action=action,
                        requirement=requirement.display_name,
                        employees=", ".join(outside.mapped("name")),
                        line=self.display_name,
                    )
                )

    def _iso_sync_action_activities(self):
        result = super()._iso_sync_action_activities()
        acting = (
            self.sudo()
            .exists()
            .filtered(
                lambda line: not line.date_done and line.capa_id._iso_action_lines_active() and line._iso_may_act()
            )
        )
        retraining = acting.filtered(lambda line: line.kind == "retraining" and not line.retraining_asked_date)
        document_change = acting.filtered(lambda line: line.kind == "document_change" and not line.revision_record_id)
        (retraining | document_change)._iso_check_kind_ready(self.env._("Start the action"))
        retraining._iso_start_retraining()
        document_change._iso_start_document_change()
        return result

    # ------------------------------------------------------------------
    # Retraining
    # ------------------------------------------------------------------
    def _iso_start_retraining(self):
        """Create the requirement (or refresh the one named: active again, naming the people concerned when it
        names people), then ask each person concerned to train by the action's deadline."""
        today = fields.Date.context_today(self)
        for line in self:
            requirement = line.requirement_id.sudo().with_context(active_test=False)
            if requirement:
                refresh = {"active": True} if not requirement.active else {}
                missing = line.employee_ids - requirement.employee_ids
                if requirement.employee_ids and missing:
                    refresh["employee_ids"] = [Command.link(employee.id) for employee in missing]
                if refresh:
                    requirement.write(refresh)
            else:
                requirement = (
                    self.env["iso.competence.requirement"]
                    .sudo()
                    .create(
                        {
                            "name": self.env._(
                                "Retraining: %(action)s (%(capa)s)", action=line.display_name, capa=line.capa_id.name
                            ),
                            "company_id": line.company_id.id,
                            "record_type_id": line.training_type_id.id,
                            "employee_ids": [Command.set(line.employee_ids.ids)],
                            "description": line.description,
                        }
                    )
                )
            line._iso_ask_to_retrain(requirement)
            workflow(line).write({"requirement_id": requirement.id, "retraining_asked_date": today})

    def _iso_retraining_users(self):
        """Who is asked for each person concerned: their user when they can act on the CAPA, else their
        manager's, else the action's owner (who arranges the training)."""
        self.ensure_one()
        capa = self.capa_id
        asked = {}
        for employee in self.employee_ids:
            for user in (employee.user_id, employee.parent_id.user_id, self.user_id):
                if user and capa._iso_may_act_users(user):
                    asked.setdefault(user, self.env["hr.employee"])
                    asked[user] |= employee
                    break
        return asked

    def _iso_ask_to_retrain(self, requirement):
        self.ensure_one()
        activity_type = self.env.ref(RETRAINING_ACTIVITY)
        model_id = self.env["ir.model"]._get_id("iso.capa")
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": self.capa_id.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": user.id,
                    "date_deadline": self.date_deadline,
                    "summary": self.env._(
                        "Retrain %(employees)s: %(requirement)s",
                        employees=", ".join(employees.mapped("name")),
                        requirement=requirement.name,
                    ),
                }
                for user, employees in self._iso_retraining_users().items()
            ]
        )

    # ------------------------------------------------------------------
    # Document change
    # ------------------------------------------------------------------
    def _iso_start_document_change(self):
        """A new draft revision of the document, by the action's owner (its author), kept on the action."""
        for line in self:
            document = line.document_id.with_user(line.user_id)
            opened = document.action_new_revision()
            workflow(line).write({"revision_record_id": opened["res_id"]})
            line.capa_id.sudo().message_post(
                body=self.env._(
                    "New revision of %(document)s started for %(action)s.",
                    document=line.document_id.display_name,
                    action=line.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
