"""The window. The only package that imports PySide6; it talks to services, never to storage."""
