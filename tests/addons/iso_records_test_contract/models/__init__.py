from . import iso_test_controlled
from . import iso_test_controlled_line
from . import iso_test_controlled_action
