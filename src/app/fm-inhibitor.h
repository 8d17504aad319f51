/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-inhibitor.h: the computer stays awake while files move
 *
 * While an upload or a download runs, suspend and logout are inhibited
 * through gtk_application_inhibit() (the session manager, or the inhibit
 * portal in a sandbox) with a reason the session shows: "Sending 3 files".
 * The moment nothing runs (done, paused, failed, waiting for the network)
 * it is released.
 */
#pragma once

#include <gtk/gtk.h>

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_INHIBITOR (fm_inhibitor_get_type ())
G_DECLARE_FINAL_TYPE (FmInhibitor, fm_inhibitor, FM, INHIBITOR, GObject)

FmInhibitor *fm_inhibitor_new        (GtkApplication *application,
                                      FmSession      *session);
const char  *fm_inhibitor_get_reason (FmInhibitor    *self);

G_END_DECLS
