/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-autostart.h: start at login, so unfinished uploads go on
 *
 * When the user asks for it (Preferences), Filemail starts at login as a
 * service without a window (--gapplication-service): it resumes what was
 * left unfinished and quits when it is done. In a Flatpak this is asked
 * of the Background portal (RequestBackground with autostart); elsewhere
 * it is an XDG autostart entry in ~/.config/autostart.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     fm_autostart_set_async  (gboolean             enabled,
                                  GtkWindow           *parent,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gboolean fm_autostart_set_finish (GAsyncResult        *result,
                                  GError             **error);
char    *fm_autostart_dup_entry_path (void);

G_END_DECLS
