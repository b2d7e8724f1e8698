from . import test_audit_programme
from . import test_audit_access
from . import test_audit_views
