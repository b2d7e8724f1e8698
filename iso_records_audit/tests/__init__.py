from . import test_audit_programme
