"""COPY INTO (to be completed)."""

from . import errors


def runner(parser):
    raise errors.user_error("NOT_SUPPORTED", "COPY INTO is not supported yet by the stand-in.", "0A000")
