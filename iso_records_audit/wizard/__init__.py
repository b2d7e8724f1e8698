from . import iso_audit_auditor_suggest_wizard
