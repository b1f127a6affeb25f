from . import controllers
from . import models
from . import tools

tools.anonymity.install_log_filters()
