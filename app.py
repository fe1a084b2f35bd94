"""Entry point for `flask --app app` and gunicorn (`app:app`)."""

import sys

from forum import create_app
from forum.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"Movement Notes cannot start: {error}")
