from . import recall_create_wizard
from . import recall_notify_wizard
from . import traceability_exposure
