from . import test_iso_standard_access
from . import test_iso_clause_constraints
from . import test_iso_standard_data
from . import test_iso_record_workflow
from . import test_iso_record_access
from . import test_iso_record_review
from . import test_iso_record_erp
from . import test_ui
