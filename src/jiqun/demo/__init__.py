"""The demo registry: a synthetic economy of four provinces with the seed clusters planted."""
