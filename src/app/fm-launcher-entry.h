/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-launcher-entry.h: progress on the dock (see fm-launcher-entry.c) */
#pragma once

#include <gio/gio.h>

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_LAUNCHER_ENTRY (fm_launcher_entry_get_type ())
G_DECLARE_FINAL_TYPE (FmLauncherEntry, fm_launcher_entry, FM, LAUNCHER_ENTRY, GObject)

FmLauncherEntry *fm_launcher_entry_new          (GDBusConnection *connection,
                                                 const char      *app_id,
                                                 FmSession       *session);
double           fm_launcher_entry_get_progress (FmLauncherEntry *self);
gint64           fm_launcher_entry_get_count    (FmLauncherEntry *self);

G_END_DECLS
