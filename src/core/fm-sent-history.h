/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-sent-history.h: whom transfers sent from this computer went to
 *
 * The API never says who a transfer was sent to (the reference's lists and
 * transfer/get carry no recipients), so the client remembers it when it
 * initializes a transfer: $XDG_STATE_HOME/filemail/sent-history.json, mode
 * 0600, {"version": 1, "transfers": {ID: {"to": [...], "time": UNIX}}}, the
 * newest FM_SENT_HISTORY_MAX entries. A transfer not in it was sent from
 * elsewhere: nothing is said about its recipients.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FM_SENT_HISTORY_MAX 10000

#define FM_TYPE_SENT_HISTORY (fm_sent_history_get_type ())
G_DECLARE_FINAL_TYPE (FmSentHistory, fm_sent_history, FM, SENT_HISTORY, GObject)

FmSentHistory *fm_sent_history_new          (const char    *path);
FmSentHistory *fm_sent_history_new_default  (void);
const char    *fm_sent_history_get_path     (FmSentHistory *self);
gboolean       fm_sent_history_add          (FmSentHistory *self,
                                             const char    *transfer_id,
                                             const char    *to,
                                             GError       **error);
gboolean       fm_sent_history_add_recipients (FmSentHistory *self,
                                             const char    *transfer_id,
                                             const char    *to,
                                             GError       **error);
gboolean       fm_sent_history_mark_replaced (FmSentHistory *self,
                                             const char    *transfer_id,
                                             GError       **error);
gboolean       fm_sent_history_is_replaced  (FmSentHistory *self,
                                             const char    *transfer_id);
GStrv          fm_sent_history_lookup       (FmSentHistory *self,
                                             const char    *transfer_id);
void           fm_sent_history_apply        (FmSentHistory *self,
                                             GListModel    *transfers);

G_END_DECLS
