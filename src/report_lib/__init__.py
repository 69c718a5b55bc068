"""Reports on the criminal protection of personality rights in China."""
