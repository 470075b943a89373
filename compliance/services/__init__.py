"""Every state change of compliance; one module per record kind."""
