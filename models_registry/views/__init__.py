"""HTML pages of the Select phase and after."""
