from . import test_security
from . import test_recall
from . import test_tours
