"""The core rules of a review: pure Python, no Qt, no SQLAlchemy, no file formats."""
