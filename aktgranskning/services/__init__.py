"""Use cases shared by the CLI and the GUI; each public call is one transaction."""
