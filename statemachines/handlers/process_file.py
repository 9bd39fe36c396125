"""processFile: receives checkSize's result (the size in bytes) and reports the file processed."""


def handler(event, context):
    if not isinstance(event, int):
        raise TypeError(f"processFile expects a size in bytes, got {event!r}")
    return {"processed": True, "size": event}
