/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-arrivals.h: transfers received since the last look
 *
 * received/get takes "from - Number (unixtime in milliseconds since
 * 1970.1.1) - Retrieves transfers received only after this date". That is
 * for where only new transfers matter (telling the user something arrived),
 * never for the Inbox itself (a deletion must show there). The first mark
 * is the moment the watcher was made: what was there before is not new.
 */
#pragma once

#include "fm-client.h"

G_BEGIN_DECLS

#define FM_TYPE_ARRIVALS (fm_arrivals_get_type ())
G_DECLARE_FINAL_TYPE (FmArrivals, fm_arrivals, FM, ARRIVALS, GObject)

FmArrivals *fm_arrivals_new          (FmClient             *client,
                                      gint64                since_unix_ms);
gint64      fm_arrivals_get_mark     (FmArrivals           *self);
GStrv       fm_arrivals_dup_seen     (FmArrivals           *self);
void        fm_arrivals_add_seen     (FmArrivals           *self,
                                      const char           *id);
void        fm_arrivals_check_async  (FmArrivals           *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GListModel *fm_arrivals_check_finish (FmArrivals           *self,
                                      GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
