"""The simulator's routes, one module per resource of API.md: sessions (starting runs, listing
sessions), runs (reading them), messages (answering them), stream (following them) and files
(the file library). ``sim.app`` puts them on one table."""
