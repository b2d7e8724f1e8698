from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import hold_items
from .competence_common import IsoCompetenceCase
from .overview_common import OverviewChecks

SYSTEM_KEYS = {
    "reviews_overdue",
    "trainings_expired",
    "trainings_expiring",
    "acknowledgements_pending",
    "retention_due",
    "on_hold",
    "risks_above_target",
}


@tagged("post_install", "-at_install")
class TestOverview(OverviewChecks, IsoCompetenceCase):
    """Every tile counts what the list it opens shows, for each role, with the user's access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Overview = env["iso.overview"]
        cls.roles = {
            "iso_user": cls.iso_user,
            "iso_manager": cls.iso_manager,
            "iso_auditor": cls.iso_auditor,
            "iso_administrator": cls.iso_administrator,
            "internal_user": cls.internal_user,
            "user_b": cls.user_b,
        }
        cls.expired_type, cls.expiring_type = env["iso.record.type"].create(
            [
                {
                    "name": name,
                    "kind": "record",
                    "category": "people",
                    "approval_required": False,
                    "sequence_prefix": prefix,
                }
                for name, prefix in (
                    ("Overview expired training (test)", "TOVX"),
                    ("Overview expiring training (test)", "TOVS"),
                )
            ]
        )
        cls.todo = env.ref("mail.mail_activity_data_todo")
        cls.baseline = {
            key: cls.counts_of(cls.iso_administrator)[key] for key in SYSTEM_KEYS
        }  # what the demo data already holds
        cls.overdue = cls.seed(1, "A")
        # Another company's records never count for this one's users.
        cls.risk_b = env["iso.risk"].create(
            {
                "title": "Company B risk",
                "likelihood": 5,
                "severity": 5,
                "target_level": "low",
                "company_id": cls.company_b.id,
            }
        )
        # Confidential, in review, of a colleague in Production: the Quality manager does not read it.
        cls.confidential = env["iso.record"].create(
            {
                "title": "Confidential of a colleague",
                "record_type_id": cls.procedure_type.id,
                "confidentiality": "confidential",
                "department_id": cls.production.id,
                "owner_id": cls.employee_of[cls.colleague].id,
                "body": "<p>Secret</p>",
            }
        )
        cls.confidential.action_submit()

    @classmethod
    def seed(cls, count, tag):
        """``count`` items for every tile; the figures below follow from them."""
        env = cls.env
        Record = env["iso.record"]
        employee = cls.employee_of[cls.iso_user]

        def procedures(label):
            return Record.create(
                [
                    {"title": f"{label} {tag}{index}", "record_type_id": cls.procedure_type.id, "body": "<p>Do</p>"}
                    for index in range(count)
                ]
            )

        def approve(records):
            records.action_submit()
            for record in records:
                cls.sign(cls, record.with_user(cls.approver), cls.approver, "approve")

        procedures("In review").action_submit()
        with freeze_time("2020-01-06"):
            overdue = procedures("Overdue review")
            approve(overdue)
        to_read = procedures("To read")
        approve(to_read)
        env["iso.competence.requirement"].create(
            [
                {"name": f"Read {document.title}", "department_id": cls.production.id, "document_id": document.id}
                for document in to_read
            ]
        )
        today = fields.Date.context_today(Record)
        for record_type, valid_from, valid_to in (
            (cls.expired_type, today - timedelta(days=400), today - timedelta(days=35)),
            (cls.expiring_type, today - timedelta(days=300), today + timedelta(days=10)),
        ):
            env["iso.competence.requirement"].create(
                [
                    {
                        "name": f"{record_type.name} {tag}{index}",
                        "department_id": cls.production.id,
                        "record_type_id": record_type.id,
                    }
                    for index in range(count)
                ]
            )
            if not Record.search_count([("employee_id", "=", employee.id), ("record_type_id", "=", record_type.id)]):
                training = Record.create(
                    {
                        "title": f"{record_type.name} of {employee.name}",
                        "record_type_id": record_type.id,
                        "employee_id": employee.id,
                        "body": "<p>Trained</p>",
                        "training_valid_from": valid_from,
                        "training_valid_to": valid_to,
                    }
                )
                training.action_file()
        noted = procedures("Noted")
        for record in noted:
            record.activity_schedule(activity_type_id=cls.todo.id, user_id=cls.iso_user.id, summary="Check")
        # An activity of another model is not an ISO one.
        cls.supplier.activity_schedule(activity_type_id=cls.todo.id, user_id=cls.iso_user.id)
        due = Record.create(
            [
                {"title": f"Calibration {tag}{index}", "record_type_id": cls.calibration_type.id, "body": "<p>OK</p>"}
                for index in range(count)
            ]
        )
        for record in due:
            record.action_file()
        env.flush_all()
        env.cr.execute("UPDATE iso_record SET retention_until = '2020-01-01' WHERE id = ANY(%s)", [due.ids])
        Record.invalidate_model(["retention_until", "retention_due"])
        held = procedures("Held")
        env["iso.legal.hold"].create({"name": f"Claim {tag}", "scope": "records", "item_ids": hold_items(held)})
        env["iso.risk"].create(
            [
                {
                    "title": f"Fire {tag}{index}",
                    "likelihood": 5,
                    "severity": 5,
                    "target_level": "low",
                    "residual_likelihood": 4,
                    "residual_severity": 4,
                }
                for index in range(count)
            ]
        )
        env["iso.competence.matrix"].invalidate_model()
        return overdue

    def test_each_tile_counts_the_list_it_opens_for_each_role(self):
        self.assert_tiles_count_their_lists(self.roles)

    def test_sections_per_role(self):
        shown = {
            role: [section["key"] for section in self.Overview.with_user(user).get_overview()["sections"]]
            for role, user in self.roles.items()
        }
        self.assertEqual(shown["iso_user"], ["mine"], "employees see their own work only")
        self.assertEqual(shown["user_b"], ["mine"])
        self.assertEqual(shown["internal_user"], [], "no ISO group, no tile")
        for role in ("iso_manager", "iso_auditor", "iso_administrator"):
            self.assertEqual(shown[role], ["mine", "system"], role)
        employee_charts = self.Overview.with_user(self.iso_user).get_overview()["charts"]
        self.assertFalse(employee_charts)

    def test_seeded_figures(self):
        mine = self.counts_of(self.iso_user)
        self.assertEqual(mine["my_to_read"], 1)
        self.assertEqual(mine["my_trainings_expired"], 1)
        self.assertEqual(mine["my_trainings_expiring"], 1)
        self.assertNotIn("my_to_approve", mine, "only ISO managers approve")
        activities = self.opened(self.iso_user, "my_activities")
        self.assertEqual(set(activities.mapped("res_model")), {"iso.record"}, "activities of other models do not count")
        self.assertIn(self.todo, activities.activity_type_id)
        system = self.counts_of(self.iso_administrator)
        for key in SYSTEM_KEYS - {"acknowledgements_pending"}:
            with self.subTest(tile=key):
                self.assertEqual(system[key], self.baseline[key] + 1, "company B's records never count")
        # Production's three employees with a user are asked to read the new document.
        self.assertEqual(system["acknowledgements_pending"], self.baseline["acknowledgements_pending"] + 3)
        self.assertIn(self.overdue, self.opened(self.iso_administrator, "reviews_overdue"))
        self.assertNotIn(self.risk_b, self.opened(self.iso_administrator, "risks_above_target"))

    def test_the_app_opens_on_the_overview_for_every_iso_user(self):
        root = self.env.ref("iso_records.menu_iso_root")
        overview = self.env.ref("iso_records.iso_overview_action")
        for role in ("iso_user", "iso_manager", "iso_auditor", "iso_administrator", "user_b"):
            with self.subTest(role=role):
                menus = self.env["ir.ui.menu"].with_user(self.roles[role]).load_web_menus(False)
                self.assertEqual(menus[root.id]["actionID"], overview.id)
                self.assertEqual(menus[root.id]["actionModel"], "ir.actions.client")

    def test_open_tile_titles_the_list_and_applies_no_default_filter(self):
        action = self.Overview.with_user(self.iso_manager).open_tile("reviews_overdue")
        self.assertEqual((action["name"], action["display_name"]), ("Reviews overdue", "Reviews overdue"))
        self.assertEqual(action["res_model"], "iso.record")
        self.assertFalse([name for name in action["context"] if name.startswith("search_default_")])

    def test_confidential_records_of_others_are_not_counted(self):
        manager_list = self.opened(self.iso_manager, "my_to_approve")
        self.assertNotIn(self.confidential, manager_list)
        self.assertIn(self.confidential, self.opened(self.iso_administrator, "my_to_approve"))
        self.assertEqual(self.counts_of(self.iso_manager)["my_to_approve"], len(manager_list))

    def test_user_of_another_company_sees_none_of_this_one(self):
        counts = self.counts_of(self.user_b)
        # The core's "My work" tiles at least (the audit and capa addons add theirs), each of them 0.
        self.assertLessEqual(
            {"my_to_read", "my_trainings_expired", "my_trainings_expiring", "my_activities"}, set(counts)
        )
        self.assertFalse(any(key.startswith(("reviews_", "trainings_")) for key in counts), "no Quality system tile")
        self.assertEqual(set(counts.values()), {0})

    def test_unknown_or_hidden_tile_is_refused(self):
        with self.refused(UserError, "There is no overview tile nonsense for you"):
            self.Overview.with_user(self.iso_manager).open_tile("nonsense")
        with self.refused(UserError, "There is no overview tile reviews_overdue for you"):
            self.Overview.with_user(self.iso_user).open_tile("reviews_overdue")
        with self.refused(UserError, "There is no overview tile my_activities for you"):
            self.Overview.with_user(self.internal_user).open_tile("my_activities")
        with self.refused(UserError, "Tile"):
            self.Overview.with_user(self.iso_manager).open_tile(["reviews_overdue"])

    def test_trail_verification_tile(self):
        def verification_tile(user):
            overview = self.Overview.with_user(user).get_overview()
            return next(
                tile
                for section in overview["sections"]
                for tile in section["tiles"]
                if tile["key"] == "trail_verification"
            )

        self.env["iso.trail.verification"]._verify()
        tile = verification_tile(self.iso_auditor)
        self.assertIn("Intact", tile["value"])
        self.assertEqual(tile["severity"], "success")
        self.assertNotIn("trail_verification", self.counts_of(self.iso_manager), "managers do not read the trail")

    def test_charts(self):
        charts = {
            chart["key"]: chart for chart in self.Overview.with_user(self.iso_administrator).get_overview()["charts"]
        }
        compliance = charts["training_compliance"]
        self.assertEqual(compliance["kind"], "stacked_bar")
        matrix = self.env["iso.competence.matrix"].with_user(self.iso_administrator)
        production = compliance["labels"].index(self.production.complete_name)
        for serie in compliance["series"]:
            with self.subTest(state=serie["key"]):
                expected = matrix.search_count(
                    [("department_id", "=", self.production.id), ("state", "=", serie["key"])]
                )
                self.assertEqual(serie["values"][production], expected)
        heat_map = charts["risk_heat_map"]
        self.assertEqual(heat_map["kind"], "heat_map")
        self.assertEqual(len(heat_map["labels"]), 5)
        risks = self.env["iso.risk"].with_user(self.iso_administrator)
        likely, major = 1, 3  # rows run from 5 (almost certain) down; columns from severity 1
        self.assertEqual(
            heat_map["series"][likely]["values"][major],
            risks.search_count([("residual_likelihood", "=", 4), ("residual_severity", "=", 4)]),
        )
        # The Quality manager's matrix covers Quality only: Production's rows are not in the chart.
        manager_charts = self.Overview.with_user(self.iso_manager).get_overview()["charts"]
        manager_compliance = next(chart for chart in manager_charts if chart["key"] == "training_compliance")
        self.assertNotIn(self.production.complete_name, manager_compliance["labels"])

    def test_queries_do_not_grow_with_the_items(self):
        self.assert_queries_constant(self.iso_administrator, lambda: self.seed(19, "B"))
        system = self.counts_of(self.iso_administrator)
        self.assertEqual(system["reviews_overdue"], self.baseline["reviews_overdue"] + 20)
        self.assertEqual(system["risks_above_target"], self.baseline["risks_above_target"] + 20)
        self.assertEqual(self.counts_of(self.iso_user)["my_to_read"], 20)

    def test_counts_by_filter_and_by_search_count_agree(self):
        """A many2one path is a subquery in the shared COUNT FILTER query; an auto-joined path (a user's
        partner) is counted on its own with search_count: both give what search_count gives."""
        tiles = [
            {"key": "production", "model": "iso.record", "domain": [("department_id.name", "=", "Production (test)")]},
            {"key": "procedures", "model": "iso.record", "domain": [("record_type_id", "=", self.procedure_type.id)]},
            {"key": "iso_logins", "model": "res.users", "domain": [("login", "=like", "iso_%")]},
            {"key": "iso_names", "model": "res.users", "domain": [("partner_id.name", "=like", "iso_%")]},
        ]
        self.env["iso.record"].create(
            {
                "title": "Production record",
                "record_type_id": self.procedure_type.id,
                "department_id": self.production.id,
                "body": "<p>P</p>",
            }
        )
        users = self.env["res.users"]
        self.assertTrue(users._where_calc(tiles[3]["domain"])._joins, "the partner is joined")
        self.assertFalse(self.env["iso.record"]._where_calc(tiles[0]["domain"])._joins, "the department is a subquery")
        overview = self.Overview.with_user(self.iso_manager)
        counts = overview._iso_overview_counts(tiles)
        for tile in tiles:
            with self.subTest(tile=tile["key"]):
                expected = self.env[tile["model"]].with_user(self.iso_manager).search_count(tile["domain"])
                self.assertEqual(counts[tile["key"]], expected)
                self.assertTrue(expected)

    def test_a_tile_of_archived_records_counts_them(self):
        """Tiles counted together keep each its own active filter, as search_count does: one of archived
        records counts them, its neighbour of the same model does not."""
        record = self.env["iso.record"].create(
            {"title": "Archived record", "record_type_id": self.procedure_type.id, "body": "<p>A</p>"}
        )
        self.env.cr.execute("UPDATE iso_record SET active = false WHERE id = %s", [record.id])
        record.invalidate_recordset(["active"])
        tiles = [
            {"key": "archived", "model": "iso.record", "domain": [("active", "=", False)]},
            {"key": "procedures", "model": "iso.record", "domain": [("record_type_id", "=", self.procedure_type.id)]},
        ]
        counts = self.Overview.with_user(self.iso_administrator)._iso_overview_counts(tiles)
        Record = self.env["iso.record"].with_user(self.iso_administrator)
        self.assertEqual(counts["archived"], Record.search_count(tiles[0]["domain"]))
        self.assertGreaterEqual(counts["archived"], 1)
        self.assertEqual(counts["procedures"], Record.search_count(tiles[1]["domain"]))
        self.assertNotIn(record, Record.search(tiles[1]["domain"]))
