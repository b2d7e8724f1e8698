from . import iso_signature_wizard
from . import iso_legal_hold_release_wizard
