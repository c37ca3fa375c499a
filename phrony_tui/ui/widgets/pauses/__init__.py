"""One widget per kind of pause: what the composer mounts for the pause that is selected.

Each view holds its parts from construction on, so the composer can mount them and focus the
control in one step: a key typed the moment a pause appears lands in it.
"""
