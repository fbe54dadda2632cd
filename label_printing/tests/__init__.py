from . import test_label_template
from . import test_label_value_paths
from . import test_label_print
from . import test_label_serials_packages
from . import test_label_tour
from . import test_attacks
from . import test_label_wizard_ui
from . import test_print_queue
