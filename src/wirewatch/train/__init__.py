"""Training scripts for the few learned components; `make train` runs them."""
