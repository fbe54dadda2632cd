from . import test_flow_builder
from . import test_demo_factory
from . import test_genealogy_generator
from . import test_security
from . import test_http
from . import test_i18n
