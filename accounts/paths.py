"""Region paths ("23/2308/230826/"): the materialised code path every area-scoped row carries,
and the arithmetic on it. Kept apart from the models so scoping and models both use it."""


def ancestor_paths(path):
    """The paths of the place whose path is given and of every place above it, top first."""
    codes = [code for code in (path or "").split("/") if code]
    return ["/".join(codes[: index + 1]) + "/" for index in range(len(codes))]


def path_at_level(path, level):
    """The path of the place at `level` (Region.Level) that contains the given path, or None
    when the path is above that level."""
    ancestors = ancestor_paths(path)
    return ancestors[level - 1] if len(ancestors) >= level else None
