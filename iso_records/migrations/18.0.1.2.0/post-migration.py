"""18.0.1.2.0: legal holds keep their chosen records as hold items (any controlled model)."""

HOLD_RELATION = "iso_legal_hold_iso_record_rel"


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT to_regclass(%s)", [HOLD_RELATION])
    if not cr.fetchone()[0]:
        return
    cr.execute(
        f"""INSERT INTO iso_legal_hold_item (hold_id, company_id, res_model, res_id, reference, state,
                                             create_uid, create_date, write_uid, write_date)
            SELECT rel.iso_legal_hold_id, hold.company_id, 'iso.record', record.id,
                   concat_ws(' ', record.name || CASE WHEN record.kind = 'document'
                                                 THEN ' rev. ' || record.revision_number ELSE '' END, record.title),
                   'active', hold.create_uid, hold.create_date, hold.write_uid, hold.write_date
              FROM {HOLD_RELATION} rel
              JOIN iso_legal_hold hold ON hold.id = rel.iso_legal_hold_id
              JOIN iso_record record ON record.id = rel.iso_record_id
        ON CONFLICT DO NOTHING"""  # noqa: S608 - a constant table name
    )
    cr.execute(f"DROP TABLE {HOLD_RELATION}")
