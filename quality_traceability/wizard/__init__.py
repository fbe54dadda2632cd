from . import traceability_check_void
