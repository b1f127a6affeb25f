from . import controllers
from . import models
from . import report
from . import wizards


def uninstall_hook(env):
    env["ondermijning.statistiek"]._drop_store()
    env["ondermijning.statistiek.interventie"]._drop_cells()
