"""Deep inspectors: one module per model format, each reading headers only.

Every module has ``inspect(stream, size) -> ModelDetails``.  The stream may
be forward-only, and no inspector runs, imports or unpickles package content.
"""
