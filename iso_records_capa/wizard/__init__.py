from . import iso_capa_effectiveness_wizard
