from . import overleg_handout
from . import casus_dossier
from . import vernietigingslijst
