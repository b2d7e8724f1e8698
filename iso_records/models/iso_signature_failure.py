from odoo import fields, models


class IsoSignatureFailure(models.Model):
    """A wrong password given in the signature dialog. Written in a transaction of its own,
    so that it survives the rollback of the refused request; read to throttle guessing."""

    _name = "iso.signature.failure"
    _description = "Failed E-signature Attempt"
    _log_access = False

    # An integer, not a many2one: the row is written from another transaction.
    user_id = fields.Integer(required=True, index=True)
    failed_at = fields.Datetime(required=True, index=True)
