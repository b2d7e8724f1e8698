from . import iso_signature_wizard
