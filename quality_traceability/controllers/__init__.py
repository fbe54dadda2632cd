from . import main
from . import portal
from . import device_api
from . import nonconformance_portal
