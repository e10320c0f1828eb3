"""Knowledge gaps: what members asked that the knowledge base could not answer well, grouped by
meaning (``knowledge_gaps``), and the weekly digest of them to the organisers (``bot.gaps.digest``)."""

from bot.gaps.report import Gap, knowledge_gaps

__all__ = ["Gap", "knowledge_gaps"]
