"""Opinion groups the Pol.is way: PCA of votes, two-level k-means, representative statements,
consensus, and the priority of the next statement to show. Pure numpy (and scipy); see
docs/engines/opinion.md for the formulas and where we differ from polis.
"""

from jusoor.engines.opinion.breakdown import Cell, GroupBreakdown, demographic_breakdown
from jusoor.engines.opinion.clustering import KSmoother
from jusoor.engines.opinion.errors import OpinionError
from jusoor.engines.opinion.matrix import VoteMatrix, build_matrix
from jusoor.engines.opinion.pipeline import (
    OpinionGroup,
    OpinionResult,
    OpinionState,
    Settings,
    analyse,
    analyse_matrix,
    regroup,
)
from jusoor.engines.opinion.priority import next_statement, priorities
from jusoor.engines.opinion.repness import StatementPick
from jusoor.engines.opinion.stability import Stability, adjusted_rand_index, group_stability

__all__ = [
    "Cell",
    "GroupBreakdown",
    "KSmoother",
    "OpinionError",
    "OpinionGroup",
    "OpinionResult",
    "OpinionState",
    "Settings",
    "Stability",
    "StatementPick",
    "VoteMatrix",
    "adjusted_rand_index",
    "analyse",
    "analyse_matrix",
    "build_matrix",
    "demographic_breakdown",
    "group_stability",
    "next_statement",
    "priorities",
    "regroup",
]
