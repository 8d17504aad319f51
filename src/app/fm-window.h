/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-window.h: the main window: Send, Inbox and Outbox */
#pragma once

#include <adwaita.h>

#include "fm-automation.h"
#include "fm-session.h"
#include "fm-transfer-list.h"

G_BEGIN_DECLS

#define FM_TYPE_WINDOW (fm_window_get_type ())
G_DECLARE_FINAL_TYPE (FmWindow, fm_window, FM, WINDOW, AdwApplicationWindow)

FmWindow *fm_window_new        (GtkApplication *application,
                                FmSession      *session,
                                GSettings      *settings);
void      fm_window_add_files  (FmWindow       *self,
                                GFile         **files,
                                guint           n_files);
GtkWidget *fm_window_get_send_page (FmWindow   *self);
FmTransferList *fm_window_get_transfer_list (FmWindow *self,
                                             gboolean  sent);
void       fm_window_show_page      (FmWindow   *self,
                                     const char *name);
gboolean   fm_window_is_offline_shown (FmWindow *self);
gboolean   fm_window_drop_files    (FmWindow   *self,
                                    GSList     *files);

void      fm_window_set_automation (FmWindow   *self,
                                    FmAutomation *automation);
gboolean  fm_window_is_metered_shown (FmWindow *self);
FmTransferList *fm_window_get_links_list (FmWindow *self);
gboolean  fm_window_drop_text      (FmWindow   *self,
                                    const char *text);
gboolean  fm_window_open_link      (FmWindow   *self,
                                    const char *text,
                                    GError    **error);

void            fm_window_add_toast          (FmWindow       *self,
                                              AdwToast       *toast);

G_END_DECLS
