from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression as Domain
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools import iso_int_param, one_record, text_argument

COMPETENCE_STATES = [
    ("valid", "Valid"),
    ("expiring", "Expiring"),
    ("expired", "Expired"),
    ("missing", "Missing"),
]
DEFAULT_EXPIRING_DAYS = 30
GRID_PAGE_SIZE = 50
GRID_MAX_PAGE_SIZE = 500


class IsoCompetenceMatrix(models.Model):
    """One row per active employee and competence requirement that applies to them.

    A plain SQL view, never stored: it always shows the trainings and acknowledgements of the
    moment. The state depends on today and on the expiring days of Settings, so it is computed
    in Python against today, with a search method, not in the view.
    """

    _name = "iso.competence.matrix"
    _description = "ISO Competence Matrix"
    _auto = False
    _order = "employee_name, requirement_sequence, requirement_id"
    # Flushed before the view is queried.
    _depends = {
        "hr.employee": ["active", "name", "company_id", "department_id", "job_id", "user_id", "parent_id"],
        "hr.department": ["parent_path"],
        "iso.competence.requirement": [
            "active",
            "sequence",
            "company_id",
            "job_id",
            "department_id",
            "include_subdepartments",
            "employee_ids",
            "record_type_id",
            "document_id",
            "refresher_interval_months",
        ],
        "iso.record": [
            "state",
            "active",
            "revision_id",
            "employee_id",
            "record_type_id",
            "training_valid_from",
            "training_valid_to",
            "training_effectiveness",
        ],
        "iso.document.acknowledgement": ["employee_id", "revision_id", "state", "acknowledged_at"],
    }

    id = fields.Id()
    employee_id = fields.Many2one("hr.employee", readonly=True)
    employee_name = fields.Char(readonly=True)
    requirement_id = fields.Many2one("iso.competence.requirement", readonly=True)
    requirement_sequence = fields.Integer(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    user_id = fields.Many2one("res.users", string="Employee User", readonly=True)
    manager_id = fields.Many2one("hr.employee", readonly=True)
    manager_user_id = fields.Many2one("res.users", readonly=True)
    record_type_id = fields.Many2one("iso.record.type", string="Training Type", readonly=True)
    document_id = fields.Many2one("iso.record", string="Document to Read", readonly=True)
    revision_id = fields.Many2one("iso.record.revision", string="Revision in Force", readonly=True)
    refresher_interval_months = fields.Integer(string="Refresher Interval (months)", readonly=True)
    training_required = fields.Boolean(readonly=True)
    document_required = fields.Boolean(readonly=True)
    training_id = fields.Many2one("iso.record", readonly=True)
    valid_from = fields.Date(readonly=True)
    valid_to = fields.Date(
        readonly=True,
        help="The training's Valid To, else its Valid From plus the refresher interval.",
    )
    acknowledgement_id = fields.Many2one("iso.document.acknowledgement", readonly=True)
    acknowledged_at = fields.Datetime(string="Read and Understood on", readonly=True)
    state = fields.Selection(
        COMPETENCE_STATES,
        string="Status",
        compute="_compute_state",
        search="_search_state",
        help="Valid; expiring within the days set in Settings; expired; missing: no valid training, "
        "or the revision in force of the document not yet read and understood.",
    )

    def init(self):
        # The latest filed training of an employee and type is one index probe.
        create_index(
            self.env.cr,
            "iso_record_training_latest_index",
            "iso_record",
            ["employee_id", "record_type_id", "training_valid_from DESC NULLS LAST", "id DESC"],
            where="state = 'filed' AND employee_id IS NOT NULL",
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Row ids combine the requirement (high 32 bits) and the employee: stable, unique, and readable
        # by PostgreSQL from the two joined tables, so a filter on ids applies before trainings are looked up.
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW iso_competence_matrix AS (
                SELECT requirement.id::bigint * 4294967296 + employee.id AS id,
                       employee.id AS employee_id,
                       employee.name AS employee_name,
                       requirement.id AS requirement_id,
                       requirement.sequence AS requirement_sequence,
                       employee.company_id AS company_id,
                       employee.department_id AS department_id,
                       employee.job_id AS job_id,
                       employee.user_id AS user_id,
                       employee.parent_id AS manager_id,
                       manager.user_id AS manager_user_id,
                       requirement.record_type_id AS record_type_id,
                       requirement.document_id AS document_id,
                       document.revision_id AS revision_id,
                       requirement.refresher_interval_months AS refresher_interval_months,
                       requirement.record_type_id IS NOT NULL AS training_required,
                       document.id IS NOT NULL AS document_required,
                       training.id AS training_id,
                       training.training_valid_from AS valid_from,
                       %s AS valid_to,
                       acknowledgement.id AS acknowledgement_id,
                       acknowledgement.acknowledged_at AS acknowledged_at
                  FROM hr_employee employee
                  JOIN iso_competence_requirement requirement
                    ON requirement.active
                   AND requirement.company_id = employee.company_id
                   AND (requirement.job_id IS NULL OR requirement.job_id = employee.job_id)
             LEFT JOIN hr_department employee_department ON employee_department.id = employee.department_id
             LEFT JOIN hr_department requirement_department ON requirement_department.id = requirement.department_id
             LEFT JOIN hr_employee manager ON manager.id = employee.parent_id
             LEFT JOIN iso_record document ON document.id = requirement.document_id AND document.state = 'effective'
                 -- The latest training counts; a scalar subquery, so that a query that does not
                 -- read the training columns never looks it up.
             LEFT JOIN iso_record training ON training.id = (%s)
             LEFT JOIN iso_document_acknowledgement acknowledgement
                    ON acknowledgement.employee_id = employee.id
                   AND acknowledgement.revision_id = document.revision_id
                   AND acknowledgement.state = 'acknowledged'
                 WHERE employee.active
                   AND (requirement.department_id IS NULL
                        OR requirement.department_id = employee.department_id
                        OR (requirement.include_subdepartments
                            AND employee_department.parent_path LIKE requirement_department.parent_path || '%%'))
                   -- Named employees: when the requirement names some, it applies to them only.
                   AND (NOT EXISTS (SELECT 1
                                      FROM iso_competence_requirement_employee_rel named
                                     WHERE named.requirement_id = requirement.id)
                        OR EXISTS (SELECT 1
                                     FROM iso_competence_requirement_employee_rel named
                                    WHERE named.requirement_id = requirement.id
                                      AND named.employee_id = employee.id))
                   AND (requirement.record_type_id IS NOT NULL OR document.id IS NOT NULL)
            )
            """,
                self._valid_to_sql(),
                self._latest_training_sql(),
            )
        )

    @api.model
    def _latest_training_sql(self, as_of=None):
        """The id of the training that counts for a requirement, as a scalar subquery on the aliases
        ``employee`` (hr_employee) and ``requirement`` (iso_competence_requirement): the latest filed,
        active training of its type not found not effective; with ``as_of`` (an SQL date expression), the
        latest one valid from that day or before, the one that counted then."""
        return SQL(
            """
                       SELECT candidate.id
                         FROM iso_record candidate
                        WHERE candidate.employee_id = employee.id
                          AND candidate.record_type_id = requirement.record_type_id
                          AND candidate.state = 'filed'
                          AND candidate.active
                          AND candidate.training_effectiveness IS DISTINCT FROM 'not_effective'
                          %s
                        ORDER BY candidate.training_valid_from DESC NULLS LAST, candidate.id DESC
                        LIMIT 1""",
            SQL("AND candidate.training_valid_from <= %s", as_of) if as_of is not None else SQL(),
        )

    @api.model
    def _valid_to_sql(self):
        """Until when that training (alias ``training``) proves the requirement: its Valid To, else its
        Valid From plus the requirement's refresher interval; NULL when it does not expire."""
        return SQL(
            """COALESCE(
                           training.training_valid_to,
                           CASE WHEN requirement.refresher_interval_months > 0
                                THEN (training.training_valid_from
                                      + make_interval(months => requirement.refresher_interval_months))::date
                           END
                       )"""
        )

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        if limit is None or not field_names:
            return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)
        # A page: find it first, then read it. Reading while sorting would look up the training of
        # every row of the matrix, not only of the rows shown.
        records = super().search_fetch(domain, [], offset=offset, limit=limit, order=order)
        records.fetch(field_names)
        return records

    @api.depends("employee_id", "requirement_id")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.employee_id.name or ''} - {row.requirement_id.name or ''}"

    # ------------------------------------------------------------------
    # State against today
    # ------------------------------------------------------------------
    @api.model
    def _expiring_days(self):
        return iso_int_param(self.env, "competence_expiring_days", DEFAULT_EXPIRING_DAYS)

    @api.model
    def _today_and_horizon(self):
        today = fields.Date.context_today(self)
        return today, today + timedelta(days=self._expiring_days())

    @api.model
    def _state_of(self, values, today, horizon):
        """The state of a row from its raw values (a record or a dict of ids and dates)."""
        if (values["training_required"] and not values["training_id"]) or (
            values["document_required"] and not values["acknowledgement_id"]
        ):
            return "missing"
        valid_to = values["valid_to"] if values["training_required"] else False
        if valid_to and valid_to < today:
            return "expired"
        if valid_to and valid_to <= horizon:
            return "expiring"
        return "valid"

    def _compute_state(self):
        today, horizon = self._today_and_horizon()
        for row in self:
            row.state = self._state_of(row, today, horizon)

    def _search_state(self, operator, value):
        if operator in ("=", "!="):
            wanted, positive = {value}, operator == "="
        elif operator in ("in", "not in") and isinstance(value, (list, tuple, set)):
            wanted, positive = set(value), operator == "in"
        else:
            raise UserError(
                self.env._(
                    "%(field)s: search with is, is not, is in or is not in (got %(operator)s).",
                    field=self._fields["state"].string,
                    operator=operator,
                )
            )
        unknown = wanted - set(dict(COMPETENCE_STATES)) - {False}
        if unknown:
            raise UserError(
                self.env._(
                    "%(field)s: %(values)s is not a status; use valid, expiring, expired or missing.",
                    field=self._fields["state"].string,
                    values=", ".join(map(str, sorted(unknown))),
                )
            )
        domain = Domain.OR([self._state_domain(state) for state in sorted(wanted - {False})] or [Domain.FALSE_DOMAIN])
        return domain if positive else ["!", *Domain.normalize_domain(domain)]

    @api.model
    def _state_domain(self, state):
        today, horizon = self._today_and_horizon()
        missing = [
            "|",
            "&",
            ("training_required", "=", True),
            ("training_id", "=", False),
            "&",
            ("document_required", "=", True),
            ("acknowledgement_id", "=", False),
        ]
        if state == "missing":
            return missing
        present = ["!", *Domain.normalize_domain(missing)]
        dated = [("training_required", "=", True), ("valid_to", "!=", False)]
        return Domain.AND(
            [
                present,
                {
                    "expired": [*dated, ("valid_to", "<", today)],
                    "expiring": [*dated, ("valid_to", ">=", today), ("valid_to", "<=", horizon)],
                    "valid": [
                        "|",
                        "|",
                        ("training_required", "=", False),
                        ("valid_to", "=", False),
                        ("valid_to", ">", horizon),
                    ],
                }[state],
            ]
        )

    # ------------------------------------------------------------------
    # Helpers for iso.record and the reminders
    # ------------------------------------------------------------------
    @api.model
    def _refresher_months(self, employees, record_types):
        """{(employee id, record type id): the shortest refresher interval among the requirements
        that ask these employees for trainings of these types}, in one query."""
        if not employees or not record_types:
            return {}
        groups = self.sudo()._read_group(
            [
                ("employee_id", "in", employees.ids),
                ("record_type_id", "in", record_types.ids),
                ("refresher_interval_months", ">", 0),
            ],
            ["employee_id", "record_type_id"],
            ["refresher_interval_months:min"],
        )
        return {(employee.id, record_type.id): months for employee, record_type, months in groups}

    # ------------------------------------------------------------------
    # The grid (client action iso_competence_matrix)
    # ------------------------------------------------------------------
    @api.model
    def get_grid_data(self, department_id=False, search="", gaps_only=False, offset=0, limit=GRID_PAGE_SIZE):
        """One page of the grid: employees as rows (``limit`` from ``offset``, by name), the requirements
        of every page as columns, and the cells of this page; only what the user may read."""
        try:
            offset = max(int(offset or 0), 0)
            limit = min(max(int(limit or GRID_PAGE_SIZE), 1), GRID_MAX_PAGE_SIZE)
            department_id = int(department_id or 0)
        except (TypeError, ValueError):
            raise UserError(
                self.env._("Competence matrix: department, offset and limit must be whole numbers.")
            ) from None
        search = text_argument(self.env, search, self.env._("Search"))
        domain = []
        if department_id:
            domain.append(("department_id", "child_of", department_id))
        if search:
            domain.append(("employee_name", "ilike", search))
        if gaps_only:
            # The statuses of the whole matrix are computed once; the rest reads only these employees,
            # with all their cells.
            gaps = self._read_group([*domain, ("state", "in", ["expiring", "expired", "missing"])], ["employee_id"])
            domain.append(("employee_id", "in", [employee.id for (employee,) in gaps]))
        [(total,)] = self._read_group(domain, [], ["employee_id:count_distinct"])
        page = self._read_group(
            domain, ["employee_name", "employee_id"], order="employee_name, employee_id", offset=offset, limit=limit
        )
        requirements = self.env["iso.competence.requirement"].browse(
            requirement.id for (requirement,) in self._read_group(domain, ["requirement_id"])
        )
        requirements = requirements.sorted(lambda requirement: (requirement.sequence, requirement.name, requirement.id))
        employees = self.env["hr.employee"].browse(employee.id for __, employee in page)
        today, horizon = self._today_and_horizon()
        cells, departments = {}, {}
        if employees:
            rows = self.search_fetch(
                Domain.AND([domain, [("employee_id", "in", employees.ids)]]),
                [
                    "employee_id",
                    "requirement_id",
                    "department_id",
                    "training_required",
                    "document_required",
                    "training_id",
                    "valid_to",
                    "acknowledgement_id",
                    "acknowledged_at",
                    "document_id",
                ],
            )
            for row in rows:
                cells.setdefault(row.employee_id.id, {})[row.requirement_id.id] = {
                    "id": row.id,
                    "state": self._state_of(row, today, horizon),
                    "valid_to": fields.Date.to_string(row.valid_to) if row.training_required else False,
                    "training_id": row.training_id.id,
                    "document_id": row.document_id.id if row.document_required else False,
                    "acknowledged_at": fields.Datetime.to_string(row.acknowledged_at),
                }
                departments[row.employee_id.id] = row.department_id.display_name or ""
        return {
            "employees": [
                {"id": employee.id, "name": name, "department": departments.get(employee.id, "")}
                for name, employee in page
            ],
            "requirements": [
                {
                    "id": requirement.id,
                    "name": requirement.name,
                    "training_type": requirement.record_type_id.display_name or "",
                    "document": requirement.document_id.display_name or "",
                    "refresher_interval_months": requirement.refresher_interval_months,
                }
                for requirement in requirements
            ],
            "cells": cells,
            "total": total,
            "offset": offset,
            "limit": limit,
            "expiring_days": self._expiring_days(),
            "today": fields.Date.to_string(today),
            "states": COMPETENCE_STATES,
            "departments": self.env["hr.department"].search_read(
                [("company_id", "in", [*self.env.companies.ids, False])], ["complete_name"], order="complete_name"
            ),
            "can_export": self.env.user.has_group("base.group_allow_export"),
        }

    # ------------------------------------------------------------------
    # Buttons of a row
    # ------------------------------------------------------------------
    def action_open_training(self):
        one_record(self, self.env._("Open training"))
        if not self.training_id:
            return self.action_file_training()
        return {
            "type": "ir.actions.act_window",
            "res_model": "iso.record",
            "res_id": self.training_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_file_training(self):
        one_record(self, self.env._("File training"))
        if not self.record_type_id:
            raise UserError(
                self.env._(
                    "%(field)s: %(requirement)s asks for no training, only that a document is read and understood.",
                    field=self._fields["record_type_id"].string,
                    requirement=self.requirement_id.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("File training"),
            "res_model": "iso.record",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_employee_id": self.employee_id.id,
                "default_record_type_id": self.record_type_id.id,
                "default_title": f"{self.requirement_id.name} - {self.employee_id.name}",
                "default_company_id": self.company_id.id,
            },
        }

    def action_open_document(self):
        one_record(self, self.env._("Open document"))
        return {
            "type": "ir.actions.act_window",
            "res_model": "iso.record",
            "res_id": self.document_id.id,
            "view_mode": "form",
            "target": "current",
        }
