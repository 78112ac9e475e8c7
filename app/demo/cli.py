"""`flask demo …`"""

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
