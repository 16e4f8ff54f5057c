"""SEND Scorecard: performance scorecards for SEND services in English local areas."""

__version__ = "0.1.0"
