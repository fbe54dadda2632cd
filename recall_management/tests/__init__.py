from . import test_security
from . import test_recall
from . import test_tours
from . import test_portal_notice_attacks
from . import test_attacks
from . import test_public_recall
from . import test_portal_list
from . import test_recall_form
