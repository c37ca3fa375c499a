"""Screens opened over the console."""
