"""Insights: which exercise types helped people like me, with honest intervals."""
