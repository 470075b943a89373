"""HTML pages of stakeholders, workshops and feedback, one module per record kind."""
