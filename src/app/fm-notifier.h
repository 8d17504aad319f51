/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-notifier.h: what the app tells the desktop while nobody looks
 *
 * When the window is not in front: "Transfer sent" with Copy Link, and a
 * failed upload with Retry (or Send Again). The buttons are application
 * actions (app.copy-link, app.retry-upload, app.send-again-upload), so
 * they work with the window closed while the app runs in the background.
 */
#pragma once

#include <gtk/gtk.h>

#include "fm-automation.h"
#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_NOTIFIER (fm_notifier_get_type ())
G_DECLARE_FINAL_TYPE (FmNotifier, fm_notifier, FM, NOTIFIER, GObject)

FmNotifier *fm_notifier_new (GtkApplication *application,
                             FmSession      *session);

void        fm_notifier_watch_automation (FmNotifier   *self,
                                          FmAutomation *automation);

G_END_DECLS
