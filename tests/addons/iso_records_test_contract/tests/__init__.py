from . import test_contract
from . import test_action_lines
from . import test_signed_hash
