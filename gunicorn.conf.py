"""gunicorn settings for quotesvc:  gunicorn -c gunicorn.conf.py 'quotesvc:create_app()'

They live in the package, quotesvc/service/gunicorn_config.py, so that an installed quotesvc has them
without this file (gunicorn -c python:quotesvc.service.gunicorn_config ...). Settings written below
this import override them; GUNICORN_CMD_ARGS and command-line flags override both.
"""
from quotesvc.service.gunicorn_config import *  # noqa: F401,F403
