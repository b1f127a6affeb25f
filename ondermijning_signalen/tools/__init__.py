from . import crypto
from .crypto import EncryptedChar, EncryptedText
