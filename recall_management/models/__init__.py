from . import recall_recall
from . import recall_lot
from . import recall_scope_line
from . import recall_customer
from . import res_company
from . import res_config_settings
from . import stock_lot
from . import traceability_hold
