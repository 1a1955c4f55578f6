"""Cluster identification and diagnosis: which clusters a county has, their profile and problems.

The analytics here work on *analysis tables* (:mod:`jiqun.clusters.tables`): polars frames shaped
like the registry, money in yuan. They come from the registry (:mod:`jiqun.registry.snapshot`) or
straight from the demo generator; this package imports no ORM, web or CLI code.
"""
