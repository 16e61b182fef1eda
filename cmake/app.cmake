# App target: set up in the foundation work.
