"""Envelope encryption of identity fields, the master-key ring, and the HMAC blind index.

Each partnership has data keys (AES-256); each data key is stored wrapped (AES-GCM) by a
master key version that never enters the database. A field's ciphertext is bound by associated
data to its table, column and row, so a ciphertext copied to another row does not decrypt.
"""
