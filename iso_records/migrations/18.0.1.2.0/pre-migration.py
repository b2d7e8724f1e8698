"""18.0.1.2.0: the controlled-record contract.

Signatures and disposal lines are keyed by (res_model, res_id) instead of a many2one to iso.record;
a risk's review date is the contract's next_review_date; the confidentiality rules of records,
revisions, signatures and risks are replaced by the contract's short rules (noupdate, so the old
ones are removed here, before the new registry evaluates a rule on a field that no longer exists).
Legal hold records move to hold items in the post-migration, once their table exists."""

OLD_RULES = (
    "rule_iso_record_user_read",
    "rule_iso_record_auditor_read",
    "rule_iso_record_manager_read",
    "rule_iso_record_administrator",
    "rule_iso_record_user_write",
    "rule_iso_record_manager_write",
    "rule_iso_record_revision_user_read",
    "rule_iso_record_revision_auditor_read",
    "rule_iso_record_revision_manager_read",
    "rule_iso_record_revision_administrator",
    "rule_iso_signature_user_read",
    "rule_iso_signature_auditor_read",
    "rule_iso_signature_manager_read",
    "rule_iso_signature_administrator",
    "rule_iso_risk_user_read",
    "rule_iso_risk_auditor_read",
    "rule_iso_risk_manager",
    "rule_iso_risk_administrator",
)


def _column_exists(cr, table, column):
    cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s", [table, column])
    return bool(cr.fetchone())


def _migrate_signatures(cr):
    if not _column_exists(cr, "iso_signature", "record_id"):
        return
    cr.execute("""
        ALTER TABLE iso_signature ADD COLUMN IF NOT EXISTS res_model varchar;
        ALTER TABLE iso_signature ADD COLUMN IF NOT EXISTS res_id integer;
        ALTER TABLE iso_signature ADD COLUMN IF NOT EXISTS operation varchar;
        ALTER TABLE iso_signature ADD COLUMN IF NOT EXISTS reference varchar;
        UPDATE iso_signature signature
           SET res_model = 'iso.record',
               res_id = signature.record_id,
               operation = CASE WHEN signature.meaning = 'obsoleted' THEN 'obsolete'
                                WHEN record.kind = 'document' THEN 'approve'
                                ELSE 'file' END,
               reference = concat_ws(' ', record.name || CASE WHEN record.kind = 'document' THEN ' rev. ' || coalesce(
                   (SELECT revision.number FROM iso_record_revision revision WHERE revision.id = signature.revision_id),
                   record.revision_number) ELSE '' END, record.title)
          FROM iso_record record
         WHERE record.id = signature.record_id;
        UPDATE iso_signature SET res_model = 'iso.record', res_id = record_id,
               operation = coalesce(operation, 'file')
         WHERE res_model IS NULL;
        ALTER TABLE iso_signature DROP COLUMN record_id;
    """)


def _migrate_disposal_lines(cr):
    if not _column_exists(cr, "iso_disposal_line", "record_id"):
        return
    cr.execute("""
        ALTER TABLE iso_disposal_line ADD COLUMN IF NOT EXISTS res_model varchar;
        ALTER TABLE iso_disposal_line ADD COLUMN IF NOT EXISTS res_id integer;
        UPDATE iso_disposal_line SET res_model = 'iso.record', res_id = record_id;
        DROP INDEX IF EXISTS iso_disposal_line_open_unique;
        ALTER TABLE iso_disposal_line DROP COLUMN record_id;
    """)


def _migrate_risk_review(cr):
    if _column_exists(cr, "iso_risk", "review_date") and not _column_exists(cr, "iso_risk", "next_review_date"):
        cr.execute("ALTER TABLE iso_risk RENAME COLUMN review_date TO next_review_date")
        cr.execute(
            "UPDATE ir_model_fields SET name = 'next_review_date' WHERE model = 'iso.risk' AND name = 'review_date'"
        )


def _remove_old_rules(cr):
    cr.execute(
        """WITH old AS (DELETE FROM ir_model_data WHERE module = 'iso_records' AND model = 'ir.rule' AND name IN %s
                        RETURNING res_id)
           DELETE FROM ir_rule WHERE id IN (SELECT res_id FROM old)""",
        [OLD_RULES],
    )


def _forget_wizard_operation_selection(cr):
    """The signature dialog's operation was a selection of the records' operations; it is now the
    operation of any model, as text. Its old selection values would otherwise be removed as if the
    field were still a selection."""
    cr.execute(
        """WITH field AS (SELECT id FROM ir_model_fields WHERE model = 'iso.signature.wizard' AND name = 'operation'),
                gone AS (DELETE FROM ir_model_fields_selection WHERE field_id IN (SELECT id FROM field) RETURNING id)
           DELETE FROM ir_model_data WHERE model = 'ir.model.fields.selection' AND res_id IN (SELECT id FROM gone)"""
    )
    cr.execute("UPDATE ir_model_fields SET ttype = 'char' WHERE model = 'iso.signature.wizard' AND name = 'operation'")


def migrate(cr, version):
    if not version:
        return
    _forget_wizard_operation_selection(cr)
    _migrate_signatures(cr)
    _migrate_disposal_lines(cr)
    _migrate_risk_review(cr)
    _remove_old_rules(cr)
