from . import main
from . import portal
from . import device_api
from . import nonconformance_portal
from . import supplier_portal
from . import epcis_query
from . import epcis
