from . import ondermijning_workbooks
from . import ondermijning_statistiek
from . import ondermijning_statistiek_figures
from . import ondermijning_statistiek_disclosure
from . import ondermijning_statistiek_interventie
from . import ondermijning_statistiek_campagne
from . import ondermijning_statistiek_tables
from . import ondermijning_statistiek_cells
