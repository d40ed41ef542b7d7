"""charter: keep customer-service teams honest about the promises they make."""

__version__ = "0.1.0"
