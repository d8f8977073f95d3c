from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its lowest cost, for the tests only (tests/conftest.py): the suite
    signs in thousands of times, and Django's cost (100 MB, 8 lanes) would make each
    one take most of a second on a busy machine. It writes and reads the same
    ``argon2$...`` hashes; production's hasher list is checked in tests/test_security.py."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
