from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

ACKNOWLEDGEMENT_STATES = [("requested", "Requested"), ("acknowledged", "Read and understood")]
READ_ACTIVITY = "iso_records.mail_activity_type_iso_read"


class IsoDocumentAcknowledgement(models.Model):
    """An employee's "I have read and understood" of one revision of a controlled document.

    One row per employee and revision: inserted as *requested* when the employee is asked (so they
    are never asked twice), turned *acknowledged* once, by the employee, and never changed again.
    Rows are written with SQL by the methods below; the ORM refuses every create, write and delete.
    """

    _name = "iso.document.acknowledgement"
    _description = "ISO Document Read and Understood"
    _inherit = ["iso.evidence.mixin"]
    _order = "acknowledged_at desc nulls last, requested_at desc, id desc"
    _iso_evidence_workflow_may = ("create", "write", "unlink")
    _rec_name = "document_reference"

    employee_id = fields.Many2one("hr.employee", required=True, readonly=True, index=True, ondelete="cascade")
    document_id = fields.Many2one("iso.record", required=True, readonly=True, ondelete="cascade")
    revision_id = fields.Many2one("iso.record.revision", required=True, readonly=True, index=True, ondelete="cascade")
    document_reference = fields.Char(related="document_id.name", string="Reference", store=True)
    revision_number = fields.Integer(related="revision_id.number", string="Revision Number")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    department_id = fields.Many2one(related="employee_id.department_id", string="Department")
    state = fields.Selection(ACKNOWLEDGEMENT_STATES, required=True, readonly=True, default="requested")
    requested_at = fields.Datetime(readonly=True, help="When the employee was asked to read this revision.")
    acknowledged_at = fields.Datetime(string="Read and Understood on", readonly=True)
    user_id = fields.Many2one("res.users", string="Acknowledged by", readonly=True)

    _sql_constraints = [
        (
            "employee_revision_unique",
            "unique(employee_id, revision_id)",
            "Acknowledgement: an employee reads and understands each revision once.",
        ),
    ]

    @api.depends("document_id", "revision_number", "employee_id")
    def _compute_display_name(self):
        for acknowledgement in self:
            acknowledgement.display_name = self.env._(
                "%(employee)s: %(document)s rev. %(revision)s",
                employee=acknowledgement.employee_id.name,
                document=acknowledgement.document_reference,
                revision=acknowledgement.revision_number,
            )

    def _iso_evidence_origin(self):
        return self.env._(
            "read-and-understood records are made by the employee's own button on the document and never "
            "changed or deleted."
        )

    # ------------------------------------------------------------------
    # Requests and acknowledgements
    # ------------------------------------------------------------------
    @api.model
    def _request(self, matrix_domain, limit=None):
        """Ask the employees of the competence-matrix rows in ``matrix_domain`` who must read a document
        in force, have a user and were never asked for that revision: one requested row each (inserted
        in one statement; a concurrent insert of the same row is skipped) and one activity each.
        Returns how many were asked."""
        matrix = self.env["iso.competence.matrix"].sudo()
        query = matrix._search(
            [*matrix_domain, ("document_required", "=", True), ("user_id", "!=", False)],
            limit=limit,
            order="employee_id, revision_id",
        )
        table = query.table
        query.add_where(
            SQL(
                "NOT EXISTS (SELECT 1 FROM iso_document_acknowledgement asked"
                " WHERE asked.employee_id = %s AND asked.revision_id = %s)",
                SQL.identifier(table, "employee_id"),
                SQL.identifier(table, "revision_id"),
            )
        )
        rows = query.select(
            SQL.identifier(table, "employee_id"),
            SQL.identifier(table, "document_id"),
            SQL.identifier(table, "revision_id"),
            SQL.identifier(table, "company_id"),
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO iso_document_acknowledgement
                          (employee_id, document_id, revision_id, company_id, document_reference, state,
                           requested_at, create_uid, create_date, write_uid, write_date)
                   SELECT row.employee_id, row.document_id, row.revision_id, row.company_id, document.name,
                          'requested', %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM (%(rows)s) AS row(employee_id, document_id, revision_id, company_id)
                     JOIN iso_record document ON document.id = row.document_id
              ON CONFLICT (employee_id, revision_id) DO NOTHING
                RETURNING employee_id, document_id""",
                uid=self.env.uid,
                now=fields.Datetime.now(),
                rows=rows,
            )
        )
        asked = self.env.cr.fetchall()
        if not asked:
            return 0
        employees = self.env["hr.employee"].sudo().browse({employee_id for employee_id, __ in asked})
        documents = self.env["iso.record"].sudo().browse({document_id for __, document_id in asked})
        users = {employee.id: employee.user_id.id for employee in employees}
        activity_type = self.env.ref(READ_ACTIVITY)
        deadline = activity_type._get_date_deadline()
        model_id = self.env["ir.model"]._get_id("iso.record")
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": document_id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": users[employee_id],
                    "date_deadline": deadline,
                    "summary": self.env._("Read and understand %s", documents.browse(document_id).display_name),
                }
                for employee_id, document_id in asked
            ]
        )
        return len(asked)

    @api.model
    def _acknowledge(self, document):
        """Record that the current user's employee has read and understood ``document``'s revision in force."""
        action = self.env._("Read and understood")
        if document.kind != "document" or document.state != "effective" or not document.revision_id:
            raise UserError(
                self.env._(
                    "%(action)s: %(record)s is not a controlled document in force; only the effective revision "
                    "is read and understood.",
                    action=action,
                    record=document.display_name,
                )
            )
        document.check_access("read")
        employee = self.env.user.employee_ids.filtered(lambda employee: employee.company_id == document.company_id)[:1]
        if not employee:
            raise UserError(
                self.env._(
                    "%(action)s: you have no employee in %(company)s; read and understood is recorded per employee.",
                    action=action,
                    company=document.company_id.name,
                )
            )
        self.env.flush_all()
        # Turns the request into an acknowledgement, or records one without a request; never twice.
        self.env.cr.execute(
            SQL(
                """INSERT INTO iso_document_acknowledgement AS acknowledgement
                          (employee_id, document_id, revision_id, company_id, document_reference, state,
                           acknowledged_at, user_id, create_uid, create_date, write_uid, write_date)
                   VALUES (%(employee)s, %(document)s, %(revision)s, %(company)s, %(reference)s, 'acknowledged',
                           %(now)s, %(uid)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
              ON CONFLICT (employee_id, revision_id) DO UPDATE
                      SET state = 'acknowledged', acknowledged_at = EXCLUDED.acknowledged_at,
                          user_id = EXCLUDED.user_id, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                    WHERE acknowledgement.state = 'requested'
                RETURNING id""",
                employee=employee.id,
                document=document.id,
                revision=document.revision_id.id,
                company=document.company_id.id,
                reference=document.name,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        row = self.env.cr.fetchone()
        self.invalidate_model()
        if not row:
            done = self.sudo().search(
                [("employee_id", "=", employee.id), ("revision_id", "=", document.revision_id.id)]
            )
            raise UserError(
                self.env._(
                    "%(action)s: %(employee)s already read and understood %(record)s on %(date)s.",
                    action=action,
                    employee=employee.name,
                    record=document.display_name,
                    date=fields.Datetime.context_timestamp(self, done.acknowledged_at).strftime("%Y-%m-%d %H:%M"),
                )
            )
        document.sudo().activity_feedback(
            [READ_ACTIVITY],
            user_id=self.env.uid,
            feedback=self.env._("Read and understood revision %s", document.revision_number),
        )
        document._iso_trail_log(
            "acknowledge",
            {
                document.id: [
                    {
                        "field": "acknowledgement",
                        "label": action,
                        "old": None,
                        "new": {"employee": employee.name, "revision": document.revision_number},
                    }
                ]
            },
            reason=self.env._("%(employee)s has read and understood it", employee=employee.name),
        )
        return self.browse(row[0])
