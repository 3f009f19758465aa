"""The base of every error a user can act on: shown as a message, never a traceback."""


class UserError(Exception):
    """A problem with the user's input, query or store, explained in its message."""
