"""Listeners told of every inspection recorded, inside its transaction: apps to the right of
this one (metering: an inspection answers its power alerts) register in their AppConfig.ready(),
so this app never imports them. A listener's Refused rolls the inspection back like any other."""

_listeners = []


def register_inspection_listener(listener):
    """`listener(inspection, by)`; registering the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_inspection_listener(listener):
    if listener in _listeners:
        _listeners.remove(listener)


def inspection_recorded(inspection, by):
    for listener in list(_listeners):
        listener(inspection, by)
