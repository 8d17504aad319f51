/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-automation.h: the work nobody started by hand
 *
 * Uploads left unfinished by a quit or a crash resume at start; while
 * logged in, received/get is asked with "from" for what is new since the
 * last look (at login, every few minutes, when the network comes back),
 * each new transfer is announced ("received") and, with automatic
 * downloads on, saved into a folder of its own under the download folder
 * ("arrived" once its files are in; "skipped" for one behind a password,
 * left for the user). The last look is kept on disk (0600), per server and
 * account, so what arrived while the app was closed is found at start.
 *
 * On a metered connection (GNetworkMonitor:network-metered) this work
 * waits, unless "allow-metered" or until fm_automation_go_anyway(): the
 * resumed uploads stay paused (FmUploadJob:held) and the downloads are
 * kept for later; "held" says something waits. What the user starts by
 * hand is not this object's business and always runs.
 */
#pragma once

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_AUTOMATION (fm_automation_get_type ())
G_DECLARE_FINAL_TYPE (FmAutomation, fm_automation, FM, AUTOMATION, GObject)

FmAutomation *fm_automation_new            (FmSession    *session,
                                            const char   *state_path);
void          fm_automation_set_auto_download (FmAutomation *self,
                                            gboolean      enabled);
gboolean      fm_automation_get_auto_download (FmAutomation *self);
void          fm_automation_set_interval   (FmAutomation *self,
                                            guint         seconds);
void          fm_automation_set_allow_metered (FmAutomation *self,
                                            gboolean      allow);
gboolean      fm_automation_is_metered     (FmAutomation *self);
gboolean      fm_automation_is_held        (FmAutomation *self);
guint         fm_automation_get_n_held_uploads (FmAutomation *self);
gboolean      fm_automation_get_downloads_waiting (FmAutomation *self);
GListModel   *fm_automation_get_skipped    (FmAutomation *self);

void          fm_automation_resume_uploads (FmAutomation *self);
void          fm_automation_check_now      (FmAutomation *self);
void          fm_automation_go_anyway      (FmAutomation *self);
void          fm_automation_set_max_size   (FmAutomation *self,
                                            gint64        bytes);
gboolean      fm_automation_download_anyway (FmAutomation *self,
                                            const char   *id,
                                            GError      **error);
void          fm_automation_skip           (FmAutomation *self,
                                            const char   *id);

G_END_DECLS
