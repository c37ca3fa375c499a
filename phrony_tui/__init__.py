"""phrony-tui: a terminal console for Phrony agent runs, and a local Phrony API simulator."""

__version__ = "0.1.0"
