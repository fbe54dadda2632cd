from . import label_print_wizard
from . import label_serial_wizard
from . import label_package_scan
