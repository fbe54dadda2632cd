from . import traceability_export_mixin
from . import traceability_report_table
from . import traceability_report_trace
