"""A hostile HTTP server for tests (``server.HostileServer``), a corpus of named hostile
answers (``corpus.CASES``) and the client-level tests that run them. Console-level tests reuse
both: ``with HostileServer() as server: case.install(server)``, then point the console at
``server.base_url``."""
