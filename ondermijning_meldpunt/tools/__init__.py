from . import anonymity
from . import metadata
from . import throttle
