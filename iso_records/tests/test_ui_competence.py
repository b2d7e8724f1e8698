from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIsoCompetenceTours(HttpCase):
    def test_employee_acknowledges_revised_procedure_from_activities(self):
        env = self.env
        reader = new_test_user(
            env,
            "tour_iso_reader",
            groups="base.group_user,iso_records.group_iso_user",
            password="tour_iso_reader",
            name="Tour Reader",
        )
        author = new_test_user(env, "tour_rules_author", groups="iso_records.group_iso_user")
        approver = new_test_user(env, "tour_rules_approver", groups="iso_records.group_iso_manager")
        warehouse = env["hr.department"].create({"name": "Tour Warehouse"})
        employee = env["hr.employee"].create(
            {"name": "Tour Reader", "user_id": reader.id, "department_id": warehouse.id}
        )
        rules = (
            env["iso.record"]
            .with_user(author)
            .create(
                {
                    "title": "Tour warehouse safety rules",
                    "record_type_id": env.ref("iso_records.record_type_procedure").id,
                    "body": "<p>Walk in the marked lanes.</p>",
                }
            )
        )
        rules.action_submit()
        rules._iso_sign_as(approver.id, "approve", "approved")
        requirement = env["iso.competence.requirement"].create(
            {"name": "Warehouse rules read", "department_id": warehouse.id, "document_id": rules.id}
        )
        rules._iso_acknowledge_as(reader.id)
        rules.with_user(author).action_new_revision()
        revision_2 = env["iso.record"].search([("previous_record_id", "=", rules.id)])
        revision_2.with_user(author).write(
            {
                "change_reason": "Forklift lanes added",
                "body": "<p>Walk in the marked lanes, never in forklift lanes.</p>",
            }
        )
        revision_2.with_user(author).action_submit()
        revision_2._iso_sign_as(approver.id, "approve", "approved")
        self.assertEqual(requirement.document_id, revision_2)
        row = env["iso.competence.matrix"].search(
            [("employee_id", "=", employee.id), ("requirement_id", "=", requirement.id)]
        )
        self.assertEqual(row.state, "missing", "revision 2 not read yet")

        self.start_tour("/odoo", "iso_records_acknowledge_revision_tour", login=reader.login)

        acknowledgement = env["iso.document.acknowledgement"].search(
            [("employee_id", "=", employee.id), ("revision_id", "=", revision_2.revision_id.id)]
        )
        self.assertEqual(acknowledgement.state, "acknowledged")
        self.assertEqual(acknowledgement.user_id, reader)
        self.assertTrue(acknowledgement.acknowledged_at)
        row.invalidate_recordset()
        self.assertEqual(row.state, "valid")

    def test_manager_sees_an_expired_training_in_red(self):
        env = self.env
        manager = new_test_user(
            env,
            "tour_matrix_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_matrix_manager",
            name="Tour Matrix Manager",
        )
        warehouse = env["hr.department"].create({"name": "Tour Warehouse"})
        elsewhere = env["hr.department"].create({"name": "Tour Office"})
        boss = env["hr.employee"].create(
            {"name": "Tour Matrix Manager", "user_id": manager.id, "department_id": warehouse.id}
        )
        driver = env["hr.employee"].create({"name": "Tour Driver", "department_id": warehouse.id})
        env["hr.employee"].create({"name": "Tour Newcomer", "department_id": warehouse.id})
        env["hr.employee"].create({"name": "Tour Outsider", "department_id": elsewhere.id, "parent_id": boss.id})
        forklift = env["iso.record.type"].create(
            {
                "name": "Tour forklift training",
                "kind": "record",
                "category": "people",
                "sequence_prefix": "TOURFLT",
                "approval_required": False,
            }
        )
        env["iso.competence.requirement"].create(
            {
                "name": "Tour forklift licence",
                "department_id": warehouse.id,
                "record_type_id": forklift.id,
                "refresher_interval_months": 12,
            }
        )
        env["iso.competence.requirement"].create(
            {"name": "Tour forklift licence (office)", "department_id": elsewhere.id, "record_type_id": forklift.id}
        )
        today = fields.Date.context_today(env["iso.record"])
        training = env["iso.record"].create(
            {
                "title": "Tour forklift course",
                "record_type_id": forklift.id,
                "employee_id": driver.id,
                "body": "<p>Passed</p>",
                "training_valid_from": today - relativedelta(years=1, days=10),
                "training_valid_to": today - timedelta(days=10),
            }
        )
        training.action_file()
        self.assertEqual(training.department_id, warehouse)
        self.start_tour("/odoo", "iso_records_competence_matrix_tour", login=manager.login)
