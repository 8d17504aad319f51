/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-list-cache.h: the last known Inbox and Outbox, on disk
 *
 * Each list as it was last seen, with what transfer/get added to its rows
 * (sender, files), per server and account, in files only the user can
 * read (0600 in a 0700 folder). It lets the window show the lists at once
 * at start and while offline (marked as not yet refreshed), and the GNOME
 * Shell search provider find transfers without asking the server. A
 * logout removes the account's files. Everything read back is checked as
 * hostile: a damaged file is no cache.
 */
#pragma once

#include <gio/gio.h>

#include "fm-transfer.h"

G_BEGIN_DECLS

typedef enum {
  FM_LIST_SENT,
  FM_LIST_RECEIVED,
} FmListKind;

#define FM_TYPE_LIST_CACHE (fm_list_cache_get_type ())
G_DECLARE_FINAL_TYPE (FmListCache, fm_list_cache, FM, LIST_CACHE, GObject)

FmListCache *fm_list_cache_new    (const char   *directory);
void         fm_list_cache_remember (FmListCache *self,
                                     const char  *account,
                                     FmListKind   kind,
                                     GListModel  *transfers);
void         fm_list_cache_save   (FmListCache  *self,
                                   const char   *account,
                                   FmListKind    kind,
                                   GListModel   *transfers);
GListModel  *fm_list_cache_load   (FmListCache  *self,
                                   const char   *account,
                                   FmListKind    kind,
                                   gint64       *saved_at);
void         fm_list_cache_load_async  (FmListCache         *self,
                                        const char          *account,
                                        FmListKind           kind,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
void         fm_list_cache_load_first_async (FmListCache         *self,
                                             const char          *account,
                                             FmListKind           kind,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GListModel  *fm_list_cache_load_finish (FmListCache   *self,
                                        GAsyncResult  *result,
                                        gint64        *saved_at,
                                        GError       **error);
void         fm_list_cache_clear  (FmListCache  *self,
                                   const char   *account);
gboolean     fm_list_cache_flush  (FmListCache  *self);
GPtrArray   *fm_list_cache_search (FmListCache        *self,
                                   const char         *account,
                                   const char * const *terms);
FmTransfer  *fm_list_cache_lookup (FmListCache  *self,
                                   const char   *account,
                                   const char   *result_id,
                                   FmListKind   *kind);

G_END_DECLS
