"""vcid: W3C Verifiable Credentials for children at borders."""

__version__ = "0.1.0"
