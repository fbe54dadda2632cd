from . import test_label_template
from . import test_label_print
from . import test_label_serials_packages
from . import test_label_tour
