"""jiqun (集群): find, diagnose and cultivate industrial clusters."""

__version__ = "0.1.0"
