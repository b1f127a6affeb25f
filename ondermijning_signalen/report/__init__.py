from . import overleg_handout
