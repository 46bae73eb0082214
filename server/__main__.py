"""``python -m server`` is ``localspotify serve``."""

from .cli import serve

serve(prog_name="python -m server")
