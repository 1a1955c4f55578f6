"""Industrial chains, chain-filling investment attraction and the key-project pipeline."""

from jiqun.chains.templates import (
    STAGES,
    ChainTemplate,
    Segment,
    SegmentEvidence,
    load_templates,
    template_for,
    template_from_supply_links,
    template_hash,
)

__all__ = [
    "STAGES",
    "ChainTemplate",
    "Segment",
    "SegmentEvidence",
    "load_templates",
    "template_for",
    "template_from_supply_links",
    "template_hash",
]
