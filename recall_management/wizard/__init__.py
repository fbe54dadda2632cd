from . import recall_create_wizard
from . import recall_notify_wizard
