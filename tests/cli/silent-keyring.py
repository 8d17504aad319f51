#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Secret Service that never answers, as a locked keyring whose unlock
prompt waits on a display nobody sees: owns org.freedesktop.secrets on the
session bus and drops every call made to it. Prints "ready" once it owns
the name."""

from gi.repository import Gio, GLib


def swallow(connection, message, incoming):
    if incoming and message.get_message_type() == Gio.DBusMessageType.METHOD_CALL \
            and message.get_sender() != "org.freedesktop.DBus":
        return None     # dropped: the caller waits
    return message


def acquired(connection, name):
    print("ready", flush=True)


def bus_acquired(connection, name):
    connection.add_filter(swallow)


Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.secrets", Gio.BusNameOwnerFlags.NONE,
                 bus_acquired, acquired, None)
GLib.MainLoop().run()
