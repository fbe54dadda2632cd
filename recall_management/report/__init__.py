from . import recall_report_scope
from . import recall_report_fsma204
from . import recall_report_one_up_one_down
