from . import traceability_check_void
from . import traceability_hold_wizard
from . import traceability_exposure
from . import traceability_gauge_calibration_wizard
from . import traceability_partial_rejection
from . import traceability_epcis_import
from . import traceability_package_scan
from . import traceability_history_import
