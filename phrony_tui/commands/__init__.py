"""The commands for scripts, pipes and CI: one module per command or small group. No Textual
here; each imports what it needs when it runs, so ``phrony-tui --help`` stays instant."""
