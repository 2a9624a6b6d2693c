"""Unity Catalog volumes on the S3 stand-in (to be completed)."""

from . import errors


def storage_uri(settings, path):
    parts = path.split("/")
    # /Volumes/<catalog>/<schema>/<volume>/<rest>
    return f"s3a://{settings.root_bucket}/volumes/" + "/".join(p.lower() for p in parts[2:5]) + (
        "/" + "/".join(parts[5:]) if len(parts) > 5 else "")


def _unsupported(what):
    raise errors.user_error("NOT_SUPPORTED", f"{what} is not supported yet by the stand-in.", "0A000")


def staging_runner(parser):
    _unsupported("Volume staging")


def list_runner(parser):
    _unsupported("LIST")


def ddl_runner(parser):
    return None
