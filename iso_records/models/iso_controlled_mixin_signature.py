import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import iso_param, text_argument, workflow
from .iso_signature import INDEPENDENT_MEANINGS, SIGNATURE_MEANINGS


class IsoControlledMixin(models.AbstractModel):
    """E-signatures for every controlled model: one dialog, one signing path; each model declares its
    signable operations and what each one does."""

    _inherit = "iso.controlled.mixin"  # pylint: disable=consider-merging-classes-inherited

    signature_ids = fields.One2many(
        "iso.signature",
        "res_id",
        string="Signatures",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )

    @api.model
    def _iso_signable_operations(self):
        """What can be signed on this model: ``{operation: spec}``, where spec has
        ``label`` (shown in the dialog), ``meanings`` (the signature meanings the operation allows),
        ``method`` (the name of the method that applies it, called with the signer and the reason; it may
        return the revision it froze), and optionally ``group`` (the xmlid of the group a signer needs)
        and ``reason_required``, and ``may_sign``: the name of a method telling, for a user, whether they may
        sign it at all (the operation's method enforces it; the views use it to offer the button), and
        ``content_hash``: the name of a method giving the SHA-256 the signature signs, where the operation
        freezes content of its own (a review's frozen minutes); ``_iso_content_hash`` by default."""
        return {}

    def _iso_signed_hash(self, operation):
        """The SHA-256 a signature of ``operation`` signs: shown in the dialog, stored with the signature."""
        spec = self._iso_signable_operations().get(operation) or {}
        return getattr(self, spec.get("content_hash", "_iso_content_hash"))()

    def _iso_signature_spec(self, operation):
        operations = self._iso_signable_operations()
        if not isinstance(operation, str) or operation not in operations:
            raise UserError(
                self.env._(
                    "Operation: %(operation)r cannot be signed on %(model)s; it signs %(allowed)s.",
                    operation=operation,
                    model=self._description,
                    allowed=", ".join(spec["label"] for spec in operations.values()) or self.env._("nothing"),
                )
            )
        return operations[operation]

    def _iso_open_signature(self, operation):
        """The signature dialog for ``operation`` on this record."""
        self.ensure_one()
        spec = self._iso_signature_spec(operation)
        self._iso_check_may_act(spec["label"])
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign: %s", spec["label"]),
            "res_model": "iso.signature.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_operation": operation,
                "default_meaning": spec["meanings"][0],
            },
        }

    def _iso_content_hash(self):
        """SHA-256 of the content being signed: the content fields and the checksums of the files."""
        self.ensure_one()
        names = self._iso_content_fields()
        content = dict(self._iso_trail_snapshot(names)[self.id])
        content["attachments"] = sorted(
            checksum or ""
            for name in self._iso_attachment_fields()
            for checksum in self[name].sudo().mapped("checksum")
        )
        # Its lines (checklist, team...) are part of what is signed.
        line_model = self.env.registry["iso.controlled.line.mixin"]
        for name, field in self._fields.items():
            if field.type == "one2many" and isinstance(self.env[field.comodel_name], line_model):
                lines = self[name].sudo()
                content[name] = sorted(
                    lines._iso_line_snapshot().values(),
                    key=lambda values: json.dumps(values, sort_keys=True, default=str),
                )
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()

    def _iso_sign(self, operation, meaning, reason=None):
        """Apply ``operation`` and sign it as the current user, whose password the caller has checked."""
        self.ensure_one()
        spec = self._iso_signature_spec(operation)
        reason = text_argument(self.env, reason, self.env._("Reason"))
        signer = self.env.user
        self._iso_check_may_act(spec["label"])
        meanings = dict(SIGNATURE_MEANINGS)
        if meaning not in spec["meanings"]:
            raise UserError(
                self.env._(
                    "Meaning: %(meaning)s does not fit %(operation)s; choose %(allowed)s.",
                    meaning=meanings.get(meaning, repr(meaning)),
                    operation=spec["label"],
                    allowed=self.env._(" or ").join(meanings[name] for name in spec["meanings"]),
                )
            )
        if spec.get("group") and not signer.has_group(spec["group"]):
            raise UserError(
                self.env._(
                    "%(operation)s: only %(group)s may sign this.",
                    operation=spec["label"],
                    group=self.env.ref(spec["group"]).name,
                )
            )
        if spec.get("reason_required") and not reason.strip():
            raise UserError(
                self.env._(
                    "Reason: %(operation)s %(record)s needs a reason.",
                    operation=spec["label"],
                    record=self.display_name,
                )
            )
        if meaning in INDEPENDENT_MEANINGS and not iso_param(self.env, "allow_self_approval", False):
            if signer in self._iso_content_editors():
                raise UserError(
                    self.env._(
                        "Signer: %(user)s wrote or changed the content of %(record)s and cannot also sign it as "
                        "%(meaning)s; ask another person (an administrator can allow self-approval in Settings).",
                        user=signer.name,
                        record=self.display_name,
                        meaning=meanings[meaning],
                    )
                )
        revision = getattr(self, spec["method"])(signer, reason)
        content_hash = revision.content_hash if revision else self._iso_signed_hash(operation)
        signature = workflow(self.env["iso.signature"].sudo()).create(
            {
                "res_model": self._name,
                "res_id": self.id,
                "reference": self._iso_trail_reference(),
                "operation": operation,
                "revision_id": revision.id if revision else False,
                "company_id": self.company_id.id,
                "signer_id": signer.id,
                "signer_name": signer.name,
                "meaning": meaning,
                "signed_at": fields.Datetime.now(),
                "content_hash": content_hash,
                "reason": reason or False,
            }
        )
        self._iso_trail_log(
            "signature",
            {
                self.id: [
                    {
                        "field": "signature",
                        "label": self.env._("Signature"),
                        "old": None,
                        "new": {
                            "name": f"{signature.signer_name} ({signature.meaning})",
                            "operation": operation,
                            "meaning": signature.meaning,
                            "content_hash": signature.content_hash,
                            "revision": revision.number if revision else None,
                        },
                    }
                ]
            },
            reason=signature.reason or meanings[signature.meaning],
        )
        return signature

    def _iso_sign_as(self, user_id, operation, meaning, reason=None):
        """Server-side signing for data files and migrations (never reachable over RPC)."""
        for record in self:
            record.with_user(user_id)._iso_sign(operation, meaning, reason)
