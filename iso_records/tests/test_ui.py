from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from .common import line_records


@tagged("post_install", "-at_install")
class TestIsoRecordsUi(HttpCase):
    def test_administrator_finds_clause_in_standard(self):
        administrator = new_test_user(
            self.env,
            "iso_tour_administrator",
            groups="base.group_user,iso_records.group_iso_administrator",
            password="iso_tour_administrator",
        )
        self.assertFalse(administrator._is_admin())
        self.start_tour("/odoo", "iso_records_standard_clause_tour", login=administrator.login)


@tagged("post_install", "-at_install")
class TestIsoRecordTours(HttpCase):
    def test_employee_files_training_record_from_own_employee_form(self):
        user = new_test_user(
            self.env,
            "tour_iso_employee",
            groups="base.group_user,iso_records.group_iso_user",
            password="tour_iso_employee",
            name="Tour Employee",
        )
        self.assertFalse(user.has_group("hr.group_hr_user"), "an employee, not an HR officer")
        employee = self.env["hr.employee"].create({"name": "Tour Employee", "user_id": user.id})
        self.start_tour(
            "/odoo/action-hr.hr_employee_public_action", "iso_records_file_from_employee_tour", login=user.login
        )
        record = self.env["iso.record"].search([("title", "=", "Forklift safety training")])
        self.assertEqual(len(record), 1)
        self.assertEqual(record.state, "filed")
        self.assertEqual(record.employee_id, employee)
        self.assertEqual(record.record_type_id, self.env.ref("iso_records.record_type_training_record"))
        self.assertEqual(record.attachment_ids.mapped("name"), ["forklift-certificate.pdf"])
        self.assertEqual(record.revision_id.attachment_ids, record.attachment_ids)
        self.assertEqual(record.revision_id.content_hash, record.content_hash)

    def test_manager_approves_procedure_with_signature(self):
        author = new_test_user(self.env, "tour_iso_author", groups="iso_records.group_iso_user")
        manager = new_test_user(
            self.env,
            "tour_iso_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_iso_manager",
            name="Tour ISO Manager",
        )
        record = (
            self.env["iso.record"]
            .with_user(author)
            .create(
                {
                    "title": "Tour procedure: handling of returns",
                    "record_type_id": self.env.ref("iso_records.record_type_procedure").id,
                    "body": "<p>Returns are inspected before restocking.</p>",
                }
            )
        )
        record.action_submit()
        self.start_tour("/odoo", "iso_records_approve_procedure_tour", login=manager.login)
        self.assertEqual(record.state, "effective")
        self.assertEqual(record.approver_id, manager)
        self.assertEqual(record.signature_ids.signer_id, manager)
        self.assertEqual(record.signature_ids.content_hash, record.revision_id.content_hash)


@tagged("post_install", "-at_install")
class TestIsoTrailTour(HttpCase):
    def test_auditor_opens_a_records_trail(self):
        author = new_test_user(self.env, "trail_tour_author", groups="iso_records.group_iso_user")
        approver = new_test_user(self.env, "trail_tour_approver", groups="iso_records.group_iso_manager")
        auditor = new_test_user(
            self.env,
            "tour_iso_auditor",
            groups="base.group_user,iso_records.group_iso_auditor",
            password="tour_iso_auditor",
        )
        record = (
            self.env["iso.record"]
            .with_user(author)
            .create(
                {
                    "title": "Tour trail procedure",
                    "record_type_id": self.env.ref("iso_records.record_type_procedure").id,
                    "body": "<p>Audited</p>",
                }
            )
        )
        record.action_submit()
        record._iso_sign_as(approver.id, "approve", "approved")
        self.assertFalse(auditor.has_group("iso_records.group_iso_manager"))
        self.start_tour("/odoo", "iso_records_auditor_trail_tour", login=auditor.login)


@tagged("post_install", "-at_install")
class TestIsoRetentionTour(HttpCase):
    def test_administrator_sets_retention_places_hold_and_approves_disposal(self):
        administrator = new_test_user(
            self.env,
            "tour_iso_admin",
            groups="base.group_system,iso_records.group_iso_administrator",
            password="tour_iso_admin",
            name="Tour ISO Admin",
        )
        calibration = self.env.ref("iso_records.record_type_calibration_certificate")
        with freeze_time("2015-02-02"):
            gauges = self.env["iso.record"].create(
                [
                    {"title": title, "record_type_id": calibration.id, "body": "<p>Within tolerance.</p>"}
                    for title in ("Tour gauge A", "Tour gauge B")
                ]
            )
            for gauge in gauges:
                gauge._iso_file()
        batch = self.env["iso.disposal.batch"]._collect(self.env.company)
        self.assertEqual(line_records(batch.line_ids), gauges)
        self.start_tour(
            "/odoo/action-iso_records.iso_config_settings_action",
            "iso_records_retention_disposal_tour",
            login=administrator.login,
        )
        parameters = self.env["ir.config_parameter"]
        self.assertEqual(parameters.get_param("iso_records.retention_grace_days"), "5")
        self.assertEqual(
            self.env.ref("iso_records.record_type_inspection_report").retention_policy_id,
            self.env.ref("iso_records.retention_policy_filed_10y"),
        )
        hold = self.env["iso.legal.hold"].search([("name", "like", "Tour: gauge A")])
        self.assertEqual(hold.item_ids.mapped("res_id"), gauges[0].ids)
        self.assertEqual(hold.placed_by_id, administrator)
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.approver_id, administrator)
        gauge_a, gauge_b = gauges.with_context(active_test=False)
        self.assertTrue(gauge_a.active)
        self.assertFalse(gauge_b.active)
        self.assertEqual(gauge_b.disposal_batch_id, batch)


@tagged("post_install", "-at_install")
class TestIsoRiskTour(HttpCase):
    def test_manager_opens_the_heat_map_and_a_cell(self):
        manager = new_test_user(
            self.env,
            "tour_iso_risk_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_iso_risk_manager",
        )
        risk = self.env["iso.risk"].create(
            {
                "title": "Tour risk: key supplier insolvency",
                "likelihood": 4,
                "severity": 5,
                "treatment": "mitigate",
                "residual_likelihood": 2,
                "residual_severity": 3,
            }
        )
        untreated = self.env["iso.risk"].create(
            {"title": "Tour risk: untreated supplier audit", "likelihood": 3, "severity": 4}
        )
        self.assertEqual((risk.level, risk.residual_level), ("critical", "medium"))
        self.assertEqual((untreated.level, untreated.residual_level), ("high", False))
        self.start_tour("/odoo", "iso_records_risk_heat_map_tour", login=manager.login)


@tagged("post_install", "-at_install")
class TestIsoRiskApprovalTour(HttpCase):
    def test_manager_approves_a_risk_assessment_with_a_signature(self):
        author = new_test_user(self.env, "tour_iso_risk_author", groups="iso_records.group_iso_manager")
        approver = new_test_user(
            self.env,
            "tour_iso_risk_approver",
            name="Tour risk approver",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_iso_risk_approver",
        )
        risk = (
            self.env["iso.risk"]
            .with_user(author)
            .create({"title": "Tour risk: single resin supplier", "likelihood": 3, "severity": 4})
        )
        self.start_tour(
            f"/odoo/action-iso_records.iso_risk_action/{risk.id}",
            "iso_records_risk_approve_assessment_tour",
            login=approver.login,
        )
        signature = risk.signature_ids
        self.assertEqual(
            (signature.signer_id, signature.meaning, signature.operation), (approver, "approved", "approve")
        )
        self.assertEqual(signature.content_hash, risk._iso_content_hash())


@tagged("post_install", "-at_install")
class TestIsoContractTours(HttpCase):
    def test_administrator_takes_a_record_out_of_a_hold_with_a_reason(self):
        administrator = new_test_user(
            self.env,
            "tour_iso_hold_admin",
            groups="base.group_user,iso_records.group_iso_administrator",
            password="tour_iso_hold_admin",
        )
        document = self.env["iso.record"].create(
            {
                "title": "Tour hold document",
                "record_type_id": self.env.ref("iso_records.record_type_procedure").id,
                "body": "<p>x</p>",
            }
        )
        risk = self.env["iso.risk"].create({"title": "Tour hold risk", "likelihood": 2, "severity": 3})
        hold = self.env["iso.legal.hold"].create(
            {
                "name": "Tour claim",
                "scope": "records",
                "item_ids": [
                    (0, 0, {"record_ref": f"iso.record,{document.id}"}),
                    (0, 0, {"record_ref": f"iso.risk,{risk.id}"}),
                ],
            }
        )
        self.start_tour(
            f"/odoo/action-iso_records.iso_legal_hold_action/{hold.id}",
            "iso_records_hold_remove_record_tour",
            login=administrator.login,
        )
        self.assertTrue(document.on_hold)
        self.assertFalse(risk.on_hold)
        released = self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.risk"), ("res_id", "=", risk.id), ("event_type", "=", "hold_released")]
        )
        self.assertIn("no longer concerns", released.reason)

    def test_supplier_smart_button_opens_every_kind_of_evidence(self):
        user = new_test_user(
            self.env,
            "tour_iso_supplier_user",
            groups="base.group_user,base.group_partner_manager,iso_records.group_iso_user",
            password="tour_iso_supplier_user",
        )
        supplier = self.env["res.partner"].create({"name": "Tour calibration lab", "is_company": True})
        self.env["iso.record"].create(
            {
                "title": "Tour calibration certificate",
                "record_type_id": self.env.ref("iso_records.record_type_calibration_certificate").id,
                "partner_id": supplier.id,
                "body": "<p>x</p>",
            }
        )
        self.env["iso.risk"].create({"title": "Tour supplier risk: late calibration", "partner_id": supplier.id})
        self.start_tour(f"/odoo/res.partner/{supplier.id}", "iso_records_supplier_evidence_tour", login=user.login)
