"""REST endpoints of the Select phase and after."""
