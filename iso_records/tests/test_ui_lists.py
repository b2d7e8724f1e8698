from datetime import date

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import datetime, safe_eval, time

from .common import IsoRecordCase

# model: (who reads its list, the columns a reader needs, those hidden until asked for)
LISTS = {
    "iso.risk": (
        "iso_manager",
        {"title", "owner_id", "department_id", "level", "residual_level", "next_review_date", "status", "treatment"},
        {"likelihood", "severity", "score", "residual_score", "target_level", "process"},
    ),
    "iso.competence.requirement": (
        "iso_manager",
        {"name", "job_id", "department_id", "record_type_id", "refresher_interval_months", "document_id", "gap_count"},
        {"include_subdepartments", "document_state"},
    ),
    "iso.competence.matrix": (
        "iso_manager",
        {"employee_id", "requirement_id", "training_id", "valid_to", "document_id", "acknowledged_at", "state"},
        {"job_id", "valid_from", "manager_id"},
    ),
    "iso.document.acknowledgement": (
        "iso_manager",
        {"employee_id", "document_id", "revision_number", "requested_at", "acknowledged_at", "state"},
        {"user_id"},
    ),
    "iso.legal.hold": (
        "iso_administrator",
        {"name", "scope", "held_count", "placed_by_id", "placed_date", "released_date", "state"},
        {"filter_model_id", "date_from", "date_to", "released_by_id", "release_reason"},
    ),
    "iso.trail.event": (
        "iso_auditor",
        {"event_time", "reference", "event_type", "user_id", "changes_display", "reason"},
        {"res_model", "res_id", "employee_name", "sequence", "hash"},
    ),
    "iso.trail.verification": (
        "iso_auditor",
        {"verified_at", "state", "events_checked", "chains_checked", "problem", "broken_reference"},
        {"max_event_id", "duration_ms", "hash"},
    ),
    "iso.clause": ("iso_manager", {"standard_id", "number", "title"}, {"parent_id", "level", "is_annex"}),
    "iso.standard": ("iso_manager", {"name", "title", "edition_year", "clause_count"}, {"code"}),
    "iso.disposal.batch": (
        "iso_administrator",
        {"name", "create_date", "line_count", "held_count", "approver_id", "approved_date", "done_date", "state"},
        {"pending_count", "done_count", "cancelled_count", "approval_required"},
    ),
}


def arch_of(views, view_type):
    return etree.fromstring(views["views"][view_type]["arch"])


@tagged("post_install", "-at_install")
class TestListsReadAtAGlance(IsoRecordCase):
    """Each list shows the columns its readers need, the secondary ones hidden until asked for, and
    every filter and grouping of its search view runs for them, as the views are sent to the browser."""

    def views_as(self, model, user_field, view_types=("list", "search")):
        user = getattr(self, user_field)
        self.assertFalse(user._is_admin() or user._is_system(), "a real, non-admin user")
        return user, self.env[model].with_user(user).get_views([(False, view_type) for view_type in view_types])

    def test_every_list_has_the_columns_its_readers_need(self):
        for model, (user_field, columns, secondary) in LISTS.items():
            with self.subTest(model=model):
                __, views = self.views_as(model, user_field)
                fields = {
                    field.get("name"): field
                    for field in arch_of(views, "list").iterfind("field")
                    if field.get("column_invisible") not in ("1", "True")
                }
                self.assertLessEqual(columns | secondary, set(fields), "columns missing")
                shown = {name for name in columns if fields[name].get("optional") != "hide"}
                self.assertEqual(shown, columns, "the columns a reader needs are shown")
                hidden = {name for name in secondary if fields[name].get("optional") == "hide"}
                self.assertEqual(hidden, secondary, "the secondary columns are hidden until asked for")

    def test_every_filter_and_grouping_runs_for_the_reader(self):
        self.env["iso.risk"].create({"title": "Filter probe", "likelihood": 2, "severity": 2})
        for model, (user_field, __, __) in LISTS.items():
            with self.subTest(model=model):
                user, views = self.views_as(model, user_field)
                search = arch_of(views, "search")
                Model = self.env[model].with_user(user)
                eval_context = {
                    "uid": user.id,
                    "context_today": date.today,
                    "relativedelta": relativedelta,
                    "datetime": datetime,
                    "time": time,
                }
                filters = search.xpath("//filter[@domain]")
                groupings = search.xpath("//filter[@context]")
                self.assertTrue(groupings, "a list a manager reads can be grouped")
                for node in filters:
                    Model.search_count(safe_eval(node.get("domain"), eval_context))
                for node in groupings:
                    group_by = safe_eval(node.get("context"))["group_by"]
                    Model.read_group([], [], [group_by])

    def test_risk_register_filters_a_manager_reaches_for(self):
        __, views = self.views_as("iso.risk", "iso_manager")
        search = arch_of(views, "search")
        names = {node.get("name") for node in search.iter("filter", "field")}
        expected = {
            "department_id",
            "owner_id",
            "mine",
            "risks",
            "opportunities",
            "above_target",
            "review_due",
            "not_assessed",
            "high",
            "residual_high",
            "archived",
            "group_level",
            "group_residual_level",
            "group_kind",
            "group_owner",
            "group_department",
        }
        self.assertLessEqual(expected, names)

    def test_levels_have_their_own_colour_and_the_register_switches_to_the_map(self):
        views = (
            self.env["iso.risk"]
            .with_user(self.iso_manager)
            .get_views([(False, view_type) for view_type in ("list", "kanban", "form", "pivot", "graph")])
        )
        for view_type in ("list", "kanban", "form"):
            with self.subTest(view_type=view_type):
                arch = arch_of(views, view_type)
                for name in ("level", "residual_level"):
                    widgets = {node.get("widget") for node in arch.xpath(f"//field[@name='{name}']")}
                    self.assertEqual(widgets, {"iso_risk_level"}, f"{name}: one colour per level")
                residual_scores = arch.xpath("//field[@name='residual_score']")
                self.assertTrue(residual_scores)
                for node in residual_scores:
                    self.assertEqual(node.get("invisible"), "not residual_level", "no 0 for an unassessed residual")
        for view_type in ("list", "kanban", "pivot", "graph"):
            with self.subTest(view_type=view_type):
                self.assertEqual(arch_of(views, view_type).get("js_class"), f"iso_risk_{view_type}")


@tagged("post_install", "-at_install")
class TestRiskResidualAndHeatMap(IsoRecordCase):
    def make_risk(self, **values):
        return (
            self.env["iso.risk"]
            .with_user(self.iso_manager)
            .create({"title": "Residual probe", "likelihood": 4, "severity": 4, **values})
        )

    def test_residual_is_empty_until_both_values_are_given(self):
        risk = self.make_risk()
        # An integer field has no empty value in Odoo: False reads as 0; the level says "not assessed".
        self.assertFalse(risk.residual_score)
        self.assertFalse(risk.residual_level)
        Risk = self.env["iso.risk"].with_user(self.iso_manager)
        self.assertIn(risk, Risk.search([("residual_level", "=", False), ("title", "=", "Residual probe")]))
        self.assertEqual(risk.status, "needs_treatment", "critical above the medium target with no treatment")
        risk.write({"treatment": "mitigate", "residual_likelihood": 2, "residual_severity": 2})
        self.assertEqual((risk.residual_score, risk.residual_level), (4, "low"))
        self.assertEqual(risk.status, "on_target")
        risk.write({"residual_likelihood": False, "residual_severity": False})
        self.assertEqual((risk.residual_score, risk.residual_level), (0, False))
        self.env.flush_all()
        self.env.cr.execute("SELECT coalesce(residual_score, 0), residual_level FROM iso_risk WHERE id = %s", [risk.id])
        self.assertEqual(self.env.cr.fetchone(), (0, None), "stored as the form shows it: not assessed")

    def test_status_is_searchable(self):
        untreated = self.make_risk()
        on_target = self.make_risk(likelihood=1, severity=2)
        due = self.make_risk(likelihood=1, severity=2, next_review_date=date.today())
        Risk = self.env["iso.risk"].with_user(self.iso_manager)
        probes = [("title", "=", "Residual probe")]
        self.assertEqual(Risk.search([*probes, ("status", "=", "needs_treatment")]), untreated)
        self.assertEqual(Risk.search([*probes, ("status", "=", "review_due")]), due)
        self.assertEqual(Risk.search([*probes, ("status", "in", ["on_target"])]), on_target)
        self.assertEqual(Risk.search([*probes, ("status", "!=", "on_target")]), untreated | due)
        with self.assertRaisesRegex(UserError, "Status: search with =, !=, in or not in, not ilike"):
            Risk.search([("status", "ilike", "target")])
        self.assertEqual(
            (untreated.status, on_target.status, due.status), ("needs_treatment", "on_target", "review_due")
        )

    def test_heat_map_names_its_axes_and_its_colours(self):
        self.make_risk()
        self.make_risk(treatment="mitigate", residual_likelihood=2, residual_severity=3)
        Risk = self.env["iso.risk"].with_user(self.iso_manager)
        domain = [("title", "=", "Residual probe")]
        inherent = Risk.get_heat_map(residual=False, domain=domain)
        residual = Risk.get_heat_map(residual=True, domain=domain)
        self.assertEqual(
            (inherent["likelihood_title"], inherent["severity_title"]), ("Likelihood", "Severity (impact)")
        )
        self.assertEqual(
            (residual["likelihood_title"], residual["severity_title"]), ("Residual Likelihood", "Residual Severity")
        )
        self.assertEqual(inherent["likelihood_steps"][0], {"value": 5, "label": "Almost certain"}, "the top row")
        self.assertEqual(inherent["severity_steps"][0], {"value": 1, "label": "Negligible"}, "the first column")
        self.assertEqual((inherent["total"], residual["total"], residual["not_assessed"]), (2, 1, 1))
        ranges = {entry["level"]: (entry["from"], entry["to"]) for entry in inherent["legend"]}
        self.assertEqual(ranges, {"low": (1, 4), "medium": (5, 9), "high": (10, 15), "critical": (16, 25)})
        self.env["res.config.settings"].create(
            {"iso_risk_medium_from": 3, "iso_risk_high_from": 6, "iso_risk_critical_from": 9}
        ).execute()
        legend = Risk.get_heat_map(domain=domain)["legend"]
        self.assertEqual(
            [(entry["label"], entry["from"], entry["to"]) for entry in legend],
            [("Low", 1, 2), ("Medium", 3, 5), ("High", 6, 8), ("Critical", 9, 25)],
            "the legend follows the thresholds of Settings",
        )
