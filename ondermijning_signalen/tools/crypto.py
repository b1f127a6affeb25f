"""Encryption at rest for sensitive fields.

Values are encrypted with AES-256-GCM (authenticated) under a key that lives
outside the database: the ``ondermijning_keys`` option of the Odoo config file
or the ``ONDERMIJNING_KEYS`` environment variable, formatted as
``id1:base64key,id2:base64key``. The first key encrypts; every listed key can
decrypt, which is what makes rotation possible. A stored value looks like
``ond1:<key id>:<base64(nonce + ciphertext)>``; the key id is also bound to the
ciphertext as associated data.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import config

PREFIX = "ond1:"
NONCE_SIZE = 12


class EncryptionKeyError(UserError):
    """A missing or wrong key: never write plaintext, never lose data."""


def _key_setting():
    return config.get("ondermijning_keys") or os.environ.get("ONDERMIJNING_KEYS") or ""


@functools.lru_cache(maxsize=8)
def _parse_keys(setting):
    """((key id, key bytes), ...) or (None, key id) for a malformed entry."""
    keys = []
    for item in filter(None, (part.strip() for part in setting.split(","))):
        key_id, sep, encoded = item.partition(":")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            key = b""
        if not sep or not key_id or len(key) != 32:
            return (None, key_id or item[:8])
        keys.append((key_id, key))
    return tuple(keys)


def keys(env):
    """All configured keys, current one first."""
    parsed = _parse_keys(_key_setting())
    if parsed and parsed[0] is None:
        raise EncryptionKeyError(
            env._(
                "Encryption key '%s' is malformed: expected 'id:key' with a 32-byte "
                "base64 key (AES-256).",
                parsed[1],
            )
        )
    if not parsed:
        raise EncryptionKeyError(
            env._(
                "No encryption key is configured. Set 'ondermijning_keys' in the "
                "Odoo configuration file or the ONDERMIJNING_KEYS environment "
                "variable; sensitive data cannot be stored or read without it."
            )
        )
    return parsed


def current_key_id(env):
    return keys(env)[0][0]


def is_encrypted(value):
    return isinstance(value, str) and value.startswith(PREFIX)


def _seal(env, data):
    """AES-GCM under the current key: (key id, nonce + ciphertext + tag)."""
    key_id, key = keys(env)[0]
    nonce = os.urandom(NONCE_SIZE)
    return key_id, nonce + AESGCM(key).encrypt(nonce, data, key_id.encode())


def encrypt(env, plaintext):
    key_id, sealed = _seal(env, plaintext.encode())
    return f"{PREFIX}{key_id}:{base64.b64encode(sealed).decode()}"


def decrypt(env, token):
    key_id, _sep, payload = token[len(PREFIX) :].partition(":")
    return _decrypt_raw(env, key_id, base64.b64decode(payload)).decode()


FILE_MAGIC = b"ONDENC1:"


def encrypt_bytes(env, data):
    """Encrypt file content; the key id travels in the header."""
    key_id, sealed = _seal(env, data)
    return FILE_MAGIC + key_id.encode() + b":" + sealed


def is_encrypted_bytes(data):
    return isinstance(data, bytes) and data.startswith(FILE_MAGIC)


def decrypt_bytes(env, data):
    key_id, _sep, raw = data[len(FILE_MAGIC) :].partition(b":")
    return _decrypt_raw(env, key_id.decode(), raw)


def _decrypt_raw(env, key_id, raw):
    key = dict(keys(env)).get(key_id)
    if key is None:
        raise EncryptionKeyError(
            env._(
                "Encryption key '%s' is needed to read this data but is not "
                "configured. Add it to 'ondermijning_keys'.",
                key_id,
            )
        )
    try:
        return AESGCM(key).decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:], key_id.encode())
    except Exception as exc:  # cryptography raises InvalidTag
        raise EncryptionKeyError(
            env._(
                "Encrypted data could not be decrypted with key '%s': the key "
                "is wrong or the data was altered.",
                key_id,
            )
        ) from exc


def blind_index(env, scope, value):
    """Keyed hash to find equal values (same KvK number, same address)
    without storing them in clear. Keyed with a key derived from the
    ``ondermijning_index_key`` option, or else from the oldest data key, so
    that rotating the data key does not change the index."""
    return blind_indexer(env, scope)(value)


def blind_indexer(env, scope):
    """``blind_index`` for many values: the key is derived once."""
    index_key = config.get("ondermijning_index_key") or os.environ.get(
        "ONDERMIJNING_INDEX_KEY"
    )
    if index_key:
        secret = index_key.encode()
    else:
        secret = hmac.new(
            keys(env)[-1][1], b"ondermijning-blind-index", hashlib.sha256
        ).digest()

    def index(value):
        message = f"{scope}:{value}".encode()
        return hmac.new(secret, message, hashlib.sha256).hexdigest()

    return index


class _EncryptedMixin:
    """Field behaviour shared by EncryptedChar and EncryptedText: encrypt on
    the way to the column, decrypt on the way from the cache to a record."""

    encrypted = True

    @property
    def _description_searchable(self):
        return False

    def _description_sortable(self, env):
        return False

    def _description_groupable(self, env):
        return False

    def convert_to_column(self, value, record, values=None, validate=True):
        value = super().convert_to_column(value, record, values, validate)
        if value is None or value == "" or is_encrypted(value):
            return value or None
        return encrypt(record.env, value)

    def convert_to_record(self, value, record):
        # The cache holds what the database returned (ciphertext) or what was
        # assigned (plaintext); records only ever see plaintext.
        if is_encrypted(value):
            value = decrypt(record.env, value)
        return super().convert_to_record(value, record)


class EncryptedChar(_EncryptedMixin, fields.Char):
    """A Char whose value is encrypted at rest (not searchable)."""


class EncryptedText(_EncryptedMixin, fields.Text):
    """A Text whose value is encrypted at rest (not searchable)."""
