"""Errors the composition root turns into one clear line and exit status 2."""


class HavenError(Exception):
    """Base class for errors that carry a message meant for an operator."""


class ContentError(HavenError):
    """A content file under content/ is missing, malformed or inconsistent."""

    def __init__(self, file: str, entry: str, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.problem = problem
        super().__init__(f"{file}: {entry}: {problem}")


class ConfigError(HavenError):
    """A setting from .env or the environment is missing or malformed."""

    def __init__(self, variable: str, expected: str) -> None:
        self.variable = variable
        self.expected = expected
        super().__init__(f"{variable}: {expected}")


class StorageError(HavenError):
    """The database cannot be opened or is from a newer schema version."""
