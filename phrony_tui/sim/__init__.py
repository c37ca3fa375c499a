"""A faithful local Phrony API server with scripted agents and fault injection. No Textual here."""

from .faults import FAULT_NAMES, Faults
from .scenarios import SCENARIOS
from .server import SimServer
from .world import DEFAULT_KEY, World

__all__ = ["DEFAULT_KEY", "FAULT_NAMES", "SCENARIOS", "Faults", "SimServer", "World"]
