"""`flask measures …`"""

from flask.cli import AppGroup

measures_cli = AppGroup("measures", help="Import, export and generate measure records.")
