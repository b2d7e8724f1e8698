from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessDenied, UserError

PASSWORD_VALIDITY = timedelta(minutes=5)
# Wrong passwords allowed per user in the window before signing is refused for the rest of it.
MAX_FAILURES = 5
FAILURE_WINDOW_MINUTES = 15


class IsoPasswordConfirmation(models.AbstractModel):
    """A dialog that asks for the user's password before an electronic signature.

    The password is checked when the dialog is saved and never stored; only the time of
    the successful check is kept, and it is valid for a few minutes for its creator only.
    """

    _name = "iso.password.confirmation"
    _description = "ISO Password Confirmation"

    password = fields.Char(
        compute="_compute_password",
        inverse="_inverse_password",
        help="Your login password: it proves that you, and nobody using your session, sign.",
    )
    password_verified = fields.Datetime(readonly=True, help="When the password was last checked in this dialog.")
    signer_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    def _compute_password(self):
        self.password = False

    def _inverse_password(self):
        # Values arrive through create() and write(), which check and drop them.
        pass

    @api.model
    def _recent_failures(self):
        with self.env.registry.cursor() as cr:
            cr.execute(
                """SELECT count(*) FROM iso_signature_failure
                   WHERE user_id = %s AND failed_at > (now() AT TIME ZONE 'UTC') - make_interval(mins => %s)""",
                [self.env.uid, FAILURE_WINDOW_MINUTES],
            )
            return cr.fetchone()[0]

    @api.model
    def _record_failure(self):
        # Its own transaction: the refused request is rolled back, this row is not.
        with self.env.registry.cursor() as cr:
            cr.execute(
                "INSERT INTO iso_signature_failure (user_id, failed_at) VALUES (%s, now() AT TIME ZONE 'UTC')",
                [self.env.uid],
            )

    @api.model
    def _verify_password(self, password):
        if not password:
            raise UserError(self.env._("Password: enter your password to sign."))
        if self._recent_failures() >= MAX_FAILURES:
            raise UserError(
                self.env._(
                    "Password: too many wrong passwords; signing is locked for %(minutes)s minutes.",
                    minutes=FAILURE_WINDOW_MINUTES,
                )
            )
        try:
            self.env.user._check_credentials(
                {"type": "password", "login": self.env.user.login, "password": password},
                {"interactive": True},
            )
        except AccessDenied:
            self._record_failure()
            raise UserError(self.env._("Password: the password is wrong; nothing was signed.")) from None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("password_verified", None)
            if "password" in vals:
                self._verify_password(vals.pop("password"))
                vals["password_verified"] = fields.Datetime.now()
        return super().create(vals_list)

    def write(self, vals):
        vals.pop("password_verified", None)
        if "password" in vals:
            self._verify_password(vals.pop("password"))
            vals["password_verified"] = fields.Datetime.now()
        return super().write(vals)

    def _check_password(self):
        fresh = self.password_verified and fields.Datetime.now() - self.password_verified <= PASSWORD_VALIDITY
        if not fresh or self.create_uid != self.env.user:
            raise UserError(self.env._("Password: enter your password to sign."))
