"""The Textual console. Imports the data layers; they never import it."""
