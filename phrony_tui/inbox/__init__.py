"""The inbox: every run of the watched agents that waits for a person, across agents.

``agents`` says which agents to watch, ``rows`` what one waiting thing is, ``poller`` reads
them from the API. No Textual here: the command line and the home screen share it.
"""
