from odoo import fields, models

VERIFICATION_RESULTS = [("effective", "Effective"), ("not_effective", "Not effective")]


class IsoCapaVerification(models.Model):
    """An effectiveness check of a CAPA (ISO 9001 10.2.1 d): due some days after its last action, made by
    a verifier who is neither the CAPA owner nor an action owner, with the evidence and, where it fits,
    the measure used. Not effective reopens the CAPA for new actions."""

    _name = "iso.capa.verification"
    _description = "ISO CAPA Effectiveness Check"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "capa_id, id desc"
    _iso_parent_field = "capa_id"

    capa_id = fields.Many2one("iso.capa", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    verifier_id = fields.Many2one("res.users", required=True, domain=[("share", "=", False)])
    due_date = fields.Date(string="Due on")
    date = fields.Date(string="Checked on")
    result = fields.Selection(VERIFICATION_RESULTS)
    evidence = fields.Text(help="What shows that the actions worked, or did not.")
    measure = fields.Text(string="Measure Used", help="For instance: no repeat nonconformity in the window.")
    repeat_count = fields.Integer(
        string="Repeats Found", readonly=True, help="Nonconformities repeating the CAPA's within the window."
    )

    def _iso_line_frozen_reason(self):
        # Only the workflow writes a check: created when the last action is done, its result recorded by the
        # verifier through Record effectiveness, then kept as evidence.
        self.ensure_one()
        return self.env._(
            "an effectiveness check is recorded by its verifier through Record effectiveness, never edited."
        )
