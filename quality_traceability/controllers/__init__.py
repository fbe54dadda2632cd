from . import main
from . import portal
from . import device_api
