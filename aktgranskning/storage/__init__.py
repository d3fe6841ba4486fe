"""The granskningsfil: SQLite through SQLAlchemy, with Alembic migrations."""
