from . import traceability_check_void
from . import traceability_hold_wizard
