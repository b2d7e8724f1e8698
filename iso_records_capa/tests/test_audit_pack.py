from datetime import timedelta

from odoo import Command
from odoo.addons.iso_records.tests.audit_pack_common import AuditPackMixin
from odoo.tests import tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestAuditPackCapa(AuditPackMixin, CapaCase):
    """Nonconformities detected in the period and the CAPAs open during it, on the pack's clauses."""

    def backdate(self, records, when):
        self.env.flush_all()
        self.env.cr.execute(
            f"UPDATE {records._table} SET create_date = %s WHERE id = ANY(%s)",  # noqa: S608 - a model's table
            [when, records.ids],
        )
        records.invalidate_recordset(["create_date"])

    def test_nonconformities_and_capas_of_the_period_are_packed(self):
        date_from, date_to = self.pack_period()
        in_period = date_from + timedelta(days=15)
        nonconformity = self.make_nc(date=in_period)
        late = self.make_nc(date=date_to + timedelta(days=3), title="Found after the period (test)")
        other_clause = self.make_nc(date=in_period, clause_id=self.env.ref("iso_records.clause_9001_7_5").id)
        capa = self.make_capa(nonconformity)
        new_capa = self.make_capa(nonconformity, title="Opened after the period (test)")
        other_capa = self.make_capa(other_clause, title="On another clause (test)")
        self.backdate(capa | other_capa, in_period)
        pack = self.build(
            self.new_pack(
                self.iso_manager,
                clause_ids=[Command.set(self.clause_8_4.ids)],
                department_ids=[Command.set((self.production | self.quality).ids)],
            )
        )
        archive = self.open_zip(pack)
        self.assertEqual(self.packed_ids(archive, "iso.nonconformity"), set(nonconformity.ids))
        self.assertEqual(self.packed_ids(archive, "iso.capa"), set(capa.ids))
        self.assertEqual(len(self.export_events(nonconformity, pack) | self.export_events(capa, pack)), 2)
        self.assertFalse(
            self.export_events(late | other_clause, pack) | self.export_events(new_capa | other_capa, pack)
        )
        index = self.index_text(archive)
        self.assertIn(nonconformity.name, index)
        self.assertIn(capa.name, index)
        self.assert_manifest_matches(archive)
