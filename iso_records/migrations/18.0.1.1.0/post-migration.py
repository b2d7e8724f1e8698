"""Managers' rules on ISO records, revisions and signatures now cover sub-departments and the
employees a manager manages. The rules are loaded with noupdate, so an upgrade alone keeps the old
domains: copy the name and domain of these four from the security file."""

from pathlib import Path

from lxml import etree

from odoo import SUPERUSER_ID, api

MANAGER_RULES = (
    "rule_iso_record_manager_read",
    "rule_iso_record_manager_write",
    "rule_iso_record_revision_manager_read",
    "rule_iso_signature_manager_read",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    security = etree.parse(str(Path(__file__).resolve().parents[2] / "security" / "iso_records_security.xml"))
    for xmlid in MANAGER_RULES:
        rule = env.ref(f"iso_records.{xmlid}", raise_if_not_found=False)
        node = security.find(f".//record[@id='{xmlid}']")
        if rule and node is not None:
            rule.write(
                {
                    "name": node.findtext("field[@name='name']"),
                    "domain_force": node.findtext("field[@name='domain_force']"),
                }
            )
