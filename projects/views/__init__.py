"""HTML pages of projects, one module per record kind."""
