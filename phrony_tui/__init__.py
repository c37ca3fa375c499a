"""phrony-tui: a terminal console for Phrony agent runs, and a local Phrony API simulator."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("phrony-tui")  # written once, in pyproject.toml
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
