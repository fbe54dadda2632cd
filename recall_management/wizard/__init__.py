from . import recall_create_wizard
