from . import traceability_hold
from . import stock_lot
from . import stock_move
from . import stock_move_line
from . import traceability_genealogy
from . import traceability_trace
from . import res_company
from . import res_config_settings
from . import product_category
from . import product_template
from . import traceability_control_point
from . import traceability_control_spec
from . import traceability_check
from . import traceability_check_value
from . import mrp_production
from . import stock_location
from . import stock_quant
from . import traceability_scan
from . import stock_picking
from . import traceability_nonconformance
from . import res_partner
from . import traceability_quality_report
from . import traceability_spc_point
from . import traceability_overview

# Last: the life record view reads the tables of the models above.
from . import traceability_lot_event
